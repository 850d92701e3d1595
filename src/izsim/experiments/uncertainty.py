"""What we don't know, in a comparison: replicate ``i`` draws parameter set ``i`` and seed ``i``.

``izsim compare --uncertainty`` varies, besides the dice, every number of the scenario that has
a range (its assumptions, and derived figures with a stated spread). Replicate ``i`` uses the
*same* parameter set and the same seed under every policy, so differences between policies stay
paired and the bands show what we don't know as well as chance.

Each set is an independent draw of every ranged parameter from its distribution, from a random
stream of its own: prefix-stable, so adding replicates to a comparison keeps the sets it has.
Not a Latin hypercube, which the issue suggested: a hypercube's strata depend on the number of
sets, so extending a comparison would change every set; and with some 200 parameters and tens
of replicates its gain for each parameter's marginal is small. Not a Sobol' sequence either:
tried first, its low-dimensional projections at 64 points split several parameters into
identical halves, so their effects on a target could not be told apart (seen on Tuyên Quang:
three unrelated parameters each "moved" the output target by exactly 31 points). Policies'
levers are the decision compared, never drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from izsim.experiments.ensemble import Ensemble
from izsim.scenario.parameters import Parameter, parameters, with_values
from izsim.scenario.schema import Scenario

DESIGN = "independent-draws"
STREAM = 10
"""Keeps the parameter draws' streams apart from the replicates' model seeds (both are spawned
from the comparison's seed)."""
ENSEMBLE_STREAM = 11
"""The stream that picks each replicate's set of a calibrated ensemble."""


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


def draw(
    scenario: Scenario, replicates: int, seed: int, ensemble: Ensemble | None = None
) -> ParameterSets:
    """The first ``replicates`` parameter sets of the scenario's ranged numbers.

    Set ``i`` is drawn from its own random stream, spawned from the comparison's seed like the
    replicates' model seeds, so it does not depend on how many sets are drawn. With a
    calibrated ``ensemble``, the numbers it holds take the values of one of its sets, picked
    for replicate ``i`` from a stream of its own (with replacement: a replicate is a draw
    from the ensemble, however many sets it has); the other numbers are drawn as without.
    """
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
    streams = np.random.SeedSequence([seed, STREAM]).spawn(replicates)
    unit = np.array([np.random.default_rng(s).random(len(factors)) for s in streams])
    unit = unit.reshape(replicates, len(factors))
    values = to_values(factors, unit)
    if ensemble is not None:
        picks = np.random.SeedSequence([seed, ENSEMBLE_STREAM]).spawn(replicates)
        rows = [int(np.random.default_rng(s).integers(len(ensemble.values))) for s in picks]
        names = [p.name for p in ranged]
        for j, name in enumerate(ensemble.parameters):
            values[:, names.index(name)] = ensemble.values[rows, j]
    return ParameterSets(params, ranged, values)


MIN_RUNS = 20
"""Fewer replicates than this give no usable rank test of 200 parameters: none is named."""


def _median(param: Parameter) -> float:
    """The median of a parameter's distribution: the split of its draws into halves."""
    from izsim.experiments.sensitivity import Factor

    peak = param.value if param.distribution == "triangular" else None
    factor = Factor(param.name, param.low, param.high, param.distribution or "uniform", peak)
    return float(factor.ppf(np.array([0.5]))[0])


SIGNIFICANCE = 0.05
"""False discovery rate (Benjamini–Hochberg) at which a parameter is said to move a target: with
some 200 drawn parameters and tens of replicates, the largest of 200 chance correlations is
large, and naming it would send a reader after noise."""


def drivers(
    sets: ParameterSets, met: dict[str, dict[str, np.ndarray]], replicates: dict[str, list[int]]
) -> pd.DataFrame:
    """Which parameters most move each target's probability, per policy.

    For each parameter: the probability of meeting the target among replicates whose value lies
    above its distribution's median minus that below (``effect``, a share), the rank
    correlation of value and outcome (``spearman``) and its p-value; ``stands_out`` where the
    correlation is significant at a false discovery rate of ``SIGNIFICANCE`` among all the
    parameters of that target and policy. Ranked by the size of the correlation.

    Args:
        sets: the comparison's parameter sets.
        met: by target, by policy: 1/0 per replicate (NaN where undefined), in the order of
            ``replicates[policy]``.
        replicates: by policy, the replicates that ran.
    """
    from scipy.stats import false_discovery_control, spearmanr

    frames = []
    for target, by_policy in met.items():
        for policy, outcome in by_policy.items():
            index = np.asarray(replicates.get(policy, []), dtype=int)
            outcome = np.asarray(outcome, dtype=float)
            keep = ~np.isnan(outcome)
            if keep.sum() < MIN_RUNS or np.ptp(outcome[keep]) == 0:
                continue
            y = outcome[keep]
            rows = []
            for j, param in enumerate(sets.ranged):
                x = sets.values[index[keep], j]
                middle = _median(param)
                upper, lower = y[x >= middle], y[x < middle]
                if len(upper) == 0 or len(lower) == 0 or np.ptp(x) == 0:
                    continue
                test = spearmanr(x, y)
                rows.append(
                    {
                        "target": target,
                        "policy": policy,
                        "parameter": param.name,
                        "effect": float(upper.mean() - lower.mean()),
                        "spearman": float(test.statistic),
                        "p_value": float(test.pvalue),
                        "n": int(keep.sum()),
                    }
                )
            if not rows:
                continue
            frame = pd.DataFrame(rows)
            adjusted = false_discovery_control(frame["p_value"].fillna(1.0).to_numpy())
            frame["stands_out"] = adjusted < SIGNIFICANCE
            frame["size"] = frame["spearman"].abs().fillna(0)
            frame = frame.sort_values(["size", "parameter"], ascending=[False, True])
            frame["rank"] = np.arange(1, len(frame) + 1)
            frames.append(frame.drop(columns="size"))
    columns = [
        "target",
        "policy",
        "parameter",
        "effect",
        "spearman",
        "p_value",
        "stands_out",
        "n",
        "rank",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def drivers_text(frame: pd.DataFrame, target: str, policy: str, top: int = 3) -> str:
    """The parameters that stand out as moving a target's probability, e.g.
    "economy.existing_output_growth_pct (+45 points)", or why none is named."""
    rows = frame[(frame["target"] == target) & (frame["policy"] == policy)]
    if rows.empty:
        return f"fewer than {MIN_RUNS} replicates or every replicate alike: no parameter is named"
    named = rows[rows["stands_out"]].head(top)
    if named.empty:
        return f"none stands out from chance at {int(rows['n'].iloc[0])} replicates"
    return "; ".join(
        f"{r.parameter} ({100 * r.effect:+.0f} points, ρ {r.spearman:+.2f})"
        for r in named.itertuples()
    )
