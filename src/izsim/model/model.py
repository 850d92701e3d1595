"""The model: one province, one policy, one seed, on one simpy clock counted in months.

A monthly simpy process calls :meth:`IZModel.decide_month`; everything that takes time (dossier
approval, zone establishment, land clearance, infrastructure phases, wastewater plants, factory
construction, ramp-up) is a simpy process of its own. Indicators are collected at the end of
each month.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import simpy

from izsim.indicators import INDICATOR_IDS
from izsim.model import land_market, wastewater
from izsim.model.agencies import Agencies
from izsim.model.arrivals import ArrivalProcess, Audience, Prospects, province_appeal
from izsim.model.choice import choose, logit_shares
from izsim.model.developer import M2_PER_HA, Developer
from izsim.model.economy import Economy
from izsim.model.establishment import (
    NationalQuota,
    developer_hurdle,
    established_kcn_land,
    established_kcn_occupancy,
    new_kcn_proposals_open,
    queued_nationally,
)
from izsim.model.investor import Investor
from izsim.model.labour import LabourPool
from izsim.model.mesa_core import Model
from izsim.model.presence import province_of_run
from izsim.model.reinvestment import Reinvestment
from izsim.model.spin_up import file_proposals_under_way, place_proposals_under_way
from izsim.model.streams import Streams
from izsim.model.zone import PLANT_STATES, STAGES, Zone
from izsim.scenario.policy import Levers, Policy
from izsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from mesa.datacollection import DataCollector

SET_UP_LEVERS = frozenset(
    {
        "rent_support_years",
        "approval_capacity_multiplier",
        "clearance_capacity_multiplier",
        "outside_fence_bn_vnd_per_year",
    }
)
"""Levers that size what the model builds at the start (the approval desks, the districts'
clearance throughput, the fence works' instalments, the rent rebates' term): a change of one of
them needs a new run, so :meth:`IZModel.change_levers` refuses it mid-run."""


class LeverChange(NamedTuple):
    """A lever changed during a run: from ``month`` (an index) on, ``lever`` is ``new``."""

    month: int
    lever: str
    old: object
    new: object


OUTSIDE_ZONE, OUTSIDE_PROVINCE = 0, 1  # offsets of the two outside options after the zones
# Codes of zone stages and plant states in the monthly arrays (their index in the tuples).
STAGE_CODES = {stage: code for code, stage in enumerate(STAGES)}
PLANT_CODES = {state: code for code, state in enumerate(PLANT_STATES)}


class IZModel(Model):
    """Industrial-zone development in one province.

    Args:
        scenario: the province's scenario.
        policy: the policy package.
        seed: the run's seed; (scenario, policy, seed) determine the run completely.
    """

    def __init__(self, scenario: Scenario, policy: Policy, seed: int) -> None:
        self.streams = Streams(seed)
        super().__init__(rng=self.streams["mesa"])
        # The zones this run's province holds (most scenarios: all of them, the same object).
        self.scenario = scenario = province_of_run(scenario, self.streams["presence"])
        self.policy = policy
        self.levers = policy.levers
        self.investors = scenario.investors
        self.env = simpy.Environment()
        self.months = scenario.months
        self.month = 0
        self.economy = Economy(scenario, self.months)
        self.agencies = Agencies(self)
        n_sectors = self._sector_count = len(scenario.sectors)
        self.zones = [
            Zone(self, spec, index=i, sector_count=n_sectors)
            for i, spec in enumerate(scenario.all_zones)
        ]
        self.zone_by_id = {zone.key: zone for zone in self.zones}
        self.labour = LabourPool(scenario, [zone.spec.region for zone in self.zones])
        self.economy.labour = self.labour
        self.outside_zone_output_share = self.investors.outside_zone_output_share_pct / 100
        self.arrivals = ArrivalProcess(scenario, self.streams["arrivals"])
        # Targeted promotion's audience and its share s of the base stream (docs/model.md §2.1).
        self.audience = Audience.of(self.levers)
        self.audience_share = 1.0 if self.audience is None else self.audience.share(scenario)
        self.polluting_prospect_share = sum(
            s.prospect_share_pct / 100 * s.polluting_pct / 100 for s in scenario.sectors
        )
        # What never changes in the site choice is worked out once: the region term by sector
        # and zone, and each zone's labour index and kind.
        sector_regions = np.array(
            [[zone.spec.region in s.regions for zone in self.zones] for s in scenario.sectors]
        )
        self._region_utility = self.investors.beta_region * sector_regions
        self._labour_index = [zone.spec.labour_index for zone in self.zones]
        self._is_ccn = np.array([zone.kind == "ccn" for zone in self.zones])
        self._supported = np.array([s.supported for s in scenario.sectors])
        self.recent_leases: deque[tuple[int, float]] = deque()  # (month, ha) of the last year
        self.recent_demand: deque[tuple[int, float]] = deque()  # (month, ha) prospects wanted
        # the part of it that would have gone to KCN (with high-tech zones), month by month
        self.recent_demand_kcn: deque[tuple[int, float]] = deque()
        # month of the cached market view of developers (None: none taken, or forgotten)
        self._market_month: int | None = None
        # demand (ha a year) and room of each kind of zone (KCN: True, CCN: False) and of all
        # (None), and the key a zone reads them by (None before any enquiry: one market)
        self._market_demand: dict[bool | None, float] = {True: 0.0, False: 0.0, None: 0.0}
        self._market_room: dict[int, float] = {}  # land left per zone in the market
        self._market_total_room: dict[bool | None, float] = {True: 0.0, False: 0.0, None: 0.0}
        self._market_by_kind = False
        # Last January's change of the rents of each kind (KCN: True), read by developers'
        # expected rent growth (land_market.expected_rent_growth).
        self.rent_change = {True: 0.0, False: 0.0}
        self.developer_draws = np.zeros(len(self.zones))
        # One compliance draw per zone, made now: a plant finished in different months under
        # different policies still meets (or misses) the standard alike.
        self.compliance_draws = self.streams["developers"].random(len(self.zones))
        self.capacity_draws = np.zeros(len(self.zones))
        # Candidate developers' hurdles: Z standard normals a month (and Z for the developers
        # holding zones at the start), whatever the policy, from their own stream.
        self.hurdle_draws = self.streams["hurdles"].standard_normal(len(self.zones))
        # How far each zone's first phase and plant under way at the start have come: the
        # share of their time left (uniform, as the pipeline projects' construction), so that
        # works under way do not all finish in the same month of every run.
        self.start_draws = self.streams["start"].random((len(self.zones), 2))
        # Each zone's wait for its land users' agreement to compensation, in units of the
        # scenario's mean (developer._await_agreement): drawn now, whatever the policy.
        self.agreement_draws = self.streams["agreements"].standard_exponential(len(self.zones))
        self.national_quota = NationalQuota(
            scenario.establishment.national_kcn_approvals_per_year,
            phase=float(self.streams["quota"].random()),
        )
        available = scenario.available_month()
        self.available_month = [available.get(z.key, 0) for z in self.zones]
        # Sites whose proposals wait for the national round (establishment.kcn_proposal_open):
        # fixed by the zone's kind and the scenario.
        self._queued_nationally = [queued_nationally(self, z) for z in self.zones]
        self._parent = [self.zone_by_id.get(z.spec.expands or "") for z in self.zones]
        self.outside_zone_leased_ha = 0.0  # land of projects located outside zones
        self.zones_sold = 0  # zones taken over by a new developer
        # Industrial land outside zones the land-use plan still allows this year.
        self.outside_zone_land_left_ha = self.investors.outside_zone_land_ha_per_year
        self.tenants_located = 0
        self.prospects_this_month = 0
        self.events: list[tuple[int, str, str]] = []
        self.lever_changes: list[LeverChange] = []  # made mid-run (change_levers), in order
        if self.audience is not None and self.audience_share <= 0:
            # The package targets investors this province's prospects never include (no
            # supported sector, say): the targeted money is spent and reaches no one. Recorded,
            # not refused: packages are written for every province (docs/model.md §2.1).
            supported = ", supported" if self.audience.supported_only else ""
            self.events.append((0, "promotion_audience_empty", self.audience.origin + supported))
        self.values = np.full((self.months, len(INDICATOR_IDS)), np.nan)
        # Each zone's stage and plant state at the end of every month (codes: index in
        # zone.STAGES and zone.PLANT_STATES): what zone timelines and event lists are made of.
        self.zone_stages = np.zeros((self.months, len(self.zones)), dtype=np.int8)
        self.zone_plants = np.zeros((self.months, len(self.zones)), dtype=np.int8)
        self._column = {name: i for i, name in enumerate(INDICATOR_IDS)}  # (read by tests)
        self._indicator_groups()
        self._start_existing_developers()
        if scenario.establishment.start_proposals == "spin_up":
            place_proposals_under_way(self, file_proposals_under_way(self))
        self._start_pipeline()
        self.reinvestment = Reinvestment(self)
        self.months_collected = 0  # months whose indicators are in ``values``
        self.env.process(self._clock())

    @cached_property
    def datacollector(self) -> DataCollector:
        """Mesa's form of the indicators for notebooks and ``mesa.batch_run``: every indicator
        as a model reporter, recorded by :meth:`step` (:meth:`run` fills ``values`` without it).

        Made when first used, not in ``__init__``: Mesa's data collector imports pandas (about
        0.14 s), which ``izsim run`` does not need. Like an attribute set in ``__init__`` it can
        be replaced (``model.datacollector = DataCollector(...)``).
        """
        from izsim.model.mesa_core import DataCollector

        return DataCollector(
            model_reporters={name: (lambda m, n=name: m.indicator(n)) for name in INDICATOR_IDS}
        )

    # ------------------------------------------------------------------ set-up
    def _start_existing_developers(self) -> None:
        """Give zones held at the start their developers, then size the plants operating or
        under way then: a plant is sized on the absorption developers expect, which shares
        the province's demand with the room of every zone held, so every holder must be in
        place first (sized before, each zone expected the whole demand alone)."""
        draws = self.streams["finance"].standard_normal(len(self.zones))
        for zone in self.zones:
            if zone.spec.developer == "none":
                continue
            public = zone.spec.developer == "public"
            # A developer holding a zone at the start got its investment decision, so it could
            # finance the zone's first phase at least.
            capacity = max(
                self.finance_capacity(zone, float(draws[zone.index])),
                self.first_phase_cost(zone, plant=False),
            )
            developer = Developer(self, public=public, capacity_bn_vnd=capacity)
            if not public:
                developer.hurdle = self.developer_hurdle(zone)
            developer.take_up(zone)
        for zone in self.zones:
            if zone.wwtp == "operating":
                wastewater.size_start_plant(self, zone)
            elif zone.wwtp == "building" and zone.developer is not None:
                zone.developer.start_wwtp(zone, already_paid=True)
        self.forget_market_view()  # month 0 takes its own view, after the pipeline is placed

    def _start_pipeline(self) -> None:
        """Projects licensed before the start and still building: drawn like prospects (from
        their own stream), placed in operating zones in proportion to the land leased there,
        on land that is part of that occupancy, with a uniform share of the construction time
        left. They do not stall (they are building) and their capital was registered before the
        start."""
        count = self.investors.pipeline_projects
        rng = self.streams["pipeline"]
        pool, _ = self.arrivals.candidates(count, rng)
        where, left = rng.random(count), rng.random(count)
        zones = [z for z in self.zones if z.operating and z.leased_ha > 0]
        if not count or not zones:
            return
        free = np.array([z.leased_ha for z in zones])  # occupancy not yet given to a project
        months = self.investors.construction_months
        for i in range(count):
            if free.sum() <= 0:
                break
            j = int(np.searchsorted(np.cumsum(free) / free.sum(), where[i], side="right"))
            j = min(j, len(zones) - 1)
            zone, land = zones[j], float(min(pool.land_ha[i], free[j]))
            free[j] -= land
            zone.pipeline_ha += land
            sector, polluting = int(pool.sector[i]), bool(pool.polluting[i])
            zone.tenants_by_sector[sector] += 1
            zone.polluting_tenants += int(polluting)
            investor = Investor(
                self,
                sector=sector,
                fdi=bool(pool.fdi[i]),
                land_ha=land,
                capital_bn_vnd=float(pool.capital_bn_vnd[i]),
                polluting=polluting,
                outdated=bool(pool.outdated[i]),
                stalls=False,
                approval_months=0.0,
                revocation_draw=float(pool.revocation_draw[i]),
                zone=zone,
            )
            investor.lease_month = 0.0
            investor.licensed_before_start = True
            self.env.process(investor.build(float(left[i]) * months))

    def developer_hurdle(self, zone: Zone) -> float:
        """The pro forma ratio this month's candidate developer of ``zone`` needs (§2.3a)."""
        devs = self.scenario.developers
        spread = self.scenario.establishment.hurdle_spread
        return developer_hurdle(devs.hurdle_ratio, spread, float(self.hurdle_draws[zone.index]))

    def candidate_developer(
        self, zone: Zone, ratio: float, cost: float, *, hurdle_draw: float, capacity_draw: float
    ) -> Developer | None:
        """A candidate firm for ``zone`` with its own hurdle and finance capacity (from standard
        normal draws): it takes the zone up when the pro forma ``ratio`` clears its hurdle and
        its capacity pays the first phase's works, ``cost`` (the plant is a later decision);
        None when it does not (§2.3a)."""
        devs = self.scenario.developers
        spread = self.scenario.establishment.hurdle_spread
        hurdle = developer_hurdle(devs.hurdle_ratio, spread, hurdle_draw)
        capacity = self.finance_capacity(zone, capacity_draw)
        if ratio < hurdle or capacity < cost:
            return None
        developer = Developer(self, public=False, capacity_bn_vnd=capacity)
        developer.hurdle = hurdle
        return developer

    def finance_capacity(self, zone: Zone, draw: float) -> float:
        """Finance capacity of a developer for ``zone`` from a standard normal ``draw``."""
        devs = self.scenario.developers
        return devs.finance_capacity(kcn=zone.is_kcn) * float(
            np.exp(devs.finance_capacity_spread * draw)
        )

    # ------------------------------------------------------------------ clock
    def _clock(self) -> Generator[simpy.Event, object, None]:
        for month in range(self.months):
            self.month = month
            self.decide_month()
            yield self.env.timeout(1)
            self._collect(month)
            self.months_collected = month + 1

    def run(self) -> None:
        """Simulate from the start to the horizon."""
        # The last month's indicators are collected at t = months; run a little past it.
        self.env.run(until=self.months + 0.5)
        self.running = False

    def advance(self, months: int = 1) -> int:
        """Simulate ``months`` more months (fewer at the horizon) without Mesa's data
        collector, as :meth:`step` does otherwise; returns how many were simulated. Advancing in
        any steps gives the same results as :meth:`run`."""
        before = self.months_collected
        if before >= self.months or months <= 0:
            return 0
        self.env.run(until=min(before + months, self.months) + 0.5)
        self.running = self.months_collected < self.months
        return self.months_collected - before

    def step(self) -> None:
        """Advance one month, as Mesa's ``step``: the clock runs until this month's indicators
        are collected (the next month's decisions, made at the same instant, are taken too),
        the ``datacollector`` records them, and ``running`` turns false at the horizon, so
        ``run_model()`` and ``mesa.batch_run`` end. Stepping month by month gives the same
        results as :meth:`run` (the simpy clock is the one clock)."""
        if not self.running:
            return
        self.advance(1)
        self.datacollector.collect(self)

    def change_levers(self, levers: Levers) -> list[LeverChange]:
        """Run on under other lever values, from the next month; every change is recorded in
        :attr:`lever_changes` (and returned).

        The current month's decisions were taken at its start under the old values, so a
        change applies from the next month's (``month + 1``; before the first step, from month
        0). Levers are read where they act, so the new values hold from then on; the few that
        size what was built with the model (:data:`SET_UP_LEVERS`) cannot change: make a new
        model for them.
        Nothing changes a run that is never given new levers: the same seed gives the same
        run.

        Args:
            levers: the new values of every lever (validated, e.g. ``Levers.model_validate``).

        Returns:
            The changes, one per lever whose value differs.

        Raises:
            ValueError: a set-up lever changes.
        """
        before = self.levers
        changed = [
            name
            for name in type(levers).model_fields
            if name not in ("ranges", "sources") and getattr(levers, name) != getattr(before, name)
        ]
        fixed = sorted(n for n in changed if n in SET_UP_LEVERS)
        if fixed:  # (what they size was built with the model)
            raise ValueError(
                f"{', '.join(fixed)} can only be set when a run is made (reset to change it)"
            )
        started = self.env.now > 0  # month 0's decisions are taken when the clock first runs
        first = self.month + 1 if started else 0
        changes = [LeverChange(first, n, getattr(before, n), getattr(levers, n)) for n in changed]
        if not changes:
            return []
        self.policy = self.policy.model_copy(update={"levers": levers})
        self.levers = levers
        self.audience = Audience.of(levers)
        self.audience_share = 1.0 if self.audience is None else self.audience.share(self.scenario)
        self.agencies.apply_levers()
        self.lever_changes.extend(changes)
        return changes

    def indicator(self, name: str) -> float:
        """Indicator ``name`` (an id of ``izsim indicators``) of the last month collected."""
        if not self.months_collected:
            raise ValueError("no month collected yet: call step() first")
        return float(self.values[self.months_collected - 1, self._column[name]])

    def decide_month(self) -> None:
        """One month of decisions; the simpy processes carry on between them."""
        agencies = self.agencies
        agencies.new_month()
        self.developer_draws = self.streams["developers"].random(len(self.zones))
        self.capacity_draws = self.streams["finance"].standard_normal(len(self.zones))
        self.hurdle_draws = self.streams["hurdles"].standard_normal(len(self.zones))
        agencies.run_programmes(self.zones)
        land_market.sanction_late_developers(self)
        self._developer_entry()
        land_market.take_overs(self)
        if self.month % 12 == 0:
            land_market.review_rents(self)
            self.outside_zone_land_left_ha = self.investors.outside_zone_land_ha_per_year
        for zone in self.zones:
            if zone.developer is not None:
                zone.developer.review(zone)
        self._arrivals_and_choice()
        self.reinvestment.step()
        wastewater.operate_plants(self, self.streams["plants"].random(len(self.zones)))
        agencies.inspect(self.zones, self.streams["inspections"].random(len(self.zones)))
        agencies.monitor()

    # ------------------------------------------------------------------ developers
    def revenue_per_ha(self, zone: Zone) -> float:
        """A developer's lease revenue per leasable ha (bn VND for the lease term)."""
        return zone.rent_usd_m2 * M2_PER_HA * self.scenario.economy.vnd_per_usd / 1e9

    def expected_absorption_ha(self, zone: Zone) -> float:
        """Hectares a year a developer expects one zone to lease.

        The province's demand is what prospects of the last year would have leased had land
        been ready everywhere (developers read enquiries, not only signed leases), or the
        prior when that is larger. A developer expects the part of it that went to its kind of
        zone (KCN with high-tech zones, or CCN: their tenants differ, docs/model.md §2.3),
        shared with the zones of that kind that have or will have room, in proportion to the
        land each has left, so many small clusters do not each count as a full rival of a
        large zone. The market view is taken once a month, so the cost does not grow with
        zones².
        """
        self._take_market_view()
        own = self._market_room.get(
            zone.index, zone.leasable_ha - zone.leased_ha - zone.reserved_ha
        )
        kind = zone.is_kcn if self._market_by_kind else None
        others = self._market_total_room[kind] - self._market_room.get(zone.index, 0.0)
        return self._market_demand[kind] * own / (own + others) if own > 0 else 0.0

    def forget_market_view(self) -> None:
        """Have the next look at the market take a fresh view (the set-up changed it)."""
        self._market_month = None

    def _take_market_view(self) -> None:
        """The demand of each kind of zone and the land zones have left, as developers see
        them this month (taken at the first look of the month, then kept)."""
        if self._market_month == self.month:
            return
        prior = self.scenario.developers.absorption_prior_ha_per_year
        demand = sum(ha for _, ha in self.recent_demand)
        self._market_room = {
            z.index: z.leasable_ha - z.leased_ha - z.reserved_ha
            for z in self.zones
            if z.developer is not None
            and not z.dropped
            and (z.vacant_ha > 0 or z.unserviced_ha > 0)
        }
        totals: dict[bool | None, float] = {None: sum(self._market_room.values())}
        for kind in (True, False):
            totals[kind] = sum(
                room for i, room in self._market_room.items() if self.zones[i].is_kcn == kind
            )
        self._market_total_room = totals
        whole = max(prior, demand)
        kcn = sum(ha for _, ha in self.recent_demand_kcn)
        # with no enquiry in the last twelve months (the first month, or a year without
        # prospects) there is nothing to split: one market (every zone the province's demand
        # over all the room, the rule before demand had kinds)
        self._market_by_kind = bool(self.recent_demand_kcn) and demand > 0
        share = kcn / demand if self._market_by_kind else 0.0
        self._market_demand = {True: whole * share, False: whole * (1 - share), None: whole}
        self._market_month = self.month

    def works_cost_per_ha(self, zone: Zone) -> float:
        """A developer's clearance (less the province's share) and infrastructure cost per
        gross ha of ``zone``, in bn VND."""
        devs, levers = self.scenario.developers, self.levers
        clearance = devs.clearance_cost_bn_vnd_per_ha * (1 - levers.public_clearance_pct / 100)
        infra = devs.infrastructure_cost_per_ha(kcn=zone.is_kcn)
        return (clearance + infra) * zone.spec.cost_factor

    def own_plant_cost(self, zone: Zone) -> float:
        """A developer's share of the central plant it would build for the zone at its design
        capacity (less public support), bn VND; nothing for an expansion that connects to its
        parent's plant (the parent's owner adds modules as the joint flow needs them)."""
        if zone.wwtp_host is not None or wastewater.parent_plant(self, zone) is not None:
            return 0.0
        support = self.levers.wwtp_support_pct / 100
        return wastewater.new_plant_cost(self, zone) * (1 - support)

    def works_cost_per_leasable_ha(self, zone: Zone) -> float:
        """:meth:`works_cost_per_ha` per leasable ha (roads and green space cost too)."""
        return self.works_cost_per_ha(zone) / (zone.leasable_ha / zone.area_ha)

    def development_cost_per_ha(self, zone: Zone) -> float:
        """A developer's whole cost per leasable ha (works and plant, less a first phase the
        province cleared ahead), in bn VND."""
        return (
            self.works_cost_per_leasable_ha(zone)
            + (self.own_plant_cost(zone) - self.cleared_ahead_saving(zone)) / zone.leasable_ha
        )

    def cleared_ahead_saving(self, zone: Zone) -> float:
        """What a developer does not pay for the land the province cleared ahead of it: its
        cost less the share of clearance the province pays anyway (``works_cost_per_ha``
        already leaves that share out), bn VND."""
        return zone.clearance_ahead_bn_vnd * (1 - self.levers.public_clearance_pct / 100)

    def first_phase_cost(self, zone: Zone, *, plant: bool = True) -> float:
        """What a developer pays for a zone's first phase (and its plant), in bn VND."""
        phase_gross = zone.area_ha * self.scenario.developers.infrastructure_phase_pct / 100
        works = phase_gross * self.works_cost_per_ha(zone) - self.cleared_ahead_saving(zone)
        return works + self.own_plant_cost(zone) if plant else works

    def pro_forma_ratio(self, zone: Zone) -> float:
        """Present value of lease revenue over development cost for a planned zone."""
        cost = self.development_cost_per_ha(zone)
        absorption = self.expected_absorption_ha(zone)
        if absorption <= 0:
            return 0.0
        factor = land_market.lease_factor(self, zone, zone.leasable_ha / absorption)
        return self.revenue_per_ha(zone) * factor / cost if cost > 0 else float("inf")

    def _developer_entry(self) -> None:
        devs, levers = self.scenario.developers, self.levers
        trigger = devs.expansion_zone_trigger_occupancy_pct / 100
        unwanted: list[Zone] = []  # CCN no private developer took up this month
        # Whether the national round takes new KCN proposals (establishment.kcn_proposal_open):
        # the same for every site queued nationally, so it is asked at the first and again
        # only after a take-up (a new proposal then waits too). Established KCN's occupancy
        # is read once: taking up sites here changes neither which zones are established nor
        # what they lease.
        kcn_occupancy: float | None = None
        proposals_open: bool | None = None
        entry_chance = devs.private_entry_pct_per_month / 100
        draws = self.developer_draws.tolist()  # (floats: compared once per site on offer)
        for zone in self.zones:
            if zone.stage != "planned" or zone.developer is not None:
                continue
            if self.month < self.available_month[zone.index]:
                continue  # a site of the plan's later period, not yet offered
            parent = self._parent[zone.index]  # the zone it expands
            if parent is not None and parent.occupancy < trigger:
                continue
            if self._queued_nationally[zone.index]:
                if proposals_open is None:
                    if kcn_occupancy is None:
                        kcn_occupancy = established_kcn_occupancy(self)
                    proposals_open = new_kcn_proposals_open(self, kcn_occupancy=kcn_occupancy)
                if not proposals_open:
                    continue  # the national round has no place for it yet: it stays planned
            # The pro forma is worked out only when a candidate comes (this month's draw), but
            # the month's market view is still taken at the first site on offer, as it was when
            # every site's pro forma was: later this month it must see the zones the same way.
            self._take_market_view()
            developer = None
            if draws[zone.index] < entry_chance:
                ratio = self.pro_forma_ratio(zone)
                # This month's candidate: the parent zone's developer for an expansion, else a
                # firm with its own hurdle and finance capacity; either must find the pro forma
                # above its hurdle and be able to pay the first phase's works (the plant is a
                # later decision).
                cost = self.first_phase_cost(zone, plant=False)
                if (
                    parent is not None
                    and parent.developer is not None
                    and not parent.developer.public
                ):
                    owner = parent.developer
                    if ratio >= owner.hurdle and owner.room_bn_vnd >= cost:
                        developer = owner
                else:
                    developer = self.candidate_developer(
                        zone,
                        ratio,
                        cost,
                        hurdle_draw=float(self.hurdle_draws[zone.index]),
                        capacity_draw=float(self.capacity_draws[zone.index]),
                    )
            if developer is not None:
                developer.take_up(zone)
                proposals_open = None
                self.events.append((self.month, "developer_private", zone.key))
            elif zone.kind == "ccn":
                unwanted.append(zone)
        if (
            unwanted
            and levers.public_developer_fallback_ccn
            and self.month >= self.scenario.agencies.public_developer_after_months
        ):
            self._public_take_ups(unwanted)

    def _public_take_ups(self, unwanted: list[Zone]) -> None:
        """District boards take up a few of the clusters no firm took up this month, the most
        promising first, and only when their allowance, less what earlier take-ups still owe,
        pays the first phase: a board does not establish a cluster it cannot build."""
        # A first phase's works cost the same whoever builds them (boards build plants if
        # ordered). When the allowance pays none, the first ranked ends the take-ups: the
        # clusters' pro formas are not worked out to rank them.
        costs = {zone.index: self.first_phase_cost(zone, plant=False) for zone in unwanted}
        if self.agencies.public_works_free() < min(costs.values()):
            return
        ranked = sorted(unwanted, key=lambda z: (-self.pro_forma_ratio(z), z.index))
        for zone in ranked[: self.scenario.agencies.public_ccn_takeups_per_month]:
            cost = costs[zone.index]
            if self.agencies.public_works_free() < cost:
                break
            self.agencies.public_works_committed += cost
            Developer(self, public=True).take_up(zone)
            self.events.append((self.month, "developer_public", zone.key))

    # ------------------------------------------------------------------ investors
    def promotion_reach(self) -> tuple[float, float]:
        """Promotion a year (bn VND) that reaches a prospect outside the audience of targeted
        promotion, and one in it: ``(1 − t)·P`` and ``(1 − t)·P + t·P/s`` (docs/model.md §2.1);
        without targeting both are ``P``. With ``s = 0`` no one is in the audience: the
        targeted money reaches no one."""
        promotion = self.agencies.promotion_this_month * 12
        if self.audience is None:
            return promotion, promotion
        targeted = self.levers.promotion_targeted_pct / 100
        untargeted = (1 - targeted) * promotion
        if self.audience_share <= 0:
            return untargeted, untargeted
        return untargeted, untargeted + targeted * promotion / self.audience_share

    def arrival_rate(self, promotion_bn_vnd_per_year: float | None = None) -> float:
        """This month's prospect arrival rate (promotion, competitiveness, track record), at the
        promotion that reaches them (default: all the promotion money granted)."""
        inv = self.investors
        if promotion_bn_vnd_per_year is None:
            promotion_bn_vnd_per_year = self.agencies.promotion_this_month * 12
        appeal = province_appeal(inv, promotion_bn_vnd_per_year)
        # This month's leases are not in yet: the window is the 12 months before it. Demand of
        # this month is added below and read next month, so its window ends with this month.
        while self.recent_leases and self.recent_leases[0][0] < self.month - 12:
            self.recent_leases.popleft()
        while self.recent_demand and self.recent_demand[0][0] <= self.month - 12:
            self.recent_demand.popleft()
        while self.recent_demand_kcn and self.recent_demand_kcn[0][0] <= self.month - 12:
            self.recent_demand_kcn.popleft()
        leases = len(self.recent_leases) / inv.track_record_leases_per_year
        track = (1 + inv.track_record_weight * min(leases, inv.track_record_cap)) / (
            1 + inv.track_record_weight
        )
        return inv.prospects_per_month * appeal * track

    def _zone_attributes(self) -> tuple[np.ndarray, np.ndarray]:
        """Utility of each zone's attributes by sector (S × Z) and each zone's rent."""
        inv, zones = self.investors, self.zones
        # Tenants by zone and sector, read into one array (np.fromiter of the counts in a row
        # costs less than np.array of nested lists; the same floats in the same layout).
        counts = np.fromiter(
            chain.from_iterable([z.tenants_by_sector for z in zones]),
            dtype=float,
            count=len(zones) * self._sector_count,
        )
        agglomeration = np.log1p(counts.reshape(len(zones), self._sector_count)).T
        by_sector = (
            self._base_utility()[None, :]
            + inv.beta_agglomeration * agglomeration
            + self._region_utility
        )
        return by_sector, np.array([z.rent_usd_m2 for z in zones])

    def _base_utility(self) -> np.ndarray:
        """Utility of each zone's own attributes, the same for every sector.

        One pass over the zones in plain floats: for vectors this short it costs a fraction of a
        dozen array operations, and it gives the same numbers (each term is the same IEEE
        operation, and the terms are added in the same order).
        """
        inv = self.investors
        b_access, b_infra, b_wwtp = inv.beta_access, inv.beta_infrastructure, inv.beta_wwtp
        b_labour, b_anchor, b_admin = inv.beta_labour, inv.beta_anchor, inv.beta_admin_per_month
        kcn_months, other_months = self._expected_approval_months()
        availability = self.labour.zone_availability_list()
        plants = [z.wwtp_host if z.wwtp_host is not None else z for z in self.zones]
        return np.array(
            [
                b_access * z.access_index
                + b_infra * (z.serviced_ha / z.leasable_ha if z.leasable_ha else 0.0)
                + (
                    wastewater.plant_utility(p, b_wwtp)
                    if p.wwtp == "operating" and p.wwtp_compliant  # (z.wwtp_ok)
                    else 0.0
                )
                # Labour quality and access (the index) count as far as workers can be hired.
                + b_labour * quality * available
                + b_anchor * z.anchor
                + b_admin * (kcn_months if z.is_kcn else other_months)
                for z, p, quality, available in zip(
                    self.zones, plants, self._labour_index, availability, strict=True
                )
            ]
        )

    def _expected_approval_months(self) -> tuple[float, float]:
        """Expected dossier time of a KCN (at the IZ Board's desk) and of any other zone (at
        Planning & Investment's desk)."""
        agencies = self.agencies

        def months(desk: simpy.Resource) -> float:
            congestion = 1 + len(desk.queue) / desk.capacity
            return self.investors.approval_months * agencies.approval_time_factor * congestion

        return months(agencies.iz_board_desk), months(agencies.dpi_desk)

    def rent_support_share(self, prospects: Prospects) -> np.ndarray:
        """Share of its annual rent the budget would rebate each prospect every year of the
        support (none while the appropriation is spoken for)."""
        levers = self.levers
        if not self.agencies.rent_support.offered(self.month):
            return np.zeros(len(prospects))
        support = levers.rent_support_pct / 100 + self._supported[prospects.sector] * (
            levers.supported_sector_rent_support_pct / 100
        )
        return np.minimum(support, 1.0)

    def choice_problem(
        self, prospects: Prospects, support: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Utility and feasibility, prospects × (zones, outside zones, outside the province).

        Feasibility here is about rules, not room: land capacity is applied in :func:`choose`.
        ``support`` is :meth:`rent_support_share` of ``prospects`` where the caller has it.
        """
        inv, levers, zones = self.investors, self.levers, self.zones
        n_zones = len(zones)
        by_sector, rent = self._zone_attributes()
        if support is None:
            support = self.rent_support_share(prospects)
        # the rebates' present value, as a share of the lease payment, lowers the rent paid
        value = support * self.agencies.rent_support.value_per_share
        rent_paid = rent[None, :] * (1 - value[:, None])
        # One pass over the zones for what the arrays below need of their plants: what a
        # compliant plant adds for a polluting prospect beyond what it adds for all, and which
        # zones admit tenants. A zone suspended for leaving its plant idle after an order
        # admits no one (§2.7); under Hưng Yên's rule the plant must operate before secondary
        # investors are placed.
        b_wwtp, b_polluting = inv.beta_wwtp, inv.beta_wwtp_polluting
        plant_first = levers.wwtp_before_tenants
        gains, admitting = [], []
        for z in zones:
            plant = z.wwtp_host if z.wwtp_host is not None else z  # (Zone.plant)
            operating = plant.wwtp == "operating"
            gains.append(
                wastewater.polluting_plant_utility(plant, b_wwtp, b_polluting)
                if operating and plant.wwtp_compliant
                else 0.0
            )
            admitting.append(
                z.serviced_ha > 0
                and not plant.admission_suspended
                and (operating or not plant_first)
            )
        polluting_gain = np.array(gains)
        is_ccn = self._is_ccn
        utility = np.empty((len(prospects), n_zones + 2))
        utility[:, :n_zones] = (
            by_sector[prospects.sector]
            + inv.beta_rent_per_10_usd_m2 * rent_paid / 10
            + prospects.polluting[:, None] * polluting_gain[None, :]
            + inv.beta_ccn_fdi * (prospects.fdi[:, None] & is_ccn[None, :])
        )
        utility[:, n_zones + OUTSIDE_ZONE] = inv.outside_zone_utility
        utility[:, n_zones + OUTSIDE_PROVINCE] = inv.outside_province_utility
        feasible = np.empty(utility.shape, dtype=bool)  # (np.ones is a Python wrapper)
        feasible[:, :n_zones] = admitting
        feasible[:, n_zones:] = True
        if levers.no_polluting_outside_zones:
            feasible[:, n_zones + OUTSIDE_ZONE] = ~prospects.polluting
        return utility, feasible

    def _arrivals_and_choice(self) -> None:
        inv = self.investors
        if self.audience is None:
            prospects, keep = self.arrivals.arrive(self.arrival_rate())
        else:
            outside, inside = self.promotion_reach()
            prospects, keep = self.arrivals.arrive(
                self.arrival_rate(outside), self.audience, self.arrival_rate(inside)
            )
        n_zones = len(self.zones)
        # Shocks for the whole candidate pool, so every policy sees the same shocks per prospect.
        pool_shocks = self.streams["choices"].gumbel(size=(len(keep), n_zones + 2))
        self.prospects_this_month = len(prospects)
        if not len(prospects):
            return
        shocks = pool_shocks[keep]
        support = self.rent_support_share(prospects)
        utility, feasible = self.choice_problem(prospects, support)
        # Land outside zones is limited like a zone's: by what the year's allowance has left.
        vacant = np.array([z.vacant_ha for z in self.zones] + [self.outside_zone_land_left_ha])
        self._record_demand(utility, prospects.land_ha, n_zones)
        chosen = choose(utility, feasible, shocks, prospects.land_ha, vacant)
        self.outside_zone_land_left_ha = float(vacant[-1])
        stall_share = inv.stall_pct / 100 * (1 - self.agencies.stall_reduction)
        approval_scale = inv.approval_months * self.agencies.approval_time_factor
        # (a list: a prospect or two a month, where array masks cost more than a loop)
        for i, choice in enumerate(chosen.tolist()):
            if choice < 0 or choice == n_zones + OUTSIDE_PROVINCE:
                continue  # nowhere feasible, or outside the province
            zone = self.zones[choice] if choice < n_zones else None
            land = float(prospects.land_ha[i])
            if zone is not None:
                zone.reserve(land)
                self.recent_leases.append((self.month, land))
            investor = Investor(
                self,
                sector=int(prospects.sector[i]),
                fdi=bool(prospects.fdi[i]),
                land_ha=land,
                capital_bn_vnd=float(prospects.capital_bn_vnd[i]),
                polluting=bool(prospects.polluting[i]),
                outdated=bool(prospects.outdated[i]),
                stalls=bool(prospects.stall_draw[i] < stall_share),
                approval_months=float(prospects.approval_draw[i] * approval_scale),
                revocation_draw=float(prospects.revocation_draw[i]),
                zone=zone,
            )
            if zone is not None and support[i] > 0:
                rents = self.agencies.rent_support
                rebate = rents.annual_rebate(self.revenue_per_ha(zone) * land, float(support[i]))
                rents.promise(investor, rebate, self.month)
            self.tenants_located += 1
            self.env.process(investor.life())

    def _record_demand(self, utility: np.ndarray, land_ha: np.ndarray, n_zones: int) -> None:
        """Hectares this month's prospects would lease if every zone not given up had room,
        and the part of them that would go to KCN."""
        dropped = [z.index for z in self.zones if z.dropped]
        shares = logit_shares(utility, closed=dropped)[:, :n_zones]
        self.recent_demand.append((self.month, float(land_ha @ shares.sum(axis=1))))
        kcn = shares[:, ~self._is_ccn[:n_zones]].sum(axis=1)  # KCN with high-tech zones
        self.recent_demand_kcn.append((self.month, float(land_ha @ kcn)))

    # ------------------------------------------------------------------ indicators
    def _collect(self, month: int) -> None:
        values = self._zone_indicators()
        now = self.env.now
        self.labour.advance(now, self.economy.ramping, self.economy.existing_jobs_wanted(now))
        values.update(self.economy.close_month(month, now))
        budget, economy, agencies = self.agencies.budget, self.economy, self.agencies
        values.update(
            investment_state_bn_vnd=budget.state_investment,
            investment_nonstate_bn_vnd=economy.capital_domestic
            + economy.private_developer_spending,
            investment_fdi_bn_vnd=economy.capital_fdi,
            public_spending_bn_vnd=budget.spent_total,
            budget_available_bn_vnd=budget.available,
            budget_lapsed_bn_vnd=budget.lapsed_total,
            budget_unspent_bn_vnd=budget.unspent_appropriated_total,
            budget_unallocated_bn_vnd=budget.unallocated,
            budget_unfunded_bn_vnd=budget.unfunded_total,
            # a sum of promises less payments: clamp the rounding below zero
            budget_committed_bn_vnd=max(0.0, agencies.rent_support.outstanding),
            projects_revoked=agencies.projects_revoked,
            developers_sanctioned=agencies.developers_sanctioned,
            zones_sold=self.zones_sold,
            outside_fence_finished=agencies.fence.finished,
            wastewater_fines_bn_vnd=agencies.fines_bn_vnd,
            wwtp_operate_orders=agencies.operate_orders,
            admission_suspensions=agencies.admission_suspensions,
            land_outside_zones_ha=self.outside_zone_leased_ha,
            prospects=self.prospects_this_month,
            tenants_located=self.tenants_located,
        )
        # The month's row in catalogue order, one assignment (an id nothing wrote stays NaN).
        self.values[month] = list(map(values.get, INDICATOR_IDS, _NAN_ROW))
        # One row assignment each, zones in index order (codes: the states' dict positions),
        # from one pass over the zones: PLANT_CODES[zone.plant_state] without the chain of
        # properties.
        stages, plants = [], []
        for zone in self.zones:
            stages.append(STAGE_CODES[zone.stage])
            plant = zone.wwtp_host if zone.wwtp_host is not None else zone
            plants.append(
                _OPERATING_CODES[bool(plant.wwtp_compliant)]
                if plant.wwtp == "operating"
                else PLANT_CODES[plant.wwtp]
            )
        self.zone_stages[month] = stages
        self.zone_plants[month] = plants

    def _indicator_groups(self) -> None:
        """The groups of zones the zone indicators count: a zone's kind and whether it expands
        another never change, so they are sorted out once, not every month (with the names of
        their indicators)."""
        main = [z for z in self.zones if z.spec.expands is None]
        self._main_by_kind = {
            "kcn": [z for z in main if z.is_kcn],
            "ccn": [z for z in main if not z.is_kcn],
        }
        self._kind_indicator_names = {
            kind: _KindIndicators(
                established=f"zones_established_{kind}",
                new=f"new_zones_{kind}",
                operating=f"zones_operating_{kind}",
                wwtp_built_share=f"wwtp_built_share_{kind}",
                wwtp_share=f"wwtp_share_{kind}",
                wwtp_compliance=f"wwtp_compliance_{kind}",
                new_operating=f"new_zones_operating_{kind}",
            )
            for kind in self._main_by_kind
        }
        self._main_high_tech = [z for z in main if z.kind == "high_tech"]
        self._kcn_expansions = [z for z in self.zones if z.spec.expands is not None and z.is_kcn]

    def _zone_indicators(self) -> dict[str, float]:
        """The month's zone indicators, in a few passes over the zones.

        Counts are integers (their order does not matter); sums of hectares and rents are
        accumulated in zone order, one addition per zone as ``sum`` makes them, so the floats
        are the same as adding each list up. Run every month: the zones' properties
        (``established``, ``operating``, ``plant``, ``wwtp_running``, ``wwtp_ok``) are read
        inline.
        """
        out: dict[str, float] = {}
        for kind, members in self._main_by_kind.items():
            established = new = clusters = new_operating = 0
            served_built = served_running = served_ok = 0
            for z in members:
                spec = z.spec
                if z.established_month is not None:
                    new += 1
                    established += spec.cluster_count
                elif z.established_before_start:
                    # An aggregate row of existing clusters counts as the clusters it stands for.
                    established += spec.cluster_count
                if z.serviced_ha <= 0:  # not operating
                    continue
                clusters += spec.cluster_count
                new_operating += spec.serviced_pct == 0
                plant = z.wwtp_host if z.wwtp_host is not None else z  # (z.plant)
                if plant.wwtp == "operating":
                    # Plant shares count clusters, not rows: an aggregate row of N clusters
                    # weighs N, and its plant serves its clusters with a plant of their own.
                    served = 1 if plant.spec.cluster_count == 1 else plant.wwtp_clusters
                    served_built += served
                    if plant.wwtp_funded:  # (z.wwtp_running)
                        served_running += served
                    if plant.wwtp_compliant:  # (z.wwtp_ok)
                        served_ok += served
            names = self._kind_indicator_names[kind]
            out[names.established] = established
            out[names.new] = new
            out[names.operating] = clusters
            for name, served in (
                (names.wwtp_built_share, served_built),
                (names.wwtp_share, served_running),
                (names.wwtp_compliance, served_ok),
            ):
                out[name] = 100 * served / clusters if clusters else np.nan
            out[names.new_operating] = new_operating
        out["zones_established_high_tech"] = sum(z.established for z in self._main_high_tech)
        out["expansions_kcn"] = sum(z.established_month is not None for z in self._kcn_expansions)
        # Sums over zones stay in zone order: the same floats, summed the same way.
        leasable = rented = leased = 0.0
        leasable_kcn = leased_kcn = leasable_ccn = leased_ccn = 0.0
        serviced_kcn = serviced_ccn = 0.0
        serviced_all = leased_all = 0.0
        for z in self.zones:
            serviced_all += z.serviced_ha
            leased_all += z.leased_ha
            if z.serviced_ha <= 0:  # not operating
                continue
            leasable += z.leasable_ha
            rented += z.rent_usd_m2 * z.leasable_ha
            leased += z.leased_ha
            if z.is_kcn:
                leasable_kcn += z.leasable_ha
                leased_kcn += z.leased_ha
                serviced_kcn += z.serviced_ha
            else:
                leasable_ccn += z.leasable_ha
                leased_ccn += z.leased_ha
                serviced_ccn += z.serviced_ha
        out["rent_usd_m2"] = rented / leasable if leasable else np.nan
        out["occupancy_rate"] = 100 * leased / leasable if leasable else np.nan
        out["occupancy_rate_kcn"] = 100 * leased_kcn / leasable_kcn if leasable_kcn else np.nan
        leased_established, leasable_established = established_kcn_land(self)
        out["occupancy_established_kcn"] = (
            100 * leased_established / leasable_established if leasable_established else np.nan
        )
        out["occupancy_rate_ccn"] = 100 * leased_ccn / leasable_ccn if leasable_ccn else np.nan
        out["occupancy_serviced_kcn"] = 100 * leased_kcn / serviced_kcn if serviced_kcn else np.nan
        out["occupancy_serviced_ccn"] = 100 * leased_ccn / serviced_ccn if serviced_ccn else np.nan
        generated_all = treated_all = 0  # (as sum() adds, from an integer 0)
        for kind, (generated, treated) in wastewater.flows_by_kind(self).items():
            generated_id, treated_id, untreated_id = _FLOW_INDICATOR_NAMES[kind]
            out[generated_id] = generated
            out[treated_id] = treated
            out[untreated_id] = _untreated_pct(generated, treated)
            generated_all += generated
            treated_all += treated
        out["wastewater_untreated_pct"] = _untreated_pct(generated_all, treated_all)
        out["land_serviced_ha"] = serviced_all
        out["land_leased_ha"] = leased_all
        out["land_idle_ha"] = sum(i.land_ha for i in self.agencies.stalled if i.zone is not None)
        return out


_NAN_ROW = (np.nan,) * len(INDICATOR_IDS)  # the default of each id in a month's row


class _KindIndicators(NamedTuple):
    """The ids of the zone indicators of one kind (KCN or CCN), formatted once per run."""

    established: str
    new: str
    operating: str
    wwtp_built_share: str
    wwtp_share: str
    wwtp_compliance: str
    new_operating: str


_FLOW_INDICATOR_NAMES = {
    kind: tuple(f"wastewater_{name}_{kind}" for name in ("generated", "treated", "untreated_pct"))
    for kind in ("kcn", "ccn", "outside")
}
"""The indicators of each kind of wastewater.flows_by_kind (formatted once, not each month)."""
_OPERATING_CODES = (PLANT_CODES["not_compliant"], PLANT_CODES["compliant"])


def _untreated_pct(generated: float, treated: float) -> float:
    return 100 * (generated - treated) / generated if generated > 0 else np.nan
