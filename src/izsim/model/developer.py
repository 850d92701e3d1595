"""Zone developers (chủ đầu tư hạ tầng): private firms, or a district project board as the
public fallback (Ban quản lý dự án đầu tư xây dựng huyện).

A developer takes up a planned zone when its pro forma clears a hurdle (rent × expected
absorption against clearance and infrastructure cost) and it can finance the first phase, has
the zone established, clears land and builds infrastructure in phases keyed to occupancy,
decides when to build, run, repair and expand the central wastewater plant, sets rent, and may
go slow on a zone nobody leases in.

A private developer's money is a finance capacity (equity and credit): it can have at most that
much spent and not yet recovered from rents and fees, and waits when a bill does not fit. A
district board pays from the province's allowance for public works.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from izsim.model import land_market, wastewater
from izsim.model.establishment import establish
from izsim.model.mesa_core import Agent

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

M2_PER_HA = 10_000


def clearance_chunk(district: simpy.Container, remaining: float) -> float:
    """Hectares of a clearance to ask the districts for next: quarter-month chunks let zones
    share the districts' throughput in turn; a smaller leftover is taken rather than wasted."""
    chunk = min(remaining, district.capacity / 4)
    if 1e-9 < district.level < chunk:
        chunk = district.level
    return chunk


class Developer(Agent):
    """A developer and the zones it runs.

    Args:
        model: the model.
        public: a public project board (paid from the budget) rather than a private firm.
        capacity_bn_vnd: a private developer's finance capacity (ignored for a public board).
    """

    model: IZModel

    def __init__(self, model: IZModel, *, public: bool, capacity_bn_vnd: float = 0.0) -> None:
        super().__init__(model)
        self.public = public
        self.zones: list[Zone] = []
        self.fines_paid_bn_vnd = 0.0  # fined in all, paid or owed
        self.fines_owed_bn_vnd = 0.0
        self.capacity_bn_vnd = capacity_bn_vnd
        self.outstanding_bn_vnd = 0.0  # spent and not yet recovered (negative: cash in hand)
        # The pro forma ratio it needs to take up a zone (an expansion of its own zone too);
        # the model sets a private developer's own draw (model.py: _developer_entry).
        self.hurdle = model.scenario.developers.hurdle_ratio

    # ---------------------------------------------------------------- money
    @property
    def room_bn_vnd(self) -> float:
        """What a private developer can still spend now."""
        return self.capacity_bn_vnd - self.outstanding_bn_vnd

    def can_finance(self, amount: float) -> bool:
        """Whether a bill of ``amount`` can be met now (a board: from the free allowance)."""
        if self.public:
            return self.model.agencies.public_works_free() >= amount
        return self.room_bn_vnd >= amount

    def receive_rent(self, zone: Zone, hectares: float) -> None:
        """A tenant pays the rent of its lease term up front (a board's rent goes to the
        province, outside the model)."""
        if not self.public:
            self.outstanding_bn_vnd -= self.model.revenue_per_ha(zone) * hectares

    def pay_now(self, amount: float, *, investment: bool) -> None:
        """A private developer's running cost or capital outlay, paid at once (callers check
        the room first)."""
        self.outstanding_bn_vnd += amount
        if investment:
            self.model.economy.private_developer_spending += amount

    def pay_fine(self, amount: float) -> None:
        """Pay a fine from the room left; what does not fit stays owed (arrears), so a
        developer's money never goes below nothing."""
        self.fines_paid_bn_vnd += amount
        paid = min(amount, max(0.0, self.room_bn_vnd))
        self.outstanding_bn_vnd += paid
        self.fines_owed_bn_vnd += amount - paid

    def _commit(self, amount: float) -> None:
        """A board promises its allowance for work it starts, so it is not promised twice."""
        if self.public:
            self.model.agencies.public_works_committed += amount

    # ---------------------------------------------------------------- decisions
    def take_up(self, zone: Zone) -> None:
        """Start developing ``zone`` (from whatever stage it is at)."""
        zone.developer = self
        self.zones.append(zone)
        zone.development = self.model.env.process(self.develop(zone))

    def give_up(self, zone: Zone) -> None:
        """Lose ``zone`` (taken back by the province): its development stops where it is."""
        if zone.development is not None and zone.development.is_alive:
            zone.development.interrupt()
        for payment in list(zone.plant_payments):
            payment.interrupt()
        self.zones.remove(zone)
        zone.developer = None
        zone.development = None
        zone.dropped = False
        zone.awaiting_finance = False
        zone.phase_under_way = False

    def pay(
        self, amount: float, purpose: str, zone: Zone | None = None
    ) -> Generator[simpy.Event, object, None]:
        """Pay ``amount`` bn VND of investment: a private firm when it fits its finance
        capacity (it waits for rents to come in otherwise, and ``zone`` is marked as waiting
        for money); a public board as the budget allows."""
        model = self.model
        if not self.public:
            # (a relative slack: the same bill summed another way must not wait for ever)
            while self.room_bn_vnd < amount * (1 - 1e-9):
                if zone is not None:
                    zone.awaiting_finance = True
                yield model.env.timeout(1)
            if zone is not None:
                zone.awaiting_finance = False
            self.pay_now(amount, investment=True)
            return
        remaining = amount
        try:
            while remaining > 1e-9:
                remaining -= model.agencies.public_works(remaining, purpose)
                if remaining > 1e-9:
                    yield model.env.timeout(1)
        except simpy.Interrupt:
            # The work stopped (the zone changed hands): what was promised and not paid is free.
            agencies = model.agencies
            agencies.public_works_committed = max(0.0, agencies.public_works_committed - remaining)
            raise

    # ---------------------------------------------------------------- processes
    def develop(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Establish the zone, then clear and service it phase by phase (until the province
        takes it back)."""
        try:
            yield from self._develop(zone)
        except simpy.Interrupt:
            return

    def _develop(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        model, env = self.model, self.model.env
        devs = model.scenario.developers
        if zone.stage == "planned":
            zone.stage = "approved"
            if not (yield from establish(model, zone)):
                # Turned down nationally: the site is planned again, free for a later proposal.
                self.zones.remove(zone)
                zone.developer = None
                zone.development = None
                zone.stage = "planned"
                return
            zone.established_month = model.month
        # What the province cleared ahead of any developer is not cleared again.
        cleared_ahead = model.agencies.clearance_ahead.hand_over(zone)
        leasable_share = zone.leasable_ha / zone.area_ha
        # A first phase under way at the start is paid for up to its stage: a zone `building`
        # has cleared its land and paid for its works; one `clearing` has paid for clearance.
        under_way = zone.stage if zone.stage in ("clearing", "building") else None
        # Of a first phase under way at the start, the share of its clearance or works left
        # (model.start_draws); a zone bought under way later starts its stage afresh.
        left = float(model.start_draws[zone.index, 0]) if env.now == 0 else 1.0
        first = not zone.operating  # an operating zone builds its next phase when it fills up
        while zone.unserviced_ha > 1e-9:
            if not first:
                yield from self._wait_for_demand(zone)
                if zone.dropped:
                    return
            zone.phase_under_way = True
            phase = min(zone.unserviced_ha, zone.leasable_ha * devs.infrastructure_phase_pct / 100)
            gross = phase / leasable_share
            works_paid = first and under_way == "building"
            # A first phase cleared by a developer that lost the zone is not cleared again.
            if works_paid:
                zone.cleared_ha += gross
            elif not (first and zone.first_phase_cleared):
                # A zone `clearing` (at the start, or bought so) has its land users' agreement.
                cleared_before = first and under_way == "clearing"
                if first and not cleared_before and zone.waits_for_agreement:
                    yield from self._await_agreement(zone)  # still `approved` meanwhile
                if not zone.operating:
                    zone.stage = "clearing"
                if cleared_before:
                    zone.cleared_ha += gross * (1 - left)
                to_clear = gross * left if cleared_before else gross
                if first and not cleared_before:
                    to_clear = max(0.0, gross - cleared_ahead)
                yield from self._clear(zone, to_clear, paid=cleared_before)
                zone.first_phase_cleared = first
            if not zone.operating:
                zone.stage = "building"
            if not works_paid:
                cost_per_ha = devs.infrastructure_cost_per_ha(kcn=zone.is_kcn)
                cost = gross * cost_per_ha * zone.spec.cost_factor
                yield from self.pay(cost, "infrastructure", zone)
            first = False
            zone.first_phase_cleared = False
            yield env.timeout(devs.infrastructure_build_months * (left if works_paid else 1.0))
            zone.serviced_ha = min(zone.leasable_ha, zone.serviced_ha + phase)
            zone.stage = "operating"
            zone.phase_under_way = False
            zone.phase_finished_month = model.month
            if zone.operating_since is None:
                zone.operating_since = model.month

    def _await_agreement(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Wait until the land users of a new KCN's first phase accept compensation (thỏa
        thuận bồi thường, hỗ trợ, tái định cư), which holds many established KCN back from
        operating for years (docs/model.md §2.4a).

        The wait is exponential with mean ``agencies.compensation_agreement_months_kcn``
        (memoryless: a zone established and not yet agreed at the start has the same wait
        ahead however long it has waited, so the start state needs no guess of how far its
        negotiation has come). It runs from when the zone's first clearance would start and is
        kept when the zone changes hands: a new developer does not start the negotiation over.
        The zone stays ``approved`` meanwhile."""
        model = self.model
        if zone.agreement_month is None:
            mean = model.scenario.agencies.compensation_agreement_months_kcn
            zone.agreement_month = model.env.now + mean * float(model.agreement_draws[zone.index])
        wait = zone.agreement_month - model.env.now
        if wait > 0:
            yield model.env.timeout(wait)
            model.events.append((model.month, "compensation_agreed", zone.key))

    def _clear(
        self, zone: Zone, gross_ha: float, *, paid: bool = False
    ) -> Generator[simpy.Event, object, None]:
        """Land clearance through the districts' limited monthly throughput (``paid``: its
        cost was met before the start)."""
        model = self.model
        devs = model.scenario.developers
        if not paid:
            cost = gross_ha * devs.clearance_cost_bn_vnd_per_ha * zone.spec.cost_factor
            public_share = model.levers.public_clearance_pct / 100
            # The province pays its share once, even if the zone changes hands before clearing.
            zone.clearance_granted_bn_vnd += model.agencies.budget.request(
                cost * public_share - zone.clearance_granted_bn_vnd, "clearance", investment=True
            )
            yield from self.pay(cost - zone.clearance_granted_bn_vnd, "clearance", zone)
            zone.clearance_granted_bn_vnd = 0.0
        district = model.agencies.clearance
        remaining = gross_ha
        while remaining > 1e-9:
            chunk = clearance_chunk(district, remaining)
            request = district.get(chunk)
            try:
                yield request
            except simpy.Interrupt:
                request.cancel()  # the districts' throughput is not held for a lost zone
                raise
            remaining -= chunk
            zone.cleared_ha += chunk

    def _wait_for_demand(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Wait until the built land fills up and, for a private developer, the next phase
        pays at today's rent (otherwise it holds the land back), or until the date its
        investment certificate commits it to start the next phase; a private developer goes
        slow on a zone nobody leases in (and then keeps no schedule)."""
        model = self.model
        devs = model.scenario.developers
        trigger = devs.expansion_trigger_occupancy_pct / 100
        committed = devs.committed_phase_months
        # The schedule runs from the last phase finished (the start for a zone serviced then)
        # or from the developer's own take-over: a buyer gets a schedule of its own.
        due = (
            None
            if committed is None
            else max(zone.phase_finished_month or 0, zone.taken_over_month or 0) + committed
        )
        busy = 0  # last month the built land was full enough for a phase: holding, not idle
        while zone.serviced_occupancy < trigger or not (
            self.public or land_market.phase_pays(model, zone, self.hurdle)
        ):
            if zone.serviced_occupancy >= trigger:
                busy = model.month
            last_activity = max(
                zone.last_lease_month or 0,
                zone.operating_since or 0,
                zone.taken_over_month or 0,
                busy,
            )
            if not self.public and model.month - last_activity >= devs.abandon_after_months:
                zone.dropped = True  # goes slow: no further phases, the zone is for sale
                zone.dropped_month = model.month
                return
            if due is not None and model.month >= due:
                return  # the committed schedule starts the phase, demand or not
            yield model.env.timeout(1)

    def start_wwtp(self, zone: Zone, *, already_paid: bool = False) -> None:
        """Start building the zone's central plant, at most once: the state changes now, not
        when the process first runs, so a second decision in the same month sees it. Its
        capacity and cost are set now (a plant under way at the start was sized the same way)."""
        if zone.wwtp == "none" or already_paid:
            zone.wwtp = "building"
            model = self.model
            capacity = wastewater.design_capacity_m3_day(model, zone)
            zone.wwtp_capital_bn_vnd = wastewater.plant_cost(model, capacity)
            if not already_paid:
                self._commit(model.own_plant_cost(zone))
            model.env.process(self._build_wwtp(zone, capacity, already_paid=already_paid))

    def _build_wwtp(
        self, zone: Zone, capacity: float, *, already_paid: bool
    ) -> Generator[simpy.Event, object, None]:
        """Pay for and build a plant of ``capacity`` m³/day (one under way at the start is paid
        already)."""
        model = self.model
        devs = model.scenario.developers
        if not already_paid and not (
            yield from self._pay_with_support(zone, zone.wwtp_capital_bn_vnd)
        ):
            zone.wwtp = "none"  # the new owner decides afresh
            zone.wwtp_capital_bn_vnd = 0.0
            return
        # A plant under way at the start has a uniform share of its build time left.
        left = float(model.start_draws[zone.index, 1]) if already_paid else 1.0
        yield model.env.timeout(devs.wwtp_build_months * left)
        zone.wwtp = "operating"
        zone.wwtp_since = model.env.now
        zone.wwtp_capacity_m3_day = capacity
        zone.wwtp_clusters = 1  # (of an aggregate row, its first cluster's plant)
        zone.wwtp_fault = bool(model.compliance_draws[zone.index] >= devs.wwtp_compliant_pct / 100)
        zone.wwtp_funded = True
        zone.wwtp_compliant = not zone.wwtp_fault

    def start_repair(self, zone: Zone) -> None:
        """Start repairing a failed plant, at most once at a time (the flag is set now, so a
        finding later this month does not start a second repair)."""
        if zone.wwtp_fault and not zone.wwtp_upgrading:
            zone.wwtp_upgrading = True
            cost = wastewater.repair_cost(self.model, zone)
            self._commit(cost)
            self.model.env.process(self._repair_wwtp(zone, cost))

    def start_expansion(self, zone: Zone) -> None:
        """Start adding a module to the plant, at most once at a time (its size and cost are
        set now)."""
        if not zone.wwtp_expanding:
            zone.wwtp_expanding = True
            module = wastewater.module_m3_day(self.model, zone)
            cost = wastewater.expansion_cost(self.model, zone)
            self._commit(cost)
            self.model.env.process(self._expand_wwtp(zone, module, cost))

    def start_cluster_plant(self, zone: Zone) -> None:
        """Start the plant of one more cluster of an aggregate row that has some, one cluster at
        a time (apart from modules of the plants it has; its size and cost are set now, as a new
        plant's)."""
        if not zone.wwtp_cluster_building and wastewater.clusters_without_plant(zone) > 0:
            zone.wwtp_cluster_building = True
            model = self.model
            capacity = wastewater.design_capacity_m3_day(model, zone)
            cost = wastewater.plant_cost(model, capacity)
            self._commit(model.own_plant_cost(zone))
            model.env.process(self._build_cluster_plant(zone, capacity, cost))

    def _build_cluster_plant(
        self, zone: Zone, capacity: float, cost: float
    ) -> Generator[simpy.Event, object, None]:
        """Pay for (with the province's support, as a new plant) and build one more cluster's
        plant of an aggregate row."""
        model = self.model
        if not (yield from self._pay_with_support(zone, cost)):
            zone.wwtp_cluster_building = False
            return
        yield model.env.timeout(model.scenario.developers.wwtp_build_months)
        zone.wwtp_capacity_m3_day += capacity
        zone.wwtp_capital_bn_vnd += cost
        zone.wwtp_clusters += 1
        zone.wwtp_cluster_building = False

    def _pay_with_support(self, zone: Zone, cost: float) -> Generator[simpy.Event, object, bool]:
        """Pay for a new plant of ``cost``: the province's support first, the rest as
        :meth:`_pay_for_plant`; ``False`` (and the support given back) when the zone changed
        hands before it was paid."""
        budget = self.model.agencies.budget
        share = self.model.levers.wwtp_support_pct / 100
        support = budget.request(cost * share, "wwtp_support", investment=True)
        if not (yield from self._pay_for_plant(zone, cost - support)):
            budget.give_back(support, "wwtp_support", investment=True)
            return False
        return True

    def _pay_for_plant(self, zone: Zone, amount: float) -> Generator[simpy.Event, object, bool]:
        """Pay for plant work; ``False`` when the zone changed hands before the money was found
        (the work is then not this developer's to pay; once paid, the work goes on)."""
        process = self.model.env.active_process
        assert process is not None
        zone.plant_payments.append(process)
        try:
            yield from self.pay(amount, "wwtp")
        except simpy.Interrupt:
            return False
        finally:
            zone.plant_payments.remove(process)
        return True

    def _repair_wwtp(self, zone: Zone, cost: float) -> Generator[simpy.Event, object, None]:
        """Bring a failed plant back to the standard: it costs money and time."""
        model = self.model
        if not (yield from self._pay_for_plant(zone, cost)):
            zone.wwtp_upgrading = False
            return
        yield model.env.timeout(model.scenario.developers.wwtp_upgrade_months)
        zone.wwtp_fault = False
        zone.wwtp_upgrading = False

    def _expand_wwtp(
        self, zone: Zone, module: float, cost: float
    ) -> Generator[simpy.Event, object, None]:
        """Add a module of ``module`` m³/day costing ``cost``."""
        model = self.model
        if not (yield from self._pay_for_plant(zone, cost)):
            zone.wwtp_expanding = False
            return
        yield model.env.timeout(model.scenario.developers.wwtp_build_months)
        zone.wwtp_capacity_m3_day += module
        zone.wwtp_capital_bn_vnd += cost
        zone.wwtp_expanding = False

    def run_plant(self, zone: Zone) -> None:
        """Pay this month's running cost, or not, and keep the plant repaired and large enough.

        A plant whose fees (raised toward cost recovery within the province's cap) cover its
        cost is always run. Otherwise a private developer whose plant was ordered (built on an
        order, or ordered to operate) runs it when it has the room (the order is not weighed
        against the fines); without an order it
        pays the shortfall only when the fines it expects a month without treatment are larger
        and it has the room. A board runs it when the province's allowance pays it. A plant
        that is run is repaired after a failure and expanded before its load outgrows it.
        """
        model = self.model
        gap = wastewater.operating_gap_per_month(model, zone)
        if gap <= 0:
            funded = True
        elif self.public:
            agencies = model.agencies
            granted = 0.0
            if agencies.public_works_free() >= gap:
                granted = agencies.public_works(gap, "wwtp_operation", committed=False)
            funded = granted >= gap * (1 - 1e-9)
        elif zone.wwtp_ordered:
            funded = self.room_bn_vnd >= gap
        else:
            flow = wastewater.load_m3_day(model, zone)
            risk = wastewater.expected_fine_per_month(model, zone, flow)
            funded = gap <= risk and self.room_bn_vnd >= gap
        if funded and not self.public:
            self.pay_now(gap, investment=False)  # a surplus (gap < 0) is recovered
        zone.wwtp_funded = funded
        if funded:
            months = model.scenario.developers.wwtp_build_months
            flow = wastewater.expected_collected_m3_day(model, zone, months) * zone.plant_share
            self._keep_up(zone, flow)

    def _keep_up(self, zone: Zone, flow: float) -> None:
        """Repair a failed plant, and add a module if ``flow`` exceeds its capacity, each when
        the developer can finance it now."""
        model = self.model
        if zone.wwtp_fault and self.can_finance(wastewater.repair_cost(model, zone)):
            self.start_repair(zone)
        if (
            flow > zone.wwtp_capacity_m3_day
            and not zone.wwtp_expanding
            and wastewater.module_m3_day(model, zone) > 0
            and self.can_finance(wastewater.expansion_cost(model, zone))
        ):
            self.start_expansion(zone)

    def order(self, zone: Zone, *, build: bool = True) -> None:
        """An inspection finding: build the missing plant (when ``build``: the finding orders
        one; of an aggregate row with some, the next cluster's), repair it or expand it, when
        the developer can pay for it (a new plant and a year of its running shortfall;
        otherwise the violation stays and is fined again). An idle plant is under an order to
        operate (set by the inspection); whether it is then run is :meth:`run_plant`'s
        decision, and it is repaired or expanded on order too."""
        model = self.model
        missing = zone.wwtp == "none" or wastewater.clusters_without_plant(zone) > 0
        if (
            build
            and missing
            and not zone.wwtp_cluster_building
            and self.can_finance(model.own_plant_cost(zone) + 12 * self.plant_shortfall(zone))
        ):
            zone.wwtp_ordered = True  # built on an order: it must be run
            if zone.wwtp == "none":
                self.start_wwtp(zone)
                return
            self.start_cluster_plant(zone)
        if zone.wwtp == "operating":
            self._keep_up(zone, wastewater.load_m3_day(model, zone))

    def plant_shortfall(self, zone: Zone) -> float:
        """The monthly running cost a new plant's fees would not cover at the flow expected
        when it opens, bn VND (0 when it pays for itself). A developer ordered to build a plant
        builds it only when it can also pay a year of this: a plant it could not run would
        stand idle and be ordered to operate (§2.7)."""
        model = self.model
        flow, plant_capital = self._new_plant_flow_and_capital(zone)
        return max(0.0, wastewater.gap_at(model, zone, flow, plant_capital=plant_capital))

    def _new_plant_flow_and_capital(self, zone: Zone) -> tuple[float, float]:
        """The flow a new plant of ``zone`` would collect when it opens, m³/day, and its cost
        (of an aggregate row: its next cluster's plant and that cluster's flow)."""
        model = self.model
        months = model.scenario.developers.wwtp_build_months
        flow = wastewater.expected_collected_m3_day(model, zone, months) / zone.spec.cluster_count
        return flow, wastewater.new_plant_cost(model, zone)

    # ---------------------------------------------------------------- monthly review
    def review(self, zone: Zone) -> None:
        """Monthly decision on a zone's wastewater plant (rents: :mod:`land_market`): an
        expansion connects to its parent's plant when there is one, else the developer decides
        whether to build its own."""
        if zone.wwtp_host is not None:
            return
        plant = wastewater.parent_plant(self.model, zone)
        if plant is not None:
            wastewater.connect(plant, zone)
            return
        if (
            zone.wwtp == "none"
            and zone.stage in ("building", "operating")
            and self.wants_wwtp(zone)
        ):
            self.start_wwtp(zone)
        elif (
            wastewater.clusters_without_plant(zone) > 0
            and not zone.wwtp_cluster_building
            and self.wants_wwtp(zone)
        ):
            self.start_cluster_plant(zone)

    def wants_wwtp(self, zone: Zone) -> bool:
        """Build the plant when it can be financed, will be run and pays, in bn VND a year.

        The plant is judged by the rules that will run it (:meth:`run_plant`): at the flow
        expected when it would open it must pay for itself or cost less to run than the fines
        expected without treatment, else it would stand idle and is not built. Then the annual
        gain (fees less running cost, the fine expected within a year without a plant, whose
        finding would order one anyway, and the margin on the extra land a compliant plant
        brings through the site choice) must cover the developer's share of the plant recovered
        over its life at the cost of capital. A district board builds one only when ordered (an
        inspection finding) or under the "plant before tenants" rule; under that rule every
        developer builds it with the first phase when it can finance it.
        """
        model = self.model
        if self.public and not model.levers.wwtp_before_tenants:
            return False  # (before the plant's cost: boards ask every month)
        own = model.own_plant_cost(zone)
        if not self.can_finance(own):
            return False
        if model.levers.wwtp_before_tenants:
            return True
        devs, ww = model.scenario.developers, model.scenario.wastewater
        flow, plant_capital = self._new_plant_flow_and_capital(zone)
        gap = wastewater.gap_at(model, zone, flow, plant_capital=plant_capital)
        risk = wastewater.expected_fine_per_month(model, zone, flow)
        if gap > 0 and gap > risk:
            return False
        chance = wastewater.inspection_chance(model, zone, untreated=flow)
        fine_within_a_year = ww.fine(flow) * (1 - (1 - chance) ** 12) if flow > 0 else 0.0
        revenue = model.revenue_per_ha(zone)
        # The margin on land leased sooner is over the works alone: the plant's own cost is
        # the investment this compares the gain with, so it is not charged to the land too.
        count = zone.spec.cluster_count
        cost = model.works_cost_per_leasable_ha(zone)
        margin = max(0.0, 1 - cost / revenue) if revenue else 0.0
        rate = devs.discount_rate_pct / 100
        recovery = capital_recovery_factor(rate, ww.plant_life_years)
        land = self.plant_land_value(zone) / count * revenue * margin * recovery
        gain = -12 * gap + fine_within_a_year + land
        return gain >= own * recovery

    def plant_land_value(self, zone: Zone) -> float:
        """Leasable hectares' worth of lease revenue, in present value, that a compliant plant
        gains the zone by leasing its remaining land sooner.

        The zone has ``room`` ha left to lease; with the plant it leases the absorption ``A``
        a year, without it ``A − ΔA`` (:meth:`plant_land_gain_ha`). Leased evenly, the room is
        worth ``room × f(room / a)`` of one hectare's revenue, ``f`` the developers'
        :func:`land_market.lease_factor`, so the plant is worth the difference: a zone that
        will fill soon anyway gains little (a plant cannot lease land the zone does not
        have), one with much land left gains about ``ΔA`` a year for as long as it leases.
        """
        model = self.model
        room = zone.leasable_ha - zone.leased_ha - zone.reserved_ha
        with_plant = model.expected_absorption_ha(zone)
        if room <= 0 or with_plant <= 0:
            return 0.0
        without = with_plant - self.plant_land_gain_ha(zone)
        sooner = land_market.lease_factor(model, zone, room / with_plant)
        later = land_market.lease_factor(model, zone, room / without) if without > 0 else 0.0
        return max(0.0, room * (sooner - later))

    def plant_land_gain_ha(self, zone: Zone) -> float:
        """Extra land a year a compliant plant brings the zone, from the site choice: with a
        small share of each prospect's choices, a utility gain ``b`` multiplies the zone's
        absorption by ``exp(b)``, so the absorption without the plant is ``A·exp(−b)`` and the
        plant adds ``A·(1 − exp(−b))`` (``b`` is ``beta_wwtp`` for every prospect, plus
        ``beta_wwtp_polluting`` for polluting ones)."""
        model = self.model
        inv = model.investors
        absorption = model.expected_absorption_ha(zone)
        polluting = model.polluting_prospect_share
        return absorption * (
            polluting * (1 - math.exp(-(inv.beta_wwtp + inv.beta_wwtp_polluting)))
            + (1 - polluting) * (1 - math.exp(-inv.beta_wwtp))
        )


def capital_recovery_factor(rate: float, years: float) -> float:
    """The share of a capital sum to recover each year over ``years`` at ``rate``."""
    if rate <= 0:
        return 1 / years
    return rate / (1 - (1 + rate) ** -years)
