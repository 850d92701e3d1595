"""izsim as a Mesa model in a notebook: step(), running, run_model(), datacollector,
mesa.batch_run — with the simpy clock as the one clock."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model import wastewater
from izsim.model.mesa_core import DataCollector
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario, load_scenario
from tests.conftest import ROOT


def test_twelve_steps_are_twelve_months_with_their_indicators(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, baseline, 3)
    for _ in range(12):
        model.step()
    assert model.months_collected == 12 and model.steps == 12
    assert model.month == 12  # the clock is in month 12 (its decisions taken)
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(INDICATOR_IDS)
    assert len(frame) == 12
    assert np.allclose(frame.to_numpy(), model.values[:12], equal_nan=True)
    assert not np.isnan(model.values[:12, INDICATOR_IDS.index("jobs_industry")]).any()
    assert np.isnan(model.values[12:]).all()


def test_the_datacollector_is_made_when_first_used_and_can_be_replaced(
    scenario: Scenario, baseline: Policy
) -> None:
    """Made on first use (Mesa's collector imports pandas, which a run does not need), it
    is then one object, recording what step() collects; a notebook may set its own."""
    model = IZModel(scenario, baseline, 3)
    assert "datacollector" not in vars(model)
    model.run()  # run() does not collect through it
    assert "datacollector" not in vars(model)
    stepped = IZModel(scenario, baseline, 3)
    stepped.step()
    collector = stepped.datacollector
    assert isinstance(collector, DataCollector) and stepped.datacollector is collector
    assert len(collector.get_model_vars_dataframe()) == 1
    mine = DataCollector(model_reporters={"jobs": lambda m: m.indicator("jobs_industry")})
    stepped.datacollector = mine
    stepped.step()
    assert stepped.datacollector is mine
    assert list(mine.get_model_vars_dataframe()["jobs"]) == [
        stepped.values[1, INDICATOR_IDS.index("jobs_industry")]
    ]


def test_stepping_gives_the_results_of_one_run(scenario: Scenario, baseline: Policy) -> None:
    whole = IZModel(scenario, baseline, 5)
    whole.run()
    stepped = IZModel(scenario, baseline, 5)
    stepped.run_model()  # ends: running turns false at the horizon
    assert not stepped.running and stepped.steps == scenario.months
    assert np.array_equal(stepped.values, whole.values, equal_nan=True)
    assert np.array_equal(stepped.zone_stages, whole.zone_stages)
    assert stepped.events == whole.events
    stepped.step()  # past the horizon: nothing moves
    assert stepped.steps == scenario.months + 1 and stepped.months_collected == scenario.months


def test_indicator_before_any_step_is_refused(scenario: Scenario, baseline: Policy) -> None:
    with pytest.raises(ValueError, match="call step"):
        IZModel(scenario, baseline, 1).indicator("jobs_industry")


def test_mesa_batch_run_runs_seeds(scenario: Scenario, baseline: Policy) -> None:
    rows = mesa.batch_run(
        IZModel,
        parameters={"scenario": [scenario], "policy": [baseline], "seed": [1, 2]},
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert [row["seed"] for row in rows] == [1, 2]
    for row in rows:
        alone = IZModel(scenario, baseline, row["seed"])
        alone.run()
        assert row["Step"] == scenario.months - 1
        assert row["jobs_industry"] == alone.values[-1, INDICATOR_IDS.index("jobs_industry")]


def test_an_aggregate_row_counts_as_the_clusters_it_stands_for(
    scenario: Scenario, baseline: Policy
) -> None:
    """Counts of zones count an aggregate of existing clusters ``cluster_count`` times, so a
    row standing for several clusters is not one zone in the indicators."""
    model = IZModel(scenario, baseline, 0)
    rows = [z for z in model.zones if not z.is_kcn and z.operating and z.spec.expands is None]
    aggregates = [z for z in rows if z.spec.cluster_count > 1]
    assert aggregates  # the scenario has one
    counts = model._zone_indicators()
    assert counts["zones_operating_ccn"] == sum(z.spec.cluster_count for z in rows) > len(rows)
    assert counts["zones_established_ccn"] >= counts["zones_operating_ccn"]


@pytest.mark.parametrize("province", ["tuyen_quang", "hung_yen", "hai_duong"])
def test_plants_operating_at_the_start_are_sized_on_the_shared_market_view(
    province: str, baseline: Policy
) -> None:
    """A plant operating at the start is sized on the absorption developers expect, which
    shares the province's demand among every zone held: sized before the other holders were
    in place, each zone expected the whole demand alone. (Since 2026-11-29 it is sized by
    ``size_start_plant``, in modules of the design share; a design share of 5 % here, so that the
    capacity follows the expected flow closely and a different market view would show.)"""
    written = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
    data = written.model_dump(exclude_unset=True)
    data["wastewater"]["plant_design_share_pct"] = 5
    model = IZModel(written.revalidated(data), baseline, 1)
    operating = [z for z in model.zones if z.wwtp == "operating" and z.wwtp_host is None]
    assert operating
    model._market_month = -1  # a fresh view of the market as it stands after the set-up
    for zone in operating:
        ahead = model.scenario.developers.wwtp_build_months
        flow = wastewater.expected_collected_m3_day(model, zone, ahead) * zone.plant_share
        full = wastewater.full_flow_m3_day(model, zone) * zone.plant_share
        module = 0.05 * full
        # the fewest modules that cover the flow expected on the shared view
        assert zone.wwtp_capacity_m3_day == pytest.approx(
            min(full, module * max(1, math.ceil(flow / module - 1e-9)))
        ), zone.spec.id
        assert zone.wwtp_capacity_m3_day < flow + module + 1e-6, zone.spec.id
