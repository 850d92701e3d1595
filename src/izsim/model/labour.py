"""Labour pools (nguồn lao động) of the province's regions.

Industry cannot employ more people than there are. Each region ``r`` listed in
``labour.region_workforce_pct`` has a resident supply of industrial labour (its share ``w_r`` of
the workforce ``W`` times the highest share industry can draw, ``s``) plus workers from outside
the province (``M_r``): commuters and migrants in rented rooms, who come in proportion to how
tight the region's pool is, and workers in worker housing (nhà ở công nhân: the scenario's own
programme and the places the policy pays for, :meth:`LabourPool.house`), who fill its places
while the pool is tight. Vocational training the policy pays for
(:meth:`LabourPool.train`) lets residents who would not take factory work join the supply.
Zones of a region that is not listed (an aggregate such as ``mixed``) and projects outside
zones hire from the whole province; so does
existing industry, whose jobs are spread over regions by ``w_r``. Equations: docs/model.md §6.1.

Each month, after the month's decisions and before the accounts close, :meth:`LabourPool.advance`
lets existing industry, then ramping tenants, hire within the labour they can reach; a tenant's
ramp-up (its production share) advances only as fast as it can staff it. The availability it
leaves behind lowers zones' labour utility the next month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from izsim.model.investor import Investor
    from izsim.scenario.schema import Scenario


PAIRWISE_FROM = 8
"""numpy adds an array of this many floats or more pairwise (in blocks), shorter ones one after
the other, as ``sum()`` adds a list."""


def _total(values: list[float]) -> float:
    """``np.add.reduce(np.array(values))`` as a float, with the same rounding: ``sum()`` for the
    short lists of pools (a province has a handful of regions), numpy's own pairwise sum from
    :data:`PAIRWISE_FROM` entries on."""
    if len(values) < PAIRWISE_FROM:
        return sum(values)
    return float(np.add.reduce(np.array(values)))


class LabourPool:
    """Industrial labour supply and demand by region, month by month.

    Pools are indexed ``0 … R-1`` for the listed regions and ``R`` for the whole province
    (zones of unlisted regions, projects outside zones).

    Args:
        scenario: the scenario (its ``labour`` and ``economy`` blocks).
        zone_regions: the region of each zone, in the model's zone order.
    """

    def __init__(self, scenario: Scenario, zone_regions: list[str]) -> None:
        spec, economy = scenario.labour, scenario.economy
        self.spec = spec
        self.economy_spec = economy
        shares = spec.region_workforce_pct or {"": 100.0}  # no regions: one pool
        self.regions = list(shares)
        self.share = np.array([shares[r] for r in self.regions]) / 100
        self.share_list = self.share.tolist()
        self.province = len(self.regions)  # index of the province-wide pool
        index = {r: i for i, r in enumerate(self.regions) if r}
        self.zone_pool = np.array([index.get(r, self.province) for r in zone_regions], dtype=int)
        self.local_share = spec.max_local_industry_share_pct / 100
        self.commuting = spec.commuting_pct / 100
        self.tight = spec.tight_slack_pct / 100
        # Share of the remaining gap closed each month: a yearly rate compounded monthly.
        self.monthly_adjustment = 1 - (1 - spec.inflow_adjustment_pct_per_year / 100) ** (1 / 12)
        # Kept as lists: a handful of pools, read and written a few times a month, where plain
        # floats are several times faster than numpy (the arrays are properties below).
        self._migrants = [0.0] * len(self.regions)  # workers from outside the province
        self._housed = [0.0] * len(self.regions)  # of them, those in worker housing
        self._staffed = [0.0] * (len(self.regions) + 1)  # jobs tenants fill, by pool
        self._zone_pool = self.zone_pool.tolist()
        self.jobs_existing = economy.jobs_industry_base
        self.resident_workforce = economy.workforce_base
        # Places and trainees the policy paid for: (month ready, number) in the order paid,
        # and how many are ready.
        self._housing_due: list[tuple[float, float]] = []
        self._training_due: list[tuple[float, float]] = []
        self.housed_places = 0.0  # worker housing places the policy built
        self.trained_workers = 0.0  # residents trained into industrial work
        # 0 (none to hire) … 1 (ample) by pool, as the last month left it
        self._available = self._availability()

    # ------------------------------------------------------------------ reading
    @property
    def migrants(self) -> np.ndarray:
        """Workers from outside the province, by listed region."""
        return np.array(self._migrants)

    @property
    def staffed(self) -> np.ndarray:
        """Jobs tenants fill, by pool."""
        return np.array(self._staffed)

    @property
    def availability(self) -> np.ndarray:
        """Availability of labour (0 none to hire … 1 ample) by pool, as the last month left it."""
        return np.array(self._available)

    @property
    def workforce(self) -> float:
        """The province's workforce: residents and workers from outside."""
        return self.resident_workforce + _total(self._migrants)

    @property
    def local_supply(self) -> float:
        """Residents industry can draw: the scenario's share of the resident workforce and the
        residents the policy trained, never more than the resident workforce."""
        local = self.local_share * self.resident_workforce + self.trained_workers
        return local if local < self.resident_workforce else self.resident_workforce

    @property
    def supply(self) -> float:
        """Industrial labour the province has: residents industry can draw, and workers from
        outside."""
        return self.local_supply + _total(self._migrants)

    # ------------------------------------------------------------------ programmes
    def house(self, places: float, ready_month: float) -> None:
        """Worker housing paid for now: ``places`` more migrant workers can come from
        ``ready_month`` on (spread over regions as the scenario's own housing is)."""
        if places > 0:
            self._housing_due.append((ready_month, places))

    def train(self, workers: float, ready_month: float) -> None:
        """Vocational training paid for now: ``workers`` residents join the industrial supply
        when their course ends, at ``ready_month`` (spread over regions by workforce share)."""
        if workers > 0:
            self._training_due.append((ready_month, workers))

    def _open(self, now: float) -> None:
        """Count the housing and trainees ready by ``now``."""
        while self._housing_due and self._housing_due[0][0] <= now:
            self.housed_places += self._housing_due.pop(0)[1]
        while self._training_due and self._training_due[0][0] <= now:
            self.trained_workers += self._training_due.pop(0)[1]

    def pool_of(self, zone_index: int | None) -> int:
        """The pool a tenant of zone ``zone_index`` (None: outside zones) hires from."""
        return self.province if zone_index is None else int(self.zone_pool[zone_index])

    def zone_availability(self) -> np.ndarray:
        """Availability of labour (0–1) at each zone, as the last month left it."""
        return np.array(self.zone_availability_list())

    def zone_availability_list(self) -> list[float]:
        """:meth:`zone_availability` as a list (the site choice reads it as floats)."""
        available = self._available
        return [available[pool] for pool in self._zone_pool]

    def availability_at(self, zone_index: int) -> float:
        """Availability of labour (0–1) at one zone (without building the whole array)."""
        return self._available[self._zone_pool[zone_index]]

    # ------------------------------------------------------------------ the month
    def advance(
        self, now: float, ramping: list[Investor], existing_jobs: float | None = None
    ) -> None:
        """Hire for existing industry and ramping tenants up to time ``now``, then let
        workers from outside answer the scarcity left.

        Ramping tenants' ``ramp_progress`` grows by ``Δt / rampup × availability × rationing``
        (so ramp-up is as before while labour is ample); a tenant that reaches 1 becomes
        ``operating``. The jobs tenants fill are kept by pool as they are hired.
        """
        spec, economy = self.spec, self.economy_spec
        years = now / 12
        if self._housing_due or self._training_due:
            self._open(now)
        self.resident_workforce = economy.workforce_base * (
            1 + economy.workforce_growth_pct / 100
        ) ** (years)
        # Existing industry keeps its workers and hires first (it pays the going wage), within
        # what the province has spare; a shrinking workforce takes its workers first.
        trend = (
            existing_jobs
            if existing_jobs is not None
            else economy.jobs_industry_base * (1 + economy.existing_jobs_growth_pct / 100) ** years
        )
        tenants = _total(self._staffed)
        supply_total = self.supply
        spare = max(0.0, supply_total - self.jobs_existing - tenants)
        self.jobs_existing = max(
            0.0, min(trend, self.jobs_existing + spare, supply_total - tenants)
        )
        if ramping:
            self._ramp_up(now, ramping)
        # Workers from outside answer the scarcity each region is left with: commuters and
        # migrants in rented rooms in proportion to it; worker housing is filled, place for
        # place, while the region's labour is tight (zones' employers offer the beds to the
        # workers they lack). Those who came stay.
        per_worker = spec.inflow_max_pct / 100 * self.resident_workforce
        housing = spec.worker_housing_places_per_year * years + self.housed_places
        k = self.monthly_adjustment
        migrants, housed = [], []
        # (zip stops at the listed regions: the province pool's availability is not read)
        for m, h, a, w in zip(
            self._migrants, self._housed, self._availability(), self.share_list, strict=False
        ):
            rented = m - h
            rented += k * max(0.0, (1 - a) * w * per_worker - rented)
            if a < 1.0:
                h += k * max(0.0, w * housing - h)
            housed.append(h)
            migrants.append(rented + h)
        self._migrants, self._housed = migrants, housed
        self._available = self._availability()

    def _ramp_up(self, now: float, ramping: list[Investor]) -> None:
        """Advance ramping tenants' production shares to ``now``, rationed to the labour each
        pool can reach and to what the province has spare.

        A few dozen tenants and a handful of pools: plain floats are several times faster than
        numpy on vectors this short. Each number is the same IEEE operation as on arrays, and
        sums run in tenant (or pool) order as ``bincount`` and a short ``@`` add them. Bounds
        are conditionals, not ``min``/``max``: the builtins parse keyword arguments on every
        call in Python 3.11 (``min(a, b)`` is ``b if b < a else a``, ``max(a, b)`` is
        ``b if b > a else a``).
        """
        rampup = ramping[0].model.investors.rampup_months
        availability = self._available
        # What each would hire this month at the pace its availability allows…
        steps = []
        wanted = [0.0] * (self.province + 1)
        for investor in ramping:
            left = 1 - investor.ramp_progress
            pace = (now - investor.ramp_time) / rampup * availability[investor.pool]
            step = pace if pace < left else left  # min(left, pace)
            steps.append(step)
            wanted[investor.pool] += step * investor.full_jobs
        # …rationed to the labour within each pool's reach, and to what the province has.
        room = self._room(self._supply())
        ration = []
        hired = 0.0  # (summed in pool order, as sum() adds)
        for r, w in zip(room, wanted, strict=True):
            share = 1.0
            if w > r:
                share = r / w
                share = (share if share < 1.0 else 1.0) if share > 0.0 else 0.0  # in [0, 1]
            ration.append(share)
            hired += w * share
        if hired > room[self.province]:
            scale = room[self.province] / hired
            ration = [r * scale for r in ration]
        hired_by_pool = [0.0] * (self.province + 1)
        for investor, step in zip(ramping, steps, strict=True):
            step *= ration[investor.pool]
            hired_by_pool[investor.pool] += step * investor.full_jobs
            share = investor.ramp_progress + step
            investor.ramp_time = now
            if share >= 1 - 1e-12:
                investor.ramp_progress = 1.0
                investor.state = "operating"
            else:
                investor.ramp_progress = share
        self._staffed = [s + h for s, h in zip(self._staffed, hired_by_pool, strict=True)]

    # ------------------------------------------------------------------ helpers
    # A province has a handful of regions: plain floats are several times faster than numpy
    # for vectors this short, and these run several times a month (bounds are conditionals,
    # as in _ramp_up).
    def _supply(self) -> list[float]:
        """Industrial labour supply by listed region."""
        local = self.local_supply
        return [w * local + m for w, m in zip(self.share_list, self._migrants, strict=True)]

    def _room(self, supply: list[float]) -> list[float]:
        """Workers each pool can still hire: its own spare labour and a commuting share of
        the others', never more than the province has spare (last entry). Province-wide jobs
        (existing industry, the province pool's tenants) are spread by workforce share."""
        # Plain loops: a comprehension is a function call of its own in this Python, and these
        # lists have two or three entries.
        staffed = self._staffed
        spread = self.jobs_existing + staffed[-1]
        slack = []
        for s, j, w in zip(supply, staffed[:-1], self.share_list, strict=True):
            slack.append(s - j - w * spread)
        total = sum(slack)
        total = total if total > 0.0 else 0.0  # max(0.0, …)
        c = self.commuting
        room = []
        for x in slack:
            r = (1 - c) * x + c * total
            r = r if r > 0.0 else 0.0  # max(0.0, r)
            room.append(r if r < total else total)  # min(total, r)
        room.append(total)
        return room

    def _availability(self) -> list[float]:
        """Availability by pool: the room left over the reference ``tight × labour within
        reach``, capped at 1."""
        supply = self._supply()
        total, c, tight = sum(supply), self.commuting, self.tight
        reach = []
        for x in supply:
            reach.append((1 - c) * x + c * total)
        reach.append(total)
        availability = []
        for r, x in zip(self._room(supply), reach, strict=True):
            if x > 0:
                a = r / (tight * x)
                availability.append((a if a < 1.0 else 1.0) if a > 0.0 else 0.0)  # in [0, 1]
            else:
                availability.append(1.0)
        return availability
