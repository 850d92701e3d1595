"""Behaviour the plans rely on, each as a test with a clear direction."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model.arrivals import ArrivalProcess
from izsim.model.investor import Investor
from izsim.model.model import IZModel
from izsim.run import run
from izsim.scenario import Policy, Scenario
from izsim.scenario.policy import MONEY_LEVERS
from tests.conftest import with_levers

SEEDS = range(6)


def polluting_tenants_before_plant(model: IZModel) -> int:
    """Polluting tenants that chose a zone before its plant operated."""
    count = 0
    for agent in model.agents_by_type.get(Investor, []):
        zone = agent.zone
        if zone is None or not agent.polluting or agent.licensed_before_start:
            continue  # a project licensed before the start chose before any rule
        since = zone.plant.wwtp_since  # a connected expansion's plant is its parent's
        if since is None or agent.arrived < since:
            count += 1
    return count


def test_plant_before_tenants_keeps_polluters_out_of_zones_without_a_plant(
    scenario: Scenario, baseline: Policy
) -> None:
    ruled = with_levers(baseline, wwtp_before_tenants=True)
    without, with_rule = 0, 0
    for seed in SEEDS:
        for policy, tally in ((baseline, "without"), (ruled, "with")):
            model = IZModel(scenario, policy, seed)
            model.run()
            if tally == "with":
                with_rule += polluting_tenants_before_plant(model)
            else:
                without += polluting_tenants_before_plant(model)
    assert with_rule == 0
    assert without > 0  # the rule is what keeps them out: without it, some do come


def total_prospects(scenario: Scenario, policy: Policy, seed: int) -> float:
    values = run(scenario, policy, seed).values
    return float(values[:, INDICATOR_IDS.index("prospects")].sum())


def test_more_promotion_brings_more_prospects(scenario: Scenario, baseline: Policy) -> None:
    more = with_levers(baseline, promotion_bn_vnd_per_year=60)
    for seed in SEEDS:
        assert total_prospects(scenario, more, seed) > total_prospects(scenario, baseline, seed)


def zone_share(scenario: Scenario, policy: Policy, zone_id: str, rent_factor: float) -> float:
    """Expected logit share of one zone among a fixed batch of prospects."""
    model = IZModel(scenario, policy, 3)
    zone = model.zone_by_id[zone_id]
    zone.rent_usd_m2 *= rent_factor
    prospects_pool, _, _ = ArrivalProcess(scenario, np.random.default_rng(9)).draw(0)
    utility, feasible = model.choice_problem(prospects_pool)
    masked = np.where(feasible, utility, -np.inf)
    weights = np.exp(masked - masked.max(axis=1, keepdims=True))
    shares = weights / weights.sum(axis=1, keepdims=True)
    return float(shares[:, zone.index].mean())


def test_a_higher_rent_lowers_a_zones_share(scenario: Scenario, baseline: Policy) -> None:
    shares = [zone_share(scenario, baseline, "long_binh_an", f) for f in (0.8, 1.0, 1.5, 2.0)]
    assert all(a > b for a, b in itertools.pairwise(shares))


def test_a_higher_rent_leases_less_land_in_that_zone(scenario: Scenario, baseline: Policy) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["zones"][0]["rent_usd_m2"] *= 2
    dear = Scenario.model_validate(data)
    leased_cheap, leased_dear = 0.0, 0.0
    for seed in SEEDS:
        for spec, name in ((scenario, "cheap"), (dear, "dear")):
            model = IZModel(spec, baseline, seed)
            model.env.run(until=24)
            if name == "cheap":
                leased_cheap += model.zone_by_id["long_binh_an"].leased_ha
            else:
                leased_dear += model.zone_by_id["long_binh_an"].leased_ha
    assert leased_dear < leased_cheap


def test_public_fallback_develops_ccn_no_private_firm_takes(
    private_clusters_scenario: Scenario, baseline: Policy
) -> None:
    # (the existing clusters' own board would draw on the same allowance: a private firm holds
    # them here, so the allowance measures the fallback alone)
    data = private_clusters_scenario.model_dump(exclude_unset=True)
    data["developers"]["private_entry_pct_per_month"] = 0  # no private developer ever comes
    shunned = Scenario.model_validate(data)
    fallback = with_levers(
        baseline, public_developer_fallback_ccn=True, public_developer_bn_vnd_per_year=40
    )
    unfunded = with_levers(baseline, public_developer_fallback_ccn=True)
    new_ccn = INDICATOR_IDS.index("new_zones_ccn")
    operating_ccn = INDICATOR_IDS.index("new_zones_operating_ccn")
    assert run(shunned, baseline, 1).values[-1, new_ccn] == 0
    funded = run(shunned, fallback, 1).values[-1]
    assert funded[new_ccn] > 0
    assert funded[operating_ccn] > 0  # boards build what they establish
    # a board without an allowance establishes nothing it could not build
    assert run(shunned, unfunded, 1).values[-1, new_ccn] == 0


def test_revocation_drive_revokes_more_stalled_projects(
    scenario: Scenario, baseline: Policy
) -> None:
    drive = with_levers(baseline, revoke_stalled=True)
    revoked = INDICATOR_IDS.index("projects_revoked")
    idle = INDICATOR_IDS.index("land_idle_ha")
    base_total = sum(run(scenario, baseline, s).values[-1, revoked] for s in SEEDS)
    drive_runs = [run(scenario, drive, s).values for s in SEEDS]
    assert sum(v[-1, revoked] for v in drive_runs) > base_total
    base_idle = sum(run(scenario, baseline, s).values[-1, idle] for s in SEEDS)
    assert sum(v[-1, idle] for v in drive_runs) < base_idle


# Appropriations spent only as boards or qualifying tenants claim them, or as clusters wait to
# be cleared and the districts have throughput (chunks paid whole), are not programmes.
CLAIMED = (
    "public_developer_bn_vnd_per_year",
    "rent_support_bn_vnd_per_year",
    "clearance_ahead_bn_vnd_per_year",
)
PROGRAMMES = [lever for lever in MONEY_LEVERS if lever not in CLAIMED]


@pytest.mark.parametrize("lever", PROGRAMMES)
def test_every_money_lever_is_charged_to_the_budget(
    scenario: Scenario, baseline: Policy, lever: str
) -> None:
    spent = INDICATOR_IDS.index("public_spending_bn_vnd")
    years = scenario.months / 12
    before = run(scenario, baseline, 1).values[-1, spent] / years
    more = with_levers(baseline, **{lever: getattr(baseline.levers, lever) + 12})
    after = run(scenario, more, 1).values[-1, spent] / years
    # 12 bn VND a year more, as long as the programme budget has room (it does in the baseline)
    assert after - before == pytest.approx(12, abs=0.5)


def test_public_developers_spend_within_their_allowance(
    scenario: Scenario, baseline: Policy
) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["developers"]["private_entry_pct_per_month"] = 0  # only public boards develop
    shunned = Scenario.model_validate(data)
    for allowance in (40.0, 80.0):
        policy = with_levers(
            baseline, public_developer_fallback_ccn=True, public_developer_bn_vnd_per_year=allowance
        )
        model = IZModel(shunned, policy, 1)
        model.run()
        spent = model.agencies.budget.spent_by_purpose
        boards = sum(spent.get(p, 0.0) for p in ("clearance", "infrastructure", "wwtp"))
        assert 0 < boards <= allowance * scenario.months / 12 + 1e-6


@pytest.mark.parametrize(("per_month", "most_in_a_month"), [(0, 0), (1, 1), (3, 3)])
def test_district_boards_take_up_at_most_their_monthly_number_of_clusters(
    scenario: Scenario, baseline: Policy, per_month: int, most_in_a_month: int
) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["developers"]["private_entry_pct_per_month"] = 0  # only boards take up clusters
    data["agencies"]["public_ccn_takeups_per_month"] = per_month
    shunned = Scenario.model_validate(data)
    rich = with_levers(
        baseline, public_developer_fallback_ccn=True, public_developer_bn_vnd_per_year=400
    )
    model = IZModel(shunned, rich, 1)
    model.run()
    takeups = [month for month, event, _ in model.events if event == "developer_public"]
    counts = Counter(takeups)
    assert max(counts.values(), default=0) == most_in_a_month
