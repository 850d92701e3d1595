"""The land market: rents against vacancy, land held back, zones sold and taken back, land
outside zones that runs out."""

from __future__ import annotations

import math

import pytest

from izsim.model import land_market
from izsim.model.developer import Developer
from izsim.model.model import IZModel
from izsim.model.zone import Zone
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers
from tests.model.test_developer import KCN, RICH, quiet, sample, take_up, with_numbers

STEP = 0.03  # Tuyên Quang's rent_adjust_pct_per_year / 100
TARGET = 0.20  # its target_vacancy_pct / 100


def rent_model(scenario: Scenario, baseline: Policy) -> tuple[IZModel, Zone]:
    model = IZModel(scenario, baseline, 0)
    return model, model.zone_by_id["long_binh_an"]  # rent 55, serviced occupancy 0.75


# ---------------------------------------------------------------- rents
@pytest.mark.parametrize(
    ("vacancy", "pressure"),
    [(0.0, 1.0), (0.1, 0.5), (0.2, 0.0), (0.3, -0.5), (0.4, -1.0), (1.0, -1.0)],
)
def test_rent_pressure_runs_from_full_to_empty(vacancy: float, pressure: float) -> None:
    assert land_market.rent_pressure(vacancy, TARGET) == pytest.approx(pressure)


def test_rent_review_follows_the_zones_vacancy(scenario: Scenario, baseline: Policy) -> None:
    model, zone = rent_model(scenario, baseline)
    # a quarter of the built land vacant against a target of a fifth: −0.05/0.20 of the step
    land_market.review_rents(model)
    assert zone.rent_usd_m2 == pytest.approx(55 * (1 - STEP * 0.25))


def test_built_land_full_is_scarce_whatever_is_unbuilt(
    scenario: Scenario, baseline: Policy
) -> None:
    model, zone = rent_model(scenario, baseline)
    zone.leased_ha = zone.serviced_ha = 0.5 * zone.leasable_ha  # built land full, half unbuilt
    land_market.review_rents(model)
    assert zone.rent_usd_m2 == pytest.approx(55 * (1 + STEP))


@pytest.mark.parametrize(("leased_share", "factor"), [(1.0, 1 + STEP), (0.0, 1 - STEP)])
def test_scarce_land_raises_rent_and_empty_land_lowers_it(
    scenario: Scenario, baseline: Policy, leased_share: float, factor: float
) -> None:
    model, zone = rent_model(scenario, baseline)
    zone.serviced_ha = zone.leasable_ha
    zone.leased_ha = leased_share * zone.serviced_ha
    land_market.review_rents(model)
    assert zone.rent_usd_m2 == pytest.approx(55 * factor)


@pytest.mark.parametrize(
    ("target", "factor"), [(10, 1 - STEP * 0.5), (15, 1.0), (30, 1 + STEP / 2)]
)
def test_rent_holds_at_the_target_vacancy(
    scenario: Scenario, baseline: Policy, target: float, factor: float
) -> None:
    changed = with_numbers(scenario, "developers", target_vacancy_pct=target)
    model, zone = rent_model(changed, baseline)
    zone.leased_ha = 0.85 * zone.serviced_ha
    land_market.review_rents(model)
    assert zone.rent_usd_m2 == pytest.approx(55 * factor)


def test_planned_sites_follow_the_market_and_boards_keep_their_rent(
    scenario: Scenario, baseline: Policy
) -> None:
    rents = {}
    for leased_share in (0.0, 1.0):
        model = IZModel(scenario, baseline, 0)
        for zone in model.zones:
            if zone.operating and zone.developer is not None and zone.is_kcn:
                zone.serviced_ha = zone.leasable_ha
                zone.leased_ha = leased_share * zone.serviced_ha
        planned = model.zone_by_id[KCN]
        board, ccn = Developer(model, public=True), model.zone_by_id["ccn_south_1"]
        board.zones.append(ccn)
        ccn.developer = board
        land_market.review_rents(model)
        rents[leased_share] = planned.rent_usd_m2
        assert ccn.rent_usd_m2 == ccn.spec.rent_usd_m2
    spec = model.zone_by_id[KCN].spec.rent_usd_m2
    assert rents[0.0] < spec < rents[1.0]


