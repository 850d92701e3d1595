"""Establishment of zones: the national approval of KCN, the province's annual share of
national approvals, and developers' own hurdles (docs/model.md §2.3, §2.3a).

A KCN or high-tech zone needs the Prime Minister's investment policy decision within the
national land-use quota before the province can issue its establishment decision; a CCN is
established by the province alone. Provincial administrative reform
(``approval_time_multiplier``) therefore shortens only the province's part.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

MONTHS_PER_YEAR = 12


class NationalQuota:
    """The province's yearly share of new KCN approved nationally.

    Approvals are counted per calendar year (scenarios start in January, so simulated year
    ``⌊t / 12⌋``). A share ``q`` a year, whole or not, allows ``⌊q·(y + 1) + φ⌋ − ⌊q·y + φ⌋``
    approvals in year ``y``: over any ``n`` years ``q·n`` rounded down or up, as a share of a
    national quota fixed for the plan period implies, while the phase ``φ`` (drawn once per
    run, uniform on [0, 1)) says in which years they fall — when the national rounds favour
    the province is not known (0.4 a year with φ = 0: one in the third and fifth years; with
    φ = 0.7: one in the first, third and fifth). A proposal whose national dossier is ready
    when the year's approvals are given waits for the next January, first come first served.
    Unused approvals do not carry over.

    Args:
        per_year: approvals a year, or None for no limit.
        phase: φ, in [0, 1).
    """

    def __init__(self, per_year: float | None, phase: float = 0.0) -> None:
        self.per_year = per_year
        self.phase = phase
        self.granted: dict[int, int] = {}  # approvals by simulated year

    def allowed(self, year: int) -> int:
        """Approvals the quota allows in simulated year ``year``."""
        assert self.per_year is not None
        q, phase = self.per_year, self.phase
        # (a small tolerance: 0.1 × 10 must make one whole approval)
        return math.floor(q * (year + 1) + phase + 1e-9) - math.floor(q * year + phase + 1e-9)

    def places(self, first: int, years: int, given: Mapping[int, int] | None = None) -> int:
        """Approvals left in simulated year ``first`` and the ``years`` after it, ``given``
        approvals taken by year (default: those granted)."""
        taken = self.granted if given is None else given
        return sum(
            max(0, self.allowed(year) - taken.get(year, 0))
            for year in range(first, first + years + 1)
        )

    def full(self, now: float) -> bool:
        """Whether this year's approvals are all given."""
        if self.per_year is None:
            return False
        year = simulated_year(now)
        return self.granted.get(year, 0) >= self.allowed(year)

    def wait_for_approval(self, env: simpy.Environment) -> Generator[simpy.Event, object, None]:
        """Wait until the quota of the current year has room, then take one approval."""
        if self.per_year is None:
            return
        if self.per_year <= 0:  # never: the process waits for ever (no new KCN)
            yield env.event()
        while self.full(env.now):
            next_january = (simulated_year(env.now) + 1) * MONTHS_PER_YEAR
            yield env.timeout(next_january - env.now)
        year = simulated_year(env.now)
        self.granted[year] = self.granted.get(year, 0) + 1


def established_kcn_land(model: IZModel) -> tuple[float, float]:
    """Leased and leasable land, ha, of the province's established KCN, operating or not
    (high-tech zones and expansions included): the land the national occupancy condition and
    the indicator ``occupancy_established_kcn`` count."""
    leased = leasable = 0.0
    for z in model.zones:  # in zone order: the same floats as summing each list
        if z.is_kcn and z.established:
            leased += z.leased_ha
            leasable += z.leasable_ha
    return leased, leasable


def established_kcn_occupancy(model: IZModel) -> float:
    """Leased over leasable land of the province's established KCN
    (:func:`established_kcn_land`), 0–1; 1 when there are none."""
    leased, leasable = established_kcn_land(model)
    return leased / leasable if leasable else 1.0


def kcn_proposal_open(model: IZModel, zone: Zone, *, kcn_occupancy: float | None = None) -> bool:
    """Whether a developer may propose ``zone`` now (§2.3a, *Proposals*).

    A new KCN (not an expansion) is proposed only when the province's established KCN meet
    the national occupancy condition and, under a quota, when the proposals already waiting
    for their national decision are fewer than the approvals left in the calendar year its
    national dossier would be ready and the ``national_queue_years`` after it. Otherwise the
    site stays planned: a proposal the national round cannot take for years is not filed.
    Other zones, and every zone without ``national_queue_years``, are always open.

    ``kcn_occupancy`` is :func:`established_kcn_occupancy` where the caller has it (a month's
    developer entry asks for many sites while it cannot change).
    """
    if not queued_nationally(model, zone):
        return True
    return new_kcn_proposals_open(model, kcn_occupancy=kcn_occupancy)


def queued_nationally(model: IZModel, zone: Zone) -> bool:
    """Whether a proposal of ``zone`` waits for the national round (a new KCN, not an
    expansion, under ``national_queue_years``): the sites :func:`kcn_proposal_open` may close."""
    return (
        model.scenario.establishment.national_queue_years is not None
        and zone.is_kcn
        and zone.spec.expands is None
    )


