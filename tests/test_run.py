import numpy as np

from izsim.indicators import INDICATOR_IDS
from izsim.run import run
from izsim.scenario import Policy, Scenario


def test_same_seed_gives_identical_results(scenario: Scenario, baseline: Policy) -> None:
    a, b = run(scenario, baseline, 11), run(scenario, baseline, 11)
    assert a.values.tobytes() == b.values.tobytes()
    assert a.zones.equals(b.zones)
    assert a.events.equals(b.events)


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
