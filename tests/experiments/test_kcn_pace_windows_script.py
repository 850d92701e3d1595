"""experiments/kcn_pace_windows.py: a window is the fitted pattern read over other dates; a
setting that names no number of the scenario is refused; the tables group runs by the KCN
waiting at the start; a tiny run end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from izsim.errors import InputError
from izsim.experiments.design import replicate_seeds
from tests.conftest import load_script


@pytest.fixture(scope="module")
def script():  # type: ignore[no-untyped-def]
    return load_script("kcn_pace_windows")


def test_a_window_is_the_fitted_pattern_over_other_dates(script) -> None:  # type: ignore[no-untyped-def]
    fitted = script.window_pattern("2016-06", "2020-03")
    other = script.window_pattern("2018-12", "2020-03")
    assert (other.measure.since, other.measure.until) == ("2018-12", "2020-03")
    assert other.measure.kind == fitted.measure.kind == "pace"
    assert other.measure.indicator == fitted.measure.indicator
    assert other.id == fitted.id == script.PATTERN
    assert script.WINDOWS[script.FITTED][:2] == ("2016-06", "2020-03")


def test_a_setting_must_name_a_number_the_scenario_writes(script) -> None:  # type: ignore[no-untyped-def]
    scenario = script.load_scenario(script.BACKCAST)
    policy = script.load_policy(script.POLICY)
    changed = script.variant(scenario, policy, "establishment.national_queue_years=0")
    assert changed.establishment.national_queue_years == 0
    assert scenario.establishment.national_queue_years == 1
    bad_ones = (
        "establishment.no_such_field=1",
        "nowhere.national_queue_years=1",
        "x",
        "establishment.national_queue_years=two",
        "establishment.min_kcn_occupancy_for_new_kcn_pct=150",  # the schema refuses it
    )
    for bad in bad_ones:
        with pytest.raises(InputError):
            script.variant(scenario, policy, bad)


def test_the_tables_group_runs_by_the_kcn_waiting_at_the_start(script) -> None:  # type: ignore[no-untyped-def]
    def reading(paces: list[float], waiting: int) -> dict[str, object]:
        return {"paces": paces, "years": {2016: 0.0, 2017: 1.0}, "waiting": waiting}

    runs = [
        reading([0.0, 4.0, 2.0, 1.0], 0),
        reading([2.0, 0.0, 4.0, 3.0], 1),
        reading([1.0, np.nan, 0.0, 5.0], 3),
    ]
    windows, years, waiting = script.tables({"written": runs})
    first = windows.iloc[0]
    assert first["runs"] == 3 and first["pace"] == pytest.approx(1.0)
    assert first["standard_error"] == pytest.approx(1.0 / np.sqrt(3))
    assert windows.iloc[1]["runs"] == 2  # a run without a value is left out
    assert list(years["new_kcn_a_province"]) == [0.0, 1.0]
    by = waiting.set_index("waiting_at_start")["pace"]
    assert by["0"] == 2.0 and by["1"] == 4.0 and by["2 or more"] == 0.0


@pytest.mark.slow
def test_a_tiny_run_writes_its_tables(script, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "kcn_pace"
    argv = ["kcn_pace_windows.py", "--runs", "2", "--workers", "1"]
    extra = ["--set", "establishment.national_queue_years=0", "--out", str(out)]
    extra += ["--what-if", "occupancy_operating"]
    monkeypatch.setattr(sys, "argv", [*argv, *extra])
    script.main()
    windows = pd.read_csv(out / "windows.csv", encoding="utf-8-sig")
    assert set(windows["variant"]) == {
        "written",
        "establishment.national_queue_years=0",
        "what-if occupancy_operating",
    }
    assert len(windows) == 3 * len(script.WINDOWS)
    assert (pd.read_csv(out / "by_waiting.csv", encoding="utf-8-sig")["runs"].sum()) == 3 * 2


def test_a_what_if_is_read_in_the_run_and_undone(script) -> None:  # type: ignore[no-untyped-def]
    """Provinces with two KCN or more waiting for their land found none in the fitted window
    while the condition counts that land (the model's reading), and some do when it reads
    operating KCN only; the patch is gone after each run."""
    from izsim.model import establishment
    from izsim.model.model import IZModel

    original = establishment.established_kcn_occupancy
    scenario = script.load_scenario(script.BACKCAST)
    policy = script.load_policy(script.POLICY)
    waiting = [
        seed
        for seed in replicate_seeds(1, 40)
        if sum(z.key.startswith(script.WAITING) for z in IZModel(scenario, policy, seed).zones) >= 2
    ][:8]
    assert len(waiting) == 8
    own = [script.one_run((None, None, seed))["paces"][script.FITTED] for seed in waiting]
    read = [
        script.one_run((None, "occupancy_operating", seed))["paces"][script.FITTED]
        for seed in waiting
    ]
    assert establishment.established_kcn_occupancy is original
    assert own == [0.0] * len(waiting)
    assert max(read) > 0
