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

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

DAYS_PER_MONTH = 365 / 12  # calendar: turns m³/day into a month's volume
PER_1000_M3_DAY = 1000  # unit of the fields counted per 1,000 m³/day
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
    """The flow of ``zone``'s own tenants that reaches a central plant (or would, once there
    is one)."""
    return discharge_m3_day(model, zone) * connected_share(model, zone)


def served(zone: Zone) -> list[Zone]:
    """The zones whose flow ``zone``'s plant treats: itself and the expansions connected to it."""
    return [zone, *zone.wwtp_clients]


def load_m3_day(model: IZModel, plant: Zone) -> float:
    """The flow that reaches ``plant``'s central plant from every zone it serves (of an
    aggregate row, the flow of its clusters with a plant)."""
    if not plant.wwtp_clients:  # (most plants, many times a month: the sum of one flow)
        return collected_m3_day(model, plant) * plant.plant_share
    return sum(collected_m3_day(model, zone) for zone in served(plant)) * plant.plant_share


def expected_collected_m3_day(model: IZModel, zone: Zone, months: float) -> float:
    """The flow a developer expects at ``zone``'s plant ``months`` ahead: land leased now plus
    the land it expects to lease by then, in every zone the plant serves."""
    ww = model.scenario.wastewater
    total = 0.0
    for member in served(zone):
        ha = member.leased_ha + model.expected_absorption_ha(member) * months / 12
        gen = ww.generation_m3_per_ha_day
        total += min(ha, member.leasable_ha) * gen * connected_share(model, member)
    return total


def full_flow_m3_day(model: IZModel, zone: Zone) -> float:
    """The flow ``zone``'s plant would collect with every leasable hectare of the zones it
    serves leased."""
    ww = model.scenario.wastewater
    return sum(
        member.leasable_ha * ww.generation_m3_per_ha_day * connected_share(model, member)
        for member in served(zone)
    )


def design_capacity_m3_day(model: IZModel, zone: Zone) -> float:
    """Capacity of a new plant: the design share of the zone's full flow, or the flow expected
    when it would open if that is more (nobody builds a plant already too small). A plant
    operating at the start: :func:`size_start_plant`. Of an aggregate row of N clusters, one
    cluster's plant: an N-th of that."""
    ww = model.scenario.wastewater
    full = full_flow_m3_day(model, zone)
    months = model.scenario.developers.wwtp_build_months
    return (
        max(ww.plant_design_share_pct / 100 * full, expected_collected_m3_day(model, zone, months))
        / zone.spec.cluster_count
    )


def size_start_plant(model: IZModel, zone: Zone) -> None:
    """Set the capacity (m³/day) and capital (bn VND) of ``zone``'s plants operating at the
    start: each built at the design share of its clusters' full flow and grown since by the
    running rule's modules (:func:`module_m3_day`, :func:`expansion_cost`, the pieces
    :meth:`Developer._keep_up` adds), until it covers the flow expected one build time ahead
    (docs/model.md §2.5).

    Sized at that flow alone (as if every start plant had just been built), every start plant
    of a filling province was overloaded within months and out of compliance until a module was
    built, all at once. That the first plant was built at the design share, the zone's load
    below it then, is an assumption (the plants' histories are not recorded)."""
    devs, ww = model.scenario.developers, model.scenario.wastewater
    full = full_flow_m3_day(model, zone) * zone.plant_share
    expected = expected_collected_m3_day(model, zone, devs.wwtp_build_months) * zone.plant_share
    zone.wwtp_capacity_m3_day = ww.plant_design_share_pct / 100 * full
    zone.wwtp_capital_bn_vnd = plant_cost(
        model, zone.wwtp_capacity_m3_day, plants=zone.wwtp_clusters
    )
    while zone.wwtp_capacity_m3_day < expected and (added := module_m3_day(model, zone)) > 0:
        zone.wwtp_capital_bn_vnd += expansion_cost(model, zone)
        zone.wwtp_capacity_m3_day += added


def plant_cost(model: IZModel, capacity_m3_day: float, *, plants: int = 1) -> float:
    """Cost of ``plants`` plants with ``capacity_m3_day`` between them (their fixed parts and
    the part per capacity), bn VND."""
    return model.scenario.developers.wwtp_cost(capacity_m3_day, plants=plants)


def new_plant_cost(model: IZModel, zone: Zone) -> float:
    """Cost of the plant ``zone``'s developer would build now (its design capacity; of an
    aggregate row, its next cluster's plant), bn VND."""
    return plant_cost(model, design_capacity_m3_day(model, zone))


def plant_utility(zone: Zone, beta: float, *, share: float | None = None) -> float:
    """Utility a compliant plant gives ``zone`` in the eyes of a prospect weighing it ``beta``:
    ``beta`` for a single zone; for an aggregate row whose clusters have a plant in share
    ``s`` (``share``, else :attr:`Zone.plant_share`), the expected best of its clusters under
    the logit, ``ln(1 + s·(e^beta − 1))`` (``beta`` when all have one, 0 when none has)."""
    if zone.spec.cluster_count == 1:
        return beta
    return math.log1p((zone.plant_share if share is None else share) * math.expm1(beta))


