"""Industrial wastewater (nước thải công nghiệp) and the central plants that treat it
(hệ thống xử lý nước thải tập trung, HTXLNT).

Tenants discharge in proportion to the land they lease. A zone's plant treats that flow to the
standard only while it is *compliant*: built, not failed, paid to run, and not overloaded.
Compliance is an operating state, checked every month: a plant whose running cost its owner
will not or cannot pay, or whose load outgrows it, or that breaks down, falls out of compliance
and comes back once it is funded, expanded or repaired. Fines follow bands of the flow
discharged without treatment; inspections come more often to zones with a violation on record
and to zones people complain about (complaints grow with the untreated flow).

All money in bn VND; flows in m³ a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

DAYS_PER_MONTH = 365 / 12  # calendar: turns m³/day into a month's volume
VND_PER_BN = 1e9


def discharge_m3_day(model: IZModel, zone: Zone) -> float:
    """What the zone's tenants discharge now (leased land × discharge per hectare).

    Land leased but not yet producing counts too: the simplification overstates a filling
    zone's flow by the months of factory construction (docs/model.md §9).
    """
    return zone.leased_ha * model.scenario.wastewater.generation_m3_per_ha_day


def connected_share(model: IZModel, zone: Zone) -> float:
    """Share of the tenants' flow the central plant collects: all of it in a KCN (tenants must
    connect), the scenario's share in a CCN."""
    return 1.0 if zone.is_kcn else model.scenario.wastewater.ccn_connected_pct / 100


def collected_m3_day(model: IZModel, zone: Zone) -> float:
    """The flow that reaches the zone's central plant (or would, once there is one)."""
    return discharge_m3_day(model, zone) * connected_share(model, zone)


def expected_collected_m3_day(model: IZModel, zone: Zone, months: float) -> float:
    """The collected flow a developer expects ``months`` ahead: land leased now plus the land
    it expects to lease by then."""
    ha = zone.leased_ha + model.expected_absorption_ha(zone) * months / 12
    ww = model.scenario.wastewater
    return min(ha, zone.leasable_ha) * ww.generation_m3_per_ha_day * connected_share(model, zone)


def full_flow_m3_day(model: IZModel, zone: Zone) -> float:
    """The flow a plant would collect with every leasable hectare leased."""
    ww = model.scenario.wastewater
    return zone.leasable_ha * ww.generation_m3_per_ha_day * connected_share(model, zone)


def design_capacity_m3_day(model: IZModel, zone: Zone) -> float:
    """Capacity of a new plant: the design share of the zone's full flow, or the flow expected
    when it would open if that is more (nobody builds a plant already too small). A plant
    operating at the start is taken to have been sized the same way."""
    ww = model.scenario.wastewater
    full = full_flow_m3_day(model, zone)
    months = model.scenario.developers.wwtp_build_months
    return max(
        ww.plant_design_share_pct / 100 * full, expected_collected_m3_day(model, zone, months)
    )


def load_limit_m3_day(model: IZModel, zone: Zone) -> float:
    """The most the zone's plant treats to the standard: its design capacity and the
    scenario's overload tolerance above it."""
    tolerance = model.scenario.wastewater.overload_tolerance_pct / 100
    return zone.wwtp_capacity_m3_day * (1 + tolerance)


def operating_gap_per_month(model: IZModel, zone: Zone) -> float:
    """A running plant's cost less the fees tenants pay for treatment, a month (negative: the
    plant earns money). Fees and variable cost follow the flow the plant can take."""
    treated = min(collected_m3_day(model, zone), load_limit_m3_day(model, zone))
    return gap_at(model, zone, treated)


def gap_at(model: IZModel, zone: Zone, treated: float) -> float:
    """The monthly running cost less fees of ``zone``'s plant treating ``treated`` m³/day."""
    ww = model.scenario.wastewater
    capital = model.scenario.developers.wwtp_cost(kcn=zone.is_kcn)
    fixed = capital * ww.operating_cost_fixed_pct_per_year / 100 / 12
    margin = (ww.fee_vnd_per_m3 - ww.operating_cost_vnd_per_m3) * treated * DAYS_PER_MONTH
    return fixed - margin / VND_PER_BN


def treated_m3_day(model: IZModel, zone: Zone) -> float:
    """Flow treated to the standard: what a running plant that has not failed can take (an
    overloaded plant treats up to its load limit and lets the rest out), else nothing."""
    if not zone.wwtp_running or zone.wwtp_fault:
        return 0.0
    return min(collected_m3_day(model, zone), load_limit_m3_day(model, zone))


def untreated_m3_day(model: IZModel, zone: Zone) -> float:
    """Collected flow the zone's developer lets out without treatment to the standard (the
    developer's violation; CCN tenants who never connect are not its doing)."""
    return collected_m3_day(model, zone) - treated_m3_day(model, zone)


def inspection_chance(model: IZModel, zone: Zone, *, untreated: float | None = None) -> float:
    """Chance a month that the environment department inspects ``zone``: the routine rate
    (times the policy's multiplier), higher while a violation is on its record, plus the
    chance that complaints about ``untreated`` m³/day bring inspectors."""
    ww = model.scenario.wastewater
    chance = model.agencies.inspection_probability
    last = zone.last_violation_month
    if last is not None and model.month - last < ww.record_months:
        chance *= ww.record_inspection_multiplier
    flow = untreated_m3_day(model, zone) if untreated is None else untreated
    chance += ww.complaint_pct_per_month_per_1000_m3_day / 100 * flow / 1000
    return min(1.0, chance)


def expected_fine_per_month(model: IZModel, zone: Zone, untreated: float) -> float:
    """Fines a developer expects a month while ``untreated`` m³/day go untreated."""
    if untreated <= 0:
        return 0.0
    fine = model.scenario.wastewater.fine(untreated)
    return inspection_chance(model, zone, untreated=untreated) * fine


def operate_plants(model: IZModel, failure_draws: list[float]) -> None:
    """The month's operation of every central plant: failures, funding, compliance.

    ``failure_draws`` has one uniform per zone, drawn every month whatever the state of the
    plants, so policies with the same seed see the same breakdowns.
    """
    chance = model.scenario.wastewater.failure_pct_per_month / 100
    for zone in model.zones:
        if zone.wwtp != "operating" or zone.developer is None:
            zone.wwtp_compliant = False
            continue
        if failure_draws[zone.index] < chance:
            zone.wwtp_fault = True
        zone.developer.run_plant(zone)
        zone.wwtp_compliant = (
            zone.wwtp_funded
            and not zone.wwtp_fault
            and collected_m3_day(model, zone) <= load_limit_m3_day(model, zone)
        )


def flows_by_kind(model: IZModel) -> dict[str, tuple[float, float]]:
    """(generated, treated to standard) in m³/day for ``kcn`` (high-tech zones included),
    ``ccn`` and ``outside`` (facilities outside zones located during the run)."""
    ww = model.scenario.wastewater
    out = {"kcn": [0.0, 0.0], "ccn": [0.0, 0.0]}
    for zone in model.zones:
        row = out["kcn" if zone.is_kcn else "ccn"]
        row[0] += discharge_m3_day(model, zone)
        row[1] += treated_m3_day(model, zone)
    outside = model.outside_zone_leased_ha * ww.generation_m3_per_ha_day
    flows = {kind: (row[0], row[1]) for kind, row in out.items()}
    flows["outside"] = (outside, outside * ww.outside_zone_treated_pct / 100)
    return flows
