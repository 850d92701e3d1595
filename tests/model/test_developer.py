"""Zone developers: stages and durations, phases keyed to occupancy, plants, payments, rent
(docs/model.md §2.4–2.6, §3)."""

from __future__ import annotations

from collections.abc import Callable, Generator

import pytest
import simpy

from izsim.model.developer import Developer
from izsim.model.model import IZModel
from izsim.model.zone import STAGES, Zone
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers

SOURCE = "assumption: a variant made by a unit test of the developers"
KCN = "nam_son_duong"  # 300 ha, 68.7 % leasable: 206.1 ha; a 35 % phase is 72.135 ha (105 gross)
CCN = "ccn_south_1"  # 50 ha, 70 % leasable: 35 ha; a phase is 12.25 ha (17.5 gross)
RICH = 1e9  # a developer whose finance capacity never binds (finance is tested in test_wastewater)


def quiet(scenario: Scenario, **blocks: dict[str, float]) -> Scenario:
    """Two planned zones, no private entry of the model's own and practically no prospects."""
    data = scenario.model_dump(exclude_unset=True)
    data["zones"] = [z for z in data["zones"] if z["id"] in (KCN, CCN)]
    data.pop("outside_fence_projects", None)  # works serve zones left out
    changes: dict[str, dict[str, float | None]] = {
        # phases keyed to demand alone (the committed schedule is tested in test_land_market)
        "developers": {"private_entry_pct_per_month": 0, "committed_phase_months": None},
        "investors": {"prospects_per_month": 1e-9},
        # no wait for the land users' agreement (tested below, with its own numbers)
        "agencies": {"compensation_agreement_months_kcn": 0},
        # no national quota or occupancy condition (tested in test_establishment)
        "establishment": {
            "national_kcn_approvals_per_year": None,
            "min_kcn_occupancy_for_new_kcn_pct": None,
        },
    }
    for block, numbers in blocks.items():
        changes.setdefault(block, {}).update(numbers)
    for block, numbers in changes.items():
        data[block].update(numbers)
        data[block].setdefault("sources", {}).update(dict.fromkeys(numbers, SOURCE))
    return Scenario.model_validate(data)


def record_stages(model: IZModel, zone: Zone) -> list[tuple[float, str]]:
    """Log every change of ``zone.stage`` with the simulated time it happens at."""
    log = [(model.env.now, zone.stage)]

    class Recording(Zone):
        @property
        def stage(self) -> str:
            return self.__dict__["_stage"]

        @stage.setter
        def stage(self, value: str) -> None:
            self.__dict__["_stage"] = value
            log.append((model.env.now, value))

    zone.__dict__["_stage"] = zone.__dict__.pop("stage")
    zone.__class__ = Recording
    return log


def take_up(model: IZModel, zone_id: str, *, public: bool = False) -> tuple[Developer, Zone]:
    zone = model.zone_by_id[zone_id]
    developer = Developer(model, public=public, capacity_bn_vnd=RICH)
    developer.take_up(zone)
    return developer, zone


def sample(model: IZModel, until: float, read: Callable[[], object]) -> dict[int, object]:
    """``read()`` in the middle of every month up to ``until``, keyed by month."""
    seen: dict[int, object] = {}

    def watch() -> Generator[simpy.Event, object, None]:
        yield model.env.timeout(0.5)
        while True:
            seen[int(model.env.now)] = read()
            yield model.env.timeout(1)

    model.env.process(watch())
    model.env.run(until=until)
    return seen


# ---------------------------------------------------------------- stages and durations
def test_planned_kcn_goes_through_the_stages_with_the_scenarios_durations(
    scenario: Scenario, baseline: Policy
) -> None:
    fast_clearance = with_levers(baseline, clearance_capacity_multiplier=100)
    model = IZModel(quiet(scenario), fast_clearance, 0)
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    developer, _ = take_up(model, KCN)
    assert zone.developer is developer and developer.zones == [zone]
    model.env.run(until=40)
    # zone_approval_months_kcn = 18; clearance of 105 ha fits one month's capacity;
    # infrastructure_build_months = 12.
    assert log == [
        (0, "planned"),
        (0, "approved"),
        (18, "clearing"),
        (18, "building"),
        (30, "operating"),
    ]
    # The decision arrives at t = 18, the end of month 17 (indicator row 17).
    assert zone.established_month == 17
    assert zone.operating_since == 29
    assert zone.serviced_ha == pytest.approx(206.1 * 0.35)
    assert zone.cleared_ha == pytest.approx(105.0)