def polluting_plant_utility(zone: Zone, beta: float, beta_polluting: float) -> float:
    """What a compliant plant on ``zone`` adds for a polluting prospect beyond
    :func:`plant_utility` at ``beta`` (which every prospect gets): ``beta_polluting`` for a
    single zone; for an aggregate row, the difference of the two expected bests."""
    if zone.spec.cluster_count == 1:
        return beta_polluting
    return plant_utility(zone, beta + beta_polluting) - plant_utility(zone, beta)


def clusters_without_plant(zone: Zone) -> int:
    """Clusters of an aggregate row with a plant that still have none of their own (0 for a
    single zone, and for a row with no plant yet: its first is a new plant)."""
    if zone.spec.cluster_count == 1 or zone.wwtp != "operating":
        return 0
    return zone.spec.cluster_count - zone.wwtp_clusters


def module_m3_day(model: IZModel, zone: Zone) -> float:
    """Capacity a further module adds to ``zone``'s plant (no more than the full flow of the
    clusters it serves needs)."""
    full = full_flow_m3_day(model, zone) * zone.plant_share
    module = model.scenario.wastewater.plant_design_share_pct / 100 * full
    return max(0.0, min(full, zone.wwtp_capacity_m3_day + module) - zone.wwtp_capacity_m3_day)


def expansion_cost(model: IZModel, zone: Zone) -> float:
    """Cost of the next module: ``expansion_cost_pct`` of a plant of the module's size (site,
    pipes and buildings exist), bn VND."""
    devs, ww = model.scenario.developers, model.scenario.wastewater
    return ww.expansion_cost_pct / 100 * devs.wwtp_cost(module_m3_day(model, zone))


def repair_cost(model: IZModel, zone: Zone) -> float:
    """Cost of bringing ``zone``'s failed plant back: ``repair_cost_pct`` of its capital."""
    return model.scenario.wastewater.repair_cost_pct / 100 * capital(model, zone)


def capital(model: IZModel, zone: Zone) -> float:
    """What ``zone``'s plant cost (built or under way), or what a new one would, bn VND."""
    if zone.wwtp_capital_bn_vnd > 0:
        return zone.wwtp_capital_bn_vnd
    return new_plant_cost(model, zone)


def parent_plant(model: IZModel, zone: Zone) -> Zone | None:
    """The plant an expansion without a plant of its own connects to: its parent's (or the
    plant its parent is connected to), built or under way, unless the parent is an aggregate
    row of clusters; ``None`` otherwise."""
    if zone.spec.expands is None or zone.wwtp != "none" or zone.wwtp_clients:
        return None
    plant = model.zone_by_id[zone.spec.expands].plant
    if plant.spec.cluster_count > 1:
        return None  # an aggregate row's plants serve its own clusters (their share, §2.5)
    return plant if plant.wwtp != "none" and plant is not zone else None


def connect(plant: Zone, zone: Zone) -> None:
    """Connect expansion ``zone`` to ``plant`` (the pipes are laid once; it stays connected)."""
    zone.wwtp_host = plant
    plant.wwtp_clients.append(zone)


def load_limit_m3_day(model: IZModel, zone: Zone) -> float:
    """The most the zone's plant treats to the standard: its design capacity and the
    scenario's overload tolerance above it."""
    tolerance = model.scenario.wastewater.overload_tolerance_pct / 100
    return zone.wwtp_capacity_m3_day * (1 + tolerance)


def fixed_running_cost_per_month(
    model: IZModel, zone: Zone, *, plant_capital: float | None = None
) -> float:
    """The part of the plant's running cost that does not follow the flow, bn VND a month.

    ``plant_capital`` is :func:`capital` of ``zone`` where the caller has it (for a plant not
    yet built it is a new plant's cost, worked out from the zones' flows)."""
    ww = model.scenario.wastewater
    if plant_capital is None:
        plant_capital = capital(model, zone)
    return plant_capital * ww.operating_cost_fixed_pct_per_year / 100 / 12


def fee_vnd_per_m3(
    model: IZModel, zone: Zone, treated: float, *, plant_capital: float | None = None
) -> float:
    """The treatment fee ``zone``'s plant charges at ``treated`` m³/day: the base fee, raised
    toward the fee that recovers the running cost, within the province's cap
    (``plant_capital``: as in :func:`fixed_running_cost_per_month`)."""
    ww = model.scenario.wastewater
    if treated <= 0:
        return ww.fee_vnd_per_m3
    fixed = fixed_running_cost_per_month(model, zone, plant_capital=plant_capital) * VND_PER_BN
    recovery = ww.operating_cost_vnd_per_m3 + fixed / (treated * DAYS_PER_MONTH)
    return min(ww.fee_cap_vnd_per_m3, max(ww.fee_vnd_per_m3, recovery))


