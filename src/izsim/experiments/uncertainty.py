"""What we don't know, in a comparison: replicate ``i`` draws parameter set ``i`` and seed ``i``.

``izsim compare --uncertainty`` varies, besides the dice, every number of the scenario that has
a range (its assumptions, and derived figures with a stated spread). Replicate ``i`` uses the
*same* parameter set and the same seed under every policy, so differences between policies stay
paired and the bands show what we don't know as well as chance.

The sets are the first ``R`` points of a scrambled Sobol' sequence (``scipy.stats.qmc``) over
the ranged parameters, mapped to each one's distribution: space-filling like a Latin hypercube
and, unlike one, prefix-stable, so adding replicates to a comparison keeps the sets it has.
Policies' levers are the decision compared, never drawn.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from izsim.scenario.parameters import Parameter, parameters, with_values
from izsim.scenario.schema import Scenario

DESIGN = "sobol-qmc"


@dataclass
class ParameterSets:
    """Replicates' parameter values: ``values[i]`` is replicate ``i``'s set."""

    params: list[Parameter]
    ranged: list[Parameter]
    values: np.ndarray
    _cache: dict[int, Scenario] = field(default_factory=dict, repr=False)

    def scenario(self, base: Scenario, replicate: int) -> Scenario:
        """``base`` with replicate ``replicate``'s values (kept for a few replicates: a worker
        runs every policy of a replicate)."""
        if replicate not in self._cache:
            if len(self._cache) > 8:
                self._cache.clear()
            row = dict(zip(self.names, map(float, self.values[replicate]), strict=True))
            varied, _ = with_values(base, None, row, params=self.params)  # type: ignore[arg-type]
            self._cache[replicate] = varied
        return self._cache[replicate]

    @property
    def names(self) -> list[str]:
        """The drawn parameters' names, in the columns' order."""
        return [p.name for p in self.ranged]

    def frame(self) -> pd.DataFrame:
        """One row per replicate, one column per parameter."""
        frame = pd.DataFrame(self.values, columns=self.names)
        frame.insert(0, "replicate", range(len(frame)))
        return frame

    def __getstate__(self) -> dict:
        # the cache is per process: workers fill their own
        return {**self.__dict__, "_cache": {}}


def draw(scenario: Scenario, replicates: int, seed: int) -> ParameterSets:
    """The first ``replicates`` parameter sets of the scenario's ranged numbers."""
    from scipy.stats import qmc

    from izsim.experiments.sensitivity import Factor, to_values

    params = parameters(scenario)
    ranged = [p for p in params if p.range is not None]
    factors = [
        Factor(
            p.name,
            p.low,
            p.high,
            p.distribution or "uniform",
            p.value if p.distribution == "triangular" else None,
        )
        for p in ranged
    ]
    sampler = qmc.Sobol(d=len(factors), scramble=True, seed=np.random.default_rng([seed, 10]))
    with warnings.catch_warnings():
        # Sobol' points balance best in powers of 2; any prefix is still a valid design
        warnings.filterwarnings("ignore", message=".*balance properties.*")
        unit = sampler.random(replicates)
    return ParameterSets(params, ranged, to_values(factors, unit))


def drivers(
    sets: ParameterSets, met: dict[str, dict[str, np.ndarray]], replicates: dict[str, list[int]]
) -> pd.DataFrame:
    """Which parameters most move each target's probability, per policy.

    For each parameter, the probability of meeting the target among replicates whose value is
    in the upper half of its range minus that in the lower half (``effect``, in points of
    probability), with the rank correlation of value and outcome (``spearman``).

    Args:
        sets: the comparison's parameter sets.
        met: by target, by policy: 1/0 per replicate (NaN where undefined), in the order of
            ``replicates[policy]``.
        replicates: by policy, the replicates that ran.
    """
    from scipy.stats import spearmanr

    rows = []
    for target, by_policy in met.items():
        for policy, outcome in by_policy.items():
            index = np.asarray(replicates.get(policy, []), dtype=int)
            outcome = np.asarray(outcome, dtype=float)
            keep = ~np.isnan(outcome)
            if keep.sum() < 4 or np.ptp(outcome[keep]) == 0:
                continue
            y = outcome[keep]
            for j, param in enumerate(sets.ranged):
                x = sets.values[index[keep], j]
                middle = (param.low + param.high) / 2
                upper, lower = y[x >= middle], y[x < middle]
                if len(upper) == 0 or len(lower) == 0:
                    continue
                rho = float(spearmanr(x, y).statistic) if np.ptp(x) > 0 else math.nan
                rows.append(
                    {
                        "target": target,
                        "policy": policy,
                        "parameter": param.name,
                        "effect": float(upper.mean() - lower.mean()),
                        "spearman": rho,
                        "n": int(keep.sum()),
                    }
                )
    columns = ["target", "policy", "parameter", "effect", "spearman", "n", "rank"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame["size"] = frame["effect"].abs()
    frame = frame.sort_values(
        ["target", "policy", "size", "parameter"], ascending=[True, True, False, True]
    )
    frame["rank"] = frame.groupby(["target", "policy"]).cumcount() + 1
    return frame.drop(columns="size").reset_index(drop=True)[columns]


def drivers_text(frame: pd.DataFrame, target: str, policy: str, top: int = 2) -> str:
    """ "a (+40 points), b (−25 points)": the parameters that move a target's probability most."""
    rows = frame[(frame["target"] == target) & (frame["policy"] == policy)].head(top)
    return "; ".join(f"{r.parameter} ({100 * r.effect:+.0f} points)" for r in rows.itertuples())
