"""Establishment of zones: the national approval of KCN, the province's annual share of
national approvals, and developers' own hurdles (docs/model.md §2.3, §2.3a).

A KCN or high-tech zone needs the Prime Minister's investment policy decision within the
national land-use quota before the province can issue its establishment decision; a CCN is
established by the province alone. Provincial administrative reform
(``approval_time_multiplier``) therefore shortens only the province's part.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

MONTHS_PER_YEAR = 12


class NationalQuota:
    """The province's yearly share of new KCN approved nationally.

    Approvals are counted per calendar year (scenarios start in January, so simulated year
    ``⌊t / 12⌋``); a proposal whose national dossier is ready when the year's quota is used
    waits for the next January, first come first served. Unused quota does not carry over.

    Args:
        per_year: approvals a year, or None for no limit.
    """

    def __init__(self, per_year: int | None) -> None:
        self.per_year = per_year
        self.granted: dict[int, int] = {}  # approvals by simulated year

    def full(self, now: float) -> bool:
        """Whether this year's approvals are all given."""
        return self.per_year is not None and self.granted.get(_year(now), 0) >= self.per_year

    def wait_for_approval(self, env: simpy.Environment) -> Generator[simpy.Event, object, None]:
        """Wait until the quota of the current year has room, then take one approval."""
        if self.per_year is None:
            return
        while self.granted.get(_year(env.now), 0) >= self.per_year:
            next_january = (_year(env.now) + 1) * MONTHS_PER_YEAR
            yield env.timeout(next_january - env.now)
        year = _year(env.now)
        self.granted[year] = self.granted.get(year, 0) + 1


def _year(now: float) -> int:
    # A small tolerance: a wait of a fraction of a month added to whole months lands on the
    # January it aims at, not a rounding error before it.
    return math.floor(now / MONTHS_PER_YEAR + 1e-9)


def establish(model: IZModel, zone: Zone) -> Generator[simpy.Event, object, None]:
    """The wait from a developer's proposal to the zone's establishment decision.

    KCN: ``national_approval_months_kcn`` (not shortened by provincial reform), then a slot of
    the year's national quota (new KCN only: an expansion adjusts an approved zone), then the
    province's ``zone_approval_months_kcn × approval_time_factor``. CCN: the province's
    ``zone_approval_months_ccn × approval_time_factor`` alone.
    """
    env = model.env
    national = model.scenario.establishment
    if zone.is_kcn:
        if national.national_approval_months_kcn > 0:
            yield env.timeout(national.national_approval_months_kcn)
        if zone.spec.expands is None:
            if model.national_quota.full(env.now):
                model.events.append((model.month, "national_quota_wait", zone.key))
            yield from model.national_quota.wait_for_approval(env)
        model.events.append((model.month, "national_approval", zone.key))
    provincial = model.scenario.developers.zone_approval_months(kcn=zone.is_kcn)
    # The factor is read when the province's part starts: reform in force then applies.
    yield env.timeout(provincial * model.agencies.approval_time_factor)


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
