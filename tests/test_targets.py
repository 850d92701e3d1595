import math

import numpy as np
import pytest

from izsim.scenario.schema import Target
from izsim.targets import annual_growth_pct, measured, value_at_deadline

SOURCE = {"seed": "002_d7745c00d4aaaa06.txt", "section": "I.2.b", "quote": "tăng bình quân"}


def target(**fields: object) -> Target:
    base = {"id": "t", "indicator": "industrial_output_bn_vnd", "comparator": ">=", "value": 17}
    return Target.model_validate({**base, "deadline": "2030-12", "source": SOURCE, **fields})


def test_level_targets_measure_the_indicator_itself() -> None:
    series = np.arange(120, dtype=float)
    assert measured(target(), series, "2021-01") is series
    assert value_at_deadline(target(), series, "2021-01") == 119


def test_growth_since_is_average_annual_growth_from_the_base_month() -> None:
    months = np.arange(120)
    series = 100 * 1.17 ** (months / 12)  # 17 % a year, smoothly
    growth = measured(target(growth_since="2025-12"), series, "2021-01")
    assert np.isnan(growth[: 59 + 1]).all()  # up to and including the base month
    assert growth[119] == pytest.approx(17.0)
    assert value_at_deadline(target(growth_since="2025-12"), series, "2021-01") == pytest.approx(
        17.0
    )


def test_growth_since_must_precede_the_deadline() -> None:
    with pytest.raises(ValueError, match="before the deadline"):
        target(growth_since="2030-12")


def test_annual_growth_is_compound_with_one_rule_for_the_ends() -> None:
    assert annual_growth_pct(100.0, 121.0, 24) == pytest.approx(10.0)
    assert annual_growth_pct(100.0, 110.0, 6) == pytest.approx(21.0)
    assert annual_growth_pct(100.0, 0.0, 12) == -100.0  # everything gone
    for first, last in ((0.0, 10.0), (-5.0, 10.0), (100.0, -1.0), (math.nan, 1.0), (1.0, math.nan)):
        assert math.isnan(annual_growth_pct(first, last, 12)), (first, last)
    with pytest.raises(ValueError, match="after the start"):
        annual_growth_pct(100.0, 110.0, 0)


def test_annual_growth_of_an_array_is_that_of_each_element() -> None:
    last = np.array([121.0, 0.0, -1.0, math.nan, 110.0])
    months = np.array([24, 12, 12, 12, 6])
    got = annual_growth_pct(100.0, last, months)
    one_by_one = [
        annual_growth_pct(100.0, float(x), int(k)) for x, k in zip(last, months, strict=True)
    ]
    np.testing.assert_allclose(got, one_by_one, rtol=1e-12)
    assert np.isnan(annual_growth_pct(0.0, last, months)).all()


def test_a_growth_target_whose_indicator_falls_to_zero_reads_minus_100() -> None:
    series = np.r_[np.full(60, 100.0), np.zeros(60)]
    growth = measured(target(growth_since="2025-12"), series, "2021-01")
    assert (growth[60:] == -100.0).all()