def new_kcn_proposals_open(model: IZModel, *, kcn_occupancy: float | None = None) -> bool:
    """:func:`kcn_proposal_open` of a site that :func:`queued_nationally`: the same answer for
    every such site, until one of them is taken up (it then waits for the round too)."""
    national = model.scenario.establishment
    assert national.national_queue_years is not None
    condition = national.min_kcn_occupancy_for_new_kcn_pct
    if condition is not None:
        if kcn_occupancy is None:
            kcn_occupancy = established_kcn_occupancy(model)
        if kcn_occupancy < condition / 100:
            return False
    return national_places_left(model) > 0


def national_places_left(model: IZModel) -> float:
    """Places the national round has for new KCN proposals now: approvals left in the
    calendar year a dossier would be ready and the ``national_queue_years`` after it, less the
    proposals already waiting for their national decision (infinite without a quota or a
    queue)."""
    national, quota = model.scenario.establishment, model.national_quota
    if national.national_queue_years is None or quota.per_year is None:
        return math.inf
    ready = simulated_year(model.env.now + national.national_approval_months_kcn)
    places = quota.places(ready, national.national_queue_years)
    waiting = sum(
        1
        for z in model.zones
        if z.is_kcn
        and z.spec.expands is None
        and z.developer is not None
        and not z.established
        and z.national_approval_month is None
    )
    return places - waiting


def simulated_year(now: float) -> int:
    """The calendar year of simulated month ``now`` (0 the start's year, before it negative)."""
    # A small tolerance: a wait of a fraction of a month added to whole months lands on the
    # January it aims at, not a rounding error before it.
    return math.floor(now / MONTHS_PER_YEAR + 1e-9)


def establish(model: IZModel, zone: Zone) -> Generator[simpy.Event, object, bool]:
    """The wait from a developer's proposal to the zone's establishment decision.

    KCN: ``national_approval_months_kcn`` (not shortened by provincial reform), then, for a
    new KCN (an expansion adjusts an approved zone), the national condition that the
    province's established KCN are leased to ``min_kcn_occupancy_for_new_kcn_pct`` and a slot of
    the year's national quota, then the
    province's ``zone_approval_months_kcn × approval_time_factor``. CCN: the province's
    ``zone_approval_months_ccn × approval_time_factor`` alone.

    Under ``national_queue_years`` a new KCN whose province no longer meets the occupancy
    condition when its national dossier is ready is turned down (``False``, event
    ``national_refusal``) instead of waiting: it was proposed when the condition held
    (:func:`kcn_proposal_open`) and the province proposes it again when it holds again.

    A proposal filed before the start (``zone.proposal_under_way``, :mod:`izsim.model.spin_up`)
    waits only what is left of its national appraisal, or, approved nationally before the
    start, what is left of the province's months.
    """
    env = model.env
    national = model.scenario.establishment
    # A proposal filed before the start (spin_up.py) goes on from where it is, once.
    under_way, zone.proposal_under_way = zone.proposal_under_way, None
    approved_before_start = under_way is not None and under_way.national_approval is not None
    if zone.is_kcn and not approved_before_start:
        wait = national.national_approval_months_kcn
        if under_way is not None:
            wait = max(0.0, under_way.filed + wait - env.now)
        if wait > 0:
            yield env.timeout(wait)
        if zone.spec.expands is None:
            condition = national.min_kcn_occupancy_for_new_kcn_pct
            if condition is not None and established_kcn_occupancy(model) < condition / 100:
                if national.national_queue_years is not None:
                    model.events.append((model.month, "national_refusal", zone.key))
                    return False
                model.events.append((model.month, "national_occupancy_wait", zone.key))
                while established_kcn_occupancy(model) < condition / 100:
                    yield env.timeout(1)
            if model.national_quota.full(env.now):
                model.events.append((model.month, "national_quota_wait", zone.key))
            yield from model.national_quota.wait_for_approval(env)
        zone.national_approval_month = model.month
        model.events.append((model.month, "national_approval", zone.key))
    provincial = model.scenario.developers.zone_approval_months(kcn=zone.is_kcn)
    if approved_before_start:
        assert under_way is not None and under_way.national_approval is not None
        # (a decision at t is stamped, as in the run, in the month that ends then)
        zone.national_approval_month = math.ceil(under_way.national_approval) - 1
        # The province's part began before the start, when no reform of the run applied.
        yield env.timeout(max(0.0, under_way.national_approval + provincial - env.now))
        return True
    # The factor is read when the province's part starts: reform in force then applies.
    yield env.timeout(provincial * model.agencies.approval_time_factor)
    return True


def developer_hurdle(median: float, spread: float, draw: float) -> float:
    """A candidate developer's hurdle: lognormal around the scenario's ``median`` with
    standard deviation ``spread`` of its logarithm, from a standard normal ``draw``."""
    return median * math.exp(spread * draw)


def entry_chance(ratio: float, median: float, spread: float) -> float:
    """Chance that a candidate developer's hurdle is at most ``ratio`` (its pro forma):
    ``Φ(ln(ratio / median) / spread)``, a step at the median when ``spread`` is 0."""
    if ratio <= 0:
        return 0.0
    if spread == 0:
        return 1.0 if ratio >= median else 0.0
    z = math.log(ratio / median) / spread
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))
