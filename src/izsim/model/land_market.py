"""The industrial land market (thị trường đất công nghiệp): rents that follow vacancy, land
held back, stalled zones that change hands, late developers sanctioned, and land for industry
outside zones that runs out.

Rents move once a year (the January review): each operating zone of a private developer
against its own vacancy; zones not yet leasing follow the market of their kind, so a
province where land is scarce sees the expected rent of its planned sites rise and brings
them forward. A developer that has gone slow on a zone puts it up for sale, and a buyer takes
it when the rest of the zone pays by the buyer's own standard. Under the sanction rule the IZ
Board takes a zone back from a developer far behind its committed schedule (Hà Nam's plan) and
hands it to the next developer that wants it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone


def rent_pressure(vacancy: float, target: float) -> float:
    """How hard a zone's vacancy pushes its rent: ``(target − vacancy)/target`` clipped to
    [−1, 1], so +1 with no land left, 0 at the target vacancy and −1 at twice the target or
    more (one slope both ways).

    Args:
        vacancy: share of the zone's serviced land neither leased nor held by a prospect, 0–1.
        target: the vacancy at which rent holds (structural vacancy), strictly between 0 and 1.
    """
    return max(-1.0, min(1.0, (target - vacancy) / target))


def review_rents(model: IZModel) -> None:
    """The January rent review.

    An operating zone of a private developer moves its rent by up to
    ``rent_adjust_pct_per_year`` in the direction of :func:`rent_pressure`. Zones that lease
    nothing yet (planned, being established or built) carry the rent a developer would ask
    there: it moves with the market of their kind (KCN or CCN), by the leasable-weighted change
    of the operating zones' rents. District boards' clusters keep the rent the province set, and
    count in that change as rents that did not move.
    """
    devs = model.scenario.developers
    target = devs.target_vacancy_pct / 100
    step = devs.rent_adjust_pct_per_year / 100
    before = {True: 0.0, False: 0.0}
    after = {True: 0.0, False: 0.0}
    for zone in model.zones:
        if not zone.operating or zone.developer is None:
            continue
        before[zone.is_kcn] += zone.rent_usd_m2 * zone.leasable_ha
        # District boards' rents are part of the market of their kind but do not move: a few
        # private clusters beside many board-run ones are not the whole market.
        if not zone.developer.public:
            # The space market is the built land; unbuilt land comes to it through phases (§2.4).
            vacancy = 1 - min(1.0, zone.serviced_occupancy)
            zone.rent_usd_m2 *= 1 + step * rent_pressure(vacancy, target)
        after[zone.is_kcn] += zone.rent_usd_m2 * zone.leasable_ha
    for kcn in (True, False):
        # What developers extrapolate into their pro formas (expected_rent_growth).
        model.rent_change[kcn] = after[kcn] / before[kcn] - 1 if before[kcn] > 0 else 0.0
    for zone in model.zones:
        if zone.operating or before[zone.is_kcn] <= 0:
            continue
        if zone.developer is not None and zone.developer.public:
            continue
        zone.rent_usd_m2 *= after[zone.is_kcn] / before[zone.is_kcn]


def phase_pays(model: IZModel, zone: Zone, hurdle: float) -> bool:
    """Whether the zone's next phase pays: the rent of its land, leased at the absorption the
    developer expects, against the phase's own clearance and works (what is built is sunk).
    A developer for whom it does not pay holds the land back."""
    devs = model.scenario.developers
    phase = min(zone.unserviced_ha, zone.leasable_ha * devs.infrastructure_phase_pct / 100)
    if phase <= 0:
        return False
    absorption = model.expected_absorption_ha(zone)
    if absorption <= 0:
        return False
    cost_per_ha = model.works_cost_per_leasable_ha(zone)
    revenue = model.revenue_per_ha(zone) * lease_factor(model, zone, phase / absorption)
    return revenue >= hurdle * cost_per_ha


def annuity_factor(rate: float, years: float) -> float:
    """Present value of revenue spread evenly over ``years``, per unit of undiscounted
    revenue."""
    if rate <= 0 or years <= 0:
        return 1.0
    return (1 - (1 + rate) ** -years) / (rate * years)


def growing_annuity_factor(rate: float, growth: float, years: float) -> float:
    """:func:`annuity_factor` of revenue whose rent grows by ``growth`` a year: discounting
    at ``rate`` a revenue growing at ``growth`` is discounting a flat one at the effective
    rate ``(1 + rate)/(1 + growth) − 1``, which is negative when rents are expected to grow
    faster than the cost of capital (the factor then exceeds 1)."""
    if growth == 0:
        return annuity_factor(rate, years)  # the same floats as without growth
    effective = (1 + rate) / (1 + growth) - 1
    if effective == 0 or years <= 0:
        return 1.0
    return (1 - (1 + effective) ** -years) / (effective * years)


def expected_rent_growth(model: IZModel, zone: Zone) -> float:
    """The yearly rent growth a developer expects while it leases ``zone``'s land: the last
    January review's change of the rents of its kind (KCN or CCN), clipped to
    ``± expected_rent_growth_cap_pct_per_year`` (land-value appreciation: where land is
    scarce rents rise and holding or servicing land pays sooner)."""
    cap = model.scenario.developers.expected_rent_growth_cap_pct_per_year / 100
    if cap <= 0:
        return 0.0
    return max(-cap, min(cap, model.rent_change[zone.is_kcn]))


def lease_factor(model: IZModel, zone: Zone, years: float) -> float:
    """Present value per unit of today's lease revenue of land leased evenly over ``years``
    at the developers' discount rate, with the rent growth they expect."""
    rate = model.scenario.developers.discount_rate_pct / 100
    return growing_annuity_factor(rate, expected_rent_growth(model, zone), years)