def test_rent_changes_only_in_january_over_a_run(scenario: Scenario, baseline: Policy) -> None:
    model, zone = rent_model(scenario, baseline)
    rents = sample(model, 48, lambda: zone.rent_usd_m2)
    changed = [m for m in range(1, 48) if rents[m] != rents[m - 1]]
    assert set(changed) <= {12, 24, 36}
    assert rents[0] != 55  # January of the first year is a review too


def test_full_zones_raise_a_planned_sites_pro_forma(scenario: Scenario, baseline: Policy) -> None:
    """Full zones raise the rent a developer expects on a planned site, so its pro forma
    improves."""
    ratios = {}
    for full in (False, True):
        model = IZModel(scenario, baseline, 0)
        for zone in model.zones:
            if zone.operating:
                zone.serviced_ha = zone.leasable_ha
                zone.leased_ha = zone.serviced_ha if full else 0.0
        land_market.review_rents(model)
        ratios[full] = model.pro_forma_ratio(model.zone_by_id[KCN])
    assert ratios[True] > ratios[False]


def first_entries(scenario: Scenario, baseline: Policy, *, full: bool) -> float:
    """Mean month planned zones are taken up privately (48 for never) over a few seeds, with
    the zones operating at the start as they are or full."""
    data = scenario.model_dump(exclude_unset=True)
    if full:
        for zone in data["zones"]:
            if zone.get("serviced_pct", 0) > 0:
                zone["occupancy_pct"] = zone["serviced_pct"]
    changed = Scenario.model_validate(data)
    months = []
    for seed in range(4):
        model = IZModel(changed, baseline, seed)
        planned = {z.key for z in model.zones if z.stage == "planned"}
        model.env.run(until=48)
        entries = {z: m for m, kind, z in model.events if kind == "developer_private"}
        months += [entries.get(z, 48) for z in planned]
    return sum(months) / len(months)


def test_a_full_province_brings_new_sites_forward(scenario: Scenario, baseline: Policy) -> None:
    assert first_entries(scenario, baseline, full=True) < first_entries(
        scenario, baseline, full=False
    )


