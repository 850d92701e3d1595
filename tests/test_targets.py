import numpy as np
import pytest

from izsim.scenario.schema import Target
from izsim.targets import measured, value_at_deadline

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
