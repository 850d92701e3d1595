"""Analysis of a comparison's stored runs: probabilities, paired differences, cost, convergence.

Everything is computed from the files in the results folder, in the order of the design
(policy, then replicate), so the tables do not depend on which runs finished first or on how
many processes ran them. Only the few numbers each table needs are read from each run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtri, stdtrit

from izsim.calendar import month_index
from izsim.experiments.design import RunTask
from izsim.experiments.store import ResultStore
from izsim.indicators import CATALOGUE
from izsim.scenario.schema import Scenario, Target
from izsim.scorecard import source_text, target_value_text
from izsim.targets import measured

IDLE_MONEY = ("budget_unallocated_bn_vnd", "budget_unspent_bn_vnd", "budget_lapsed_bn_vnd")
"""Public money left idle at the horizon (docs/model.md §2.9): reported beside spending, so a
package that appropriates money it cannot spend shows it."""
COST_INDICATORS = ("public_spending_bn_vnd", "jobs_industry", "land_leased_ha", *IDLE_MONEY)
PROBABILITY_PRECISION = 0.10
"""Wanted 95 % Wilson half-width of a target probability (see docs/experiments.md)."""
MEAN_PRECISION = 0.05
"""Wanted coefficient of variation of a mean at the deadline (see docs/experiments.md)."""
ALPHA = 0.05
"""1 − the coverage of every interval (95 %)."""


@dataclass
class Outcomes:
    """What the analysis needs from the runs, by policy then replicate.

    Attributes:
        replicates: replicate numbers of the runs that succeeded, by policy.
        at_deadline: target id -> policy -> values at the deadline (aligned with replicates).
        first_met: target id -> policy -> first month index the target held (NaN: never).
        at_horizon: indicator -> policy -> values in the last month.
        failed: (policy, replicate) of runs that failed.
    """

    replicates: dict[str, list[int]] = field(default_factory=dict)
    at_deadline: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    first_met: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    at_horizon: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    failed: list[tuple[str, int]] = field(default_factory=list)


def modelled(scenario: Scenario) -> list[Target]:
    """The targets the model measures."""
    return [t for t in scenario.targets if t.not_modelled is None]


def collect(store: ResultStore, tasks: list[RunTask], scenario: Scenario) -> Outcomes:
    """Read, run by run, the values every table needs."""
    targets = modelled(scenario)
    start = scenario.scenario.start
    columns = sorted({t.indicator for t in targets} | set(COST_INDICATORS))
    rows: dict[str, dict[str, list]] = {}
    out = Outcomes()
    for task in sorted(tasks, key=lambda t: (t.policy, t.replicate)):
        if not store.done(task):
            if store.record(task).get("status") == "failed":
                out.failed.append((task.policy, task.replicate))
            continue
        frame = store.columns(task, columns)
        out.replicates.setdefault(task.policy, []).append(task.replicate)
        bucket = rows.setdefault(task.policy, {})
        for target in targets:
            # the level, or its growth since a base month (targets.measured, as in one run)
            series = measured(target, frame[target.indicator], start)
            deadline = month_index(target.deadline, start)
            met = np.array([not math.isnan(v) and target.met(v) for v in series])
            first = float(np.argmax(met)) if met.any() else math.nan
            bucket.setdefault(("deadline", target.id), []).append(series[deadline])
            bucket.setdefault(("first", target.id), []).append(first)
        for name in COST_INDICATORS:
            bucket.setdefault(("horizon", name), []).append(frame[name][-1])
    for policy, bucket in rows.items():
        for (kind, key), values in bucket.items():
            table = {
                "deadline": out.at_deadline,
                "first": out.first_met,
                "horizon": out.at_horizon,
            }[kind]
            table.setdefault(key, {})[policy] = np.array(values, dtype=float)
    return out


def wilson_bounds(
    successes: np.ndarray | int, n: np.ndarray | int
) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score intervals of proportions, element by element.

    The arithmetic is statsmodels' ``proportion_confint(method="wilson")`` (which izsim used
    before) step for step, so the bounds are the same to the last bit: the critical value is
    ``scipy.stats.norm.isf(α/2)``, which is ``-ndtri(α/2)``, and the bounds are clipped to
    [0, 1] (the formula can miss them by a rounding error). ``scipy.special`` is called
    directly because importing ``scipy.stats`` costs a second.

    Args:
        successes: runs that met the target.
        n: runs in all (> 0).

    Returns:
        The lower and upper bounds, as arrays of the inputs' shape.
    """
    share = np.asarray(successes) / np.asarray(n)
    n = np.asarray(n)
    crit = -ndtri(ALPHA / 2)
    crit2 = crit**2
    denom = 1 + crit2 / n
    centre = (share + crit2 / (2 * n)) / denom
    half = crit * np.sqrt(share * (1.0 - share) / n + crit2 / (4.0 * n**2))
    half /= denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion; NaN for no runs."""
    if n == 0:
        return math.nan, math.nan
    low, high = wilson_bounds(successes, n)
    return float(low), float(high)


def replicates_needed(successes: int, n: int, precision: float = PROBABILITY_PRECISION) -> int:
    """Fewest replicates whose Wilson half-width at the observed share is within ``precision``."""
    share = successes / n if n else 0.5
    for needed in range(max(n, 2), 20_001):
        low, high = wilson(round(share * needed), needed)
        if (high - low) / 2 <= precision:
            return needed
    return 20_000


def _met(target: Target, values: np.ndarray) -> np.ndarray:
    return np.array([not math.isnan(v) and target.met(v) for v in values], dtype=float)


def met_by_replicate(scenario: Scenario, outcomes: Outcomes) -> dict[str, dict[str, np.ndarray]]:
    """By modelled target, by policy: 1 if the run met it at its deadline, else 0 (NaN where the
    measure is undefined), in the order of ``outcomes.replicates[policy]``."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for target in modelled(scenario):
        for policy, values in outcomes.at_deadline.get(target.id, {}).items():
            met = _met(target, values)
            met[np.isnan(values)] = np.nan
            out.setdefault(target.id, {})[policy] = met
    return out


