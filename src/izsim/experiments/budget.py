"""Scaling a policy package to a public budget, so packages can be compared at equal cost.

A package's cost is measured, not guessed: its public spending is simulated on a few seeds and
the package's strength (see :func:`izsim.scenario.policy.scale_levers`) is solved for with
Brent's method until its mean annual spending matches the budget. No lever is scaled past the
range its source states (:func:`izsim.scenario.policy.lever_limit`): a package whose levers
reach their ranges before the budget is compared at what it can spend, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from scipy.optimize import brentq

from izsim.errors import InputError, Problem
from izsim.indicators import INDICATOR_IDS
from izsim.run import run
from izsim.scenario.policy import (
    INTENSITY_LEVERS,
    MONEY_LEVERS,
    MULTIPLIER_LEVERS,
    Levers,
    Policy,
    lever_limit,
    scale_levers,
)
from izsim.scenario.schema import Scenario

MAX_FACTOR = 4.0
"""Most a package's additions are scaled when some lever's source states no range (its limit
is then the schema's bound, or none for money); with every range stated, the ranges alone
decide."""


@dataclass(frozen=True)
class LeverScaling:
    """One lever of a package scaled to a budget."""

    lever: str
    package: float
    """The value the package file gives."""
    scaled: float
    limit: float
    """Furthest the lever may go (:func:`izsim.scenario.policy.lever_limit`)."""
    stated_range: tuple[float, float] | None
    """The range its source states; None when it states none (the schema's bounds apply)."""
    at_limit: bool

    def record(self) -> dict[str, Any]:
        """As written to a comparison's config."""
        return {
            "package": self.package,
            "scaled": round(self.scaled, 6),
            "limit": None if math.isinf(self.limit) else self.limit,
            "stated_range": None if self.stated_range is None else list(self.stated_range),
            "at_limit": self.at_limit,
        }


@dataclass(frozen=True)
class BudgetFit:
    """A package scaled to a budget: the factor, what it spends and where its levers went."""

    policy: Policy
    factor: float
    spending_bn_vnd_per_year: float
    most_factor: float
    """Factor past which nothing changes: every lever is at its limit (at most ``MAX_FACTOR``
    when some lever states no range)."""
    reached_budget: bool
    """False when the package spends less than the budget even at ``most_factor``."""
    levers: tuple[LeverScaling, ...]

    def at_limit(self) -> list[str]:
        """Levers held at their limit."""
        return [item.lever for item in self.levers if item.at_limit]

    def unstated(self) -> list[str]:
        """Scaled levers whose source states no range (the schema's bounds apply)."""
        return [item.lever for item in self.levers if item.stated_range is None]

    def record(self) -> dict[str, Any]:
        """As written to a comparison's config and manifest."""
        return {
            "factor": round(self.factor, 6),
            "most_factor": round(self.most_factor, 6),
            "spending_bn_vnd_per_year": round(self.spending_bn_vnd_per_year, 3),
            "reached_budget": self.reached_budget,
            "levers": {item.lever: item.record() for item in self.levers},
        }

    def summary(self) -> str:
        """One line for the printed comparison."""
        line = f"{self.policy.id} ×{self.factor:.3f}"
        held = self.at_limit()
        if held and len(held) == len(self.levers):
            line += " (every lever at its limit)"
        elif held:
            line += f" (at their limit: {', '.join(held)})"
        if not self.reached_budget:
            line += f"; {self.shortfall()}"
        return line

    def shortfall(self) -> str:
        """Why the package spends less than the budget (for a package that does)."""
        free = [item.lever for item in self.levers if not item.at_limit]
        if not free:
            return (
                "could not spend the budget: its levers reach their stated ranges at"
                f" {self.spending_bn_vnd_per_year:.1f} bn VND a year"
            )
        return (
            f"could not spend the budget: it spends {self.spending_bn_vnd_per_year:.1f} bn VND a"
            f" year at ×{MAX_FACTOR:g}, the most a package is scaled while some lever's source"
            f" states no range ({', '.join(self.unstated())})"
        )


def scalable_levers(policy: Policy, reference: Policy | None = None) -> list[str]:
    """The levers scaling changes: money, intensity and multiplier levers set apart from the
    reference."""
    base = Levers() if reference is None else reference.levers
    return [
        name
        for name in MONEY_LEVERS + INTENSITY_LEVERS + MULTIPLIER_LEVERS
        if getattr(policy.levers, name) != getattr(base, name)
    ]


def most_factor(policy: Policy, reference: Policy | None = None) -> float:
    """The factor at which every scaled lever reaches its limit (past it nothing changes), at
    most ``MAX_FACTOR`` when some lever's source states no range."""
    base = Levers() if reference is None else reference.levers
    most, unstated = 0.0, False
    for name in scalable_levers(policy, reference):
        own, ref = getattr(policy.levers, name), getattr(base, name)
        limit, stated = lever_limit(policy.levers, name, base)
        most = max(most, (limit - ref) / (own - ref))
        unstated = unstated or stated is None
    return min(most, MAX_FACTOR) if unstated else most


def describe_scaling(
    policy: Policy, factor: float, reference: Policy | None = None
) -> tuple[LeverScaling, ...]:
    """Each scaled lever of ``policy`` at ``factor``: its value and whether it is at its
    limit."""
    base = Levers() if reference is None else reference.levers
    scaled = scale_levers(policy.levers, factor, base)
    items = []
    for name in scalable_levers(policy, reference):
        limit, stated = lever_limit(policy.levers, name, base)
        value = getattr(scaled, name)
        items.append(
            LeverScaling(
                lever=name,
                package=getattr(policy.levers, name),
                scaled=value,
                limit=limit,
                stated_range=stated,
                at_limit=math.isclose(value, limit, rel_tol=1e-9, abs_tol=1e-12),
            )
        )
    return tuple(items)


def annual_spending(scenario: Scenario, policy: Policy, seeds: Sequence[int]) -> float:
    """Mean public spending a year over the horizon, bn VND, averaged over ``seeds``."""
    column = INDICATOR_IDS.index("public_spending_bn_vnd")
    years = scenario.months / 12
    return float(np.mean([run(scenario, policy, s).values[-1, column] / years for s in seeds]))


def fit_to_budget(
    scenario: Scenario,
    policy: Policy,
    budget_bn_vnd_per_year: float,
    seeds: Sequence[int],
    reference: Policy | None = None,
) -> BudgetFit:
    """The package scaled so that it spends ``budget_bn_vnd_per_year`` on average.

    Only what the package adds to ``reference`` is scaled (see
    :func:`izsim.scenario.policy.scale_levers`), so at equal cost the packages differ in what
    they add, not in how much of the reference's spending they multiply. No lever goes past
    its limit, the end of the range its source states: a lever at its limit stays there while
    the others go on, until all are at theirs (at most ``MAX_FACTOR`` when some lever's source
    states no range). A package that cannot spend the budget then is compared at
    what it can spend, and flagged (``reached_budget`` False), rather than inflated beyond
    what its sources support.

    Raises:
        InputError: when the package spends more than the budget even adding nothing.
    """

    @cache
    def spending(factor: float) -> float:
        return annual_spending(scenario, policy.scaled(factor, reference), seeds)

    if spending(0.0) > budget_bn_vnd_per_year:
        raise InputError(
            [
                Problem(
                    f"policy '{policy.id}'",
                    "--budget",
                    f"{budget_bn_vnd_per_year:g} bn VND a year is below what the package spends "
                    f"when it adds no money to the reference ({spending(0.0):.1f}); choose a"
                    " larger budget",
                )
            ]
        )
    most = most_factor(policy, reference)
    if most <= 0 or spending(most) < budget_bn_vnd_per_year:
        # within 1 %: spending jumps with discrete events, the solver only lands near it
        factor, reached = most, spending(most) >= 0.99 * budget_bn_vnd_per_year
    else:
        factor = float(
            brentq(lambda f: spending(f) - budget_bn_vnd_per_year, 0.0, most, xtol=1e-4, rtol=1e-6)
        )
        reached = True
    return BudgetFit(
        policy=policy.scaled(factor, reference),
        factor=factor,
        spending_bn_vnd_per_year=spending(factor),
        most_factor=most,
        reached_budget=reached,
        levers=describe_scaling(policy, factor, reference),
    )
