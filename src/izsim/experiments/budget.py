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

MAX_FACTOR = 16.0


def annual_spending(scenario: Scenario, policy: Policy, seeds: Sequence[int]) -> float:
    """Mean public spending a year over the horizon, bn VND, averaged over ``seeds``."""
    column = INDICATOR_IDS.index("public_spending_bn_vnd")
    years = scenario.months / 12
    return float(np.mean([run(scenario, policy, s).values[-1, column] / years for s in seeds]))


def fit_to_budget(
    scenario: Scenario, policy: Policy, budget_bn_vnd_per_year: float, seeds: Sequence[int]
) -> tuple[Policy, float, float]:
    """The package scaled so that it spends ``budget_bn_vnd_per_year`` on average.

    Returns:
        The scaled policy, the factor, and the spending it reaches.

    Raises:
        InputError: when no factor up to ``MAX_FACTOR`` spends that much (the province's
            programme budget or the package's levers cap it), or rules alone spend more.
    """

    @cache
    def spending(factor: float) -> float:
        return annual_spending(scenario, policy.scaled(factor), seeds)

    if spending(0.0) >= budget_bn_vnd_per_year:
        raise InputError(
            [
                Problem(
                    f"policy '{policy.id}'",
                    "--budget",
                    f"{budget_bn_vnd_per_year:g} bn VND a year is below what the package spends "
                    f"with no money at all ({spending(0.0):.1f}); choose a larger budget",
                )
            ]
        )
    high = 1.0
    while spending(high) < budget_bn_vnd_per_year:
        if high >= MAX_FACTOR:
            raise InputError(
                [
                    Problem(
                        f"policy '{policy.id}'",
                        "--budget",
                        f"{budget_bn_vnd_per_year:g} bn VND a year cannot be reached: at "
                        f"{MAX_FACTOR:g}× its levers the package spends {spending(high):.1f} (the "
                        "scenario's agencies.budget_bn_vnd_per_year caps spending)",
                    )
                ]
            )
        high *= 2
    factor = float(
        brentq(lambda f: spending(f) - budget_bn_vnd_per_year, 0.0, high, xtol=1e-4, rtol=1e-6)
    )
    return policy.scaled(factor), factor, spending(factor)
