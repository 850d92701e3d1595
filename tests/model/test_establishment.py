"""Establishment of zones: national approval of KCN and its yearly quota, developers' own
hurdles, the plan's generic candidate sites (docs/model.md §2.3, §2.3a, §2.3b)."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from izsim.indicators import INDICATOR_IDS
from izsim.model import establishment
from izsim.model.establishment import NationalQuota, entry_chance
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers
from tests.model.test_developer import CCN, KCN, take_up

SOURCE = "assumption: a variant made by a unit test of establishment"
KCNS = ("nam_son_duong", "tam_da", "nhu_khe")  # Tuyên Quang's three planned new KCN


def variant(scenario: Scenario, data: dict[str, Any] | None = None, **blocks: Any) -> Scenario:
    """``scenario`` (or its dumped ``data``) with fields of some blocks changed, each sourced."""
    data = data if data is not None else scenario.model_dump(exclude_unset=True)
    for block, numbers in blocks.items():
        data.setdefault(block, {}).update(numbers)
        data[block].setdefault("sources", {}).update(dict.fromkeys(numbers, SOURCE))
    return Scenario.model_validate(data)


def national(scenario: Scenario, **numbers: Any) -> Scenario:
    """Only the named planned KCN and CCN, no entry of the model's own, and ``numbers`` of the
    establishment block (a year of national approval, six months of the province's part)."""
    data = scenario.model_dump(exclude_unset=True)
    data["zones"] = [z for z in data["zones"] if z["id"] in (*KCNS, CCN)]
    data.pop("outside_fence_projects", None)  # works serve zones left out
    return variant(
        scenario,
        data,
        developers={
            "private_entry_pct_per_month": 0,
            "zone_approval_months_kcn": 6,
            "zone_approval_months_ccn": 8,
        },
        investors={"prospects_per_month": 1e-9},
        establishment={
            "national_approval_months_kcn": 12,
            "national_kcn_approvals_per_year": None,  # no quota, no occupancy condition
            "min_kcn_occupancy_for_new_kcn_pct": None,
            "national_queue_years": None,  # every proposal queues (the earlier rule)
            **numbers,
        },
    )


# ---------------------------------------------------------------- national approval, quota
@pytest.mark.parametrize(
    ("per_year", "allowed"),
    [(1, [1, 1, 1, 1, 1]), (2, [2, 2, 2, 2, 2]), (0.4, [0, 0, 1, 0, 1]), (0.5, [0, 1, 0, 1, 0])],
)
def test_a_fractional_quota_allows_whole_approvals_over_the_years(
    per_year: float, allowed: list[int]
) -> None:
    quota = NationalQuota(per_year)
    assert [quota.allowed(year) for year in range(5)] == allowed


@pytest.mark.parametrize("per_year", [0.12, 0.37, 0.5])
def test_the_quotas_phase_moves_approvals_in_time_not_in_number(per_year: float) -> None:
    """Over ten years a share q allows q·10 approvals rounded down or up whatever the phase,
    and the year of the first one depends on the phase."""
    first_years = set()
    for phase in np.linspace(0, 0.99, 12):
        quota = NationalQuota(per_year, phase=float(phase))
        allowed = [quota.allowed(year) for year in range(10)]
        assert math.floor(per_year * 10) <= sum(allowed) <= math.ceil(per_year * 10)
        first_years.add(next(y for y, n in enumerate(allowed) if n > 0))
    assert len(first_years) > 1


def test_the_first_national_approval_varies_across_seeds(
    scenario: Scenario, baseline: Policy
) -> None:
    phases = {IZModel(scenario, baseline, seed).national_quota.phase for seed in range(5)}
    assert len(phases) == 5 and all(0 <= p < 1 for p in phases)


def test_new_kcn_wait_for_the_provinces_kcn_to_fill(scenario: Scenario, baseline: Policy) -> None:
    """Decree 35's condition: no new KCN while the established ones are leased below it."""
    established = {}
    for condition in (None, 60.0):
        model = IZModel(
            national(scenario, min_kcn_occupancy_for_new_kcn_pct=condition), baseline, 0
        )
        first = take_up(model, KCNS[0])[1]
        model.env.run(until=20)
        assert first.established  # no KCN before it: nothing to fill
        second = take_up(model, KCNS[1])[1]
        model.env.run(until=45)
        established[condition] = second.established
        if condition is not None:
            assert any(
                kind == "national_occupancy_wait" and key == KCNS[1]
                for _, kind, key in model.events
            )
            first.leased_ha = first.serviced_ha = first.leasable_ha  # the first one fills
            assert establishment.established_kcn_occupancy(model) == 1.0
            model.env.run(until=60)
            assert second.established
    assert established == {None: True, 60.0: False}


def test_a_quota_of_zero_establishes_no_new_kcn(scenario: Scenario, baseline: Policy) -> None:
    eager = {"private_entry_pct_per_month": 100, "hurdle_ratio": 1e-6}
    for quota, expected in ((0, 0), (1, 3)):
        model = IZModel(
            variant(
                scenario,
                developers=eager,
                # (no occupancy condition: the quota alone decides)
                establishment={
                    "national_kcn_approvals_per_year": quota,
                    "min_kcn_occupancy_for_new_kcn_pct": 0,
                },
            ),
            baseline,
            0,
        )
        model.run()
        row = model.values[-1]
        assert row[model._column["new_zones_kcn"]] == expected, quota
        # CCN are the province's own decision: the national quota does not hold them back.
        assert row[model._column["new_zones_ccn"]] > 0


def test_proposals_beyond_the_quota_wait_for_next_years_quota(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(national(scenario, national_kcn_approvals_per_year=1), baseline, 0)
    zones = [take_up(model, zone_id)[1] for zone_id in KCNS]
    model.env.run(until=50)
    # All three are proposed at t = 0 and approved nationally at t = 12; one approval a year:
    # the first at once, the others in January of the next years (t = 24, 36), each then six
    # months of the province's decision (established at the end of months 17, 29, 41).
    assert [z.established_month for z in zones] == [17, 29, 41]
    assert model.national_quota.granted == {1: 1, 2: 1, 3: 1}
    logged = [(m, kind) for m, kind, _ in model.events if kind.startswith("national")]
    assert logged == [
        (11, "national_approval"),
        (11, "national_quota_wait"),
        (11, "national_quota_wait"),
        (23, "national_approval"),
        (35, "national_approval"),
    ]


def test_provincial_reform_does_not_shorten_national_approval(
    scenario: Scenario, baseline: Policy
) -> None:
    months = {}
    for factor in (1.0, 0.5, 0.1):
        policy = with_levers(baseline, approval_time_multiplier=factor)
        model = IZModel(national(scenario), policy, 0)
        kcn, ccn = take_up(model, KCN)[1], take_up(model, CCN)[1]
        model.env.run(until=30)
        months[factor] = (kcn.established_month + 1, ccn.established_month + 1)
    # KCN: 12 national months whatever the reform, then 6 × factor; CCN: 8 × factor.
    assert months[1.0] == (18, 8)
    assert months[0.5] == (15, 4)
    assert months[0.1] == (13, 1)  # 12.6 and 0.8 months: decided within months 12 and 0
    assert all(kcn >= 12 for kcn, _ in months.values())


# ---------------------------------------------------------------- developers' hurdles
def entry_share(scenario: Scenario, policy: Policy, ratio: float, seeds: int) -> float:
    """Share of (planned zone, seed) pairs taken up by a private developer in the first month
    when every pro forma is ``ratio`` and every month brings a candidate who can pay."""
    taken = eligible = 0
    for seed in range(seeds):
        model = IZModel(scenario, policy, seed)
        model.pro_forma_ratio = lambda zone, r=ratio: r  # type: ignore[method-assign]
        planned = [
            z
            for z in model.zones
            if z.stage == "planned"
            and z.spec.expands is None
            and model.available_month[z.index] == 0
        ]
        model.decide_month()
        eligible += len(planned)
        taken += sum(z.developer is not None and not z.developer.public for z in planned)
    return taken / eligible


@pytest.mark.parametrize("spread", [0.0, 0.1])
def test_entry_moves_smoothly_with_the_pro_forma(
    scenario: Scenario, baseline: Policy, spread: float
) -> None:
    sure = variant(
        scenario,
        developers={
            "private_entry_pct_per_month": 100,
            "finance_capacity_bn_vnd_kcn": 1e6,
            "finance_capacity_bn_vnd_ccn": 1e6,
            "hurdle_ratio": 1.0,
        },
        # every planned site may be proposed (the national queue is tested below)
        establishment={"hurdle_spread": spread, "national_queue_years": None},
    )
    ratios = (0.9, 0.95, 1.0, 1.05, 1.1)
    shares = [entry_share(sure, baseline, r, seeds=20) for r in ratios]
    expected = [entry_chance(r, 1.0, spread) for r in ratios]
    # 200 draws per ratio (10 zones, 20 seeds): within about 3.5 standard errors.
    assert shares == pytest.approx(expected, abs=0.12)
    if spread == 0:
        # One hurdle for all: nothing just below it, everything at it (the knife-edge).
        assert shares[1] == 0 and shares[2] == 1
    else:
        # Developers differ: some take a pro forma a little below the median hurdle, some
        # refuse one a little above, and the share rises step by step.
        assert 0 < shares[1] < shares[2] < shares[3] < 1
        assert all(b - a < 0.35 for a, b in pairwise(shares))


def test_entry_chance_is_the_lognormal_hurdles_distribution() -> None:
    assert entry_chance(1.0, 1.0, 0.1) == pytest.approx(0.5)
    assert entry_chance(0.99, 1.0, 0.1) == pytest.approx(0.4600, abs=1e-4)  # Nghệ An's CCN
    assert entry_chance(0.99, 1.0, 0.0) == 0 and entry_chance(1.0, 1.0, 0.0) == 1
    assert entry_chance(0.0, 1.0, 0.1) == 0


# ---------------------------------------------------------------- candidate sites
SITES = {
    "id": "ccn_generic",
    "name": "CCN site of the plan",
    "kind": "ccn",
    "count": 3,
    "region": "south",
    "area_ha": [20, 40],
    "leasable_pct": 70,
    "access_index": 0.5,
    "labour_index": 0.5,
    "rent_usd_m2": 30,
    "source": SOURCE,
}


def with_sites(scenario: Scenario, **fields: Any) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data["candidate_sites"] = [{**SITES, **fields}]
    return Scenario.model_validate(data)


def test_candidate_sites_expand_into_planned_zones(scenario: Scenario, baseline: Policy) -> None:
    sited = with_sites(scenario)
    added = sited.all_zones[len(scenario.zones) :]
    assert sited.zones == scenario.zones
    assert [z.id for z in added] == ["ccn_generic_1", "ccn_generic_2", "ccn_generic_3"]
    assert [z.area_ha for z in added] == [20, 30, 40]
    assert {(z.kind, z.stage, z.region, z.developer) for z in added} == {
        ("ccn", "planned", "south", "none")
    }
    assert added[0].sources == {} and added[0].source == SOURCE
    model = IZModel(sited, baseline, 0)
    assert [z.key for z in model.zones[len(scenario.zones) :]] == [z.id for z in added]
    # Expanded the same way every time: a run is repeatable.
    assert with_sites(scenario).all_zones == sited.all_zones


def test_candidate_sites_wait_for_their_period(scenario: Scenario, baseline: Policy) -> None:
    eager = {
        "private_entry_pct_per_month": 100,
        "hurdle_ratio": 1e-6,
        "finance_capacity_bn_vnd_ccn": 1e6,
    }
    later = variant(with_sites(scenario, available_from="2022-01"), developers=eager)
    model = IZModel(later, baseline, 0)
    sites = model.zones[len(scenario.zones) :]
    model.env.run(until=11.5)  # months 0–11 decided
    assert all(z.developer is None for z in sites)
    model.env.run(until=12.5)
    assert all(z.developer is not None for z in sites)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"id": "ccn_south"}, "ids must be unique"),  # ccn_south_1 is a named zone
        ({"area_ha": [40, 20]}, "low is above high"),
        ({"count": 0}, "greater than or equal to 1"),
        ({"available_from": "2019-01"}, "before the scenario's start"),
        ({"kind": "park"}, "kcn"),
    ],
)
def test_candidate_sites_are_validated(scenario: Scenario, fields: dict, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        with_sites(scenario, **fields)


def test_candidate_sites_numbers_need_sources(scenario: Scenario) -> None:
    data = scenario.model_dump(exclude_unset=True)
    unsourced = {k: v for k, v in SITES.items() if k != "source"}
    data["candidate_sites"] = [{**unsourced, "sources": {"area_ha": SOURCE}}]
    with pytest.raises(ValidationError, match="no source"):
        Scenario.model_validate(data)


# ---------------------------------------------------------------- proposals the round can take
def test_a_new_kcn_is_proposed_only_when_the_national_round_can_take_it(
    scenario: Scenario, baseline: Policy
) -> None:
    """One approval a year: with no year of queue beyond the one a dossier is ready in, one
    proposal at a time; with one year more, two; the others stay planned, not in approval."""
    for years, expected in ((0, 1), (1, 2)):
        model = IZModel(
            national(scenario, national_kcn_approvals_per_year=1, national_queue_years=years),
            baseline,
            0,
        )
        proposed = []
        for key in KCNS:
            zone = model.zone_by_id[key]
            if establishment.kcn_proposal_open(model, zone):
                take_up(model, key)
                proposed.append(key)
        assert len(proposed) == expected, years
        # the CCN is the province's own decision: always open
        assert establishment.kcn_proposal_open(model, model.zone_by_id[CCN])


def test_a_new_kcn_waits_planned_while_the_provinces_kcn_are_empty(
    scenario: Scenario, baseline: Policy
) -> None:
    """Under the national queue a site is not proposed before the occupancy condition holds;
    without it (the earlier rule) it is proposed and waits in approval."""
    for queue, empty, expected in ((1, True, False), (1, False, True), (None, True, True)):
        model = IZModel(
            variant(
                scenario,
                establishment={
                    "national_queue_years": queue,
                    "national_kcn_approvals_per_year": None,
                    "min_kcn_occupancy_for_new_kcn_pct": 60,
                },
            ),
            baseline,
            0,
        )
        for zone in model.zones:
            if zone.is_kcn and zone.established:
                zone.leased_ha = 0.0 if empty else zone.serviced_ha
        assert establishment.kcn_proposal_open(model, model.zone_by_id[KCNS[0]]) is expected


def test_an_expansion_is_not_held_by_the_national_queue(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(
        variant(
            scenario,
            establishment={"national_queue_years": 0, "national_kcn_approvals_per_year": 0},
        ),
        baseline,
        0,
    )
    expansions = [z for z in model.zones if z.spec.expands is not None]
    assert expansions
    assert all(establishment.kcn_proposal_open(model, z) for z in expansions)
    assert not establishment.kcn_proposal_open(model, model.zone_by_id[KCNS[0]])


def test_a_proposal_the_province_no_longer_qualifies_for_is_turned_down(
    scenario: Scenario, baseline: Policy
) -> None:
    """Under the national queue a KCN whose province falls below the occupancy condition by
    the time its dossier is ready goes back to planned instead of waiting in approval."""
    for queue in (None, 1):
        model = IZModel(
            national(scenario, min_kcn_occupancy_for_new_kcn_pct=60.0, national_queue_years=queue),
            baseline,
            0,
        )
        first = take_up(model, KCNS[0])[1]
        model.env.run(until=20)
        assert first.established  # empty, so the province is below the condition
        second = take_up(model, KCNS[1])[1]  # proposed regardless (the gate is tested above)
        model.env.run(until=45)
        if queue is None:
            assert second.stage == "approved" and second.developer is not None
        else:
            assert second.stage == "planned" and second.developer is None
            assert (31, "national_refusal", KCNS[1]) in model.events


def test_occupancy_of_established_kcn_counts_those_not_yet_operating(
    scenario: Scenario, baseline: Policy
) -> None:
    """The indicator reads the land the national condition reads: every established KCN's,
    a KCN still clearing or building counted with its leasable land and nothing leased."""
    model = IZModel(scenario, baseline, 1)
    waiting_months = 0
    while model.advance(1):
        # (read the zones and the indicators at one instant: a month's decisions follow its
        # collection at the same time)
        values = model._zone_indicators()
        kcn = [z for z in model.zones if z.is_kcn and z.established]
        expected = 100 * sum(z.leased_ha for z in kcn) / sum(z.leasable_ha for z in kcn)
        assert values["occupancy_established_kcn"] == pytest.approx(expected, rel=1e-12)
        if any(z.serviced_ha <= 0 and z.leasable_ha > 0 for z in kcn):
            waiting_months += 1
            assert values["occupancy_established_kcn"] < values["occupancy_rate_kcn"]
    assert waiting_months > 0  # (Tuyên Quang's established KCN wait for their land)
    column = INDICATOR_IDS.index("occupancy_established_kcn")
    assert not np.isnan(model.values[:, column]).any()
