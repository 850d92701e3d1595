"""Proposals under way at the start: new KCN proposals the model files itself before the start
(docs/model.md §2.3a, *Proposals under way at the start*)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from izsim.model.model import IZModel
from izsim.model.spin_up import monthly_draws, spin_up_months
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers
from tests.model.test_establishment import KCNS, national, variant


def eager(scenario: Scenario, **numbers: Any) -> Scenario:
    """:func:`national` with every candidate developer taking a KCN up the month it is offered
    (certain entry, a hurdle any pro forma clears, money for any first phase) and ``numbers``
    of the establishment block, its proposals under way spun up."""
    base = national(scenario, start_proposals="spin_up", **numbers)
    return variant(
        base,
        developers={
            "private_entry_pct_per_month": 100,
            "hurdle_ratio": 1e-6,
            "finance_capacity_bn_vnd_kcn": 1e9,
            "finance_capacity_spread": 0,
        },
    )


def under_way(model: IZModel) -> list[str]:
    return [key for month, kind, key in model.events if kind == "proposal_under_way"]


def test_the_spin_up_is_as_long_as_the_longest_pipeline(scenario: Scenario) -> None:
    """National appraisal, at most the queue's years to a January with a place, the province's
    months: 12 + 12 × 1 + 6; with no year of queue the decision comes when the dossier is ready."""
    assert spin_up_months(eager(scenario, national_queue_years=1)) == 30
    assert spin_up_months(eager(scenario, national_queue_years=0)) == 18


def test_spin_up_needs_a_queue(scenario: Scenario) -> None:
    with pytest.raises(ValidationError, match="spin_up needs national_queue_years"):
        national(scenario, start_proposals="spin_up")


def test_without_a_quota_the_proposals_of_the_last_appraisal_are_under_way(
    scenario: Scenario, baseline: Policy
) -> None:
    """Every site is proposed the first month it can be: established before the start, it is
    planned again and proposed again; those filed in the last year before the start are still
    before the Prime Minister then (at −30: appraised −18, established −12; at −12: the
    dossier ready at the start, the national decision at t = 0, established at t = 6, stamped
    in the months then running, 0 and 5)."""
    model = IZModel(eager(scenario, national_queue_years=1), baseline, 0)
    assert sorted(under_way(model)) == sorted(KCNS)
    model.run()
    for key in KCNS:
        zone = model.zone_by_id[key]
        assert zone.national_approval_month == 0
        assert zone.established_month == 5


def test_a_proposal_approved_nationally_before_the_start_waits_only_the_provinces_rest(
    scenario: Scenario, baseline: Policy
) -> None:
    """Ten months of appraisal, a year of queue, 24 months of the province's (46 months of
    spin-up): filed at −46, approved −36, established
    −12 (in the start's stock); filed again at −12, approved at t = −2, established at t = 22
    (the months that end then: −3 and 21), with no national decision in the run."""
    scenario = variant(eager(scenario, national_queue_years=1, national_approval_months_kcn=10))
    scenario = variant(scenario, developers={"zone_approval_months_kcn": 24})
    model = IZModel(scenario, baseline, 0)
    assert spin_up_months(scenario) == 46
    model.run()
    for key in KCNS:
        zone = model.zone_by_id[key]
        assert zone.national_approval_month == -3
        assert zone.established_month == 21
    assert not [e for e in model.events if e[1] == "national_approval"]


def test_under_a_quota_the_start_opens_with_the_round_already_filled(
    scenario: Scenario, baseline: Policy
) -> None:
    """One approval a year: without a spin-up the first new KCN is established 18 months in (a
    proposal of month 0, the national year, the province's six months: month 17 ends then); with
    it, the proposals
    under way take the start's years' places, so one is established earlier, and the run's
    years never give more approvals than the quota allows."""
    for start, first_before in (("recorded", False), ("spin_up", True)):
        spun = eager(scenario, national_queue_years=1, national_kcn_approvals_per_year=1)
        spun = variant(spun, establishment={"start_proposals": start})
        for seed in range(3):
            model = IZModel(spun, baseline, seed)
            model.run()
            months = [model.zone_by_id[k].established_month for k in KCNS]
            first = min(m for m in months if m is not None)
            assert (first < 17) is first_before, (start, seed, months)
            granted = model.national_quota.granted
            assert all(granted[year] <= 1 for year in granted if year >= 0)
            if start == "spin_up":
                assert under_way(model), seed


def test_no_proposal_is_under_way_while_the_provinces_kcn_fail_the_condition(
    scenario: Scenario, baseline: Policy
) -> None:
    """Held as at the start: a province whose established KCN are not leased to the condition
    filed nothing (Long Bình An, operating, is not leased to 100 %)."""
    zones = {z.id: z for z in scenario.zones}
    for condition, expected in ((100, []), (0, sorted(KCNS))):
        spun = eager(scenario, national_queue_years=1, min_kcn_occupancy_for_new_kcn_pct=condition)
        data = spun.model_dump(exclude_unset=True)
        data["zones"].append(zones["long_binh_an"].model_dump(exclude_unset=True))
        model = IZModel(Scenario.model_validate(data), baseline, 0)
        assert sorted(under_way(model)) == expected, condition


def test_the_proposals_under_way_do_not_depend_on_the_policy(
    scenario: Scenario, baseline: Policy
) -> None:
    """The policy starts with the run: a package that pays developers' clearance and plants
    changes their pro formas in the run, not which proposals were filed before it. A hurdle
    just above the pro forma the start's market gives (read with nothing spun up) leaves every
    site planned before the start, under the package too, which clears it in the run."""
    base = eager(
        scenario, national_queue_years=1, national_kcn_approvals_per_year=1, hurdle_spread=0
    )
    recorded = variant(base, establishment={"start_proposals": "recorded"})
    model = IZModel(recorded, baseline, 0)
    written = max(model.pro_forma_ratio(model.zone_by_id[key]) for key in KCNS)
    hurdle = variant(base, developers={"hurdle_ratio": written * 1.05})
    generous = with_levers(baseline, public_clearance_pct=100, wwtp_support_pct=100)
    for seed in range(4):
        plain = IZModel(hurdle, baseline, seed)
        helped = IZModel(hurdle, generous, seed)
        assert under_way(plain) == under_way(helped) == []
        assert helped.pro_forma_ratio(helped.zone_by_id[KCNS[0]]) > written * 1.05
    # Below it the same sites are proposed, in the same months, under either policy.
    lower = variant(base, developers={"hurdle_ratio": written * 0.95})
    for seed in range(4):
        plain, helped = IZModel(lower, baseline, seed), IZModel(lower, generous, seed)
        filed = [(z.key, z.proposal_under_way) for z in plain.zones if z.proposal_under_way]
        assert filed, seed
        assert under_way(plain) == under_way(helped)
        assert [p.filed for _, p in filed] == [
            z.proposal_under_way.filed for z in helped.zones if z.proposal_under_way
        ]


def test_a_scenario_that_records_its_proposals_files_none(
    scenario: Scenario, baseline: Policy
) -> None:
    recorded = eager(scenario, national_queue_years=1)
    recorded = variant(recorded, establishment={"start_proposals": "recorded"})
    model = IZModel(recorded, baseline, 0)
    assert under_way(model) == []
    assert all(zone.developer is None for zone in model.zones if zone.key in KCNS)


def test_a_longer_spin_up_keeps_the_draws_of_the_months_it_shares() -> None:
    """The months are drawn from the start backwards: a set whose spin-up is a year longer
    (another year of queue) sees the same draws in the 30 months before the start as one of 30
    months (common random numbers across a calibration's sets), and new ones before them."""
    short = monthly_draws(np.random.default_rng(7), months=30, zones=5)
    long = monthly_draws(np.random.default_rng(7), months=42, zones=5)
    for month in range(30):
        for a, b in zip(short[month], long[month], strict=True):
            np.testing.assert_array_equal(a, b)
    assert not np.array_equal(long[30][0], long[29][0])
