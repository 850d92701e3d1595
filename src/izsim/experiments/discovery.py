"""Scenario discovery: which regions of parameter space lead to missing a chosen target.

Given the inputs of many runs and which runs are *of interest* (typically: missed a target),
:func:`discover` describes a region where those runs concentrate, as limits on a few inputs and
a plain-language sentence. Two methods:

* ``"prim"``: the Patient Rule Induction Method of the EMA Workbench. It peels thin slices off
  the input box while that raises the share of runs of interest, giving a trajectory of ever
  smaller, denser boxes; we report the box with the highest coverage among those whose density
  reaches ``threshold`` (or, flagged, the last box on the trajectory if none does). Limits are
  inclusive: ``low <= x <= high``.
* ``"tree"``: a scikit-learn decision tree; every leaf where runs of interest are the majority
  is a rule. Limits follow the tree's splits: ``low < x <= high``.

Both are imported lazily: the EMA Workbench takes seconds to import and warns about an optional
dependency, and most callers of this package never discover anything.

Statistics of a region (computed from the data, not taken from the algorithm):

* coverage: the share of all runs of interest that lie in the region;
* density: the share of the region's runs that are of interest;
* mass: the share of all runs that lie in the region.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

COLUMNS: tuple[str, ...] = (
    "rule",
    "factor",
    "low",
    "high",
    "coverage",
    "density",
    "mass",
    "n_cases",
    "n_of_interest",
    "meets_threshold",
    "base_rate",
    "lift",
    "test_coverage",
    "test_density",
    "test_cases",
    "note",
    "text",
)
MIN_GAIN = 0.05
"""A restriction stays in a box only if dropping it would cost at least this much density (five
points): with thousands of runs a binomial test keeps limits that change nothing a reader can
use."""
MIN_MASS = 0.05
"""The smallest region a rule may describe, as a share of all runs: PRIM's own ``mass_min``
(the EMA Workbench's default), and the smallest leaf a tree may grow. A leaf of a few runs, all
missing, would otherwise read as "missing is concentrated here" while it holds 1 % of the
misses (seen in the sensitivity study)."""
HOLD_OUT = 0.3
"""Share of the runs kept out of PRIM's peeling; the box's density and coverage on them
(``test_density``, ``test_coverage``) show whether it holds beyond the runs it was fitted to."""
UNINFORMATIVE = 0.95
"""Above this share of runs of interest (or below 1 minus it), every region looks alike and a
box would describe chance: the sentence says so instead."""


def relative_threshold(base: float) -> float:
    """The density a box must reach: halfway from the base rate to certainty, and at least 80 %
    (a fixed 80 % would call the whole space "concentrated" when 85 % of all runs miss)."""
    return max(0.8, base + 0.5 * (1 - base))


# PRIM's own acceptance test (box mean >= threshold) would swap a box that misses it for the
# whole input space and drop the peeling trajectory; with outcomes 0/1 any threshold in (0, 1]
# counts the same cases of interest, so a tiny one keeps the trajectory and we choose the box.
_PRIM_KEEP_TRAJECTORY = 1e-9


def _number(value: float) -> str:
    """A limit as a reader wants it: three significant digits, never scientific notation."""
    return np.format_float_positional(value, precision=3, unique=True, fractional=False, trim="-")


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def _condition(factor: str, low: float, high: float) -> str:
    if np.isfinite(low) and np.isfinite(high):
        return f"{factor} is between {_number(low)} and {_number(high)}"
    if np.isfinite(low):
        return f"{factor} is above {_number(low)}"
    return f"{factor} is below {_number(high)}"


def _sentence(
    limits: Sequence[tuple[str, float, float]], stats: dict[str, float], base: float
) -> str:
    if not limits:
        return (
            f"No region of the inputs stands out: {_percent(base)} of all runs miss the target,"
            " and no box of a few inputs raises that share by enough to name it."
        )
    where = " and ".join(_condition(*limit) for limit in limits)
    return (
        f"Missing the target is concentrated where {where}: "
        f"{_percent(stats['coverage'])} of the misses (coverage) lie in this region, and "
        f"{_percent(stats['density'])} of runs there miss (density), against"
        f" {_percent(base)} of all runs; the region holds {_percent(stats['mass'])} of runs."
    )


def _stats(inside: np.ndarray, of_interest: np.ndarray) -> dict[str, float]:
    n_cases = int(inside.sum())
    n_of_interest = int((inside & of_interest).sum())
    return {
        "coverage": n_of_interest / int(of_interest.sum()),
        "density": n_of_interest / n_cases if n_cases else float("nan"),
        "mass": n_cases / len(inside),
        "n_cases": n_cases,
        "n_of_interest": n_of_interest,
    }


def _empty(note: str) -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    frame.attrs["note"] = note
    return frame


def _rule_rows(
    rule: int,
    limits: list[tuple[str, float, float]],
    stats: dict[str, float],
    *,
    threshold: float,
    note: str,
    base: float,
    test: dict[str, float] | None = None,
) -> list[dict[str, object]]:
    text = _sentence(limits, stats, base)
    if limits and test and test.get("n_cases"):
        # whether the box holds beyond the runs it was peeled on
        text = text[:-1] + (
            f"; on the {test['n_cases']} held-out runs in it, {_percent(test['density'])} miss."
        )
    meets = bool(stats["density"] >= threshold)
    # A rule that restricts nothing still gets one row, so its statistics are not lost.
    rows = limits or [("", -np.inf, np.inf)]
    return [
        {
            "rule": rule,
            "factor": factor,
            "low": low,
            "high": high,
            **stats,
            "meets_threshold": meets,
            "base_rate": base,
            "lift": stats["density"] / base if base else float("nan"),
            "test_coverage": (test or {}).get("coverage", float("nan")),
            "test_density": (test or {}).get("density", float("nan")),
            "test_cases": (test or {}).get("n_cases", 0),
            "note": note,
            "text": text,
        }
        for factor, low, high in rows
    ]


def _within(inputs: pd.DataFrame, limits: Sequence[tuple[str, float, float]]) -> np.ndarray:
    inside = np.ones(len(inputs), dtype=bool)
    for factor, low, high in limits:
        values = inputs[factor].to_numpy(dtype=float)
        inside &= (values >= low) & (values <= high)
    return inside


def _fitted_runs(of_interest: np.ndarray, hold_out: float) -> np.ndarray:
    """Which runs a method may fit on (the others are held out): the same split for PRIM and
    the tree, fixed by the number of runs."""
    n = len(of_interest)
    order = np.random.default_rng(0).permutation(n)
    cut = round(n * (1 - hold_out)) if hold_out else n
    fit = np.zeros(n, dtype=bool)
    fit[order[:cut]] = True
    if of_interest[fit].all() or not of_interest[fit].any():
        fit[:] = True  # too few runs to hold any out
    return fit


def holds(frame: pd.DataFrame) -> bool:
    """Whether a found rule holds beyond the runs it was fitted to: among the held-out runs in
    its region, runs of interest are more common than the base rate with a one-sided binomial
    p-value below ``QP_LEVEL`` (a rule that only described its own runs' chance fails)."""
    from scipy.stats import binom

    if frame.empty or frame["factor"].iloc[0] == "":
        return False
    row = frame.iloc[0]
    n, density = row.get("test_cases", 0), row["test_density"]
    if not n or not np.isfinite(density):
        return False
    k = round(density * n)
    return bool(binom.sf(k - 1, int(n), float(row["base_rate"])) < QP_LEVEL)


def _prim(
    inputs: pd.DataFrame,
    of_interest: np.ndarray,
    *,
    threshold: float | None,
    peel_alpha: float,
    hold_out: float = HOLD_OUT,
) -> pd.DataFrame:
    with warnings.catch_warnings():
        # ema_workbench warns on import that ipyparallel, an optional evaluator, is missing.
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench.analysis import prim

    base = float(of_interest.mean())
    threshold = relative_threshold(base) if threshold is None else threshold
    # PRIM peels on part of the runs; the rest tell whether the box holds beyond them
    fit = _fitted_runs(of_interest, hold_out)
    train = inputs[fit].reset_index(drop=True)
    with warnings.catch_warnings():
        # ema_workbench 2.5 drops a column in place, which pandas deprecates; nothing we can fix.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        algorithm = prim.Prim(
            train,
            of_interest[fit].astype(int),
            threshold=_PRIM_KEEP_TRAJECTORY,
            peel_alpha=peel_alpha,
            mass_min=MIN_MASS,
        )
    box = algorithm.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    dense = trajectory[trajectory["density"] >= threshold]
    if len(dense):
        chosen = int(dense["coverage"].idxmax())
        note = ""
    else:
        chosen = len(trajectory) - 1
        note = (
            f"no box on the peeling trajectory reaches density {_percent(threshold)}; "
            f"this is the last box on it"
        )
    if not (1 - UNINFORMATIVE) <= base <= UNINFORMATIVE:
        note = (
            f"{_percent(base)} of all runs are of interest: nearly all alike, so a region would"
            " describe chance"
        )
        limits: list[tuple[str, float, float]] = []
    else:
        box_lims = box.box_lims[chosen]
        initial = algorithm.box_init
        limits = []
        for factor in inputs.columns:
            low, high = float(box_lims.loc[0, factor]), float(box_lims.loc[1, factor])
            if low == initial.loc[0, factor] and high == initial.loc[1, factor]:
                continue
            # A side PRIM left at the data's extreme is not a limit: report it as open.
            limits.append(
                (
                    factor,
                    low if low != initial.loc[0, factor] else -np.inf,
                    high if high != initial.loc[1, factor] else np.inf,
                )
            )
        limits, _ = _significant(train, of_interest[fit], limits)
    inside = _within(inputs, limits)
    stats = _stats(inside, of_interest)
    if limits and stats["density"] < threshold:
        note = note or (
            f"the box reaches density {_percent(stats['density'])}, short of"
            f" {_percent(threshold)} (halfway from the base rate to every run)"
        )
    test = (
        _stats(inside[~fit], of_interest[~fit])
        if (~fit).any() and of_interest[~fit].any()
        else None
    )
    rows = _rule_rows(1, limits, stats, threshold=threshold, note=note, base=base, test=test)
    return pd.DataFrame(rows, columns=list(COLUMNS))


QP_LEVEL = 0.05
"""A box's restriction is kept only if dropping it would lower the density significantly (its
quasi-p-value, Bryant and Lempert 2010, below this level): with many inputs and few runs PRIM
also trims inputs by chance, and a rule naming them would send a reader after noise."""


def _significant(
    inputs: pd.DataFrame, of_interest: np.ndarray, limits: list[tuple[str, float, float]]
) -> tuple[list[tuple[str, float, float]], np.ndarray]:
    """The restrictions whose quasi-p-value is below ``QP_LEVEL``, the least significant
    dropped one at a time; and which runs lie inside the box that is left."""
    from scipy.stats import binom

    def within(kept: list[tuple[str, float, float]]) -> np.ndarray:
        inside = np.ones(len(inputs), dtype=bool)
        for factor, low, high in kept:
            values = inputs[factor].to_numpy(dtype=float)
            inside &= (values >= low) & (values <= high)
        return inside

    kept = list(limits)
    while kept:
        inside = within(kept)
        n, k = int(inside.sum()), int((inside & of_interest).sum())
        worst, worst_qp = None, -1.0
        for limit in kept:
            wider = within([other for other in kept if other is not limit])
            base = (wider & of_interest).sum() / max(int(wider.sum()), 1)
            qp = float(binom.sf(k - 1, n, base))  # P(at least k of n) at the wider density
            if qp > worst_qp:
                worst, worst_qp = limit, qp
        if worst_qp < QP_LEVEL:
            # and each must matter: dropping it costs at least MIN_GAIN of density
            density = k / max(n, 1)
            gains = {}
            for limit in kept:
                wider = within([other for other in kept if other is not limit])
                gains[id(limit)] = density - (wider & of_interest).sum() / max(int(wider.sum()), 1)
            weakest = min(kept, key=lambda limit: gains[id(limit)])
            if gains[id(weakest)] >= MIN_GAIN:
                return kept, inside
            kept.remove(weakest)
            continue
        kept.remove(worst)
    return kept, within(kept)


def _tree(
    inputs: pd.DataFrame, of_interest: np.ndarray, *, threshold: float, max_depth: int
) -> pd.DataFrame:
    from sklearn.tree import DecisionTreeClassifier

    x = inputs.to_numpy(dtype=float)
    classifier = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(1, math.ceil(MIN_MASS * len(x))),
        random_state=0,
    ).fit(x, of_interest)
    tree = classifier.tree_
    leaves = classifier.apply(x)
    names = list(inputs.columns)

    # Walk the tree once, carrying each node's bounds: a left child has x <= threshold.
    bounds_of: dict[int, dict[int, tuple[float, float]]] = {}
    stack: list[tuple[int, dict[int, tuple[float, float]]]] = [(0, {})]
    while stack:
        node, bounds = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:  # a leaf
            bounds_of[node] = bounds
            continue
        feature, split = int(tree.feature[node]), float(tree.threshold[node])
        low, high = bounds.get(feature, (-np.inf, np.inf))
        stack.append((left, {**bounds, feature: (low, min(high, split))}))
        stack.append((right, {**bounds, feature: (max(low, split), high)}))

    rules = []
    for leaf, bounds in bounds_of.items():
        inside = leaves == leaf
        stats = _stats(inside, of_interest)
        if stats["n_of_interest"] * 2 <= stats["n_cases"]:
            continue  # runs of interest are not the majority here
        limits = [(names[j], low, high) for j, (low, high) in sorted(bounds.items())]
        rules.append((stats, limits))
    rules.sort(key=lambda rule: (-rule[0]["coverage"], -rule[0]["density"]))
    rows: list[dict[str, object]] = []
    for number, (stats, limits) in enumerate(rules, start=1):
        note = (
            ""
            if stats["density"] >= threshold
            else (f"density below the threshold of {_percent(threshold)}")
        )
        rows += _rule_rows(
            number, limits, stats, threshold=threshold, note=note, base=float(of_interest.mean())
        )
    if not rows:
        return _empty("no leaf of the tree has a majority of runs of interest")
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _tree_rule(
    inputs: pd.DataFrame, flags: np.ndarray, *, threshold: float, max_depth: int
) -> pd.DataFrame | None:
    """The first of a tree's rules, grown on the fitted runs, that keeps its density with only
    its significant restrictions and holds on the held-out runs; None if none does."""
    fit = _fitted_runs(flags, HOLD_OUT)
    train = inputs[fit].reset_index(drop=True)
    rules = _tree(train, flags[fit], threshold=threshold, max_depth=max_depth)
    if rules.empty:
        return None
    base = float(flags.mean())
    for _, rule in rules[rules["meets_threshold"].astype(bool)].groupby("rule", sort=True):
        limits = [(str(r.factor), float(r.low), float(r.high)) for r in rule.itertuples()]
        limits, _ = _significant(train, flags[fit], limits)
        if not limits:
            continue
        inside = _within(inputs, limits)
        stats = _stats(inside, flags)
        test = _stats(inside[~fit], flags[~fit]) if (~fit).any() else None
        rows = _rule_rows(
            1,
            limits,
            stats,
            threshold=threshold,
            base=base,
            test=test,
            note="found by a decision tree (PRIM's box fell short)",
        )
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        if bool(frame["meets_threshold"].iloc[0]) and holds(frame):
            return frame
    return None