# ---------------------------------------------------------------- land held back
def test_a_phase_that_does_not_pay_is_held_back(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(quiet(scenario), baseline, 0)
    _, zone = take_up(model, KCN)
    hurdle = model.scenario.developers.hurdle_ratio
    model.recent_demand.append((0, 500.0))  # plenty of demand
    assert land_market.phase_pays(model, zone, hurdle)
    zone.rent_usd_m2 = 1.0
    assert not land_market.phase_pays(model, zone, hurdle)


def test_a_phase_is_judged_without_what_is_already_built(
    scenario: Scenario, baseline: Policy
) -> None:
    """Sunk costs do not count: at a rent where the next phase just pays, the whole zone's pro
    forma (plant and every phase, leased over more years) would not."""
    model = IZModel(quiet(scenario), baseline, 0)
    _, zone = take_up(model, KCN)
    model.recent_demand.append((0, 60.0))
    hurdle = model.scenario.developers.hurdle_ratio
    zone.rent_usd_m2 = 1.0
    while not land_market.phase_pays(model, zone, hurdle):
        zone.rent_usd_m2 *= 1.01
    assert model.pro_forma_ratio(zone) < hurdle


def test_a_full_zone_waits_while_its_next_phase_does_not_pay(
    scenario: Scenario, baseline: Policy
) -> None:
    phases = {}
    for rent in (50.0, 1.0):
        model = IZModel(quiet(scenario), baseline, 0)
        _, zone = take_up(model, KCN)
        model.env.run(until=40)
        assert zone.operating
        zone.rent_usd_m2 = rent
        zone.leased_ha = zone.serviced_ha
        zone.last_lease_month = 40
        serviced = zone.serviced_ha
        model.recent_demand.append((40, 500.0))
        model.env.run(until=50)
        phases[rent] = zone.phase_under_way or zone.serviced_ha > serviced
    assert phases[50.0] and not phases[1.0]


def test_a_full_zone_held_back_does_not_go_slow(scenario: Scenario, baseline: Policy) -> None:
    """Going slow is for land nobody leases; a full zone whose next phase does not pay holds
    its land back and stays with its developer."""
    model = IZModel(quiet(scenario, developers={"abandon_after_months": 12}), baseline, 0)
    developer, zone = take_up(model, KCN)
    model.env.run(until=40)
    zone.rent_usd_m2 = 1.0
    zone.leased_ha = zone.serviced_ha
    zone.last_lease_month = 0  # long ago
    model.env.run(until=70)
    assert not zone.dropped and zone.developer is developer
    zone.leased_ha = 0.0  # now empty and idle: it goes slow
    model.env.run(until=90)
    assert zone.dropped


# ---------------------------------------------------------------- zones changing hands
def dropped_zone(scenario: Scenario, baseline: Policy, **levers: object) -> tuple[IZModel, Zone]:
    """Nam Sơn Dương built its first phase and went slow; a buyer may come any month."""
    entry = {"private_entry_pct_per_month": 100}
    model = IZModel(quiet(scenario, developers=entry), with_levers(baseline, **levers), 0)
    seller, zone = take_up(model, KCN)
    model.env.run(until=40)
    assert zone.operating
    zone.dropped, zone.dropped_month = True, 39
    seller.capacity_bn_vnd = 0.0
    return model, zone


def test_a_zone_gone_slow_is_sold_when_the_rest_of_it_pays(
    scenario: Scenario, baseline: Policy
) -> None:
    model, zone = dropped_zone(scenario, baseline)
    seller = zone.developer
    model.recent_demand.append((39, 500.0))
    model.developer_draws[:] = 0.0  # a buyer looks this month
    model.capacity_draws[:] = 10.0  # a rich one
    model.month = 40
    land_market.take_overs(model)
    assert zone.developer is not seller and zone not in seller.zones
    assert not zone.dropped and zone.taken_over_month == 40
    assert (40, "zone_sold", KCN) in model.events


def test_nobody_buys_a_zone_whose_rest_does_not_pay(scenario: Scenario, baseline: Policy) -> None:
    model, zone = dropped_zone(scenario, baseline)
    seller = zone.developer
    zone.rent_usd_m2 = 1.0
    model.developer_draws[:] = 0.0
    model.capacity_draws[:] = 10.0
    land_market.take_overs(model)
    assert zone.developer is seller and zone.dropped


@pytest.mark.parametrize("sanction", [False, True])
def test_the_iz_board_takes_back_a_zone_stuck_for_money(
    scenario: Scenario, baseline: Policy, sanction: bool
) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, sanction_late_developers=sanction), 0)
    zone = model.zone_by_id[KCN]
    developer = Developer(model, public=False, capacity_bn_vnd=1.0)  # cannot pay for anything
    developer.take_up(zone)
    limit = model.scenario.agencies.developer_schedule_months
    model.env.run(until=limit + 30)
    assert zone.established and not zone.operating
    if sanction:
        assert zone.developer is None and zone.stage == "approved"
        assert model.agencies.developers_sanctioned == 1
        assert any(kind == "developer_sanctioned" for _, kind, _ in model.events)
        # its process stopped: it pays nothing more and holds no clearance
        spent = model.economy.private_developer_spending
        model.env.run(until=limit + 60)
        assert model.economy.private_developer_spending == spent
    else:
        assert zone.developer is developer and zone.awaiting_finance


def test_a_sanctioned_developer_stops_where_it_is(scenario: Scenario, baseline: Policy) -> None:
    """Its process is interrupted: money found later is not spent, nothing more is cleared."""
    model = IZModel(quiet(scenario), with_levers(baseline, sanction_late_developers=True), 0)
    zone = model.zone_by_id[KCN]
    developer = Developer(model, public=False, capacity_bn_vnd=1.0)
    developer.take_up(zone)
    limit = model.scenario.agencies.developer_schedule_months
    model.env.run(until=limit + 30)
    assert zone.developer is None
    developer.capacity_bn_vnd = RICH  # too late
    spent, cleared = model.economy.private_developer_spending, zone.cleared_ha
    model.env.run(until=limit + 60)
    assert model.economy.private_developer_spending == spent
    assert zone.cleared_ha == cleared and zone.stage == "approved"


