"""Land cleared ahead of investors (docs/model.md §2.9): planned clusters' first phases, paid
from the head's own appropriation, through the districts' throughput, handed to the developer
who takes the cluster up."""

from __future__ import annotations

import pytest

from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers


def ahead(baseline: Policy, per_year: float) -> Policy:
    return with_levers(baseline, clearance_ahead_bn_vnd_per_year=per_year)


def run_months(model: IZModel, months: int) -> None:
    model.env.run(until=months - 0.5)


def cleared_ahead(model: IZModel) -> list[str]:
    return [key for _, kind, key in model.events if kind == "clearance_ahead"]


def test_without_money_nothing_is_cleared_ahead(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(scenario, baseline, 0)
    run_months(model, 36)
    assert cleared_ahead(model) == []
    assert model.agencies.clearance_ahead.spent_bn_vnd == 0.0


def test_only_planned_clusters_without_a_developer_are_cleared(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, ahead(baseline, 60), 0)
    started = {}
    for month in range(60):
        run_months(model, month + 1)
        for key in cleared_ahead(model):
            started.setdefault(key, month)
    assert started, "60 bn a year clears some cluster in five years"
    zones = {zone.key: zone for zone in model.zones}
    assert all(not zones[key].is_kcn for key in started)
    spec = {z.id: z for z in scenario.zones}
    assert all(spec[key].stage == "planned" for key in started if key in spec)


def test_spending_stays_within_the_appropriation(scenario: Scenario, baseline: Policy) -> None:
    per_year = 20.0
    model = IZModel(scenario, ahead(baseline, per_year), 1)
    budget = model.agencies.budget
    for year in range(1, 6):
        run_months(model, 12 * year)
        # carried-over money may add to a later year, never the unallocated money
        assert budget.spent_by_purpose["clearance_ahead"] <= per_year * year + 1e-6
    assert budget.spent_by_purpose["clearance_ahead"] > 0
    assert model.agencies.clearance_ahead.spent_bn_vnd == pytest.approx(
        budget.spent_by_purpose["clearance_ahead"]
    )


def test_a_cluster_cleared_ahead_costs_its_developer_less_and_is_not_cleared_twice(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, ahead(baseline, 200), 2)
    plain = IZModel(scenario, baseline, 2)
    run_months(model, 48)
    run_months(plain, 48)
    done = [z for z in model.zones if z.clearance_ahead_bn_vnd > 0 and z.first_phase_cleared]
    assert done
    for zone in done:
        twin = plain.zones[zone.index]
        if twin.developer is None and zone.developer is None:
            assert model.first_phase_cost(zone) < plain.first_phase_cost(twin)
            assert model.pro_forma_ratio(zone) > plain.pro_forma_ratio(twin)
    # a developer that took up a cleared cluster never clears more than the zone's area
    assert all(z.cleared_ha <= z.area_ha + 1e-6 for z in model.zones)


def test_clearing_ahead_opens_more_clusters(scenario: Scenario, baseline: Policy) -> None:
    operating = []
    for policy in (baseline, ahead(baseline, 60)):
        count = 0
        for seed in range(4):
            model = IZModel(scenario, policy, seed)
            model.run()
            count += sum(z.operating and not z.is_kcn for z in model.zones)
        operating.append(count)
    assert operating[1] > operating[0]


def test_only_throughput_the_month_left_unused_is_used(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, ahead(baseline, 1000), 0)
    run_months(model, 13)  # January's appropriation is in
    works = model.agencies.clearance_ahead
    if works.current is None:
        works.month()
    zone = works.current
    assert zone is not None
    before, left = zone.cleared_ha, works.remaining_ha
    works.use_spare(0.0)  # developers took the whole month's throughput
    assert zone.cleared_ha == before
    works.use_spare(2.5)
    assert zone.cleared_ha == pytest.approx(before + min(2.5, left))


def test_a_developer_clears_only_what_the_province_has_not(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, ahead(baseline, 1000), 0)
    run_months(model, 13)
    works = model.agencies.clearance_ahead
    if works.current is None:
        works.month()
    zone = works.current
    already = zone.cleared_ahead_ha
    works.use_spare(1.0)
    assert zone.cleared_ahead_ha == pytest.approx(already + 1.0)
    assert works.hand_over(zone) == pytest.approx(already + 1.0)
    assert works.current is None and zone.cleared_ahead_ha == 0.0
    assert not zone.first_phase_cleared  # the rest is the developer's


def test_the_saving_leaves_out_the_share_the_province_pays_anyway(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, with_levers(baseline, public_clearance_pct=50), 0)
    zone = next(z for z in model.zones if not z.is_kcn and z.stage == "planned")
    cost_before = model.first_phase_cost(zone)
    zone.clearance_ahead_bn_vnd = 10.0
    assert model.cleared_ahead_saving(zone) == pytest.approx(5.0)
    assert model.first_phase_cost(zone) == pytest.approx(cost_before - 5.0)