def test_ccn_and_the_approval_time_multiplier(scenario: Scenario, baseline: Policy) -> None:
    policy = with_levers(baseline, clearance_capacity_multiplier=100, approval_time_multiplier=0.5)
    model = IZModel(quiet(scenario), policy, 0)
    zone = model.zone_by_id[CCN]
    log = record_stages(model, zone)
    take_up(model, CCN)
    model.env.run(until=20)
    # zone_approval_months_ccn = 8, halved; then 12 months of building.
    assert log[1:] == [(0, "approved"), (4, "clearing"), (4, "building"), (16, "operating")]
    assert zone.established_month == 3
    assert zone.serviced_ha == pytest.approx(12.25)


def test_clearance_goes_through_the_districts_container(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), baseline, 0)  # 20 ha a month, in chunks of 5 ha
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    take_up(model, KCN)
    cleared = sample(model, 40, lambda: zone.cleared_ha)
    # Month 17's unused 20 ha are taken at t = 18 (with 5 ha of month 18's), then 20 ha a
    # month until the 105 ha are cleared at t = 22.
    assert [cleared[t] for t in range(17, 24)] == [0, 25, 45, 65, 85, 105, 105]
    assert log[2:] == [(18, "clearing"), (22, "building"), (34, "operating")]


def test_less_clearance_capacity_takes_longer(scenario: Scenario, baseline: Policy) -> None:
    def operating_at(multiplier: float) -> float:
        model = IZModel(
            quiet(scenario), with_levers(baseline, clearance_capacity_multiplier=multiplier), 0
        )
        zone = model.zone_by_id[KCN]
        log = record_stages(model, zone)
        take_up(model, KCN)
        model.env.run(until=60)
        return next(t for t, stage in log if stage == "operating")

    assert operating_at(100) == 30
    assert operating_at(1) == 34
    assert operating_at(0.5) == 40  # 10 ha a month: 12.5 at t = 18, 105 at t = 28


def test_zones_share_the_districts_throughput(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), baseline, 0)
    kcn, ccn = model.zone_by_id[KCN], model.zone_by_id[CCN]
    log = record_stages(model, kcn)
    take_up(model, KCN)
    model.env.run(until=10)
    take_up(model, CCN)  # 8 months to establish: both start clearing at t = 18
    cleared = sample(model, 40, lambda: (kcn.cleared_ha, ccn.cleared_ha))
    total = {t: sum(pair) for t, pair in cleared.items()}
    assert total[17] == 0
    assert total[18] <= 20 + 20  # month 17's unused throughput and month 18's
    for t in range(19, 40):
        assert total[t] - total[t - 1] <= 20 + 1e-9  # clearance_ha_per_month
    # Chunks are served in turn, so the cluster is not stuck behind the large zone ...
    assert cleared[18] == (15.0, 15.0)
    assert cleared[19][1] == 17.5
    # ... and the large zone finishes later than the 22 it takes alone.
    assert total[24] == pytest.approx(105 + 17.5)
    assert next(t for t, stage in log if stage == "building") == 23


# ---------------------------------------------------------------- the land users' agreement
AGREEMENT = 30.0  # a mean wait (months) for the tests


def agreeing(scenario: Scenario, months: float = AGREEMENT) -> Scenario:
    return quiet(scenario, agencies={"compensation_agreement_months_kcn": months})


def test_a_kcn_waits_its_own_draw_of_the_agreement_before_clearing(
    scenario: Scenario, baseline: Policy
) -> None:
    fast_clearance = with_levers(baseline, clearance_capacity_multiplier=100)
    model = IZModel(agreeing(scenario), fast_clearance, 3)
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    take_up(model, KCN)
    wait = AGREEMENT * float(model.agreement_draws[zone.index])
    assert wait > 1  # (the seed is chosen so that the wait is visible)
    model.env.run(until=18 + wait + 14)
    # established at 18 (as without the wait) and still `approved` while it waits; cleared at
    # once after the wait, then 12 months of works
    assert zone.established_month == 17
    assert [stage for _, stage in log] == [
        "planned",
        "approved",
        "clearing",
        "building",
        "operating",
    ]
    times = [t for t, _ in log]
    assert times[:2] == [0, 0]
    assert times[2:] == [pytest.approx(18 + wait)] * 2 + [pytest.approx(18 + wait + 12)]
    assert zone.agreement_month == pytest.approx(18 + wait)
    agreed = [(month, key) for month, kind, key in model.events if kind == "compensation_agreed"]
    assert agreed == [(int(18 + wait), KCN)]


