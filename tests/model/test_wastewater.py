"""Wastewater: discharge, plant operation and compliance as a state, fines and inspections,
and developers' finance capacity."""

from __future__ import annotations

import itertools
import math
from collections.abc import Generator

import numpy as np
import pydantic
import pytest
import simpy

from izsim.indicators import INDICATOR_IDS
from izsim.model import wastewater
from izsim.model.developer import Developer, capital_recovery_factor
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario, load_scenario
from izsim.scenario.schema import Wastewater
from tests.conftest import ROOT, with_levers

KCN, CCN = "long_binh_an", "ccn_existing"  # KCN with a compliant plant; CCN with none
RICH = 1e6  # a developer that never waits for money


@pytest.fixture(scope="module")
def scenario(private_clusters_scenario: Scenario) -> Scenario:
    """Here the existing clusters are a private firm's: these tests are of its decisions."""
    return private_clusters_scenario


def variant(scenario: Scenario, block: str, **numbers: object) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data[block].update(numbers)
    return Scenario.model_validate(data)


def quiet(scenario: Scenario) -> Scenario:
    """Practically no prospects, so tests see only what they do themselves."""
    return variant(scenario, "investors", prospects_per_month=1e-9)


def paying(scenario: Scenario) -> Scenario:
    """Quiet, with a fee that covers the plants' running cost."""
    return variant(quiet(scenario), "wastewater", fee_vnd_per_m3=20_000)


def model_of(scenario: Scenario, baseline: Policy, seed: int = 0, **levers: object) -> IZModel:
    return IZModel(scenario, with_levers(baseline, **levers) if levers else baseline, seed)


def no_failures(model: IZModel) -> list[float]:
    return [1.0] * len(model.zones)


# ---------------------------------------------------------------- the schema
def test_fine_bands_pick_the_band_of_the_flow(scenario: Scenario) -> None:
    ww = scenario.wastewater  # floors 0, 50, 500, 2000, 5000, 10000
    assert ww.fine(0.1) == 0.05
    assert ww.fine(49.9) == 0.05
    assert ww.fine(50) == 0.15
    assert ww.fine(9_999) == 1.4
    assert ww.fine(1e6) == 2.0


@pytest.mark.parametrize(
    ("floors", "fines", "message"),
    [
        ([0, 50], [0.1], "give one fine per band floor"),
        ([10, 50], [0.1, 0.2], "the first band starts at 0"),
        ([0, 50, 50], [0.1, 0.2, 0.3], "band floors must increase"),
        ([0, 50], [0.2, 0.1], "fines must not fall as flow rises"),
    ],
)
def test_fine_bands_must_make_sense(
    scenario: Scenario, floors: list[float], fines: list[float], message: str
) -> None:
    data = scenario.wastewater.model_dump(exclude_unset=True)
    data.update(fine_band_floors_m3_day=floors, fine_band_bn_vnd=fines)
    with pytest.raises(pydantic.ValidationError, match=message):
        Wastewater.model_validate(data)


def test_a_fine_band_table_needs_a_source(scenario: Scenario) -> None:
    data = scenario.wastewater.model_dump(exclude_unset=True)
    del data["sources"]["fine_band_bn_vnd"]
    with pytest.raises(pydantic.ValidationError, match="fine_band_bn_vnd"):
        Wastewater.model_validate(data)


# ---------------------------------------------------------------- flows and plants
def test_discharge_follows_leased_land(scenario: Scenario, baseline: Policy) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[CCN]
    assert wastewater.discharge_m3_day(model, zone) == pytest.approx(zone.leased_ha * 15)
    zone.leased_ha = 0.0
    assert wastewater.discharge_m3_day(model, zone) == 0.0