SCORECARD_COLUMNS = (
    "target",
    "indicator",
    "comparator",
    "target_value",
    "deadline",
    "policy",
    "status",
    "runs",
    "met",
    "probability",
    "probability_low",
    "probability_high",
    "median",
    "p05",
    "p95",
    "median_year_first_met",
    "runs_ever_met",
    "source",
)
"""The scorecard's columns, in order (a not-modelled target's row leaves the counts and
probabilities empty)."""


def scorecard(scenario: Scenario, policies: list[str], outcomes: Outcomes) -> pd.DataFrame:
    """Per target × policy: probability of meeting it (Wilson 95 %), spread, year first met."""
    start_year = int(scenario.scenario.start[:4])
    rows = []
    for target in scenario.targets:
        for policy in policies:
            row = {
                "target": target.id,
                "indicator": target.indicator,
                "comparator": target.comparator,
                "target_value": target_value_text(target),
                "deadline": target.deadline,
                "policy": policy,
            }
            if target.not_modelled is not None:
                rows.append({**row, "status": "not_modelled", "source": source_text(target)})
                continue
            values = outcomes.at_deadline.get(target.id, {}).get(policy, np.array([]))
            first = outcomes.first_met.get(target.id, {}).get(policy, np.array([]))
            met = int(_met(target, values).sum())
            low, high = wilson(met, len(values))
            ever = first[~np.isnan(first)]
            clean = values[~np.isnan(values)]
            rows.append(
                {
                    **row,
                    "status": "modelled",
                    "runs": len(values),
                    "met": met,
                    "probability": met / len(values) if len(values) else math.nan,
                    "probability_low": low,
                    "probability_high": high,
                    "median": float(np.median(clean)) if len(clean) else math.nan,
                    "p05": float(np.quantile(clean, 0.05)) if len(clean) else math.nan,
                    "p95": float(np.quantile(clean, 0.95)) if len(clean) else math.nan,
                    "median_year_first_met": (
                        float(np.median(start_year + ever // 12)) if len(ever) else math.nan
                    ),
                    "runs_ever_met": len(ever),
                    "source": source_text(target),
                }
            )
    # one order of columns whatever the first target is, and the same columns for a scenario
    # without targets (a back-cast)
    frame = pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))
    for column in ("runs", "met", "runs_ever_met"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")  # counts, empty for not_modelled rows
    return _rounded(frame)


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of paired differences a − b and its 95 % t interval."""
    diff = a - b
    diff = diff[~np.isnan(diff)]
    if len(diff) == 0:
        return math.nan, math.nan, math.nan
    mean = float(diff.mean())
    if len(diff) < 2 or float(diff.std()) == 0.0:
        return mean, mean if len(diff) >= 2 else math.nan, mean if len(diff) >= 2 else math.nan
    low, high = _t_interval(diff)
    return mean, low, high


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    """95 % Student t interval of the mean of ``values`` (at least two, not all equal).

    statsmodels' ``DescrStatsW(values).tconfint_mean()`` (which izsim used before) step for
    step, so the bounds are the same to the last bit: unit weights, the standard error from
    the population variance over ``n − 1``, and ``scipy.stats.t.ppf``, which is ``stdtrit``.
    """
    n = float(len(values))
    centre = np.dot(values, np.ones(len(values))) / n
    squares = np.dot((values - centre) ** 2, np.ones(len(values)))
    std_mean = np.sqrt(squares / n) / np.sqrt(n - 1)
    crit = stdtrit(n - 1, 1 - ALPHA / 2.0)
    return float(centre - crit * std_mean), float(centre + crit * std_mean)


def _pairs(outcomes: Outcomes, policy: str, reference: str) -> tuple[np.ndarray, np.ndarray]:
    """Indexes into the policy's and the reference's arrays of replicates both have."""
    mine, theirs = outcomes.replicates.get(policy, []), outcomes.replicates.get(reference, [])
    common = sorted(set(mine) & set(theirs))
    return np.array([mine.index(r) for r in common], dtype=int), np.array(
        [theirs.index(r) for r in common], dtype=int
    )


def comparison(
    scenario: Scenario, policies: list[str], reference: str, outcomes: Outcomes
) -> pd.DataFrame:
    """Paired differences against the reference policy for every target indicator."""
    rows = []
    for target in modelled(scenario):
        values = outcomes.at_deadline.get(target.id, {})
        for policy in policies:
            if policy == reference or policy not in values or reference not in values:
                continue
            mine, theirs = _pairs(outcomes, policy, reference)
            a, b = values[policy][mine], values[reference][theirs]
            mean, low, high = _paired(a, b)
            p_mean, p_low, p_high = _paired(_met(target, a), _met(target, b))
            # the t interval on met/missed differences can pass ±1; a probability cannot
            p_low, p_high = max(p_low, -1.0), min(p_high, 1.0)
            rows.append(
                {
                    "target": target.id,
                    "indicator": target.indicator,
                    "deadline": target.deadline,
                    "policy": policy,
                    "reference": reference,
                    "pairs": len(a),
                    "mean_policy": float(np.nanmean(a)) if len(a) else math.nan,
                    "mean_reference": float(np.nanmean(b)) if len(b) else math.nan,
                    "difference": mean,
                    "difference_low": low,
                    "difference_high": high,
                    "probability_difference": p_mean,
                    "probability_difference_low": p_low,
                    "probability_difference_high": p_high,
                }
            )
    return _rounded(pd.DataFrame(rows))


def targets_met(scenario: Scenario, outcomes: Outcomes, policy: str) -> np.ndarray:
    """Number of modelled targets met by their deadline, per replicate of ``policy``."""
    total = np.zeros(len(outcomes.replicates.get(policy, [])))
    for target in modelled(scenario):
        values = outcomes.at_deadline.get(target.id, {}).get(policy)
        if values is not None:
            total += _met(target, values)
    return total


MIN_EXTRA_SPENDING_SHARE = 0.25
"""A per-trillion ratio is reported only when the package's extra public spending is at least
this share of the reference's spending over the horizon (and its paired 95 % interval is above
zero). Below it the package is mostly rules with a little money, and its effect cannot be read
as what the money buys: a package spending 1 % more showed "11 targets per trillion" in one
province and "−7" in another, and regulation_first's 50 bn VND of inspections (12 % of Tuyên
Quang's baseline) "cost" 57,000 jobs a trillion that its rules, not its spending, removed.
Such rows give ``—`` and the reason."""


def cost_effectiveness(
    scenario: Scenario, policies: list[str], reference: str, outcomes: Outcomes
) -> pd.DataFrame:
    """Public spending per policy and what each trillion VND of extra spending buys.

    Ratios are given only where the extra spending is large enough to mean something
    (:data:`MIN_EXTRA_SPENDING_SHARE`); otherwise they are left empty and
    ``per_trillion_note`` says why.
    """
    rows = []
    spend = outcomes.at_horizon.get("public_spending_bn_vnd", {})
    for policy in policies:
        if policy not in spend:
            continue
        row: dict[str, object] = {
            "policy": policy,
            "reference": reference,
            "runs": len(spend[policy]),
            "public_spending_bn_vnd": float(np.mean(spend[policy])),
            **{
                name: float(np.mean(outcomes.at_horizon[name][policy]))
                for name in IDLE_MONEY
                if policy in outcomes.at_horizon.get(name, {})
            },
            "targets_met": float(targets_met(scenario, outcomes, policy).mean()),
        }
        if policy != reference and reference in spend:
            mine, theirs = _pairs(outcomes, policy, reference)
            added, added_low, _ = _paired(spend[policy][mine], spend[reference][theirs])
            extra = {
                "extra_public_spending_bn_vnd": added,
                "extra_jobs": _horizon_diff(outcomes, "jobs_industry", policy, reference),
                "extra_leased_ha": _horizon_diff(outcomes, "land_leased_ha", policy, reference),
                "extra_targets_met": _paired(
                    targets_met(scenario, outcomes, policy)[mine],
                    targets_met(scenario, outcomes, reference)[theirs],
                )[0],
            }
            row.update(extra)
            note = _too_small(added, added_low, float(np.mean(spend[reference])))
            trillions = added / 1000
            for name in ("extra_jobs", "extra_leased_ha", "extra_targets_met"):
                row[f"{name}_per_trillion_vnd"] = extra[name] / trillions if not note else math.nan
            row["per_trillion_note"] = note
        rows.append(row)
    return _rounded(pd.DataFrame(rows))


def _too_small(added: float, added_low: float, reference_spending: float) -> str:
    """Why a package's extra spending is too small for a per-trillion ratio, or ``""``."""
    floor = MIN_EXTRA_SPENDING_SHARE * reference_spending
    if math.isnan(added) or added <= 0:
        return "no extra spending"
    if added < floor:
        return (
            f"extra spending {added:.0f} bn VND is below {MIN_EXTRA_SPENDING_SHARE:.0%} of the"
            f" reference's {reference_spending:.0f}"
        )
    if not added_low > 0:
        return f"extra spending {added:.0f} bn VND is not distinguishable from none (95 % interval)"
    return ""


