"""Prospects: investors who look at the province in a month.

Arrivals are Poisson, with a rate that responds to promotion effort, the province's
competitiveness (PCI) and its recent track record. To keep common random numbers across
policies, each month draws a fixed-rate pool of *candidates* (rate ``MAX_RATE_MULTIPLIER`` times
the base) with all their attributes, and keeps each with probability ``rate / pool rate``
(Poisson thinning). A policy that raises the rate keeps a superset of the same prospects.
Targeted promotion gives the prospects of its audience (an origin, supported sectors) a rate of
their own: the same thinning uniform is compared with their rate instead of the others'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from izsim.scenario.policy import Levers
from izsim.scenario.schema import Investors, Scenario

MAX_RATE_MULTIPLIER = 8.0
"""Upper bound of the arrival rate relative to the base rate (the thinning pool)."""
THINNING = 5
"""Column of a candidate's uniforms that decides whether it arrives (Poisson thinning)."""
UNIFORMS = 7
"""Uniforms drawn per candidate (columns of its row; see :func:`_variates`)."""


def province_appeal(inv: Investors, promotion_bn_vnd_per_year: float) -> float:
    """The province's pull on investors relative to the base rate: promotion
    ``((a + P/ref)/(a + 1))^e`` (``a`` the promotion that reaches investors without the
    programme, so the factor is 1 at the reference spending) times competitiveness
    ``(PCI/ref)^e``. Prospects' arrivals and existing firms' capital increases share it
    (docs/model.md §2.1, §6a)."""
    a = inv.promotion_autonomous_effort
    promo = (
        (a + promotion_bn_vnd_per_year / inv.promotion_reference_bn_vnd_per_year) / (a + 1)
    ) ** inv.promotion_elasticity
    pci = (inv.competitiveness_pci / inv.pci_reference) ** inv.pci_elasticity
    return promo * pci


@dataclass(frozen=True)
class Audience:
    """The prospects targeted promotion is aimed at: those of an origin (``any``, ``fdi``,
    ``domestic``), in sectors marked ``supported`` only if ``supported_only``."""

    origin: str
    supported_only: bool

    @classmethod
    def of(cls, levers: Levers) -> Audience | None:
        """The audience a policy's promotion targets; None when it targets no money."""
        if levers.promotion_targeted_pct <= 0:
            return None
        return cls(levers.promotion_target_origin, levers.promotion_target_supported_sectors)

    def share(self, scenario: Scenario) -> float:
        """``s``, the audience's share of the base prospect stream: ``Σ_k share_k × o_k ×
        supported_k`` over sectors, ``o_k`` the sector's FDI share, its complement, or 1 by
        origin; ``supported_k`` 1 for a supported sector, or for every sector when the audience
        is not limited to them (docs/model.md §2.1)."""
        sectors = scenario.sectors
        total = sum(s.prospect_share_pct for s in sectors)
        share = 0.0
        for sector in sectors:
            if self.supported_only and not sector.supported:
                continue
            fdi = sector.fdi_share_pct / 100
            origin = {"fdi": fdi, "domestic": 1 - fdi}.get(self.origin, 1.0)
            share += sector.prospect_share_pct / total * origin
        return share

    def members(self, sector: np.ndarray, fdi: np.ndarray, supported: np.ndarray) -> np.ndarray:
        """Which prospects (their sector indices and FDI flags) are in the audience;
        ``supported`` is the sectors' flag by index."""
        inside = supported[sector] if self.supported_only else np.ones(len(sector), dtype=bool)
        if self.origin == "fdi":
            return inside & fdi
        if self.origin == "domestic":
            return inside & ~fdi
        return inside


@dataclass(frozen=True)
class Prospects:
    """Attributes of a month's prospects, one array element per prospect."""

    sector: np.ndarray  # int, index into scenario.sectors
    fdi: np.ndarray  # bool
    land_ha: np.ndarray
    capital_bn_vnd: np.ndarray
    polluting: np.ndarray  # bool
    outdated: np.ndarray  # bool
    stall_draw: np.ndarray  # uniform: stalls when below the stall share
    approval_draw: np.ndarray  # standard exponential, scaled by the mean processing time
    revocation_draw: np.ndarray  # uniform: how long an overdue stalled project escapes revocation

    def __len__(self) -> int:
        return len(self.sector)


