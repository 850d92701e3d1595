"""Policies side by side: how likely each is to meet each target, and how it differs from the
reference policy in paired runs.

:func:`policy_probabilities` draws the probability of meeting every modelled target with its
95 % Wilson interval, one row group per target. :func:`paired_differences` draws the mean
difference from the reference policy over pairs of runs that share their random numbers, with
its 95 % interval; it needs a comparison of two or more policies
(:func:`paired_differences_available`).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from izsim.present.fans import LEGEND_ROW, legend
from izsim.present.language import Lang, number, percent, policy_label, word
from izsim.present.marks import finish, target_text, target_unit
from izsim.present.results import Results
from izsim.present.scorecard import wrap
from izsim.present.style import WIDTH, figure_function, new_figure, policy_style
from izsim.scenario.schema import Target

LABEL_WIDTH = 36
"""Characters per line of a target's label on the y axis."""
NAME_WIDTH = 18
"""Characters per line of a policy's name beside a panel or bar."""
POINT_INCHES = 0.12
"""Vertical room for one policy's point within a target's group."""
BAND_COLOUR = "#F1F1F1"

Measure = Literal["probability", "value"]


def paired_differences_available(results: Results) -> bool:
    """Whether :func:`paired_differences` can be drawn: a comparison of two or more policies
    whose ``comparison.csv`` has rows."""
    return results.kind == "compare" and len(results.policies) > 1 and not results.comparison.empty


@figure_function
def policy_probabilities(results: Results, *, lang: Lang = "en") -> Figure:
    """Probability of meeting each modelled target by its deadline, by policy.

    Dot and whisker: one row group per target (the plan's order, top to bottom), one point per
    policy with its 95 % Wilson interval; policies differ by colour and marker (the reference
    is black). A single run has no interval and its points sit at 0 % (missed) or 100 % (met).

    Args:
        results: a saved run or comparison.
        lang: ``en`` or ``vi``.

    Returns:
        The figure. Each policy is one ``errorbar`` whose data line has the policy id as gid
        and the probabilities as x data, in the order of :meth:`Results.modelled_targets`.

    Raises:
        ValueError: the scenario has no target the model measures.
    """
    single = results.kind == "run"
    probabilities = results.probabilities()
    measured = set(probabilities["target"])
    targets = [t for t in results.modelled_targets() if t.id in measured]
    if not targets:
        raise ValueError("the scenario has no target the model measures; nothing to draw")
    policies = results.policies
    fig, ax, legend_ax, offsets = _target_rows(targets, len(policies), lang)
    table = probabilities.set_index(["target", "policy"])
    for i, policy in enumerate(policies):
        rows = table.reindex([(t.id, policy) for t in targets])
        x = rows["probability"].to_numpy(dtype=float)
        low = rows["probability_low"].to_numpy(dtype=float)
        high = rows["probability_high"].to_numpy(dtype=float)
        y = np.arange(len(targets)) + offsets[i]
        _points(
            ax,
            x,
            y,
            None if single else _errors(x, low, high),
            i,
            policy_label(policy, lang, results.policy_names.get(policy)),
            policy,
        )
    ax.set_xlim(-0.03, 1.03)
    if single:
        ax.xaxis.set_major_locator(FixedLocator([0.0, 1.0]))
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: word("met" if v >= 0.5 else "missed", lang))
        )
        note = word("one_run_met_missed", lang)
        # a run has one policy: x is its points, NaN where the indicator had no value
        for row in np.flatnonzero(np.isnan(x)):
            ax.text(0.5, row, word("no_value", lang), ha="center", va="center", fontsize=12)
        title = word("scorecard_run_title", lang)
    else:
        ax.xaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 5)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: percent(v, lang)))
        ax.set_xlabel(f"{word('probability', lang)} ({word('interval_95', lang)}, Wilson)")
        note = word("fan_subtitle_many", lang, n=results.runs_per_policy)
        title = word("policy_probability_title", lang)
    fig.suptitle(title)
    ax.set_title(note, loc="left", fontsize=12, fontweight="normal")
    legend(legend_ax, [], [ax])
    return finish(fig, results, lang)