def for_sale(model: IZModel) -> list[Zone]:
    """Zones a developer could take over: a private developer gone slow on them, or taken back
    by the IZ Board."""
    return [
        z
        for z in model.zones
        if z.stage != "planned" and (z.developer is None or (not z.developer.public and z.dropped))
    ]


def remaining_pro_forma(model: IZModel, zone: Zone) -> float:
    """A buyer's pro forma for a zone under way: rent of the land still to lease against the
    works still to build (what was built before is bought with the zone, outside the model's
    accounts)."""
    room = zone.leasable_ha - zone.leased_ha - zone.reserved_ha
    absorption = model.expected_absorption_ha(zone)
    if room <= 0 or absorption <= 0:
        return 0.0
    works = zone.unserviced_ha * model.works_cost_per_leasable_ha(zone)
    if zone.wwtp == "none":
        works += model.own_plant_cost(zone)
    revenue = room * model.revenue_per_ha(zone) * lease_factor(model, zone, room / absorption)
    return revenue / works if works > 0 else float("inf")


def take_overs(model: IZModel) -> None:
    """Zones for sale change hands: a buyer comes with the same monthly chance as for a planned
    zone and buys when the rest of the zone clears its own hurdle (drawn as a candidate
    developer's) and it can finance the next phase's works."""
    from izsim.model.developer import Developer  # developers consult this module

    devs = model.scenario.developers
    for zone in for_sale(model):
        if model.developer_draws[zone.index] >= devs.private_entry_pct_per_month / 100:
            continue
        hurdle = model.developer_hurdle(zone)
        if remaining_pro_forma(model, zone) < hurdle:
            continue
        capacity = model.finance_capacity(zone, float(model.capacity_draws[zone.index]))
        if zone.unserviced_ha > 0 and capacity < model.first_phase_cost(zone, plant=False):
            continue
        if zone.developer is not None:
            zone.developer.give_up(zone)  # its plant payments stop too
        zone.taken_over_month = model.month
        buyer = Developer(model, public=False, capacity_bn_vnd=capacity)
        buyer.hurdle = hurdle
        buyer.take_up(zone)
        model.zones_sold += 1
        model.events.append((model.month, "zone_sold", zone.key))


def sanction_late_developers(model: IZModel) -> None:
    """The IZ Board takes a zone back from a private developer far behind its committed
    schedule (thu hồi): established for ``developer_schedule_months`` and still waiting for
    money to build its first phase, or gone slow for that long. The zone keeps its
    establishment and cleared land; unfinished works are the developer's loss; its next
    developer starts the first phase over."""
    if not model.levers.sanction_late_developers:
        return
    limit = model.scenario.agencies.developer_schedule_months
    for zone in model.zones:
        developer = zone.developer
        if developer is None or developer.public or not zone.established:
            continue
        # the schedule runs from establishment (or the start), or from the developer's own
        # take-over, or from the land users' agreement (the wait is not the developer's), or
        # from going slow
        agreed = math.ceil(zone.agreement_month) if zone.agreement_month is not None else 0
        since = max(zone.established_month or 0, zone.taken_over_month or 0, agreed)
        if zone.dropped:
            since = zone.dropped_month or 0
        late = zone.dropped or (not zone.operating and zone.awaiting_finance)
        if not late or model.month - since < limit:
            continue
        developer.give_up(zone)
        if not zone.operating:
            zone.stage = "approved"
        zone.taken_over_month = model.month  # the next developer's schedule starts afresh
        model.agencies.developers_sanctioned += 1
        model.events.append((model.month, "developer_sanctioned", zone.key))