def discover(
    inputs: pd.DataFrame,
    of_interest: np.ndarray,
    *,
    threshold: float | None = None,
    peel_alpha: float = 0.05,
    method: Literal["prim", "tree", "auto"] = "prim",
    max_depth: int = 3,
) -> pd.DataFrame:
    """Regions of the inputs where runs of interest (e.g. missing a target) concentrate.

    Args:
        inputs: one row per run, one numeric column per input factor.
        of_interest: one boolean per run (``True``: the run is of interest, e.g. missed the
            target), in the order of ``inputs``.
        threshold: the density a PRIM box must reach to be chosen (default: halfway from the
            base rate to every run, at least 80 %, :func:`relative_threshold`); for trees, rules
            below it are kept but flagged.
        peel_alpha: the share of runs PRIM peels off at each step.
        method: ``"prim"`` (one box), ``"tree"`` (one rule per leaf where runs of interest are
            the majority, highest coverage first) or ``"auto"``: PRIM's box if it reaches the
            threshold and :func:`holds` on the held-out runs, else the first rule of a tree
            grown on the same fitted runs that does, its restrictions pruned like PRIM's;
            else no region (one row without limits, saying so).
        max_depth: the depth of the decision tree.

    Returns:
        One row per restricted input of each rule, with columns ``rule`` (1, 2, ...),
        ``factor``, ``low`` and ``high`` (``-inf``/``inf`` on a side left open), ``coverage``,
        ``density``, ``mass``, ``n_cases`` and ``n_of_interest`` (runs in the region, and runs of
        interest among them), ``meets_threshold`` (density >= ``threshold``), ``note`` (why a
        rule falls short, else empty) and ``text`` (the rule as one sentence, repeated on each of
        its rows). If no run or every run is of interest there is nothing to discover: the frame
        is empty and ``frame.attrs["note"]`` says why.

    Raises:
        ValueError: if ``of_interest`` is not one boolean per run, an input is not numeric, or
            ``method`` is unknown.
    """
    flags = np.asarray(of_interest)
    if flags.ndim != 1 or len(flags) != len(inputs):
        raise ValueError(
            f"of_interest must hold one flag per run: {len(inputs)} runs, got shape {flags.shape}"
        )
    if flags.dtype != bool:
        if not np.isin(flags, (0, 1)).all():
            raise ValueError("of_interest must be booleans (or 0/1)")
        flags = flags.astype(bool)
    not_numeric = [
        str(column)
        for column, dtype in inputs.dtypes.items()
        if not pd.api.types.is_numeric_dtype(dtype)
    ]
    if not_numeric:
        raise ValueError(f"inputs must be numeric; not numeric: {', '.join(not_numeric)}")
    if method not in ("prim", "tree", "auto"):
        raise ValueError(f"unknown method {method!r}; use prim, tree or auto")
    if not flags.any():
        return _empty("no run is of interest: there is no region to describe")
    if flags.all():
        return _empty("every run is of interest: no region separates them from the others")
    # Booleans become 0/1 so PRIM peels them as numbers; a fresh index keeps rows aligned.
    frame = inputs.reset_index(drop=True).astype(
        {
            column: int
            for column, dtype in inputs.dtypes.items()
            if pd.api.types.is_bool_dtype(dtype)
        }
    )
    if method in ("prim", "auto"):
        box = _prim(frame, flags, threshold=threshold, peel_alpha=peel_alpha)
        base = float(flags.mean())
        uninformative = not (1 - UNINFORMATIVE) <= base <= UNINFORMATIVE
        if method == "prim" or uninformative:
            return box
        if bool(box["meets_threshold"].iloc[0]) and holds(box):
            return box
        # PRIM peels greedily: when most runs miss, slices of noise can gain as much density as
        # slices of the region and the trajectory wanders off; a tree splits on the best cut
        limit = relative_threshold(base) if threshold is None else threshold
        found = _tree_rule(frame, flags, threshold=limit, max_depth=max_depth)
        if found is not None:
            return found
        return pd.DataFrame(
            _rule_rows(
                1,
                [],
                _stats(np.ones(len(flags), dtype=bool), flags),
                threshold=limit,
                base=base,
                note=(
                    "neither PRIM's box nor a tree's rule reaches the density and holds on the"
                    f" {HOLD_OUT:.0%} of runs held out"
                ),
            ),
            columns=list(COLUMNS),
        )
    return _tree(
        frame,
        flags,
        threshold=relative_threshold(float(flags.mean())) if threshold is None else threshold,
        max_depth=max_depth,
    )


def rules_text(frame: pd.DataFrame) -> list[str]:
    """The sentences of a :func:`discover` frame, one per rule, in rule order.

    Args:
        frame: a frame returned by :func:`discover`.

    Returns:
        One sentence per rule; for an empty frame, its note (why nothing was found) if it has
        one, else nothing.
    """
    if frame.empty:
        note = frame.attrs.get("note")
        return [note] if note else []
    return frame.drop_duplicates("rule")["text"].tolist()