def _horizon_diff(outcomes: Outcomes, indicator: str, policy: str, reference: str) -> float:
    values = outcomes.at_horizon[indicator]
    mine, theirs = _pairs(outcomes, policy, reference)
    return _paired(values[policy][mine], values[reference][theirs])[0]


def convergence(scenario: Scenario, policies: list[str], outcomes: Outcomes) -> pd.DataFrame:
    """How estimates settle as replicates grow: running mean, its CV, and the probability's
    Wilson half-width, for every target at its deadline and public spending at the horizon."""
    rows = []
    quantities = [(t.id, t, outcomes.at_deadline.get(t.id, {})) for t in modelled(scenario)]
    quantities.append(
        ("public_spending_bn_vnd", None, outcomes.at_horizon.get("public_spending_bn_vnd", {}))
    )
    for name, target, by_policy in quantities:
        for policy in policies:
            values = by_policy.get(policy)
            if values is None:
                continue
            counts = np.arange(1, len(values) + 1)
            if target is not None:
                # one vectorised Wilson call for every prefix, not one call per row
                met_so_far = np.cumsum(_met(target, values))
                low, high = wilson_bounds(met_so_far, counts)
                half_widths = (high - low) / 2
            for n in counts:
                head = values[:n][~np.isnan(values[:n])]
                mean = float(head.mean()) if len(head) else math.nan
                sem = float(head.std(ddof=1) / math.sqrt(len(head))) if len(head) > 1 else math.nan
                row = {
                    "quantity": name,
                    "policy": policy,
                    "replicates": int(n),
                    "mean": mean,
                    "cv_of_mean": abs(sem / mean) if mean and not math.isnan(sem) else math.nan,
                }
                if target is not None:
                    row["probability"] = met_so_far[n - 1] / n
                    row["probability_half_width"] = float(half_widths[n - 1])
                rows.append(row)
    return _rounded(pd.DataFrame(rows))


