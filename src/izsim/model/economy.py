"""The province's industrial economy: output, value added, GRDP, jobs, exports, investment.

Industrial production value (giá trị sản xuất công nghiệp, 2010 prices) is existing industry,
growing at a baseline rate year by year, plus the simulated tenants' output as they ramp up.
Where the scenario has a ``reinvestment`` block, part of existing industry's trend (output, jobs,
exports) is supplied instead by capital increases of existing firms that respond to conditions
(:mod:`izsim.model.reinvestment`); the rest keeps the fixed trend.
Annual figures are sums over the last twelve months, so December gives the calendar year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from izsim.model.reinvestment import CapitalIncrease, trend_shares

if TYPE_CHECKING:
    from izsim.model.investor import Investor
    from izsim.model.labour import LabourPool
    from izsim.scenario.schema import Scenario


_add = np.add.reduce
"""``array.sum()`` without the Python wrapper numpy puts around it (the same reduction)."""


class Economy:
    """Economic accounts of one run.

    Args:
        scenario: the scenario (base-year economy).
        months: number of simulated months.
    """

    def __init__(self, scenario: Scenario, months: int) -> None:
        self.spec = scenario.economy
        e = self.spec
        self.va_ratio = e.value_added_ratio_pct / 100
        self.jobs_created_history = np.zeros(months + 12)
        self.usd_million_per_bn_vnd = 1000 / e.vnd_per_usd
        # Month-by-month flows; index 12 is the first simulated month, 0..11 the base year.
        self.output = np.zeros(months + 12)
        self.exports = np.zeros(months + 12)
        self.output[:12] = e.industrial_output_base_bn_vnd / 12
        self.exports[:12] = e.exports_base_musd / 12
        self.ramping: list[Investor] = []
        self.full_output = 0.0  # annual output of tenants at full production
        self.full_exports = 0.0  # annual exports (million USD) of tenants at full production
        self.full_jobs = 0.0
        self.capital_fdi = 0.0
        self.capital_domestic = 0.0
        self.private_developer_spending = 0.0
        # The model's labour pools: they set existing industry's jobs and the workforce. Without
        # them (unit tests of the accounts) both follow their base-year trends.
        self.labour: LabourPool | None = None
        # Capital increases of existing firms: what ramps up, and what produces in full.
        self.reinvested_share, self.reinvested_jobs_share, self.reinvested_exports_share = (
            trend_shares(scenario)
        )
        self.increases_ramping: list[CapitalIncrease] = []
        self._reinvested_at: tuple[float, tuple[float, float, float]] | None = None
        self.increases_full = (0.0, 0.0, 0.0)  # output, exports, jobs at full production
        self.reinvested_output = 0.0  # output a year of capital increases, this month
        self.capital_increases = 0  # decided since the start
        self.capital_increases_bn_vnd = 0.0  # their capital

    def register_lease(self, investor: Investor) -> None:
        """Record the capital a project registers when it leases."""
        if investor.fdi:
            self.capital_fdi += investor.capital_bn_vnd
        else:
            self.capital_domestic += investor.capital_bn_vnd

    def add_capital_increase(self, increase: CapitalIncrease, *, registered: bool) -> None:
        """A capital increase of an existing firm: its capacity comes on line later; its
        capital counts in the investment totals when it was ``registered`` during the run."""
        self.increases_ramping.append(increase)
        self._reinvested_at = None
        if registered:
            self.capital_increases += 1
            self.capital_increases_bn_vnd += increase.capital_bn_vnd
            if increase.fdi:
                self.capital_fdi += increase.capital_bn_vnd
            else:
                self.capital_domestic += increase.capital_bn_vnd

    def existing_jobs_wanted(self, now: float) -> float:
        """Jobs existing industry would have at ``now`` (months): its fixed trend's share of
        the base-year growth plus the staff of capital increases producing (the labour pools
        decide how many it can hire)."""
        e = self.spec
        growth = (1 + e.existing_jobs_growth_pct / 100) ** (now / 12)
        fixed = e.jobs_industry_base * (1 + (1 - self.reinvested_jobs_share) * (growth - 1))
        return fixed + self._reinvested(now)[2]

    def _reinvested(self, now: float) -> tuple[float, float, float]:
        """Output, exports and jobs of capital increases producing at ``now`` (asked twice a
        month, by the labour pools and the accounts: the second answer is kept)."""
        if self._reinvested_at is not None and self._reinvested_at[0] == now:
            return self._reinvested_at[1]
        result = self._count_reinvested(now)
        self._reinvested_at = (now, result)
        return result

    def _count_reinvested(self, now: float) -> tuple[float, float, float]:
        output, exports, jobs = self.increases_full
        still = []
        for increase in self.increases_ramping:
            share = increase.production_share(now)
            if share >= 1.0:
                self.increases_full = (
                    self.increases_full[0] + increase.output_bn_vnd,
                    self.increases_full[1] + increase.exports_musd,
                    self.increases_full[2] + increase.jobs,
                )
            else:
                still.append(increase)
            output += increase.output_bn_vnd * share
            exports += increase.exports_musd * share
            jobs += increase.jobs * share
        self.increases_ramping = still
        return output, exports, jobs

    def start_production(self, investor: Investor) -> None:
        """A project's factory is built and starts ramping up."""
        self.ramping.append(investor)

    def close_month(self, month: int, now: float) -> dict[str, float]:
        """Book the month's flows and return the economic indicators at its end."""
        e = self.spec
        year = month // 12
        output, exports, jobs = self.full_output, self.full_exports, self.full_jobs
        still = []
        for investor in self.ramping:
            share = investor.production_share(now)
            full_exports = self._exports_of(investor)
            if share >= 1.0:
                self.full_output += investor.full_output_bn_vnd
                self.full_exports += full_exports
                self.full_jobs += investor.full_jobs
            else:
                still.append(investor)
            output += investor.full_output_bn_vnd * share
            exports += full_exports * share
            jobs += investor.full_jobs * share
        self.ramping = still
        # The fixed trend: what reinvestment does not supply of each trend's increase.
        growth = (1 + e.existing_output_growth_pct / 100) ** (year + 1)
        existing_output = e.industrial_output_base_bn_vnd * (
            1 + (1 - self.reinvested_share) * (growth - 1)
        )
        exports_growth = (1 + e.existing_exports_growth_pct / 100) ** (year + 1)
        existing_exports = e.exports_base_musd * (
            1 + (1 - self.reinvested_exports_share) * (exports_growth - 1)
        )
        reinvested_output, reinvested_exports, _ = self._reinvested(now)
        self.reinvested_output = reinvested_output
        existing_output += reinvested_output
        existing_exports += reinvested_exports
        i = month + 12
        self.output[i] = (existing_output + output) / 12
        self.exports[i] = (existing_exports + exports) / 12
        annual = float(_add(self.output[i - 11 : i + 1]))
        year_before = (
            float(_add(self.output[i - 23 : i - 11]))
            if i >= 23
            else e.industrial_output_base_bn_vnd
        )
        years = (month + 1) / 12
        drift = e.value_added_ratio_change_pct_per_year / 100 * years
        ratio = min(1.0, max(0.0, self.va_ratio + drift))
        value_added = ratio * annual
        value_added_base = self.va_ratio * e.industrial_output_base_bn_vnd
        non_industry = (e.grdp_base_bn_vnd - value_added_base) * (
            1 + e.non_industry_grdp_growth_pct / 100
        ) ** years
        grdp = value_added + non_industry
        exports_annual = float(_add(self.exports[i - 11 : i + 1]))
        self.jobs_created_history[i] = jobs
        if self.labour is not None:
            jobs_existing, workforce = self.labour.jobs_existing, self.labour.workforce
        else:
            jobs_existing = self.existing_jobs_wanted(now)
            workforce = e.workforce_base * (1 + e.workforce_growth_pct / 100) ** years
        return {
            "industrial_output_bn_vnd": annual,
            "industrial_output_growth": (annual / year_before - 1) * 100,
            "industrial_output_growth_avg": (
                (annual / e.industrial_output_base_bn_vnd) ** (1 / years) - 1
            )
            * 100,
            "industry_share_grdp": value_added / grdp * 100,
            "industry_value_added_bn_vnd": value_added,
            "industry_value_added_growth_avg": _average_growth(
                value_added, value_added_base, years
            ),
            "grdp_bn_vnd": grdp,
            "grdp_growth_avg": _average_growth(grdp, e.grdp_base_bn_vnd, years),
            "exports_growth_avg": _average_growth(exports_annual, e.exports_base_musd, years),
            "jobs_created_12m": jobs - self.jobs_created_history[i - 12],
            "jobs_industry": jobs_existing + jobs,
            "industry_labour_share": (jobs_existing + jobs) / workforce * 100,
            "jobs_created": jobs,
            "exports_musd": exports_annual,
        }

    def _exports_of(self, investor: Investor) -> float:
        return investor.full_output_bn_vnd * investor.export_share * self.usd_million_per_bn_vnd


def _average_growth(now: float, base: float, years: float) -> float:
    """Average annual growth from ``base`` to ``now`` over ``years``, in percent (NaN: no base)."""
    if base <= 0 or now < 0:
        return float("nan")
    return ((now / base) ** (1 / years) - 1) * 100