def operating_gap_per_month(model: IZModel, zone: Zone) -> float:
    """A running plant's cost less the fees tenants pay for treatment, a month (negative: the
    plant earns money). Fees and variable cost follow the flow the plant can take."""
    treated = min(load_m3_day(model, zone), load_limit_m3_day(model, zone))
    return gap_at(model, zone, treated)


def gap_at(
    model: IZModel, zone: Zone, treated: float, *, plant_capital: float | None = None
) -> float:
    """The monthly running cost less fees of ``zone``'s plant treating ``treated`` m³/day
    (``plant_capital``: a plant of that cost rather than :func:`capital` of ``zone``)."""
    ww = model.scenario.wastewater
    if plant_capital is None:
        plant_capital = capital(model, zone)  # (once: the fee and the fixed cost both read it)
    fee = fee_vnd_per_m3(model, zone, treated, plant_capital=plant_capital)
    margin = (fee - ww.operating_cost_vnd_per_m3) * treated * DAYS_PER_MONTH
    fixed = fixed_running_cost_per_month(model, zone, plant_capital=plant_capital)
    return fixed - margin / VND_PER_BN


def treated_m3_day(model: IZModel, zone: Zone) -> float:
    """Flow of ``zone``'s tenants treated to the standard: their share of what the plant
    treating it takes, if it runs and has not failed (an overloaded plant treats up to its
    load limit and lets the rest out), else nothing. Of an aggregate row, only the flow of its
    clusters with a plant."""
    plant = zone.plant
    if plant.wwtp != "operating" or not plant.wwtp_funded or plant.wwtp_fault:
        return 0.0
    collected = collected_m3_day(model, zone) * plant.plant_share
    load = load_m3_day(model, plant) if plant.wwtp_clients else collected
    if load <= 0:
        return 0.0
    return collected * min(1.0, load_limit_m3_day(model, plant) / load)


def untreated_m3_day(model: IZModel, zone: Zone) -> float:
    """Collected flow of the zones ``zone``'s plant serves let out without treatment to the
    standard (the plant operator's violation; CCN tenants who never connect are not its
    doing)."""
    if not zone.wwtp_clients:  # (most plants, many times a month: the sum of one flow)
        return collected_m3_day(model, zone) - treated_m3_day(model, zone)
    return sum(
        collected_m3_day(model, member) - treated_m3_day(model, member) for member in served(zone)
    )


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
    chance += ww.complaint_pct_per_month_per_1000_m3_day / 100 * flow / PER_1000_M3_DAY
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
    plants, so policies with the same seed see the same breakdowns. A connected expansion has
    no plant of its own to run (its state is its parent plant's). A plant that runs lifts a
    suspension against its zone (the order to run it stays).
    """
    chance = model.scenario.wastewater.failure_pct_per_month / 100
    for zone in model.zones:
        if zone.wwtp_host is not None:
            continue
        if zone.wwtp != "operating" or zone.developer is None:
            zone.wwtp_compliant = False
            continue
        if failure_draws[zone.index] < chance:
            zone.wwtp_fault = True
        zone.developer.run_plant(zone)
        if zone.wwtp_funded:
            zone.admission_suspended = False
        zone.wwtp_compliant = (
            zone.wwtp_funded
            and not zone.wwtp_fault
            and load_m3_day(model, zone) <= load_limit_m3_day(model, zone)
        )


def flows_by_kind(model: IZModel) -> dict[str, tuple[float, float]]:
    """(generated, treated to standard) in m³/day for ``kcn`` (high-tech zones included),
    ``ccn`` and ``outside`` (facilities outside zones located during the run).

    Run for every zone every month: it works out :func:`discharge_m3_day`,
    :func:`collected_m3_day` and :func:`treated_m3_day` inline, with the scenario's constants
    read once, each flow being the same IEEE operations as those functions make.
    """
    ww = model.scenario.wastewater
    generation = ww.generation_m3_per_ha_day
    ccn_share = ww.ccn_connected_pct / 100  # connected_share of a CCN
    overload = 1 + ww.overload_tolerance_pct / 100  # load_limit_m3_day over capacity
    out = {"kcn": [0.0, 0.0], "ccn": [0.0, 0.0]}
    kcn, ccn = out["kcn"], out["ccn"]
    for zone in model.zones:
        row = kcn if zone.is_kcn else ccn
        discharge = zone.leased_ha * generation
        row[0] += discharge
        plant = zone.plant
        # Nothing treated adds nothing (the sums start at +0.0, so skipping a 0.0 changes no bit).
        if plant.wwtp != "operating" or not plant.wwtp_funded or plant.wwtp_fault:
            continue
        collected = discharge * (1.0 if zone.is_kcn else ccn_share) * plant.plant_share
        load = load_m3_day(model, plant) if plant.wwtp_clients else collected
        if load > 0:
            row[1] += collected * min(1.0, plant.wwtp_capacity_m3_day * overload / load)
    outside = model.outside_zone_leased_ha * generation
    flows = {kind: (row[0], row[1]) for kind, row in out.items()}
    flows["outside"] = (outside, outside * ww.outside_zone_treated_pct / 100)
    return flows