def warnings(scenario: Scenario, policies: list[str], outcomes: Outcomes) -> list[str]:
    """Where the replicates are too few for the precision the rule in docs/experiments.md asks."""
    found = []
    worst: tuple[int, str] | None = None
    for target in modelled(scenario):
        for policy in policies:
            values = outcomes.at_deadline.get(target.id, {}).get(policy)
            if values is None or not len(values):
                continue
            met = int(_met(target, values).sum())
            low, high = wilson(met, len(values))
            if (high - low) / 2 > PROBABILITY_PRECISION:
                needed = replicates_needed(met, len(values))
                if worst is None or needed > worst[0]:
                    worst = (needed, f"'{target.id}' under '{policy}' (±{(high - low) / 2:.2f})")
            clean = values[~np.isnan(values)]
            # Counts (zones) near zero have no useful relative precision; their probability is
            # what matters, and it is checked above.
            if CATALOGUE[target.indicator].unit != "count" and len(clean) > 1 and clean.mean():
                cv = clean.std(ddof=1) / math.sqrt(len(clean)) / abs(clean.mean())
                if cv > MEAN_PRECISION:
                    found.append(
                        f"the mean of '{target.indicator}' at {target.deadline} under '{policy}' "
                        f"varies by {cv:.0%} between replicates' means; add replicates"
                    )
    if worst is not None:
        found.insert(
            0,
            f"{len(next(iter(outcomes.replicates.values()), []))} replicates give probabilities no "
            f"better than ±{PROBABILITY_PRECISION:.2f} for some targets, worst {worst[1]}; "
            f"about {worst[0]} replicates would reach ±{PROBABILITY_PRECISION:.2f}",
        )
    for policy, replicate in outcomes.failed:
        found.append(f"run {policy} r{replicate:04d} failed (see its .json in runs/)")
    return found


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Round floats so that the CSV files are the same on every machine and worker count."""
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            frame[column] = frame[column].round(6)
    return frame