def test_a_plant_is_sized_for_the_design_share_or_the_flow_expected_at_opening(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[CCN]  # a CCN plant collects 60 % of the flow (ccn_connected_pct)
    full = 15 * zone.leasable_ha * 0.6
    n = zone.spec.cluster_count  # an aggregate row: a new plant is one cluster's
    zone.leased_ha = 0.0
    ahead = wastewater.expected_collected_m3_day(model, zone, 12)  # wwtp_build_months
    assert ahead < 0.5 * full
    assert wastewater.design_capacity_m3_day(model, zone) == pytest.approx(0.5 * full / n)
    zone.leased_ha = 0.9 * zone.leasable_ha
    ahead = wastewater.expected_collected_m3_day(model, zone, 12)
    assert ahead >= 15 * zone.leased_ha * 0.6
    assert wastewater.design_capacity_m3_day(model, zone) == pytest.approx(ahead / n)


def test_an_overloaded_plant_treats_up_to_its_capacity(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(paying(scenario), baseline)
    zone = model.zone_by_id[KCN]
    collected = wastewater.collected_m3_day(model, zone)
    zone.wwtp_capacity_m3_day = 0.6 * collected
    assert wastewater.treated_m3_day(model, zone) == pytest.approx(0.6 * collected)
    assert wastewater.untreated_m3_day(model, zone) == pytest.approx(0.4 * collected)


def test_the_operating_gap_is_fixed_cost_less_the_fee_margin(
    scenario: Scenario, baseline: Policy
) -> None:
    # The base fee, not raised (the cap is the base fee).
    model = model_of(variant(quiet(scenario), "wastewater", fee_cap_vnd_per_m3=10_000), baseline)
    zone = model.zone_by_id[KCN]
    flow = wastewater.discharge_m3_day(model, zone)
    assert 0 < flow <= zone.wwtp_capacity_m3_day
    # The plant's capital (a first plant and its modules: test_a_start_plant_...).
    capital = zone.wwtp_capital_bn_vnd
    assert capital > 0
    fixed = capital * 0.03 / 12  # operating_cost_fixed_pct_per_year
    margin = (10_000 - 5_000) * flow * 365 / 12 / 1e9
    assert wastewater.operating_gap_per_month(model, zone) == pytest.approx(fixed - margin)


def test_a_start_plant_is_a_first_plant_and_the_modules_its_flow_called_for(
    scenario: Scenario, baseline: Policy
) -> None:
    """A plant operating at the start was built at the design share of the full flow and
    grown module by module, as the running rule grows one, until it covers the flow expected
    one build time ahead (capped at the full flow); its capital is the first plant's cost and
    each module's. Sized at that flow alone, it had no room left: a filling zone overloaded it
    within months, every start plant at once (2026-11-29)."""
    devs, ww = scenario.developers, scenario.wastewater
    # (design shares whose modules do not fall exactly on the expected flow, 0.6 of the full)
    for design, expected_modules in ((25.0, 3), (35.0, 2), (100.0, 1)):
        model = model_of(
            variant(quiet(scenario), "wastewater", plant_design_share_pct=design), baseline
        )
        zone = model.zone_by_id[KCN]
        model._market_month = -1  # the view of the market the set-up took
        full = wastewater.full_flow_m3_day(model, zone)
        module = design / 100 * full
        expected = wastewater.expected_collected_m3_day(model, zone, devs.wwtp_build_months)
        modules = max(1, math.ceil(expected / module))
        assert modules == expected_modules
        capacity = min(full, modules * module)
        assert zone.wwtp_capacity_m3_day == pytest.approx(capacity), design
        assert zone.wwtp_capacity_m3_day >= min(full, expected) - 1e-9
        added = [min(module, capacity - k * module) for k in range(1, modules)]
        capital = devs.wwtp_cost(module) + sum(
            ww.expansion_cost_pct / 100 * devs.wwtp_cost(a) for a in added
        )
        assert zone.wwtp_capital_bn_vnd == pytest.approx(capital), design


def test_start_plants_do_not_all_fall_out_of_compliance_a_year_in(baseline: Policy) -> None:
    """Hà Nam's KCN plants a year into the run: sized at the flow expected alone, 88 % of
    them were compliant at the start and 12 % after a year (20 seeds); with room for the
    modules the running rule would have added, as many as at the start are."""
    scenario = load_scenario(ROOT / "scenarios" / "ha_nam.yaml")
    shares = []
    for seed in range(4):
        model = IZModel(scenario, baseline, seed)
        model.advance(12)
        shares.append(model.values[11, INDICATOR_IDS.index("wwtp_compliance_kcn")])
    assert np.mean(shares) > 60


def test_the_fee_is_raised_toward_cost_recovery_within_the_cap(
    scenario: Scenario, baseline: Policy
) -> None:
    # A running cost per m³ above the base fee: fees do not cover it at the base fee.
    dear = variant(quiet(scenario), "wastewater", operating_cost_vnd_per_m3=9_000)

    def fee_and_gap(cap: float) -> tuple[float, float]:
        model = model_of(variant(dear, "wastewater", fee_cap_vnd_per_m3=cap), baseline)
        zone = model.zone_by_id[KCN]
        treated = wastewater.treated_m3_day(model, zone)
        fee = wastewater.fee_vnd_per_m3(model, zone, treated)
        return fee, wastewater.operating_gap_per_month(model, zone)

    recovery, gap = fee_and_gap(1e9)  # a cap out of reach: the fee recovers the cost
    assert recovery > 10_000 and gap == pytest.approx(0.0, abs=1e-9)
    base_fee, base_gap = fee_and_gap(10_000)  # the cap is the base fee: nothing is raised
    capped, capped_gap = fee_and_gap((10_000 + recovery) / 2)
    assert base_fee == 10_000 and capped == pytest.approx((10_000 + recovery) / 2)
    assert base_gap > capped_gap > 0  # a higher cap recovers more of the cost


def test_a_plant_that_is_not_paid_to_run_falls_out_of_compliance(
    scenario: Scenario, baseline: Policy
) -> None:
    # No fee and a dear running cost: fines expected are far below the monthly shortfall.
    costly = variant(quiet(scenario), "wastewater", fee_vnd_per_m3=0, fee_cap_vnd_per_m3=0)
    model = model_of(costly, baseline)
    zone = model.zone_by_id[KCN]
    assert zone.wwtp_compliant
    wastewater.operate_plants(model, no_failures(model))
    assert not zone.wwtp_funded and not zone.wwtp_compliant
    assert wastewater.treated_m3_day(model, zone) == 0.0
    # The same plant, paid to run (fees above cost), is compliant again.
    paid = model_of(paying(scenario), baseline)
    wastewater.operate_plants(paid, no_failures(paid))
    assert paid.zone_by_id[KCN].wwtp_funded and paid.zone_by_id[KCN].wwtp_compliant


def test_a_public_plant_runs_only_while_the_allowance_pays(
    scenario: Scenario, baseline: Policy
) -> None:
    costly = variant(quiet(scenario), "wastewater", fee_vnd_per_m3=0, fee_cap_vnd_per_m3=0)
    model = model_of(costly, baseline)
    zone = model.zone_by_id[KCN]
    zone.developer.public = True
    model.agencies.public_works_allowance = 0.0
    wastewater.operate_plants(model, no_failures(model))
    assert not zone.wwtp_compliant
    model.agencies.public_works_allowance = 100.0
    model.agencies.budget.available = 100.0
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp_compliant
    assert model.agencies.budget.spent_by_purpose["wwtp_operation"] > 0
    assert model.agencies.public_works_allowance < 100.0


def test_a_failed_plant_is_out_of_compliance_until_repaired_at_a_cost(
    scenario: Scenario, baseline: Policy
) -> None:
    uninspected = variant(paying(scenario), "wastewater", complaint_pct_per_month_per_1000_m3_day=0)
    model, control = (model_of(uninspected, baseline, inspection_multiplier=1e-6) for _ in range(2))
    zone = model.zone_by_id[KCN]
    developer = zone.developer
    draws = no_failures(model)
    draws[zone.index] = 0.0  # below failure_pct_per_month: it breaks down
    wastewater.operate_plants(model, draws)
    wastewater.operate_plants(control, no_failures(control))
    assert zone.wwtp_fault and not zone.wwtp_compliant and zone.wwtp_upgrading
    model.env.run(until=0.5)  # the repair process pays: repair_cost_pct 5 % of the capital
    control.env.run(until=0.5)
    repair = developer.outstanding_bn_vnd - control.zone_by_id[KCN].developer.outstanding_bn_vnd
    assert repair == pytest.approx(0.05 * zone.wwtp_capital_bn_vnd)
    model.env.run(until=9.5)  # wwtp_upgrade_months = 9
    assert not zone.wwtp_fault
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp_compliant


def test_an_overloaded_plant_is_out_of_compliance_and_is_expanded(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(paying(scenario), baseline)
    zone = model.zone_by_id[KCN]
    zone.wwtp_capacity_m3_day = 0.5 * wastewater.discharge_m3_day(model, zone)
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp_funded and not zone.wwtp_compliant and zone.wwtp_expanding
    small = zone.wwtp_capacity_m3_day
    model.env.run(until=12.5)  # wwtp_build_months = 12
    assert not zone.wwtp_expanding and zone.wwtp_capacity_m3_day > small
    assert zone.wwtp_capacity_m3_day <= zone.leasable_ha * 15 + 1e-9


def test_a_ccn_plant_collects_only_its_connected_share(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(quiet(scenario), baseline)  # ccn_connected_pct = 60
    ccn, kcn = model.zone_by_id[CCN], model.zone_by_id[KCN]
    assert wastewater.collected_m3_day(model, ccn) == pytest.approx(
        0.6 * wastewater.discharge_m3_day(model, ccn)
    )
    assert wastewater.collected_m3_day(model, kcn) == wastewater.discharge_m3_day(model, kcn)
    # What the tenants never send to the plant is untreated, but not the developer's violation.
    assert wastewater.untreated_m3_day(model, ccn) == pytest.approx(
        wastewater.collected_m3_day(model, ccn)
    )
    generated, treated = wastewater.flows_by_kind(model)["ccn"]
    assert wastewater.treated_m3_day(model, ccn) == 0.0  # (other clusters have plants)
    ccns = [z for z in model.zones if not z.is_kcn]
    assert treated == pytest.approx(sum(wastewater.treated_m3_day(model, z) for z in ccns))
    assert generated >= wastewater.discharge_m3_day(model, ccn)


# ---------------------------------------------------------------- inspections and fines
def test_inspections_follow_the_record_and_complaints(scenario: Scenario, baseline: Policy) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[CCN]
    assert wastewater.inspection_chance(model, zone, untreated=0.0) == pytest.approx(0.04)
    # complaint_pct_per_month_per_1000_m3_day = 5
    assert wastewater.inspection_chance(model, zone, untreated=2000) == pytest.approx(0.14)
    zone.last_violation_month = 0
    assert wastewater.inspection_chance(model, zone, untreated=0.0) == pytest.approx(0.12)
    model.month = 24  # record_months = 24: the record has expired
    assert wastewater.inspection_chance(model, zone, untreated=0.0) == pytest.approx(0.04)


def test_a_finding_fines_by_the_band_of_the_untreated_flow_and_orders_a_plant(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[CCN]
    developer = zone.developer
    untreated = wastewater.untreated_m3_day(model, zone)
    assert untreated > 0 and zone.wwtp == "none"
    draws = np.ones(len(model.zones))
    draws[zone.index] = 0.0
    model.agencies.inspect(model.zones, draws)
    assert developer.fines_paid_bn_vnd == scenario.wastewater.fine(untreated)
    assert zone.last_violation_month == 0
    assert zone.wwtp == "building"  # ordered, and the developer can finance it


def test_an_order_the_developer_cannot_finance_leaves_the_violation(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[CCN]
    zone.developer.outstanding_bn_vnd = zone.developer.capacity_bn_vnd  # no room left
    draws = np.ones(len(model.zones))
    draws[zone.index] = 0.0
    model.agencies.inspect(model.zones, draws)
    assert zone.developer.fines_paid_bn_vnd > 0 and zone.wwtp == "none"


def compliance(scenario: Scenario, baseline: Policy, seeds: range, **levers: object) -> float:
    """Mean share of operating zones (KCN and CCN) with a compliant plant over 2021–30."""
    shares = []
    for seed in seeds:
        model = model_of(scenario, baseline, seed, **levers)
        model.run()
        for kind in ("kcn", "ccn"):
            column = model.values[:, INDICATOR_IDS.index(f"wwtp_compliance_{kind}")]
            shares.append(np.nanmean(column))
    return float(np.mean(shares))


def test_higher_fines_or_more_inspections_raise_compliance(
    scenario: Scenario, baseline: Policy
) -> None:
    # Fees held at the base fee (the cap is the base fee), so fines decide whether plants run.
    seeds = range(4)
    held = variant(scenario, "wastewater", fee_cap_vnd_per_m3=scenario.wastewater.fee_vnd_per_m3)
    base = compliance(held, baseline, seeds)
    # Fines and inspections well beyond their ranges: a small cluster's own plant (the unit an
    # aggregate's developer decides on) pays against fines only when they are much larger.
    bands = [20 * f for f in held.wastewater.fine_band_bn_vnd]
    dearer = variant(held, "wastewater", fine_band_bn_vnd=bands, fine_max_bn_vnd=bands[-1])
    assert compliance(dearer, baseline, seeds) > base + 5
    assert compliance(held, baseline, seeds, inspection_multiplier=10) > base + 5


# ---------------------------------------------------------------- finance
def test_capital_recovery_factor() -> None:
    assert capital_recovery_factor(0.0, 20) == pytest.approx(0.05)
    assert capital_recovery_factor(0.10, 20) == pytest.approx(0.117460, rel=1e-5)


def test_a_private_developer_waits_for_room_to_pay(scenario: Scenario, baseline: Policy) -> None:
    model = model_of(quiet(scenario), baseline)
    developer = Developer(model, public=False, capacity_bn_vnd=10.0)
    paid: list[float] = []

    def bill() -> Generator[simpy.Event, object, None]:
        yield from developer.pay(8.0, "infrastructure")
        paid.append(model.env.now)

    developer.outstanding_bn_vnd = 5.0
    model.env.process(bill())
    model.env.run(until=2.5)
    assert paid == []  # 5 + 8 > 10
    developer.outstanding_bn_vnd = 2.0  # rents came in
    model.env.run(until=3.5)
    assert paid == [3.0] and developer.outstanding_bn_vnd == pytest.approx(10.0)


def test_rent_paid_by_a_tenant_recovers_the_developers_money(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[KCN]
    developer = zone.developer
    before = developer.outstanding_bn_vnd
    zone.reserve(2.0)
    zone.lease(2.0, 0, False, 0)
    assert before - developer.outstanding_bn_vnd == pytest.approx(2 * model.revenue_per_ha(zone))


def test_no_private_developer_enters_without_the_money_for_a_first_phase(
    scenario: Scenario, baseline: Policy
) -> None:
    poor = variant(
        scenario, "developers", finance_capacity_bn_vnd_kcn=1.0, finance_capacity_bn_vnd_ccn=1.0
    )
    model = model_of(poor, baseline, public_developer_fallback_ccn=False)
    model.run()
    assert not new_firms(model)
    rich = model_of(scenario, baseline, public_developer_fallback_ccn=False)
    rich.run()
    assert new_firms(rich)


def new_firms(model: IZModel) -> list[str]:
    """Zones a new private firm took up (an expansion goes to its parent's developer)."""
    return [
        zone
        for _, kind, zone in model.events
        if kind == "developer_private" and model.zone_by_id[zone].spec.expands is None
    ]


def test_a_plant_within_its_overload_tolerance_stays_compliant(
    scenario: Scenario, baseline: Policy
) -> None:
    tolerant = variant(paying(scenario), "wastewater", overload_tolerance_pct=20)
    for case, expected in ((paying(scenario), False), (tolerant, True)):
        model = model_of(case, baseline)
        zone = model.zone_by_id[KCN]
        collected = wastewater.collected_m3_day(model, zone)
        zone.wwtp_capacity_m3_day = collected / 1.1  # 10 % overloaded
        wastewater.operate_plants(model, no_failures(model))
        assert zone.wwtp_compliant is expected
        treated = collected if expected else collected / 1.1
        assert wastewater.treated_m3_day(model, zone) == pytest.approx(treated)


# ---------------------------------------------------------------- plant cost and size
def test_a_larger_plant_costs_more(scenario: Scenario, baseline: Policy) -> None:
    model = model_of(quiet(scenario), baseline)
    small, large = (wastewater.plant_cost(model, c) for c in (200.0, 2_000.0))
    devs = scenario.developers
    assert large > small > devs.wwtp_cost_fixed_bn_vnd
    per_m3_day = devs.wwtp_cost_bn_vnd_per_1000_m3_day / 1000
    assert large - small == pytest.approx(1_800 * per_m3_day)


def test_a_module_costs_less_than_a_plant_of_its_size(scenario: Scenario, baseline: Policy) -> None:
    model = model_of(quiet(scenario), baseline)
    zone = model.zone_by_id[KCN]
    # A plant with room for a module (the start's plant may already be at the full flow).
    zone.wwtp_capacity_m3_day = 0.3 * wastewater.full_flow_m3_day(model, zone)
    module = wastewater.module_m3_day(model, zone)
    assert module > 0
    new = scenario.developers.wwtp_cost(module)
    assert wastewater.expansion_cost(model, zone) == pytest.approx(0.4 * new)  # expansion 40 %


# ---------------------------------------------------------------- aggregates of clusters
def aggregate(scenario: Scenario, zone_id: str, count: int) -> Scenario:
    """``zone_id`` made an aggregate row of ``count`` clusters."""
    data = quiet(scenario).model_dump(exclude_unset=True)
    for zone in data["zones"]:
        if zone["id"] == zone_id:
            zone["cluster_count"] = count
            zone.setdefault("sources", {})["cluster_count"] = "assumption: a test's aggregate"
    return Scenario.model_validate(data)


def test_an_aggregate_row_counts_its_clusters_in_the_plant_shares(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(aggregate(scenario, CCN, 9), baseline)
    ccn = model.zone_by_id[CCN]
    operating = [z for z in model._main_by_kind["ccn"] if z.operating]
    assert ccn in operating
    clusters = sum(z.spec.cluster_count for z in operating)
    assert clusters == 9 + len(operating) - 1
    # only the existing clusters with an investor have a plant
    with_plant = sum(z.wwtp_clusters for z in operating)
    assert ccn.wwtp_clusters == 0 and with_plant == sum(
        z.spec.cluster_count for z in operating if z.wwtp == "operating"
    )
    assert model._zone_indicators()["wwtp_built_share_ccn"] == 100 * with_plant / clusters
    # A new plant of an aggregate is one cluster's: a ninth of a single zone's, one fixed part.
    single = model_of(aggregate(scenario, CCN, 1), baseline)
    one = single.zone_by_id[CCN]
    cap = wastewater.design_capacity_m3_day(model, ccn)
    assert cap == pytest.approx(wastewater.design_capacity_m3_day(single, one) / 9)
    assert wastewater.new_plant_cost(model, ccn) == pytest.approx(wastewater.plant_cost(model, cap))
    ccn.wwtp, ccn.wwtp_capacity_m3_day, ccn.wwtp_funded, ccn.wwtp_clusters = (
        "operating",
        5 * cap,
        True,
        5,
    )
    shares = model._zone_indicators()
    assert shares["wwtp_built_share_ccn"] == pytest.approx(100 * (5 + with_plant) / clusters)
    assert shares["wwtp_share_ccn"] == pytest.approx(100 * (5 + with_plant) / clusters)
    # It collects and treats the flow of its five clusters with a plant, not the others'.
    assert wastewater.load_m3_day(model, ccn) == pytest.approx(
        5 / 9 * wastewater.collected_m3_day(model, ccn)
    )
    ccn.wwtp_funded = False  # left idle: built, not running
    shares = model._zone_indicators()
    assert shares["wwtp_built_share_ccn"] == pytest.approx(100 * (5 + with_plant) / clusters)
    assert shares["wwtp_share_ccn"] == pytest.approx(100 * with_plant / clusters)


def test_an_aggregate_gains_cluster_plants_one_at_a_time(
    scenario: Scenario, baseline: Policy
) -> None:
    # A rich developer under "plant before tenants" builds every plant it can: the row's plants
    # come one cluster at a time, each costing a cluster plant's fixed part and size.
    model = model_of(aggregate(scenario, CCN, 4), baseline, wwtp_before_tenants=True)
    ccn = model.zone_by_id[CCN]
    ccn.developer.capacity_bn_vnd = RICH
    counts = []
    for _ in range(12 * 8):
        model.step()
        counts.append(ccn.wwtp_clusters)
    steps = [b - a for a, b in itertools.pairwise(counts)]
    assert set(steps) <= {0, 1}  # never two at once
    assert counts[-1] == 4 and counts[0] == 0
    cap = ccn.wwtp_capacity_m3_day
    assert ccn.wwtp_capital_bn_vnd == pytest.approx(
        4 * scenario.developers.wwtp_cost_fixed_bn_vnd
        + scenario.developers.wwtp_cost_bn_vnd_per_1000_m3_day * cap / 1000,
        rel=0.05,  # (modules for growing flow may be among them)
    )


def test_a_cluster_plant_at_the_start_comes_from_the_scenario(
    scenario: Scenario, baseline: Policy
) -> None:
    data = aggregate(scenario, CCN, 6).model_dump(exclude_unset=True)
    for zone in data["zones"]:
        if zone["id"] == CCN:
            zone.update(wwtp="operating", wwtp_compliant=True, clusters_with_wwtp=2)
            zone["sources"]["clusters_with_wwtp"] = "assumption: a test's count"
    model = model_of(Scenario.model_validate(data), baseline)
    ccn = model.zone_by_id[CCN]
    assert ccn.wwtp_clusters == 2 and ccn.plant_share == pytest.approx(2 / 6)
    # Its two plants are sized as one cluster's plant each would be (size_start_plant, in modules
    # of the design share of the two clusters' full flow, covering their expected flow).
    full = wastewater.full_flow_m3_day(model, ccn) * 2 / 6
    expected = wastewater.expected_collected_m3_day(
        model, ccn, scenario.developers.wwtp_build_months
    )
    module = scenario.wastewater.plant_design_share_pct / 100 * full
    modules = max(1, -(-expected * 2 / 6 // module))
    assert ccn.wwtp_capacity_m3_day == pytest.approx(min(full, modules * module))
    # its capital: two first plants (a fixed part each) at the design share, and each module
    devs, ww = scenario.developers, scenario.wastewater
    added = [min(module, ccn.wwtp_capacity_m3_day - k * module) for k in range(1, int(modules))]
    assert ccn.wwtp_capital_bn_vnd == pytest.approx(
        devs.wwtp_cost(module, plants=2)
        + sum(ww.expansion_cost_pct / 100 * devs.wwtp_cost(a) for a in added)
    )
    assert wastewater.clusters_without_plant(ccn) == 4
    # A prospect sees the logit's best of its clusters, between none and all with a plant.
    beta = 1.0
    assert 0 < wastewater.plant_utility(ccn, beta) < beta
    assert wastewater.plant_utility(ccn, beta, share=1.0) == pytest.approx(beta)


def test_clusters_with_wwtp_must_fit_the_row(scenario: Scenario) -> None:
    data = aggregate(scenario, CCN, 3).model_dump(exclude_unset=True)
    for zone in data["zones"]:
        if zone["id"] == CCN:
            zone.update(clusters_with_wwtp=4)
            zone["sources"]["clusters_with_wwtp"] = "assumption: a test's count"
    with pytest.raises(pydantic.ValidationError, match="clusters_with_wwtp needs wwtp: operating"):
        Scenario.model_validate(data)
    for zone in data["zones"]:
        if zone["id"] == CCN:
            zone.update(wwtp="operating")
    with pytest.raises(pydantic.ValidationError, match="clusters_with_wwtp 4 exceeds"):
        Scenario.model_validate(data)


def test_cluster_count_must_be_a_whole_number_from_one(scenario: Scenario) -> None:
    with pytest.raises(pydantic.ValidationError, match="cluster_count"):
        aggregate(scenario, CCN, 0)


# ---------------------------------------------------------------- expansions
EXPANSION = "long_binh_an_expansion"


def test_an_expansion_connects_to_its_parents_plant_and_builds_none(
    scenario: Scenario, baseline: Policy
) -> None:
    reliable = variant(paying(scenario), "wastewater", failure_pct_per_month=0)
    model = model_of(reliable, baseline)
    parent, expansion = model.zone_by_id[KCN], model.zone_by_id[EXPANSION]
    assert parent.wwtp == "operating" and expansion.spec.expands == KCN
    assert model.own_plant_cost(expansion) == 0.0  # no plant of its own to pay for
    developer = Developer(model, public=False, capacity_bn_vnd=RICH)
    developer.take_up(expansion)
    developer.review(expansion)
    assert expansion.wwtp_host is parent and parent.wwtp_clients == [expansion]
    assert expansion.wwtp == "none"  # never builds its own
    # Its tenants' flow goes to the parent's plant, which is expanded when the joint flow
    # outgrows it.
    expansion.serviced_ha = expansion.leased_ha = expansion.leasable_ha
    joint = wastewater.collected_m3_day(model, parent) + wastewater.collected_m3_day(
        model, expansion
    )
    assert wastewater.load_m3_day(model, parent) == pytest.approx(joint)
    assert joint > parent.wwtp_capacity_m3_day
    wastewater.operate_plants(model, no_failures(model))
    assert parent.wwtp_expanding and not parent.wwtp_compliant and not expansion.wwtp_ok
    treated = wastewater.treated_m3_day(model, parent) + wastewater.treated_m3_day(model, expansion)
    assert treated == pytest.approx(parent.wwtp_capacity_m3_day)  # overloaded: up to capacity
    model.env.run(until=12.5)  # wwtp_build_months = 12
    wastewater.operate_plants(model, no_failures(model))
    assert parent.wwtp_capacity_m3_day >= joint - 1e-9
    assert parent.wwtp_compliant and expansion.wwtp_ok and expansion.wwtp_running
    assert wastewater.untreated_m3_day(model, parent) == pytest.approx(0.0)
    assert expansion.wwtp == "none"


def test_an_expansion_of_a_zone_without_a_plant_may_build_its_own(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(paying(scenario), baseline)
    parent, expansion = model.zone_by_id[KCN], model.zone_by_id[EXPANSION]
    parent.wwtp = "none"
    assert wastewater.parent_plant(model, expansion) is None
    assert model.own_plant_cost(expansion) > 0


# ---------------------------------------------------------------- orders to operate
def idle(scenario: Scenario, *, suspension_after: int = 2) -> Scenario:
    """A plant that costs more to run than its fees earn and than the fines expected: left
    idle unless ordered."""
    return variant(
        quiet(scenario),
        "wastewater",
        fee_vnd_per_m3=0,
        fee_cap_vnd_per_m3=0,
        suspension_after_repeat_findings=suspension_after,
    )


def find(model: IZModel, zone_id: str) -> None:
    draws = np.ones(len(model.zones))
    draws[model.zone_by_id[zone_id].index] = 0.0
    model.agencies.inspect(model.zones, draws)


def test_an_idle_plant_ordered_to_operate_runs_when_its_developer_can_pay(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(idle(scenario), baseline)
    zone = model.zone_by_id[KCN]
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp == "operating" and not zone.wwtp_running  # left idle
    find(model, KCN)
    assert zone.wwtp_ordered and model.agencies.operate_orders == 1
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp_running and zone.wwtp_compliant
    assert zone.wwtp_ordered  # the obligation to run it stays


def test_an_ignored_order_is_fined_again_more_and_the_zone_suspended(
    scenario: Scenario, baseline: Policy
) -> None:
    model = model_of(idle(scenario, suspension_after=2), baseline)
    zone = model.zone_by_id[KCN]
    developer = zone.developer
    developer.capacity_bn_vnd = developer.outstanding_bn_vnd  # no room to pay the running cost
    ww = model.scenario.wastewater
    fines = []
    for finding in range(4):
        wastewater.operate_plants(model, no_failures(model))
        assert not zone.wwtp_running
        before = developer.fines_paid_bn_vnd
        untreated = wastewater.untreated_m3_day(model, zone)
        find(model, KCN)
        fines.append(developer.fines_paid_bn_vnd - before)
        assert fines[-1] == pytest.approx(ww.fine(untreated, repeats=finding))
        assert zone.admission_suspended is (finding >= 2)  # suspension_after_repeat_findings
    assert fines[0] < fines[1] < fines[2] <= ww.fine_max_bn_vnd  # repeat fines escalate
    assert model.agencies.operate_orders == 1 and model.agencies.admission_suspensions == 1
    # A suspended zone admits no one; the suspension ends once the plant runs.
    _, feasible = model.choice_problem(model.arrivals.candidates(3, np.random.default_rng(0))[0])
    assert not feasible[:, zone.index].any()
    developer.capacity_bn_vnd = RICH
    wastewater.operate_plants(model, no_failures(model))
    assert zone.wwtp_running and not zone.suspended and not zone.admission_suspended


def test_repeat_fines_stay_within_the_legal_ceiling(scenario: Scenario) -> None:
    ww = scenario.wastewater
    top = ww.fine(1e6)
    assert ww.fine(1e6, repeats=10) == ww.fine_max_bn_vnd >= top
    assert ww.fine(100, repeats=1) == pytest.approx(ww.fine(100) * ww.repeat_fine_multiplier)


def test_the_fine_ceiling_below_a_band_is_refused(scenario: Scenario) -> None:
    with pytest.raises(pydantic.ValidationError, match="fine_max_bn_vnd"):
        variant(scenario, "wastewater", fine_max_bn_vnd=1.0)


def test_a_fee_cap_below_the_base_fee_is_refused(scenario: Scenario) -> None:
    with pytest.raises(pydantic.ValidationError, match="fee_cap_vnd_per_m3"):
        variant(scenario, "wastewater", fee_cap_vnd_per_m3=5_000)


def test_a_ccn_finding_orders_a_plant_only_in_its_share(
    scenario: Scenario, baseline: Policy
) -> None:
    ordered = {}
    for share in (0, 100):
        model = model_of(
            variant(quiet(scenario), "wastewater", ccn_build_order_pct=share), baseline
        )
        zone = model.zone_by_id[CCN]
        developer = zone.developer
        find(model, CCN)
        assert developer.fines_paid_bn_vnd > 0  # fined either way
        ordered[share] = zone.wwtp == "building"
    assert ordered == {0: False, 100: True}