def test_cleared_land_is_not_cleared_again_by_the_next_developer(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, sanction_late_developers=True), 0)
    zone = model.zone_by_id[KCN]
    devs = model.scenario.developers
    gross = zone.area_ha * devs.infrastructure_phase_pct / 100
    clearance = gross * devs.clearance_cost_bn_vnd_per_ha * zone.spec.cost_factor
    Developer(model, public=False, capacity_bn_vnd=clearance + 1.0).take_up(zone)  # no works
    limit = devs.zone_approval_months_kcn + devs.infrastructure_build_months
    model.env.run(until=limit + model.scenario.agencies.developer_schedule_months + 40)
    assert zone.developer is None and zone.cleared_ha == pytest.approx(gross)
    Developer(model, public=False, capacity_bn_vnd=RICH).take_up(zone)
    model.env.run(until=model.env.now + 60)
    assert zone.operating
    assert zone.cleared_ha == pytest.approx(gross)  # cleared once
    works = gross * devs.infrastructure_cost_per_ha(kcn=True) * zone.spec.cost_factor
    plant = zone.wwtp_capital_bn_vnd if zone.wwtp != "none" else 0.0  # its plant, if it built one
    assert model.economy.private_developer_spending == pytest.approx(clearance + works + plant)


def test_a_taken_back_zone_is_built_by_its_next_developer(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(quiet(scenario), with_levers(baseline, sanction_late_developers=True), 0)
    zone = model.zone_by_id[KCN]
    Developer(model, public=False, capacity_bn_vnd=1.0).take_up(zone)
    limit = model.scenario.agencies.developer_schedule_months
    model.env.run(until=limit + 30)
    assert zone.developer is None
    Developer(model, public=False, capacity_bn_vnd=RICH).take_up(zone)
    model.env.run(until=limit + 90)
    assert zone.operating


# ---------------------------------------------------------------- land outside zones
def outside_share(scenario: Scenario, baseline: Policy, allowance: float) -> int:
    changed = with_numbers(
        scenario, "investors", outside_zone_land_ha_per_year=allowance, outside_zone_utility=3.0
    )
    model = IZModel(changed, baseline, 1)
    model.run()
    return sum(1 for a in model.agents if getattr(a, "zone", "none") is None)


def test_land_outside_zones_runs_out(scenario: Scenario, baseline: Policy) -> None:
    none = outside_share(scenario, baseline, 0.0)
    some = outside_share(scenario, baseline, 20.0)
    plenty = outside_share(scenario, baseline, 1e6)
    assert none == 0 < some < plenty


def test_the_allowance_comes_back_each_january(scenario: Scenario, baseline: Policy) -> None:
    changed = with_numbers(
        scenario, "investors", outside_zone_land_ha_per_year=10.0, outside_zone_utility=3.0
    )
    model = IZModel(changed, baseline, 1)
    left = sample(model, 11.9, lambda: model.outside_zone_land_left_ha)
    assert left[11] < 10.0 and all(0.0 <= v <= 10.0 for v in left.values())
    model._arrivals_and_choice = lambda: None  # nobody arrives in January
    model.env.run(until=12.5)
    assert model.outside_zone_land_left_ha == 10.0


def test_a_refused_dossier_gives_its_land_outside_zones_back(
    scenario: Scenario, baseline: Policy
) -> None:
    from izsim.model.investor import Investor

    model = IZModel(quiet(scenario), with_levers(baseline, refuse_outdated_technology=True), 0)
    model.env.run(until=0.5)  # January's allowance is in
    model.outside_zone_land_left_ha -= 5.0  # taken at its choice
    investor = Investor(
        model,
        sector=0,
        fdi=False,
        land_ha=5.0,
        capital_bn_vnd=10.0,
        polluting=False,
        outdated=True,
        stalls=False,
        approval_months=2.0,
        revocation_draw=0.5,
        zone=None,
    )
    model.env.process(investor.life())
    model.env.run(until=5)
    assert investor.state == "refused"
    assert model.outside_zone_land_left_ha == model.investors.outside_zone_land_ha_per_year


# ---------------------------------------------------------------- land-value appreciation
@pytest.mark.parametrize("years", [0.5, 3.0, 12.0])
def test_expected_rent_growth_raises_the_lease_factor(years: float) -> None:
    flat = land_market.annuity_factor(0.1, years)
    assert land_market.growing_annuity_factor(0.1, 0.0, years) == flat
    rising = land_market.growing_annuity_factor(0.1, 0.05, years)
    falling = land_market.growing_annuity_factor(0.1, -0.05, years)
    assert falling < flat < rising
    # growth as fast as the discount rate: revenue keeps its value
    assert land_market.growing_annuity_factor(0.1, 0.1, years) == pytest.approx(1.0)
    # faster growth than the cost of capital is worth more than undiscounted revenue
    assert land_market.growing_annuity_factor(0.1, 0.15, years) > 1.0


def growth_model(scenario: Scenario, baseline: Policy, cap: float) -> tuple[IZModel, Zone]:
    """A KCN operating and full, plenty of demand, rents of KCN up 8 % at the last review."""
    model = IZModel(
        quiet(scenario, developers={"expected_rent_growth_cap_pct_per_year": cap}), baseline, 0
    )
    _, zone = take_up(model, KCN)
    model.recent_demand.append((0, 60.0))
    model.rent_change[True] = 0.08
    return model, zone


def test_rising_rents_make_a_phase_pay_sooner(scenario: Scenario, baseline: Policy) -> None:
    """At the rent where the next phase just fails with rents expected flat, it pays when the
    developer expects them to go on rising, and the more the higher the cap."""
    model, zone = growth_model(scenario, baseline, 0)
    hurdle = model.scenario.developers.hurdle_ratio
    zone.rent_usd_m2 = 1.0
    while not land_market.phase_pays(model, zone, hurdle):
        zone.rent_usd_m2 *= 1.01
    just_fails = zone.rent_usd_m2 / 1.01
    ratios = {}
    for cap in (0.0, 2.0, 5.0):
        model, zone = growth_model(scenario, baseline, cap)
        zone.rent_usd_m2 = just_fails
        ratios[cap] = land_market.lease_factor(model, zone, 3.0)
        assert land_market.phase_pays(model, zone, hurdle) is (cap > 0), cap
    assert ratios[0.0] < ratios[2.0] < ratios[5.0]
    # the extrapolation is bounded: 8 % seen, at most the cap expected
    assert land_market.expected_rent_growth(model, zone) == pytest.approx(0.05)


def test_a_full_year_brings_a_new_site_forward_sooner_with_appreciation(
    scenario: Scenario, baseline: Policy
) -> None:
    """Zones full for a year raise rents at the January review; developers who extrapolate
    that rise see a better pro forma on a planned site than developers who do not."""
    ratios = {}
    for cap in (0.0, 5.0):
        model = IZModel(
            with_numbers(scenario, "developers", expected_rent_growth_cap_pct_per_year=cap),
            baseline,
            0,
        )
        for zone in model.zones:
            if zone.operating:
                zone.serviced_ha = zone.leased_ha = zone.leasable_ha
        land_market.review_rents(model)
        assert model.rent_change[True] > 0
        ratios[cap] = model.pro_forma_ratio(model.zone_by_id[KCN])
    assert ratios[5.0] > ratios[0.0]


# ---------------------------------------------------------------- committed schedule
def scheduled(
    scenario: Scenario, baseline: Policy, months: float | None, **developers: float
) -> tuple[IZModel, Zone, float]:
    """Nam Sơn Dương with its first phase built, no tenant ever, under a schedule."""
    numbers = {"committed_phase_months": months, **developers}
    model = IZModel(quiet(scenario, developers=numbers), baseline, 0)
    _, zone = take_up(model, KCN)
    model.env.run(until=40)
    assert zone.operating and zone.leased_ha == 0
    return model, zone, zone.serviced_ha


def test_a_committed_schedule_starts_a_phase_without_demand(
    scenario: Scenario, baseline: Policy
) -> None:
    built = {}
    for months in (None, 12.0):
        model, zone, first = scheduled(scenario, baseline, months, abandon_after_months=200)
        finished = zone.phase_finished_month
        assert finished is not None
        model.env.run(until=finished + 12 + 2)
        built[months] = zone.phase_under_way or zone.serviced_ha > first
    assert built == {None: False, 12.0: True}


def test_a_developer_gone_slow_keeps_no_schedule(scenario: Scenario, baseline: Policy) -> None:
    model, zone, first = scheduled(
        scenario, baseline, 120.0, abandon_after_months=12, expansion_trigger_occupancy_pct=100
    )
    model.env.run(until=200)
    assert zone.dropped and zone.serviced_ha == first


def test_occupancy_of_serviced_land_leaves_out_land_not_yet_built(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, baseline, 0)
    kcn = [z for z in model._main_by_kind["kcn"] + model._kcn_expansions if z.operating]
    zone = kcn[0]
    zone.serviced_ha = zone.leasable_ha / 2  # half built, some of it leased
    zone.leased_ha = zone.serviced_ha / 2
    out = model._zone_indicators()
    serviced = sum(z.serviced_ha for z in kcn)
    leasable = sum(z.leasable_ha for z in kcn)
    leased = sum(z.leased_ha for z in kcn)
    assert out["occupancy_serviced_kcn"] == pytest.approx(100 * leased / serviced)
    assert out["occupancy_rate_kcn"] == pytest.approx(100 * leased / leasable)
    assert out["occupancy_serviced_kcn"] > out["occupancy_rate_kcn"]


def test_board_run_clusters_weigh_in_the_cluster_market_as_rents_that_do_not_move(
    scenario: Scenario, baseline: Policy
) -> None:
    # Tuyên Quang's existing clusters: one invested cluster beside six board-run ones.
    model = IZModel(scenario, baseline, 0)
    invested, board = model.zone_by_id["ccn_existing_invested"], model.zone_by_id["ccn_existing"]
    assert board.developer.public and not invested.developer.public
    planned = model.zone_by_id["ccn_south_1"]
    invested.leased_ha = invested.serviced_ha  # full: its rent rises by the step
    before = planned.rent_usd_m2
    own = invested.rent_usd_m2
    land_market.review_rents(model)
    assert invested.rent_usd_m2 > own and board.rent_usd_m2 == board.spec.rent_usd_m2
    weight = invested.leasable_ha / (invested.leasable_ha + board.leasable_ha)
    assert weight < 0.5
    market = (
        invested.rent_usd_m2 * invested.leasable_ha + board.rent_usd_m2 * board.leasable_ha
    ) / (own * invested.leasable_ha + board.rent_usd_m2 * board.leasable_ha)
    assert planned.rent_usd_m2 == pytest.approx(before * market)
    assert planned.rent_usd_m2 / before - 1 < invested.rent_usd_m2 / own - 1


def test_the_schedule_runs_from_the_land_users_agreement(
    scenario: Scenario, baseline: Policy
) -> None:
    """The wait for the agreement is not the developer's: a developer short of money after it
    has its whole schedule from then (docs/model.md §2.4a)."""
    numbers = {"compensation_agreement_months_kcn": 40.0}
    model = IZModel(
        quiet(scenario, agencies=numbers), with_levers(baseline, sanction_late_developers=True), 0
    )
    zone = model.zone_by_id[KCN]
    Developer(model, public=False, capacity_bn_vnd=1.0).take_up(zone)  # cannot pay for anything
    model.env.run(until=20)
    agreed = zone.agreement_month
    limit = model.scenario.agencies.developer_schedule_months
    assert agreed is not None and agreed - 18 > limit  # waited longer than its schedule
    model.env.run(until=math.ceil(agreed) + limit - 1)
    assert zone.developer is not None and zone.awaiting_finance
    model.env.run(until=math.ceil(agreed) + limit + 2)
    assert zone.developer is None and model.agencies.developers_sanctioned == 1