def test_the_waits_are_exponential_with_the_scenarios_mean_and_the_same_under_any_policy(
    scenario: Scenario, baseline: Policy
) -> None:
    waits = []
    for seed in range(300):
        model = IZModel(agreeing(scenario), baseline, seed)
        other = IZModel(
            agreeing(scenario), with_levers(baseline, approval_time_multiplier=0.5), seed
        )
        assert list(model.agreement_draws) == list(other.agreement_draws)
        waits.append(AGREEMENT * float(model.agreement_draws[model.zone_by_id[KCN].index]))
    mean = sum(waits) / len(waits)
    assert 0.85 * AGREEMENT < mean < 1.15 * AGREEMENT  # 300 draws: about ±6 % (1 sd)
    # memoryless: of the waits longer than the mean, the excess has the same mean
    excess = [w - AGREEMENT for w in waits if w > AGREEMENT]
    assert 0.7 * AGREEMENT < sum(excess) / len(excess) < 1.3 * AGREEMENT


def test_a_cluster_does_not_wait_for_the_agreement(scenario: Scenario, baseline: Policy) -> None:
    policy = with_levers(baseline, clearance_capacity_multiplier=100)
    model = IZModel(agreeing(scenario, 1000.0), policy, 0)
    zone = model.zone_by_id[CCN]
    log = record_stages(model, zone)
    take_up(model, CCN)
    model.env.run(until=25)
    assert log[1:] == [(0, "approved"), (8, "clearing"), (8, "building"), (20, "operating")]
    assert zone.agreement_month is None


@pytest.mark.parametrize("stage", ["approved", "clearing", "building"])
def test_a_kcn_approved_at_the_start_waits_from_the_start_and_one_under_way_does_not(
    scenario: Scenario, baseline: Policy, stage: str
) -> None:
    """`approved` at the start: established, land not yet agreed; `clearing` or `building`:
    the land users have agreed (docs/model.md §2.4a)."""
    data = agreeing(scenario, 1000.0).model_dump(exclude_unset=True)
    zone_data = next(z for z in data["zones"] if z["id"] == KCN)
    zone_data["stage"], zone_data["developer"] = stage, "private"
    model = IZModel(Scenario.model_validate(data), baseline, 0)
    zone = model.zone_by_id[KCN]
    model.env.run(until=60)
    if stage == "approved":
        expected = 1000.0 * float(model.agreement_draws[zone.index])
        assert zone.agreement_month == pytest.approx(expected) and expected > 60
        assert zone.stage == "approved" and zone.cleared_ha == 0
    else:
        assert zone.agreement_month is None and zone.operating