class ArrivalProcess:
    """Draws each month's prospects for one scenario.

    Args:
        scenario: the scenario (sector mix and the base rate).
        rng: the ``arrivals`` stream.
    """

    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        self.rng = rng
        self.base_rate = scenario.investors.prospects_per_month
        sectors = scenario.sectors
        shares = np.array([s.prospect_share_pct for s in sectors])
        self.sector_cdf = np.cumsum(shares / shares.sum())
        self.fdi_share = np.array([s.fdi_share_pct / 100 for s in sectors])
        self.land_mean = np.array([s.land_need_ha for s in sectors])
        sigma2 = np.log1p(np.array([s.land_need_cv for s in sectors]) ** 2)
        self.land_sigma = np.sqrt(sigma2)
        self.land_mu = np.log(self.land_mean) - sigma2 / 2
        self.capital_per_ha = np.array([s.capital_bn_vnd_per_ha for s in sectors])
        self.polluting_share = np.array([s.polluting_pct / 100 for s in sectors])
        self.outdated_share = np.array([s.outdated_technology_pct / 100 for s in sectors])
        self.supported = np.array([s.supported for s in sectors], dtype=bool)
        # No one arrives in most months: their (empty) prospects are made once.
        nobody = np.empty(0)
        self._nobody = self._prospects(nobody.reshape(0, UNIFORMS), nobody, nobody)

    def draw(self, rate: float) -> tuple[Prospects, np.ndarray, float]:
        """This month's candidate pool, which of them arrive at ``rate``, and the rate used."""
        n, rate, pool_rate = self._pool(rate)
        pool, thinning = self.candidates(n, self.rng)
        return pool, thinning < rate / pool_rate, rate

    def arrive(
        self, rate: float, audience: Audience | None = None, audience_rate: float = 0.0
    ) -> tuple[Prospects, np.ndarray]:
        """This month's prospects at ``rate``, and which of the candidate pool they are.

        The same draws as :meth:`draw` (the pool's attributes included: common random numbers),
        but the attributes are worked out for the few arrivals only, not for the whole pool.
        With an ``audience``, its members arrive at ``audience_rate`` instead (both capped at
        the pool's rate): only then are the whole pool's sectors and origins worked out.
        """
        n, rate, pool_rate = self._pool(rate)
        u, normal, exponential = _variates(n, self.rng)
        if audience is None:
            keep = u[:, THINNING] < rate / pool_rate
        else:
            sector = self._sector(u)
            members = audience.members(sector, u[:, 1] < self.fdi_share[sector], self.supported)
            threshold = np.where(members, min(audience_rate, pool_rate), rate) / pool_rate
            keep = u[:, THINNING] < threshold
        if not np.logical_or.reduce(keep):  # (keep.any() without numpy's Python wrapper)
            return self._nobody, keep
        return self._prospects(u[keep], normal[keep], exponential[keep]), keep

    def candidates(self, n: int, rng: np.random.Generator) -> tuple[Prospects, np.ndarray]:
        """``n`` candidate projects drawn from ``rng``, and a uniform each for thinning."""
        u, normal, exponential = _variates(n, rng)
        return self._prospects(u, normal, exponential), u[:, THINNING]

    def _pool(self, rate: float) -> tuple[int, float, float]:
        """Size of this month's candidate pool (drawn), the rate used and the pool's rate."""
        pool_rate = self.base_rate * MAX_RATE_MULTIPLIER
        return int(self.rng.poisson(pool_rate)), min(rate, pool_rate), pool_rate

    def _prospects(self, u: np.ndarray, normal: np.ndarray, exponential: np.ndarray) -> Prospects:
        """Candidates' attributes from their variates (one row of ``u`` and one normal and
        exponential each; column ``THINNING`` of ``u`` is the thinning uniform)."""
        sector = self._sector(u)
        land = np.exp(self.land_mu[sector] + self.land_sigma[sector] * normal)
        return Prospects(
            sector=sector,
            fdi=u[:, 1] < self.fdi_share[sector],  # (as in arrive's audience)
            land_ha=land,
            capital_bn_vnd=land * self.capital_per_ha[sector],
            polluting=u[:, 2] < self.polluting_share[sector],
            outdated=u[:, 3] < self.outdated_share[sector],
            stall_draw=u[:, 4],
            approval_draw=exponential,
            revocation_draw=u[:, 6],
        )

    def _sector(self, u: np.ndarray) -> np.ndarray:
        """Candidates' sector indices from column 0 of their uniforms."""
        # (searchsorted is never below 0: only the top needs capping)
        return np.minimum(
            np.searchsorted(self.sector_cdf, u[:, 0], side="right"), len(self.sector_cdf) - 1
        )


def _variates(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed number of variates per candidate, whatever the policy (common random numbers):
    seven uniforms, a standard normal and a standard exponential."""
    u = rng.random((n, UNIFORMS))
    normal = rng.standard_normal(n)
    exponential = rng.standard_exponential(n)
    return u, normal, exponential
