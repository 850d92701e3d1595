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
    "note",
    "text",
)
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


def _sentence(limits: Sequence[tuple[str, float, float]], stats: dict[str, float]) -> str:
    if not limits:
        return (
            f"Missing the target does not concentrate in any region of the inputs:"
            f" {_percent(stats['density'])} of all runs miss it, wherever the inputs lie."
        )
    where = " and ".join(_condition(*limit) for limit in limits)
    return (
        f"Missing the target is concentrated where {where}: "
        f"{_percent(stats['coverage'])} of the misses (coverage) lie in this region, and "
        f"{_percent(stats['density'])} of runs there miss (density); "
        f"the region holds {_percent(stats['mass'])} of runs."
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
) -> list[dict[str, object]]:
    text = _sentence(limits, stats)
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
            "note": note,
            "text": text,
        }
        for factor, low, high in rows
    ]


def _prim(
    inputs: pd.DataFrame, of_interest: np.ndarray, *, threshold: float, peel_alpha: float
) -> pd.DataFrame:
    with warnings.catch_warnings():
        # ema_workbench warns on import that ipyparallel, an optional evaluator, is missing.
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        # ema_workbench 2.5 drops a column in place, which pandas deprecates; nothing we can fix.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        algorithm = prim.Prim(
            inputs,
            of_interest.astype(int),
            threshold=_PRIM_KEEP_TRAJECTORY,
            peel_alpha=peel_alpha,
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
    box_lims = box.box_lims[chosen]
    initial = algorithm.box_init
    limits: list[tuple[str, float, float]] = []
    inside = np.ones(len(inputs), dtype=bool)
    for factor in inputs.columns:
        low, high = float(box_lims.loc[0, factor]), float(box_lims.loc[1, factor])
        if low == initial.loc[0, factor] and high == initial.loc[1, factor]:
            continue
        values = inputs[factor].to_numpy(dtype=float)
        inside &= (values >= low) & (values <= high)
        # A side PRIM left at the data's extreme is not a limit: report it as open.
        limits.append(
            (
                factor,
                low if low != initial.loc[0, factor] else -np.inf,
                high if high != initial.loc[1, factor] else np.inf,
            )
        )
    limits, inside = _significant(inputs, of_interest, limits)
    rows = _rule_rows(1, limits, _stats(inside, of_interest), threshold=threshold, note=note)
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
            return kept, inside
        kept.remove(worst)
    return kept, within(kept)


def _tree(
    inputs: pd.DataFrame, of_interest: np.ndarray, *, threshold: float, max_depth: int
) -> pd.DataFrame:
    from sklearn.tree import DecisionTreeClassifier

    x = inputs.to_numpy(dtype=float)
    classifier = DecisionTreeClassifier(max_depth=max_depth, random_state=0).fit(x, of_interest)
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
        rows += _rule_rows(number, limits, stats, threshold=threshold, note=note)
    if not rows:
        return _empty("no leaf of the tree has a majority of runs of interest")
    return pd.DataFrame(rows, columns=list(COLUMNS))


def discover(
    inputs: pd.DataFrame,
    of_interest: np.ndarray,
    *,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    method: Literal["prim", "tree"] = "prim",
    max_depth: int = 3,
) -> pd.DataFrame:
    """Regions of the inputs where runs of interest (e.g. missing a target) concentrate.

    Args:
        inputs: one row per run, one numeric column per input factor.
        of_interest: one boolean per run (``True``: the run is of interest, e.g. missed the
            target), in the order of ``inputs``.
        threshold: the density a PRIM box must reach to be chosen; for trees, rules below it
            are kept but flagged.
        peel_alpha: the share of runs PRIM peels off at each step.
        method: ``"prim"`` (one box) or ``"tree"`` (one rule per leaf where runs of interest are
            the majority, highest coverage first).
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
    if method not in ("prim", "tree"):
        raise ValueError(f"unknown method {method!r}; use prim or tree")
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
    if method == "prim":
        return _prim(frame, flags, threshold=threshold, peel_alpha=peel_alpha)
    return _tree(frame, flags, threshold=threshold, max_depth=max_depth)


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