@figure_function
def paired_differences(
    results: Results, *, lang: Lang = "en", measure: Measure = "probability"
) -> Figure:
    """Difference of each policy from the reference at each target's deadline, from paired runs
    (the same random numbers), with 95 % intervals (``comparison.csv``).

    ``measure="probability"`` draws the change in the probability of meeting each target, in
    percentage points, on one axis: one row group per target, one point per policy other than
    the reference. Whiskers stop at ±100 points: the paired t interval of few 0/1 differences
    can reach past them, which no difference of probabilities can.

    ``measure="value"`` draws the change in the measured value itself; values of different
    targets have different units, so each target gets its own small panel with its unit on the
    axis (values are not normalised: a share of the reference's mean would explode for counts
    near zero and mean little for growth rates already in %/yr).

    A zero line marks "no difference"; an interval that crosses it is a difference the runs
    cannot tell from chance. Needs a comparison of two or more policies.

    Args:
        results: a saved comparison.
        lang: ``en`` or ``vi``.
        measure: ``probability`` (percentage points) or ``value`` (the target's unit).

    Returns:
        The figure. Each policy is an ``errorbar`` whose data line has the policy id as gid and
        the differences (as stored: probability as a share, so 0.1 is 10 points) as x data.

    Raises:
        ValueError: a single run, one policy only, no comparison table, or an unknown measure.
    """
    if measure not in ("probability", "value"):
        raise ValueError(f"measure must be 'probability' or 'value', not '{measure}'")
    if not paired_differences_available(results):
        if results.kind == "compare" and len(results.policies) > 1:
            raise ValueError(
                f"{results.folder / 'comparison.csv'} has no rows; run `izsim compare` again"
            )
        raise ValueError(
            "paired differences need a comparison of two or more policies (izsim compare);"
            " a single run or a one-policy comparison has no reference to differ from"
        )
    table = results.comparison
    reference = policy_label(results.reference, lang, results.policy_names.get(results.reference))
    compared = set(table["policy"])
    others = [
        (i, p) for i, p in enumerate(results.policies) if p != results.reference and p in compared
    ]
    ids = set(table["target"])
    targets = [t for t in results.modelled_targets() if t.id in ids]
    indexed = table.set_index(["target", "policy"])
    if measure == "probability":
        fig = _differences_one_axis(results, indexed, targets, others, lang)
    else:
        fig = _differences_panels(results, indexed, targets, others, lang)
    fig.suptitle(word("difference_title", lang, reference=reference))
    return finish(fig, results, lang)


def _differences_one_axis(
    results: Results,
    table: pd.DataFrame,
    targets: list[Target],
    others: list[tuple[int, str]],
    lang: Lang,
) -> Figure:
    fig, ax, legend_ax, offsets = _target_rows(targets, len(others), lang)
    ax.axvline(0, color="black", linewidth=1.4, zorder=2)
    for k, (i, policy) in enumerate(others):
        rows = table.reindex([(t.id, policy) for t in targets])
        x = rows["probability_difference"].to_numpy(dtype=float)
        # a t interval of few 0/1 differences can reach past ±100 points, which no
        # difference of probabilities can: the whiskers stop there
        low = np.clip(rows["probability_difference_low"].to_numpy(dtype=float), -1.0, 1.0)
        high = np.clip(rows["probability_difference_high"].to_numpy(dtype=float), -1.0, 1.0)
        y = np.arange(len(targets)) + offsets[k]
        label = policy_label(policy, lang, results.policy_names.get(policy))
        _points(ax, x, y, _errors(x, low, high), i, label, policy)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: signed(100 * v, lang)))
    low, high = ax.get_xlim()
    reach = min(max(abs(low), abs(high), 0.1), 1.05)
    ax.set_xlim(-reach, reach)  # zero in the middle: gains right, losses left
    ax.set_xlabel(f"{word('difference_axis', lang)} · {word('interval_95', lang)}")
    ax.set_title(
        word("paired_note", lang, n=fewest(table, "pairs", results.runs_per_policy)),
        loc="left",
        fontsize=12,
        fontweight="normal",
    )
    legend(legend_ax, [], [ax])
    return fig


def _differences_panels(
    results: Results,
    table: pd.DataFrame,
    targets: list[Target],
    others: list[tuple[int, str]],
    lang: Lang,
) -> Figure:
    n = max(len(targets), 1)
    ncols = 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4
    nrows = math.ceil(n / ncols)
    panel_inches = max(1.3, 0.32 * len(others) + 0.9)
    width = WIDTH if ncols <= 3 else 13.0
    fig = new_figure(width, 2.4 + nrows * (panel_inches + 0.75))
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[LEGEND_ROW] * nrows + [1])
    axes = np.array([[fig.add_subplot(grid[r, c]) for c in range(ncols)] for r in range(nrows)])
    names = [policy_label(p, lang, results.policy_names.get(p)) for _, p in others]
    y = np.arange(len(others))
    for index, ax in enumerate(axes.flat):
        if index >= len(targets):
            ax.set_visible(False)
            continue
        target = targets[index]
        ax.axvline(0, color="black", linewidth=1.4, zorder=2)
        rows = table.reindex([(target.id, policy) for _, policy in others])
        ends = rows[["difference", "difference_low", "difference_high"]].to_numpy(dtype=float)
        for k, (i, policy) in enumerate(others):
            x, low, high = ends[k : k + 1].T
            _points(ax, x, y[k : k + 1], _errors(x, low, high), i, names[k], policy)
        ax.set_title(
            wrap(target_text(target, lang, short=True), 30 if ncols <= 3 else 26, keep_last=True),
            fontsize=11.5,
            loc="left",
            fontweight="bold",
        )
        ax.set_xlabel(target_unit(target, lang), fontsize=11)
        ax.tick_params(axis="x", labelsize=10.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: signed(v, lang)))
        ax.xaxis.set_major_locator(FixedLocator(_symmetric_ticks(ax, ends)))
        ax.grid(axis="y", visible=False)
        ax.set_ylim(len(others) - 0.5, -0.5)
        first_column = index % ncols == 0
        labels = [wrap(name, NAME_WIDTH) for name in names] if first_column else []
        ax.set_yticks(y, labels, fontsize=11)
        ax.tick_params(axis="y", length=0)
    legend(
        fig.add_subplot(grid[nrows, :]),
        [],
        [axes.flat[0]],
        title=word("difference_value_note", lang),
    )
    return fig


