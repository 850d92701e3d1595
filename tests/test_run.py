from pathlib import Path

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.run import EVENT_COLUMNS, ZONE_COLUMNS, run
from izsim.scenario import Policy, Scenario


def test_same_seed_gives_identical_results(scenario: Scenario, baseline: Policy) -> None:
    a, b = run(scenario, baseline, 11), run(scenario, baseline, 11)
    assert a.values.tobytes() == b.values.tobytes()
    assert a.zones.equals(b.zones)
    assert a.events.equals(b.events)


def test_tables_are_dataframes_made_on_first_access(scenario: Scenario, baseline: Policy) -> None:
    """run() keeps its tables as rows; read, they are DataFrames with one type a column, made
    once (a change to one is then what the rows give, as the files are written from them)."""
    result = run(scenario, baseline, 1)
    zones = result.zones
    assert result.zones is zones
    text = [*ZONE_COLUMNS[:9], "plant"]
    assert {c: str(t) for c, t in zones.dtypes.items()} == {
        **dict.fromkeys(text, "str"),
        **dict.fromkeys(["area_ha", "leasable_ha", "serviced_ha", "leased_ha"], "float64"),
        "occupancy_pct": "float64",
        "dropped": "bool",
    }
    assert result.zone_table().rows == list(zones.itertuples(index=False, name=None))
    zones.loc[0, "stage"] = "changed"
    assert result.zone_table().column("stage")[0] == "changed"
    assert {str(t) for t in result.events.dtypes} == {"str"}
    assert list(result.events.columns) == EVENT_COLUMNS
    assert result.events is result.events
    assert len(result.event_table().rows) == len(result.events) > 0


def test_different_seeds_differ(scenario: Scenario, baseline: Policy) -> None:
    assert not np.array_equal(run(scenario, baseline, 1).values, run(scenario, baseline, 2).values)


def test_timeseries_is_tidy_and_complete(scenario: Scenario, baseline: Policy) -> None:
    result = run(scenario, baseline, 1)
    tidy = result.timeseries
    assert list(tidy.columns) == ["month", "indicator", "value"]
    assert len(tidy) == scenario.months * len(INDICATOR_IDS)
    assert tidy["month"].iloc[0] == "2021-01" and tidy["month"].iloc[-1] == "2030-12"
    assert set(tidy["indicator"]) == set(INDICATOR_IDS)
    assert (
        result.value("industrial_output_bn_vnd", "2030-12")
        == result.wide().loc["2030-12", "industrial_output_bn_vnd"]
    )


def test_december_output_is_the_calendar_year(scenario: Scenario, baseline: Policy) -> None:
    result = run(scenario, baseline, 1)
    wide = result.wide()
    base = scenario.economy.industrial_output_base_bn_vnd
    dec_2021 = wide.loc["2021-12", "industrial_output_bn_vnd"]
    growth = wide.loc["2021-12", "industrial_output_growth"]
    assert np.isclose(growth, (dec_2021 / base - 1) * 100)


def test_long_horizon_runs(scenario: Scenario, baseline: Policy) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["scenario"]["horizon"] = "2050-12"
    long = Scenario.model_validate(data)
    result = run(long, baseline, 4)
    assert result.values.shape[0] == 360
    assert not np.isnan(result.values[:, INDICATOR_IDS.index("jobs_industry")]).any()


def test_a_finished_model_is_freed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mesa 3.3 keeps every model that made an agent (mesa issue 3179); a sweep's workers grew
    by about 0.5 MB a run until run() released it."""
    import gc
    import weakref

    from izsim import run as run_module
    from izsim.scenario.load import load_policy, load_scenario

    made: list[weakref.ref] = []
    real = run_module.IZModel

    def tracked(*args: object, **kwargs: object) -> object:
        model = real(*args, **kwargs)
        made.append(weakref.ref(model))
        return model

    monkeypatch.setattr(run_module, "IZModel", tracked)
    root = Path(__file__).resolve().parents[1] / "scenarios"
    run_module.run(
        load_scenario(root / "tuyen_quang.yaml"),
        load_policy(root / "policies" / "baseline.yaml"),
        1,
    )
    gc.collect()
    assert made and made[0]() is None