def test_a_high_tech_zone_and_an_expansion_do_not_wait(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(agreeing(scenario, 1000.0), baseline, 0)
    zone = model.zone_by_id[KCN]
    assert zone.waits_for_agreement
    for kind, expands, waits in (("high_tech", None, False), ("kcn", KCN, False)):
        spec = zone.spec.model_copy(update={"kind": kind, "expands": expands})
        assert Zone(model, spec, index=0, sector_count=1).waits_for_agreement is waits


def test_a_new_developer_keeps_the_agreement_the_last_one_waited_for(
    scenario: Scenario, baseline: Policy
) -> None:
    policy = with_levers(baseline, clearance_capacity_multiplier=100)
    model = IZModel(agreeing(scenario, 40.0), policy, 0)  # agreed at about month 73
    zone = model.zone_by_id[KCN]
    first, _ = take_up(model, KCN)
    model.env.run(until=30)
    agreed = zone.agreement_month
    assert agreed is not None and 30 < agreed < 100 and zone.stage == "approved"
    first.give_up(zone)
    zone.stage = "approved"  # as the IZ Board leaves it (land_market.sanction_late_developers)
    take_up(model, KCN)
    model.env.run(until=agreed + 13)
    assert zone.agreement_month == agreed  # not drawn again, not started over
    assert zone.operating and zone.operating_since == pytest.approx(agreed + 12, abs=1)


def test_the_iz_board_does_not_count_the_wait_against_the_developer(
    scenario: Scenario, baseline: Policy
) -> None:
    policy = with_levers(baseline, sanction_late_developers=True)
    model = IZModel(agreeing(scenario, 1000.0), policy, 0)
    zone = model.zone_by_id[KCN]
    developer, _ = take_up(model, KCN)
    limit = model.scenario.agencies.developer_schedule_months
    model.env.run(until=18 + limit + 12)
    assert zone.agreement_month > model.env.now  # still waiting
    assert zone.developer is developer and model.agencies.developers_sanctioned == 0


def test_a_zone_past_planned_at_the_start_is_not_re_established(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, baseline, 0)
    zone = model.zone_by_id["long_binh_an"]
    model.env.run(until=30)
    assert zone.established and zone.established_month is None
    assert zone.stage == "operating"


def started_at(scenario: Scenario, stage: str) -> Scenario:
    """The quiet scenario with the KCN already at ``stage`` (private developer, no land)."""
    data = quiet(scenario).model_dump(exclude_unset=True)
    zone = next(z for z in data["zones"] if z["id"] == KCN)
    zone["stage"], zone["developer"] = stage, "private"
    return Scenario.model_validate(data)


def test_a_zone_approved_at_the_start_skips_the_establishment_wait(
    scenario: Scenario, baseline: Policy
) -> None:
    policy = with_levers(baseline, clearance_capacity_multiplier=100)
    model = IZModel(started_at(scenario, "approved"), policy, 0)
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    model.env.run(until=20)
    assert log == [(0, "approved"), (0, "clearing"), (0, "building"), (12, "operating")]
    assert zone.established and zone.established_month is None


def test_a_zone_building_at_the_start_never_goes_back_to_clearing(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(started_at(scenario, "building"), baseline, 0)
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    model.env.run(until=40)
    order = [STAGES.index(stage) for _, stage in log]
    assert order == sorted(order)
    assert log[-1][1] == "operating"


@pytest.mark.parametrize("stage", ["building", "clearing"])
def test_works_under_way_at_the_start_finish_at_different_times_across_seeds(
    scenario: Scenario, baseline: Policy, stage: str
) -> None:
    """A first phase under way at the start has a uniform share of its time left: it opens
    within the time a whole stage takes, and not in the same month of every run."""
    opened = []
    for seed in range(8):
        model = IZModel(started_at(scenario, stage), baseline, seed)
        zone = model.zone_by_id[KCN]
        log = record_stages(model, zone)
        model.env.run(until=60)
        opened.append(next(t for t, s in log if s == "operating"))
    build = scenario.developers.infrastructure_build_months
    if stage == "building":
        assert all(0 <= t <= build for t in opened)
    else:
        assert all(t >= build for t in opened)
    assert len(set(opened)) > 1


def test_a_plant_under_way_at_the_start_finishes_at_different_times_across_seeds(
    scenario: Scenario, baseline: Policy
) -> None:
    finished = []
    for seed in range(8):
        data = started_at(scenario, "building").model_dump(exclude_unset=True)
        zone_data = next(z for z in data["zones"] if z["id"] == KCN)
        zone_data["wwtp"] = "building"
        model = IZModel(Scenario.model_validate(data), baseline, seed)
        zone = model.zone_by_id[KCN]
        seen = sample(model, 30, lambda z=zone: z.wwtp)
        finished.append(min(t for t, state in seen.items() if state == "operating"))
    assert all(0 <= t <= scenario.developers.wwtp_build_months for t in finished)
    assert len(set(finished)) > 1


# ---------------------------------------------------------------- phases keyed to occupancy
def test_serviced_land_grows_by_phases_keyed_to_occupancy(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, clearance_capacity_multiplier=100), 0)
    zone = model.zone_by_id[KCN]
    log = record_stages(model, zone)
    take_up(model, KCN)
    phase = 206.1 * 0.35
    model.env.run(until=40.5)
    assert zone.serviced_ha == pytest.approx(phase)  # waits: nothing leased
    assert not zone.phase_under_way
    zone.leased_ha = 0.6 * zone.serviced_ha  # expansion_trigger_occupancy_pct = 60
    model.env.run(until=41.5)
    assert zone.phase_under_way
    model.env.run(until=52.5)
    assert zone.serviced_ha == pytest.approx(phase)
    model.env.run(until=53.5)  # checked at t = 41, built in 12 months
    assert zone.serviced_ha == pytest.approx(2 * phase)
    assert not zone.phase_under_way
    zone.leased_ha = 0.6 * zone.serviced_ha
    model.env.run(until=70)
    assert zone.serviced_ha == pytest.approx(206.1)  # the last phase is what is left: 61.83
    assert zone.unserviced_ha == 0.0
    assert not zone.dropped
    assert [s for _, s in log].count("operating") == 3  # later phases keep it operating
    assert [s for _, s in log][-1] == "operating"
    assert zone.cleared_ha == pytest.approx(300.0)


def test_a_private_developer_goes_slow_on_a_zone_nobody_leases(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, clearance_capacity_multiplier=100), 0)
    zone = model.zone_by_id[KCN]
    take_up(model, KCN)
    model.env.run(until=65.5)  # operating since month 29; abandon_after_months = 36
    assert not zone.dropped
    model.env.run(until=66.5)
    assert zone.dropped
    zone.leased_ha = zone.serviced_ha  # too late: a dropped zone never revives
    model.env.run(until=120)
    assert zone.serviced_ha == pytest.approx(206.1 * 0.35)


