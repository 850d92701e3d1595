"""Scaling a policy package to a public budget, so packages can be compared at equal cost.

A package's cost is measured, not guessed: its public spending is simulated on a few seeds and
the package's strength (see :func:`izsim.scenario.policy.scale_levers`) is solved for with
Brent's method until its mean annual spending matches the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy.optimize import brentq

from izsim.errors import InputError, Problem
from izsim.indicators import INDICATOR_IDS
from izsim.run import run
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

MAX_FACTOR = 4.0
"""Most a package's additions are scaled: its multipliers reach their bounds by then."""


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
) -> tuple[Policy, float, float]:
    """The package scaled so that it spends ``budget_bn_vnd_per_year`` on average.

    Only what the package adds to ``reference`` is scaled (see
    :func:`izsim.scenario.policy.scale_levers`), so at equal cost the packages differ in what
    they add, not in how much of the reference's spending they multiply. A package that
    cannot spend the budget at ``MAX_FACTOR`` times its additions (its levers are cheap, or
    the programme budget caps it) stays at ``MAX_FACTOR``: the caller sees that its spending
    falls short rather than a package inflated beyond plausible levels.

    Returns:
        The scaled policy, the factor, and its mean annual spending.

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
    if spending(MAX_FACTOR) < budget_bn_vnd_per_year:
        return policy.scaled(MAX_FACTOR, reference), MAX_FACTOR, spending(MAX_FACTOR)
    factor = float(
        brentq(
            lambda f: spending(f) - budget_bn_vnd_per_year, 0.0, MAX_FACTOR, xtol=1e-4, rtol=1e-6
        )
    )
    return policy.scaled(factor, reference), factor, spending(factor)
