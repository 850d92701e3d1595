"""Parameters of a scenario and a policy: listed with their ranges, set by name (issue 10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.parameters import (
    find,
    parameters,
    parse_name,
    repair,
    unit_of,
    unranged_assumptions,
    with_values,
)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
BASELINE = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
runner = CliRunner()


@pytest.fixture(scope="module")
def tq() -> tuple:
    scenario = load_scenario(ROOT / "scenarios" / "tuyen_quang.yaml")
    return scenario, parameters(scenario, BASELINE)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_assumption_of_the_shipped_scenarios_has_a_range(path: Path) -> None:
    found = parameters(load_scenario(path), BASELINE)
    assert unranged_assumptions(found) == []
    assert all(p.source for p in found)
    assert len([p for p in found if p.range is not None]) > 150


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_any_draw_within_the_ranges_is_a_valid_scenario(path: Path) -> None:
    scenario = load_scenario(path)
    found = parameters(scenario, BASELINE)
    ranged = [p for p in found if p.range is not None]
    rng = np.random.default_rng(7)
    draws = [{p.name: p.low for p in ranged}, {p.name: p.high for p in ranged}]
    draws += [{p.name: rng.uniform(p.low, p.high) for p in ranged} for _ in range(4)]
    for values in draws:
        varied, _ = with_values(scenario, BASELINE, values, params=found)
        total = sum(sector.prospect_share_pct for sector in varied.sectors)
        assert total == pytest.approx(100)


def test_one_value_changes_that_number_only(tq: tuple) -> None:
    scenario, found = tq
    varied, policy = with_values(
        scenario, BASELINE, {"economy.existing_output_growth_pct": 11.5}, params=found
    )
    assert varied.economy.existing_output_growth_pct == 11.5
    assert policy is BASELINE
    before = scenario.model_dump(exclude={"economy"})
    assert varied.model_dump(exclude={"economy"}) == before
    assert varied.economy.model_dump(exclude={"existing_output_growth_pct"}) == (
        scenario.economy.model_dump(exclude={"existing_output_growth_pct"})
    )


def test_a_shared_assumption_moves_every_place_together(tq: tuple) -> None:
    scenario, found = tq
    shared = next(p for p in found if len(p.members) > 2 and p.range is not None)
    block, first, others, field = parse_name(shared.name)
    assert (block, first, others) == (
        "zones",
        shared.members[0][0].split("[")[1].split("]")[0],
        len(shared.members) - 1,
    )
    at_low = shared.member_values(shared.low)
    at_high = shared.member_values(shared.high)
    at_value = shared.member_values(shared.value)
    assert all(v == pytest.approx(shared.low) for v in at_low.values())
    assert all(v == pytest.approx(shared.high) for v in at_high.values())
    assert at_value == pytest.approx(dict(shared.members))
    varied, _ = with_values(scenario, BASELINE, {shared.name: shared.high}, params=found)
    zones = {z.id: z for z in varied.zones}
    for place in at_high:
        zone = place.split("[")[1].split("]")[0]
        assert getattr(zones[zone], field) == pytest.approx(shared.high)


def test_levers_are_parameters_and_set_the_policy(tq: tuple) -> None:
    scenario, found = tq
    lever = next(p for p in found if p.name.startswith("levers."))
    _, policy = with_values(scenario, BASELINE, {lever.name: lever.high}, params=found)
    assert getattr(policy.levers, lever.name.split(".")[1]) == lever.high


def test_integer_numbers_are_rounded(tq: tuple) -> None:
    scenario, found = tq
    count = next(p for p in found if p.name.endswith("cluster_count") and p.range is not None)
    assert count.integer
    varied, _ = with_values(scenario, BASELINE, {count.name: count.low + 0.6}, params=found)
    zone = next(z for z in varied.zones if f"[{z.id}]" in count.members[0][0])
    assert zone.cluster_count == round(count.low + 0.6)


def test_a_row_whose_clusters_all_have_a_plant_keeps_them(tq: tuple) -> None:
    scenario, found = tq
    row = next(
        z
        for z in scenario.zones
        if z.clusters_with_wwtp and z.cluster_count and z.clusters_with_wwtp == z.cluster_count
    )
    name = f"zones[{row.id}].cluster_count"
    varied, _ = with_values(scenario, BASELINE, {name: 3}, params=found)
    after = next(z for z in varied.zones if z.id == row.id)
    assert after.cluster_count == after.clusters_with_wwtp == 3


def test_repairs_move_only_conflicting_values() -> None:
    data = {
        "zones": [
            {"id": "a", "occupancy_pct": 80, "serviced_pct": 60},
            {"id": "b", "occupancy_pct": 40, "serviced_pct": 60},
        ],
        "wastewater": {"fee_vnd_per_m3": 5000, "fee_cap_vnd_per_m3": 4000},
        "developers": {"discount_rate_pct": 10, "expected_rent_growth_cap_pct_per_year": 12},
        "economy": {"jobs_industry_base": 30, "workforce_base": 100},
        "labour": {"max_local_industry_share_pct": 25},
    }
    changed = repair(data)
    assert data["zones"][0]["serviced_pct"] == 80 and data["zones"][1]["serviced_pct"] == 60
    assert data["wastewater"]["fee_cap_vnd_per_m3"] == 5000
    assert data["developers"]["expected_rent_growth_cap_pct_per_year"] < 10
    assert data["labour"]["max_local_industry_share_pct"] > 30
    assert len(changed) == 4
    assert repair(data) == []


def test_an_unknown_name_is_refused_with_a_suggestion(tq: tuple) -> None:
    _, found = tq
    with pytest.raises(InputError) as caught:
        find(found, ["economy.existing_output_growth"], where="space.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "space.yaml"
    assert "economy.existing_output_growth_pct" in problem.message


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("promotion_bn_vnd_per_year", "bn VND/yr"),
        ("existing_output_growth_pct", "%"),
        ("beta_access", "utility"),
        ("rent_usd_m2", "USD/m²"),
        ("approval_months", "months"),
        ("prospects_per_month", "per month"),
        ("jobs_per_ha", "jobs/ha"),
        ("wwtp_cost_bn_vnd_per_1000_m3_day", "bn VND per 1,000 m³/day"),
        ("complaint_pct_per_month_per_1000_m3_day", "%/month per 1,000 m³/day"),
        ("access_gain_per_1000_bn_vnd", "index per 1,000 bn VND"),
        ("failure_pct_per_month", "%/month"),
        ("inflow_adjustment_pct_per_year", "%/yr"),
        ("operating_cost_fixed_pct_per_year", "% of capital/yr"),
        ("value_added_ratio_change_pct_per_year", "points/yr"),
        ("infrastructure_cost_bn_vnd_per_ha_ccn", "bn VND/ha"),
        ("zone_approval_months_kcn", "months"),
        ("fee_vnd_per_m3", "VND/m³"),
        ("generation_m3_per_ha_day", "m³/ha/day"),
        ("clearance_ha_per_month", "ha/month"),
        ("approval_servers_kcn", "desks"),
        ("cluster_count", "clusters"),
    ],
)
def test_units_come_from_field_names(name: str, unit: str) -> None:
    assert unit_of(name) == unit


def test_the_params_command_lists_flags_and_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "params.csv"
    # a copy of Tuyên Quang whose largest fine has lost its range: the one flag expected
    text = (ROOT / "scenarios" / "tuyen_quang.yaml").read_text(encoding="utf-8")
    assert text.count("    fine_max_bn_vnd: [2, 6]\n") == 1
    copy = tmp_path / "tuyen_quang.yaml"
    copy.write_text(text.replace("    fine_max_bn_vnd: [2, 6]\n", ""), encoding="utf-8")
    (tmp_path / "policies").symlink_to(ROOT / "scenarios" / "policies")
    result = runner.invoke(
        app,
        [
            "params",
            str(copy),
            "--policy",
            "baseline",
            "--csv",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert "economy.existing_output_growth_pct" in set(table["parameter"])
    assert "levers.promotion_bn_vnd_per_year" in set(table["parameter"])
    assert set(table.loc[table["flag"] == "no range", "parameter"]) == {
        "wastewater.fine_max_bn_vnd"
    }
    assert "without a range" in result.stderr and "fine_max_bn_vnd" in result.stderr
    missing = runner.invoke(
        app, ["params", str(ROOT / "scenarios" / "tuyen_quang.yaml"), "--missing"]
    )
    assert missing.exit_code == 0
    assert "economy.existing_output_growth_pct" not in missing.stdout


def test_the_params_command_refuses_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: [1, 2\n", encoding="utf-8")
    result = runner.invoke(app, ["params", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and str(bad) in " ".join(result.stderr.split())