def test_a_recent_lease_postpones_going_slow(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, clearance_capacity_multiplier=100), 0)
    zone = model.zone_by_id[KCN]
    take_up(model, KCN)
    model.env.run(until=50.5)
    zone.last_lease_month = 50
    model.env.run(until=86.5)
    assert not zone.dropped
    model.env.run(until=87.5)  # 50 + 36, checked at t = 87
    assert zone.dropped


def test_a_public_developer_never_goes_slow(scenario: Scenario, baseline: Policy) -> None:
    rich = quiet(scenario, agencies={"budget_bn_vnd_per_year": 100000})
    policy = with_levers(
        baseline, clearance_capacity_multiplier=100, public_developer_bn_vnd_per_year=100000
    )
    model = IZModel(rich, policy, 0)
    zone = model.zone_by_id[CCN]
    take_up(model, CCN, public=True)
    model.env.run(until=119.5)
    assert zone.operating_since == 19
    assert not zone.dropped
    assert zone.serviced_ha == pytest.approx(12.25)
    zone.leased_ha = zone.serviced_ha
    model.env.run(until=120.5)
    assert zone.phase_under_way  # still waiting for demand, and it came


# ---------------------------------------------------------------- wastewater plants
def test_start_wwtp_is_idempotent_within_a_month(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), baseline, 0)
    zone = model.zone_by_id[CCN]
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    developer.start_wwtp(zone)
    assert zone.wwtp == "building"
    cost = zone.wwtp_capital_bn_vnd
    assert cost > scenario.developers.wwtp_cost_fixed_bn_vnd  # fixed part and part per m³/day
    developer.start_wwtp(zone)  # e.g. an inspection finding in the same month
    model.env.run(until=0.5)
    assert model.economy.private_developer_spending == pytest.approx(cost)  # paid once
    model.env.run(until=11.5)
    assert zone.wwtp == "building"
    model.env.run(until=12.5)  # wwtp_build_months = 12
    assert zone.wwtp == "operating"
    assert zone.wwtp_since == 12
    assert model.economy.private_developer_spending == pytest.approx(cost)


def test_a_plant_under_way_at_the_start_is_already_paid(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), baseline, 0)
    zone = model.zone_by_id[KCN]
    zone.wwtp = "building"
    Developer(model, public=False, capacity_bn_vnd=RICH).start_wwtp(zone, already_paid=True)
    model.env.run(until=12.5)
    assert zone.wwtp == "operating"
    assert model.economy.private_developer_spending == 0.0


def test_plant_compliance_follows_the_developer_draw(scenario: Scenario, baseline: Policy) -> None:
    outcomes = set()
    for seed in range(8):
        model = IZModel(quiet(scenario), baseline, seed)
        zone = model.zone_by_id[CCN]
        Developer(model, public=False, capacity_bn_vnd=RICH).start_wwtp(zone)
        model.env.run(until=12)  # the plant opens at t = 12, before the clock's month-12 step
        draw = model.compliance_draws[zone.index]
        model.env.step()
        while zone.wwtp != "operating":
            model.env.step()
        assert zone.wwtp_compliant == (draw < 0.85)  # wwtp_compliant_pct = 85
        outcomes.add(zone.wwtp_compliant)
    assert outcomes == {True, False}


def test_wwtp_support_is_paid_by_the_budget(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, wwtp_support_pct=40), 0)
    zone = model.zone_by_id[CCN]
    model.env.run(until=0.5)  # the January allotment is in
    spent = model.economy.private_developer_spending
    Developer(model, public=False, capacity_bn_vnd=RICH).start_wwtp(zone)
    model.env.run(until=1)
    cost = zone.wwtp_capital_bn_vnd
    assert model.agencies.budget.spent_by_purpose["wwtp_support"] == pytest.approx(0.4 * cost)
    assert model.economy.private_developer_spending - spent == pytest.approx(0.6 * cost)


