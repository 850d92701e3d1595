"""experiments/national_check.py: a nation's runs share its draw of the nation's numbers and
draw the provinces' afresh; a set's calibrated numbers are the ones given; a nation with a
failed run is not read; a tiny run end to end against the shipped shared calibration."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, load_script

SHARED = ROOT / "results" / "calibration" / "shared"


@pytest.fixture(scope="module")
def script():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        yield load_script("national_check")


def test_a_nation_shares_its_draw_and_its_provinces_draw_their_own(script) -> None:  # type: ignore[no-untyped-def]
    _, factors, calibrated = script.space_factors(SHARED)
    k = len(calibrated)
    fresh = [0, 3]
    given = np.array([[f.low for f in factors[:k]], [f.high for f in factors[:k]]])
    sets, draws, provinces = 2, 3, 4
    common = dict(k=k, fresh=fresh, sets=sets, draws=draws, provinces=provinces, seed=5)
    prior = script.design(factors, None, **common)
    fitted = script.design(factors, given, **common)
    assert prior.shape == fitted.shape == (sets * draws * provinces, len(factors))
    nation = np.arange(len(prior)) // provinces
    rest = fitted[:, k:]
    for j in range(rest.shape[1]):
        per_nation = pd.Series(rest[:, j]).groupby(nation).nunique()
        if j in fresh:
            assert (per_nation == provinces).all()  # each province its own
        else:
            assert (per_nation == 1).all()  # the nation's, once a draw
            assert pd.Series(rest[:, j]).nunique() == sets * draws
    # the calibrated numbers: the given set's, in every run of the set
    of_set = np.arange(len(fitted)) // (draws * provinces)
    assert (fitted[:, :k] == given[of_set]).all()
    # the prior's: one point of the box a set, inside each range
    assert pd.DataFrame(prior[:, :k]).groupby(of_set).nunique().eq(1).all().all()
    for j, f in enumerate(factors[:k]):
        assert ((f.low <= prior[:, j]) & (prior[:, j] <= f.high)).all()
    # both ensembles see the same draws of the other numbers
    assert (prior[:, k:] == fitted[:, k:]).all()


def test_a_nation_with_a_failed_run_is_not_read(script) -> None:  # type: ignore[no-untyped-def]
    outputs = pd.DataFrame(
        {
            "sample": range(6),
            "status": ["ok", "ok", "ok", "ok", "failed", "ok"],
            "a": [1.0, np.nan, 3.0, 5.0, 7.0, 9.0],
        }
    )
    figures = script.national_figures(outputs, ["a"], draws=1, provinces=2)
    # a province without a value is left out of its nation's mean (as a set's mean does)
    assert figures["a"].iloc[0] == 1.0
    assert figures["a"].iloc[1] == 4.0
    assert np.isnan(figures["a"].iloc[2])
    assert list(figures["set"]) == [0, 1, 2]
    # the mean's variance from its provinces: their variance over how many read a value
    assert figures["a:spread"].iloc[1] == pytest.approx(2.0 / 2)
    assert np.isnan(figures["a:spread"].iloc[0]) and np.isnan(figures["a:spread"].iloc[2])


def test_a_count_s_spread_is_read_at_its_level(script) -> None:  # type: ignore[no-untyped-def]
    a, b = script.variance_at(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert a == pytest.approx(0, abs=1e-9) and b == pytest.approx(1)
    a, b = script.variance_at(np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    assert (a, b) == (pytest.approx(2.0), 0.0)  # one level: a constant


def test_the_check_says_whether_the_record_lies_in_the_nations_band(script) -> None:  # type: ignore[no-untyped-def]
    pattern = "kcn_pace_2016_2020"  # record 1.87 %/yr
    spread = {f"{pattern}:spread": [0.1, 0.1, 0.1, 0.1]}
    inside = pd.DataFrame({"set": [0, 0, 1, 1], pattern: [1.0, 2.0, 1.5, 2.5], **spread})
    below = pd.DataFrame({"set": [0, 0, 1, 1], pattern: [0.0, 0.2, 0.1, 0.3], **spread})
    (row,) = script.summary(inside, "x", [pattern])
    assert row["record_inside"] and row["nations"] == 4
    assert row["record_percentile"] == 50  # 1.0 and 1.5 below 1.87
    assert row["chance_sd"] == pytest.approx(np.sqrt(4 * 0.5**2 / 2))
    assert row["provinces_sd"] == pytest.approx(np.sqrt(0.1))
    assert row["draws_sd"] == pytest.approx(np.sqrt(0.5 - 0.1))
    # two sets: the spread is the sets' mean variance (0.5) at every level
    assert row["sd_at_record"] == pytest.approx(np.sqrt(0.5))
    assert row["accepts_from"] == pytest.approx(1.87 - 1.645 * np.sqrt(0.5), abs=0.02)
    assert row["accepts_to"] == pytest.approx(1.87 + 1.645 * np.sqrt(0.5), abs=0.02)
    assert row["sets_consistent_share"] == 1.0
    (row,) = script.summary(below, "x", [pattern])
    assert not row["record_inside"] and row["inside_tolerance_share"] == 0
    assert row["record_percentile"] == 100 and row["sets_consistent_share"] == 0


@pytest.mark.slow
def test_a_tiny_run_writes_its_table(script, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "national"
    argv = ["national_check.py", "--sets", "2", "--draws", "2", "--provinces", "2"]
    monkeypatch.setattr(sys, "argv", [*argv, "--workers", "1", "--out", str(out)])
    script.main()
    table = pd.read_csv(out / "national.csv", encoding="utf-8-sig")
    assert set(table["ensemble"]) == {"prior", "calibrated"}
    assert len(table) == 2 * len(script.TARGETS)
    assert (table["nations"] <= 2 * 2).all()
