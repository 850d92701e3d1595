"""Reinvestment by existing firms: capital increases (tăng vốn) that add capacity.

Part of the trend growth of the industry existing at the start comes from new production lines
that its firms finance by raising their capital, and a firm decides that by the conditions it
sees: a province that promotes and governs well, a zone with good access, a compliant
wastewater plant, labour and fast dossiers. The scenario's ``reinvestment.share_pct`` of the
trend is therefore not a fixed path but a Poisson stream of capital increases whose rate, at the
conditions of the start, supplies that share of the old trend in expectation, and scales with
the conditions as they change (docs/model.md §6a).

Each month a fixed-rate pool of candidate increases is drawn from the ``reinvestment`` stream
(``MAX_RATE_MULTIPLIER`` times the rate at the start's conditions), each with its sector, size
and place (a zone, by the land leased there at the start, or outside zones); a candidate goes
ahead when its uniform is below its place's condition factor divided by the multiplier
(Poisson thinning), so a policy that improves conditions keeps a superset of the same
increases (common random numbers). Increases decided in the months before the start, whose
capacity comes on line after it, are drawn the same way at the start's conditions.

The new capacity uses land the firm already holds (no land is leased), builds for
``construction_months`` and ramps up linearly over ``rampup_months``. Its jobs and exports are
those the existing trend implies per unit of output (the firms are the existing ones), so the
split redistributes the trend of output, jobs and exports without changing its level.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from izsim.model import wastewater
from izsim.model.arrivals import MAX_RATE_MULTIPLIER, province_appeal

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone
    from izsim.scenario.schema import Economy as EconomySpec
    from izsim.scenario.schema import Scenario

OUTSIDE = -1  # place of an increase by a firm outside zones
TREND_LEAD_MONTHS = 5.5
"""The fixed trend steps once a year (``(1+g)^(y+1)`` for every month of year ``y``); the
continuous path ``(1+g)^((T + 5.5)/12)`` at collection time ``T = month + 1`` has the same
yearly sums, so reinvestment output is calibrated to it."""


@dataclass
class CapitalIncrease:
    """One capital increase by an existing firm and the capacity it adds at full production."""

    decided: float  # month of the decision (negative: before the start)
    place: int  # zone index, or OUTSIDE
    sector: int
    fdi: bool
    output_bn_vnd: float  # a year, at full production
    capital_bn_vnd: float
    jobs: float
    exports_musd: float  # a year, at full production
    production_start: float
    rampup_months: float

    def production_share(self, now: float) -> float:
        """Share of the added capacity producing at time ``now``."""
        share = (now - self.production_start) / self.rampup_months
        # min(1.0, max(0.0, share)) as conditionals: asked for every increase ramping, every
        # month (the builtins parse keyword arguments on each call in Python 3.11)
        return (share if share < 1.0 else 1.0) if share > 0.0 else 0.0


def trend_shares(scenario: Scenario) -> tuple[float, float, float]:
    """Shares of the output, jobs and exports trends that reinvestment supplies (the rest is
    the fixed trend). Zero without a reinvestment block, or where the output trend does not
    grow (a shrinking industry does not un-invest through this stream), and for jobs or exports
    whose own trend does not grow."""
    spec = scenario.reinvestment
    e = scenario.economy
    if spec is None or e.existing_output_growth_pct <= 0:
        return 0.0, 0.0, 0.0
    s = spec.share_pct / 100
    return (
        s,
        s if e.existing_jobs_growth_pct > 0 else 0.0,
        s if e.existing_exports_growth_pct > 0 else 0.0,
    )


def _path_slope(base: float, growth_pct: float, months: float, lead: float) -> float:
    """Monthly increase at ``months`` of ``base × (1 + g)^((months + lead)/12)``."""
    g = math.log1p(growth_pct / 100)
    return base * g / 12 * math.exp(g * (months + lead) / 12)


class Reinvestment:
    """The stream of capital increases of one run.

    Args:
        model: the model (scenario, zones at the start, agencies, economy).
    """

    def __init__(self, model: IZModel) -> None:
        self.model = model
        scenario = model.scenario
        self.spec = spec = scenario.reinvestment
        self.rng = model.streams["reinvestment"]
        self.shares = trend_shares(scenario)
        if spec is None:
            return
        inv = scenario.investors
        sectors = scenario.sectors
        shares = np.array([s.prospect_share_pct for s in sectors])
        size = spec.project_size_pct / 100
        self.mean_output = size * float(
            (shares / shares.sum())
            @ np.array([s.land_need_ha * s.output_bn_vnd_per_ha for s in sectors])
        )
        # A few candidates a month: plain Python lists are quicker than arrays here.
        self.output_per_ha = [s.output_bn_vnd_per_ha * size for s in sectors]
        self.capital_per_ha = [s.capital_bn_vnd_per_ha * size for s in sectors]
        arrivals = model.arrivals
        self.sector_cdf = arrivals.sector_cdf.tolist()
        self.fdi_share = arrivals.fdi_share.tolist()
        self.land_mu = arrivals.land_mu.tolist()
        self.land_sigma = arrivals.land_sigma.tolist()
        # Where existing firms are: zones by the land leased in them at the start.
        leased = np.array([z.leased_ha if z.operating else 0.0 for z in model.zones])
        zone_share = spec.zone_share_pct / 100 if leased.sum() > 0 else 0.0
        weights = np.append(zone_share * leased / max(leased.sum(), 1e-12), 1 - zone_share)
        self.place_cdf = np.cumsum(weights).tolist()
        self.active = np.flatnonzero(weights[:-1] > 0)
        # Conditions firms see: a polluting share of them values a compliant plant more.
        self.beta_wwtp = inv.beta_wwtp + model.polluting_prospect_share * inv.beta_wwtp_polluting
        self.reference = [self._start_utility(z) for z in model.zones]
        self.midpoint = spec.construction_months + spec.rampup_months / 2
        first = math.floor(-TREND_LEAD_MONTHS - self.midpoint - 0.5)
        for month in range(first, 0):
            self._decide(month, start=True)

    # ------------------------------------------------------------------ rates
    def expected_output_per_month(self, month: float) -> float:
        """Annual output at full production decided in ``month`` at the start's conditions:
        the increase of the reinvested part of the trend path between half production one
        month after and half production this month, so that the capacity coming on line
        follows the path (zero before the path starts)."""
        e = self.model.scenario.economy
        s = self.shares[0]
        if s <= 0:
            return 0.0
        mid = month + self.midpoint
        if mid + 0.5 < -TREND_LEAD_MONTHS:
            return 0.0
        base = s * e.industrial_output_base_bn_vnd
        g = math.log1p(e.existing_output_growth_pct / 100)
        low = max(mid - 0.5, -TREND_LEAD_MONTHS)
        return base * (
            math.exp(g * (mid + 0.5 + TREND_LEAD_MONTHS) / 12)
            - math.exp(g * (low + TREND_LEAD_MONTHS) / 12)
        )

    def _per_output(self, midpoint: float, e: EconomySpec) -> tuple[float, float]:
        """Jobs and exports (million USD a year) per bn VND of output a year added at
        ``midpoint`` (half production): the slope of their trend over the slope of output's."""
        _, s_jobs, s_exports = self.shares
        output = _path_slope(
            e.industrial_output_base_bn_vnd,
            e.existing_output_growth_pct,
            midpoint,
            TREND_LEAD_MONTHS,
        )
        jobs = (
            _path_slope(e.jobs_industry_base, e.existing_jobs_growth_pct, midpoint, 0.0)
            if s_jobs > 0 and midpoint >= 0
            else 0.0
        )
        exports = (
            _path_slope(
                e.exports_base_musd, e.existing_exports_growth_pct, midpoint, TREND_LEAD_MONTHS
            )
            if s_exports > 0
            else 0.0
        )
        return jobs / output, exports / output

    # ------------------------------------------------------------------ conditions
    def _start_utility(self, zone: Zone) -> float:
        """A zone's conditions at the start, before any policy acts (the reference)."""
        inv = self.model.investors
        spec = zone.spec
        plant = spec.wwtp == "operating" and spec.wwtp_compliant
        share = spec.clusters_with_wwtp_at_start / spec.cluster_count
        return (
            inv.beta_access * spec.access_index
            + (wastewater.plant_utility(zone, self.beta_wwtp, share=share) if plant else 0.0)
            + inv.beta_labour * min(1.0, spec.labour_index)
            + inv.beta_admin_per_month * inv.approval_months
        )

    def zone_utility(self, zone: Zone) -> float:
        """A zone's conditions now, as a prospect would weigh them: access, a compliant plant,
        labour and the expected dossier time of its desk (docs/model.md §2.2); rent, free land
        and neighbours do not matter to a firm expanding on its own plot."""
        model = self.model
        inv = model.investors
        agencies = model.agencies
        desk = agencies.approval_desk(zone)
        admin = (
            inv.approval_months
            * agencies.approval_time_factor
            * (1 + len(desk.queue) / desk.capacity)
        )
        return (
            inv.beta_access * zone.access_index
            + (wastewater.plant_utility(zone.plant, self.beta_wwtp) if zone.wwtp_ok else 0.0)
            # as in the site choice: labour counts as far as workers can still be hired
            + inv.beta_labour * zone.spec.labour_index * model.labour.availability_at(zone.index)
            + inv.beta_admin_per_month * admin
        )

    def province_factor(self) -> float:
        """Promotion (aftercare of existing investors) and competitiveness, with the same
        factors as the prospects' arrival rate (docs/model.md §2.1). All the promotion money
        counts, targeted or not: aiming the search for new investors at an audience does not
        cut the aftercare of those already here (a review found that counting only the
        untargeted part made targeting look costly through existing firms alone)."""
        model = self.model
        return province_appeal(model.investors, model.agencies.promotion_this_month * 12)

    def place_factor(self, place: int) -> float:
        """The rate's multiplier this month for firms in zone ``place`` (or outside zones,
        ``OUTSIDE`` or the index after the last zone)."""
        return self._place_factor(place, self.province_factor())

    def _place_factor(self, place: int, province: float) -> float:
        """:meth:`place_factor` with this month's :meth:`province_factor` (``province``)."""
        assert self.spec is not None
        if place == OUTSIDE or place >= len(self.model.zones):
            return province
        change = self.zone_utility(self.model.zones[place]) - self.reference[place]
        return province * math.exp(self.spec.utility_weight * change)

    def factors(self) -> np.ndarray:
        """The multiplier by place (zones, then outside zones) this month."""
        return np.array([self.place_factor(p) for p in range(len(self.model.zones) + 1)])

    # ------------------------------------------------------------------ monthly
    def step(self) -> None:
        """This month's capital increases (after the month's programmes and arrivals)."""
        if self.spec is None:
            return
        self._decide(self.model.month)

    def _decide(self, month: int, *, start: bool = False) -> None:
        """Draw the month's candidate pool and keep those the conditions allow (``start``: a
        month before the start, at the start's conditions).

        The pool's size and every candidate's variates (sector, FDI, thinning, place uniforms
        and a normal for land) depend on the scenario and the month only, never on the policy
        (common random numbers); a place's factor is worked out only when a candidate there
        needs it."""
        model, spec, rng = self.model, self.spec, self.rng
        assert spec is not None
        rate = self.expected_output_per_month(month) / self.mean_output
        n = int(rng.poisson(rate * MAX_RATE_MULTIPLIER))
        if not n:
            return
        uniforms = rng.random((n, 4)).tolist()
        normals = rng.standard_normal(n).tolist()
        factors: dict[int, float] = {}
        province = None  # this month's province factor, the same for every place
        per_output = None
        last_place = len(self.place_cdf) - 1
        for (u_sector, u_fdi, u_keep, u_place), normal in zip(uniforms, normals, strict=True):
            place = bisect.bisect_right(self.place_cdf, u_place)
            place = place if place < last_place else last_place  # (min, as a conditional)
            if place not in factors:
                if start:
                    factors[place] = 1.0
                else:
                    if province is None:
                        province = self.province_factor()
                    factors[place] = self._place_factor(place, province)
            if u_keep >= min(factors[place], MAX_RATE_MULTIPLIER) / MAX_RATE_MULTIPLIER:
                continue
            if per_output is None:
                per_output = self._per_output(month + self.midpoint, model.scenario.economy)
            sector = min(bisect.bisect_right(self.sector_cdf, u_sector), len(self.sector_cdf) - 1)
            land = math.exp(self.land_mu[sector] + self.land_sigma[sector] * normal)
            output = land * self.output_per_ha[sector]
            increase = CapitalIncrease(
                decided=float(month),
                place=place if place < len(model.zones) else OUTSIDE,
                sector=sector,
                fdi=u_fdi < self.fdi_share[sector],
                output_bn_vnd=output,
                capital_bn_vnd=land * self.capital_per_ha[sector],
                jobs=output * per_output[0],
                exports_musd=output * per_output[1],
                production_start=month + spec.construction_months,
                rampup_months=spec.rampup_months,
            )
            model.economy.add_capital_increase(increase, registered=not start)