def cheap_rent(scenario: Scenario) -> Scenario:
    """The CCN rents too cheaply for a plant to pay through leases: only fines count."""
    data = quiet(scenario).model_dump(exclude_unset=True)
    for zone in data["zones"]:
        zone["rent_usd_m2"] = 5
    return Scenario.model_validate(data)


def plant_economics(scenario: Scenario, fine_scale: float) -> Scenario:
    """Fees that just cover the variable cost (and may not be raised) and no fixed cost: only
    fines and the margin on polluting tenants (nil at a cheap rent) can pay for a plant."""
    data = cheap_rent(scenario).model_dump(exclude_unset=True)
    ww = data["wastewater"]
    fines = [f * fine_scale for f in ww["fine_band_bn_vnd"]]
    ww.update(
        fee_vnd_per_m3=ww["operating_cost_vnd_per_m3"],
        fee_cap_vnd_per_m3=ww["operating_cost_vnd_per_m3"],
        operating_cost_fixed_pct_per_year=0,
        fine_band_bn_vnd=fines,
        fine_max_bn_vnd=max(fines[-1], ww["fine_max_bn_vnd"]),
    )
    return Scenario.model_validate(data)


@pytest.mark.parametrize(
    ("fine_scale", "leased", "wanted"),
    [
        (100.0, 1.0, True),  # fines expected far above the plant's annual cost
        (0.01, 1.0, False),  # fines too small to matter
        (100.0, 0.0, True),  # no tenants yet, but the land expected within the build time
    ],
)
def test_a_private_developer_builds_the_plant_when_it_pays(
    scenario: Scenario, baseline: Policy, fine_scale: float, leased: float, wanted: bool
) -> None:
    model = IZModel(plant_economics(scenario, fine_scale), baseline, 0)
    zone = model.zone_by_id[CCN]
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    zone.serviced_ha, zone.leased_ha = 12.25, leased
    assert developer.wants_wwtp(zone) is wanted