def _symmetric_ticks(ax: Axes, values: np.ndarray) -> list[float]:
    """Set the panel's x range symmetric about zero so that it holds ``values`` (the points
    and their interval ends; NaN ignored), and return a few round ticks in it."""
    finite = np.abs(values[np.isfinite(values)])
    reach = 1.1 * float(finite.max(initial=0.0)) or 1.0  # all zero or none: a unit either side
    ax.set_xlim(-reach, reach)
    step = _nice_step(reach)
    ticks = np.arange(-math.floor(reach / step), math.floor(reach / step) + 1) * step
    return [float(t) for t in ticks]


def _nice_step(reach: float) -> float:
    """The largest round step (1, 2 or 5 × 10^k) within ``reach``: one tick each side of zero,
    so that long labels of neighbouring panels never run into each other."""
    power = 10 ** math.floor(math.log10(reach))
    for factor in (5, 2, 1, 0.5):
        if factor * power <= reach:
            return factor * power
    return power / 10


def signed(value: float, lang: Lang, decimals: int | None = None) -> str:
    """A difference with its sign: ``+10``, ``−5``, ``0`` (no sign when it rounds to zero)."""
    text = number(value, lang, decimals)
    return f"+{text}" if value > 0 and text.strip("0,.") else text


def fewest(table: pd.DataFrame, column: str, default: int) -> int:
    """The least count in ``column`` of ``table`` (pairs, runs), or ``default`` when the table
    has no such column or no count in it."""
    counts = table[column].dropna() if column in table else ()
    return int(min(counts)) if len(counts) else default


def _target_rows(
    targets: list[Target], points: int, lang: Lang
) -> tuple[Figure, Axes, Axes, np.ndarray]:
    """A figure of row groups, one per target, each room for ``points`` points: the figure, its
    plot with the targets' rows, the axes for the legend below, and the points' offsets."""
    group_inches = max(0.7, POINT_INCHES * points + 0.25)
    fig = new_figure(WIDTH, max(5.0, 3.0 + group_inches * len(targets)))
    grid = fig.add_gridspec(2, 1, height_ratios=[LEGEND_ROW, 1])
    ax = fig.add_subplot(grid[0])
    _target_groups(ax, targets, lang)
    return fig, ax, fig.add_subplot(grid[1]), _offsets(points)


def _target_groups(ax: Axes, targets: list[Target], lang: Lang) -> None:
    """Rows of targets top to bottom with their labels, every other row shaded."""
    for row in range(0, len(targets), 2):
        ax.axhspan(row - 0.5, row + 0.5, color=BAND_COLOUR, zorder=0, linewidth=0)
    labels = [wrap(target_text(t, lang, short=True), LABEL_WIDTH, keep_last=True) for t in targets]
    ax.set_yticks(range(len(targets)), labels, fontsize=12)
    ax.set_ylim(len(targets) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)


def _offsets(count: int) -> np.ndarray:
    """Vertical offsets of ``count`` points within a row group of height 1."""
    if count <= 1:
        return np.zeros(max(count, 1))
    spread = min(0.74, 0.22 * (count - 1))
    return np.linspace(-spread / 2, spread / 2, count)


def _errors(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Distances from ``x`` to its interval's ends for ``errorbar`` (NaN: no whisker)."""
    below = np.where(np.isnan(low), 0.0, np.clip(x - low, 0.0, None))
    above = np.where(np.isnan(high), 0.0, np.clip(high - x, 0.0, None))
    return np.vstack([below, above])


def _points(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    xerr: np.ndarray | None,
    position: int,
    label: str,
    gid: str,
) -> None:
    """One policy's points and whiskers, in its colour and marker (white-filled markers on
    the reference's black, so overlapping points stay distinguishable in grey)."""
    style = policy_style(position)
    container = ax.errorbar(
        x,
        y,
        xerr=xerr,
        fmt=str(style["marker"]),
        color=str(style["color"]),
        markersize=7.5,
        markeredgecolor="black",
        markerfacecolor=str(style["color"]) if position else "white",
        markeredgewidth=1.2,
        elinewidth=2.0,
        capsize=3,
        linestyle="none",
        label=label,
        zorder=3,
    )
    container.lines[0].set_gid(gid)