def test_a_developer_without_room_for_the_plant_does_not_build_it(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(plant_economics(scenario, 100.0), baseline, 0)
    zone = model.zone_by_id[CCN]
    zone.serviced_ha, zone.leased_ha = 12.25, 1.0
    cost = model.own_plant_cost(zone)
    assert not Developer(model, public=False, capacity_bn_vnd=0.99 * cost).wants_wwtp(zone)
    assert Developer(model, public=False, capacity_bn_vnd=cost).wants_wwtp(zone)


def test_wwtp_support_lowers_the_cost_a_plant_must_beat(
    scenario: Scenario, baseline: Policy
) -> None:
    wanted = {}
    for support in (0, 90):
        model = IZModel(
            plant_economics(scenario, 5.0), with_levers(baseline, wwtp_support_pct=support), 0
        )
        zone = model.zone_by_id[CCN]
        zone.serviced_ha, zone.leased_ha = 12.25, 1.0
        wanted[support] = Developer(model, public=False, capacity_bn_vnd=RICH).wants_wwtp(zone)
    assert wanted == {0: False, 90: True}


def test_a_plant_gains_little_land_in_a_zone_about_to_fill(
    scenario: Scenario, baseline: Policy
) -> None:
    """The plant's land term is the remaining land leased sooner: nothing once the zone is
    full, growing with the land it has left, and never more than the room leased at once."""
    model = IZModel(quiet(scenario), baseline, 0)
    zone = model.zone_by_id[CCN]
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    zone.serviced_ha = zone.leasable_ha
    value = {}
    for leased in (zone.leasable_ha, 0.9 * zone.leasable_ha, 0.5 * zone.leasable_ha, 0.0):
        zone.leased_ha = leased
        value[leased] = developer.plant_land_value(zone)
    values = list(value.values())
    assert values[0] == 0.0
    assert values == sorted(values)
    assert values[1] > 0
    for leased, hectares in value.items():
        assert hectares <= zone.leasable_ha - leased


def test_a_plant_is_worth_more_to_a_zone_with_its_land_still_to_lease(
    scenario: Scenario, baseline: Policy
) -> None:
    """At rents that make land pay (and no fines or fees to speak of), a plant pays through
    land leased sooner while most of the zone is empty, not once it is nearly full."""
    model = IZModel(quiet(scenario), baseline, 0)
    zone = model.zone_by_id[KCN]
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    zone.serviced_ha = zone.leasable_ha
    zone.leased_ha = 0.0
    empty = developer.plant_land_value(zone)
    zone.leased_ha = 0.99 * zone.leasable_ha
    nearly_full = developer.plant_land_value(zone)
    assert nearly_full < 0.05 * empty


def test_wants_wwtp_under_the_rule_and_for_public_developers(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(plant_economics(scenario, 100.0), baseline, 0)
    zone = model.zone_by_id[CCN]
    zone.serviced_ha, zone.leased_ha = 12.25, 1.0
    assert Developer(model, public=False, capacity_bn_vnd=RICH).wants_wwtp(zone)
    assert not Developer(model, public=True).wants_wwtp(zone)  # a board builds when ordered
    cheap = IZModel(cheap_rent(scenario), baseline, 0)
    assert not Developer(cheap, public=False, capacity_bn_vnd=RICH).wants_wwtp(
        cheap.zone_by_id[CCN]
    )
    ruled = IZModel(cheap_rent(scenario), with_levers(baseline, wwtp_before_tenants=True), 0)
    zone = ruled.zone_by_id[CCN]
    assert Developer(ruled, public=False, capacity_bn_vnd=RICH).wants_wwtp(zone)
    assert not Developer(ruled, public=False, capacity_bn_vnd=1.0).wants_wwtp(zone)
    board = Developer(ruled, public=True)
    assert not board.wants_wwtp(zone)  # the rule binds, but the board has no allowance yet
    ruled.agencies.public_works_allowance = 1000.0
    assert board.wants_wwtp(zone)


def test_review_starts_the_plant_once_the_zone_is_building(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(
        quiet(scenario),
        with_levers(baseline, wwtp_before_tenants=True, clearance_capacity_multiplier=100),
        0,
    )
    zone = model.zone_by_id[CCN]
    developer, _ = take_up(model, CCN)
    log = record_stages(model, zone)
    plants = sample(model, 14, lambda: zone.wwtp)
    building = next(t for t, stage in log if stage == "building")
    assert building == 8
    # Reviews run in the clock's step at t = m; the zone became `building` at t = 8 just after
    # that month's review, so the plant starts in the review of month 9.
    assert [plants[m] for m in range(7, 11)] == ["none", "none", "building", "building"]
    assert developer.zones == [zone]


# ---------------------------------------------------------------- public payments
def test_a_public_developer_pays_no_more_than_its_allowance(
    scenario: Scenario, baseline: Policy
) -> None:
    rich = quiet(scenario, agencies={"budget_bn_vnd_per_year": 100000})
    policy = with_levers(
        baseline, clearance_capacity_multiplier=100, public_developer_bn_vnd_per_year=12
    )
    model = IZModel(rich, policy, 0)
    zone = model.zone_by_id[CCN]
    log = record_stages(model, zone)
    take_up(model, CCN, public=True)
    budget = model.agencies.budget
    purposes = ("clearance", "infrastructure", "wwtp")
    seen = sample(
        model,
        119,
        lambda: (
            sum(budget.spent_by_purpose[p] for p in purposes),
            model.agencies.public_works_allowance,
        ),
    )
    paid = {month: total for month, (total, _) in seen.items()}
    for month, (total, allowance) in seen.items():
        assert total <= (month + 1) * 1.0 + 1e-9  # 12 a year accrue one twelfth a month
        assert total + allowance == pytest.approx(month + 1)  # what is not paid is kept
        assert allowance >= -1e-9
    # Clearance 26.25 and infrastructure 52.5 at 1 bn VND a month: slower than the 20 months
    # a private firm takes. A board builds a plant only when ordered, and nobody leases here.
    operating = next(t for t, stage in log if stage == "operating")
    assert operating >= 26 + 52 + 12  # the allowance accrues from month 0, approval or not
    assert paid[118] == pytest.approx(26.25 + 52.5)  # all paid in the end
    assert zone.wwtp == "none"
    assert budget.state_investment == pytest.approx(
        paid[118] + budget.spent_by_purpose["outside_fence"]
    )
    assert model.economy.private_developer_spending == 0.0


def test_public_payments_are_limited_by_the_budget_too(
    scenario: Scenario, baseline: Policy
) -> None:
    poor = quiet(scenario, agencies={"budget_bn_vnd_per_year": 24})
    policy = with_levers(
        baseline,
        clearance_capacity_multiplier=100,
        public_developer_bn_vnd_per_year=100000,
        promotion_bn_vnd_per_year=0,
        outside_fence_bn_vnd_per_year=0,
    )
    model = IZModel(poor, policy, 0)
    take_up(model, CCN, public=True)
    budget = model.agencies.budget
    seen = sample(model, 36, lambda: (budget.spent_total, budget.available))
    spent = {month: total for month, (total, _) in seen.items()}
    assert all(available >= 0 for _, available in seen.values())
    assert spent[11] == pytest.approx(24.0)  # everything the first year's allotment had
    assert spent[35] == pytest.approx(72.0)


def test_pay_is_immediate_for_a_private_developer(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), baseline, 0)
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    steps = list(developer.pay(123.0, "infrastructure"))
    assert steps == []  # no waiting
    assert model.economy.private_developer_spending == 123.0
    assert model.agencies.budget.spent_total == 0.0


def with_numbers(scenario: Scenario, block: str, **numbers: float) -> Scenario:
    """The scenario with some numbers of one block changed (sourced as a test's variant)."""
    data = scenario.model_dump(exclude_unset=True)
    data[block].update(numbers)
    data[block].setdefault("sources", {}).update(dict.fromkeys(numbers, SOURCE))
    return Scenario.model_validate(data)


def test_the_track_record_counts_up_to_its_cap(scenario: Scenario, baseline: Policy) -> None:
    rates = []
    for cap in (1, 3, 10):
        model = IZModel(with_numbers(scenario, "investors", track_record_cap=cap), baseline, 0)
        model.month = 20
        model.recent_leases.extend((15, 1.0) for _ in range(60))  # five times the neutral 12
        rates.append(model.arrival_rate())
    assert rates[0] < rates[1] < rates[2]
    model = IZModel(scenario, baseline, 0)
    model.month = 20
    model.recent_leases.extend((15, 1.0) for _ in range(60))
    assert model.arrival_rate() == rates[1]  # the scenario's own cap is 3


@pytest.mark.parametrize("province", ["ha_nam", "hung_yen"])
def test_a_developer_that_can_just_pay_its_first_phase_builds_it(province: str) -> None:
    """A developer holding a zone at the start can finance exactly its first phase; the bills,
    summed from the same land another way, must not leave it waiting for ever (rounding)."""
    from izsim.scenario import load_policy, load_scenario
    from tests.conftest import ROOT

    base = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
    data = base.model_dump(exclude_unset=True)
    numbers = {"finance_capacity_bn_vnd_kcn": 1e-6, "finance_capacity_bn_vnd_ccn": 1e-6}
    data["developers"].update(numbers)
    data["developers"]["sources"].update(dict.fromkeys(numbers, SOURCE))
    # no wait for the land users' agreement: the first phase is built within the 60 months
    data["agencies"]["compensation_agreement_months_kcn"] = 0
    data["agencies"]["sources"]["compensation_agreement_months_kcn"] = SOURCE
    policy = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
    model = IZModel(Scenario.model_validate(data), policy, 0)
    starting = [
        z
        for z in model.zones
        if z.developer is not None
        and not z.developer.public
        and z.stage in ("approved", "clearing", "building")
    ]
    assert starting
    model.env.run(until=60)
    assert [z.key for z in starting if not z.operating] == []


@pytest.mark.parametrize(("trigger", "taken"), [(60, True), (80, False)])
def test_an_expansion_zone_waits_for_its_own_trigger_on_the_parents_leasable_land(
    scenario: Scenario, baseline: Policy, trigger: float, taken: bool
) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["developers"]["expansion_zone_trigger_occupancy_pct"] = trigger
    data["developers"]["sources"]["expansion_zone_trigger_occupancy_pct"] = SOURCE
    model = IZModel(Scenario.model_validate(data), baseline, 0)
    parent = model.zone_by_id["long_binh_an"]
    expansion = model.zone_by_id["long_binh_an_expansion"]
    parent.leased_ha = 0.7 * parent.leasable_ha  # the next-phase trigger (60) is passed either way
    model.developer_draws[:] = 0.0  # a candidate developer comes for every zone
    model.pro_forma_ratio = lambda zone: float("inf")  # type: ignore[method-assign]
    if parent.developer is not None:
        parent.developer.capacity_bn_vnd = RICH
    model._developer_entry()
    assert (expansion.developer is not None) is taken
