"""Money: investment in the zones by source against the plan's figures, and what each policy's
extra public spending buys.

:func:`investment_by_source` draws the three investment indicators (state, non-state, FDI).
All three are cumulative since the scenario's start (``Budget.state_investment``,
``Economy.capital_domestic + private_developer_spending``, ``Economy.capital_fdi``: sums that
only grow), so the plan's figures for a period starting then are comparable at their deadline.
:func:`cost_effectiveness_chart` reads a comparison's ``cost_effectiveness.csv`` and needs a
reference to compare with (:func:`cost_effectiveness_available`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from izsim.experiments.analysis import MIN_EXTRA_SPENDING_SHARE
from izsim.indicators import CATALOGUE
from izsim.present.fans import (
    LEGEND_ROW,
    band_handles,
    draw_fan,
    fan,
    legend,
    level_targets,
    start_year,
)
from izsim.present.language import (
    Lang,
    month_text,
    number,
    percent,
    policy_label,
    unit_label,
    word,
)
from izsim.present.marks import decimal_year, finish, target_value_text
from izsim.present.policies import NAME_WIDTH, fewest, signed
from izsim.present.results import Results
from izsim.present.scorecard import wrap
from izsim.present.style import (
    HATCHES,
    TARGET_COLOUR,
    WIDTH,
    figure_function,
    new_figure,
    number_axis,
    policy_style,
    year_axis,
)
from izsim.scenario.schema import Target

SOURCES: tuple[str, ...] = (
    "investment_state_bn_vnd",
    "investment_nonstate_bn_vnd",
    "investment_fdi_bn_vnd",
)
"""The investment indicators by source, each cumulative since the start."""
SOURCE_WORDS = {
    "investment_state_bn_vnd": "state",
    "investment_nonstate_bn_vnd": "nonstate",
    "investment_fdi_bn_vnd": "fdi",
}
OFF_SCALE = 4.0
"""A plan figure more than this many times the highest simulated value is drawn as an arrow at
the top of the axis (with its value written), so the simulated path stays readable."""


def cost_effectiveness_available(results: Results) -> bool:
    """Whether :func:`cost_effectiveness_chart` can be drawn: a comparison whose
    ``cost_effectiveness.csv`` compares at least one policy with the reference."""
    table = results.cost_effectiveness
    return (
        results.kind == "compare"
        and not table.empty
        and "extra_public_spending_bn_vnd" in table
        and bool((table["policy"] != results.reference).any())
    )


@figure_function
def investment_by_source(
    results: Results, *, lang: Lang = "en", policy: str | None = None
) -> Figure:
    """Investment in the zones by source (state, non-state, FDI), cumulative since the start,
    over time: the median and the bands holding half and nine in ten of the runs of one policy,
    against the plan's figures.

    Where the scenario has targets on these indicators, each is marked at its deadline with its
    value; a figure far above the simulated path (more than :data:`OFF_SCALE` times its top) is
    an arrow at the top of the axis, with how many times the simulated median it is. Where the
    plan sets no figure, the figure says so. The source line says what the simulation counts as
    investment (zones only), which can be narrower than the plan's figures.

    Args:
        results: a saved run or comparison.
        lang: ``en`` or ``vi``.
        policy: the policy to draw; by default the reference (a run: its policy), or the first
            policy with runs if the reference has none.

    Returns:
        The figure: one panel per source; each median line has gid ``median:<indicator>`` and
        each plan marker gid ``plan:<target id>`` with the plan value as its y.

    Raises:
        ValueError: ``policy`` has no results in ``results``.
    """
    chosen = policy
    if chosen is None:
        chosen = results.reference if results.reference in results.values else results.policies[0]
    if chosen not in results.values:
        raise ValueError(f"no results for policy '{chosen}'; have {results.policies}")
    name = policy_label(chosen, lang, results.policy_names.get(chosen))
    runs = len(results.values[chosen])
    x = results.years()
    colour = str(policy_style(results.policies.index(chosen))["color"])

    fig = new_figure(WIDTH, 6.6)
    grid = fig.add_gridspec(2, len(SOURCES), height_ratios=[LEGEND_ROW, 1])
    axes = [fig.add_subplot(grid[0, k]) for k in range(len(SOURCES))]
    # a figure that is not a finite number cannot be marked, and would wreck the axis' range
    plans = {
        indicator: [t for t in level_targets(results, indicator) if math.isfinite(_plan_value(t))]
        for indicator in SOURCES
    }
    any_plan = any(plans.values())
    plan_handle: Line2D | None = None
    for k, (ax, indicator) in enumerate(zip(axes, SOURCES, strict=True)):
        quantiles = fan(results.series(indicator, chosen))
        draw_fan(
            ax,
            x,
            quantiles,
            colour=colour,
            gid=indicator,
            label=word("median" if runs > 1 else "simulated", lang),
        )
        # over one run the 95 % quantile is the run itself
        finite = quantiles.high90[np.isfinite(quantiles.high90)]
        top = float(finite.max(initial=0.0))
        targets = plans[indicator]
        handle = _plan_marks(ax, results, targets, quantiles.median, top, lang)
        plan_handle = plan_handle or handle
        if any_plan and not targets:  # else the legend's title says it once for all
            ax.text(
                0.04,
                0.96,
                word("no_plan_figure_short", lang),
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=11,
                style="normal",
                color="#444444",
            )
        title = word(SOURCE_WORDS[indicator], lang)
        ax.set_title(title[:1].upper() + title[1:], fontsize=14)
        ax.set_xlim(start_year(results), float(x[-1]) + 0.5)
        year_axis(ax)
        ax.xaxis.set_major_locator(_year_locator(results))
        number_axis(ax.yaxis, lang)
        ax.tick_params(axis="y", labelsize=11)
        if k == 0:
            ax.set_ylabel(unit_label(CATALOGUE[indicator].unit, lang))

    fig.suptitle(
        word("investment_title", lang, start=month_text(results.scenario.scenario.start, lang))
    )
    runs_text = (
        word("fan_subtitle", lang, policy=name, n=runs)
        if runs > 1
        else f"{name} · {word('one_run', lang)}"
    )
    title = runs_text if any_plan else f"{runs_text} · {word('no_plan_figure', lang)}"
    entries: list[tuple[object, str]] = []
    median_line = axes[0].get_lines()[0]
    entries.append((median_line, str(median_line.get_label())))
    if runs > 1:
        entries += [(band, str(band.get_label())) for band in band_handles(lang, colour)]
    if plan_handle is not None:
        entries.append((plan_handle, word("plan_figure", lang)))
    legend(fig.add_subplot(grid[1, :]), entries, [], ncols=4, title=title)
    return finish(fig, results, lang, extra=word("investment_scope", lang), policies=[chosen])


def _plan_marks(
    ax: Axes,
    results: Results,
    targets: list[Target],
    median: np.ndarray,
    top: float,
    lang: Lang,
) -> Line2D | None:
    """Mark each plan figure at its deadline; returns a marker for the legend (or None).

    A figure within reach of the simulated path is a diamond at its value with the value
    written beside it. Figures far above it (:data:`OFF_SCALE`) are triangles at the top of the
    axis, listed in a box with how many times the simulated median at the deadline they are.
    """
    if not targets:
        ax.set_ylim(0, top * 1.12 if top > 0 else 1.0)
        return None
    far = [t for t in targets if _plan_value(t) > OFF_SCALE * max(top, 1e-9)]
    near = [t for t in targets if t not in far]
    highest = max([_plan_value(t) for t in near] + [top])
    ceiling = highest * (1.45 if far else 1.12) if highest > 0 else 1.0
    ax.set_ylim(0, ceiling)
    style = {
        "markersize": 11,
        "markerfacecolor": TARGET_COLOUR,
        "markeredgecolor": "black",
        "markeredgewidth": 1.0,
        "linestyle": "none",
        "zorder": 5,
        "clip_on": False,
    }
    for target in near:
        value, when = _plan_value(target), decimal_year(target.deadline)
        ax.plot([when], [value], marker="D", gid=f"plan:{target.id}", **style)
        ax.annotate(
            f"{target_value_text(target, lang)}\n({month_text(target.deadline, lang)})",
            (when, value),
            xytext=(-10, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=10.5,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
            zorder=6,
            annotation_clip=False,
        ).set_in_layout(False)  # it stays inside the panel; the layout need not make room
    lines = []
    for target in far:
        value, when = _plan_value(target), decimal_year(target.deadline)
        ax.plot([when], [ceiling * 0.97], marker="^", gid=f"plan:{target.id}", **style)
        # a deadline past the simulated months has no simulated value to compare with
        at = results.months.index(target.deadline) if target.deadline in results.months else None
        simulated = math.nan if at is None else float(median[at])
        line = f"▲ {target_value_text(target, lang)} ({month_text(target.deadline, lang)})"
        if simulated > 0:
            line += ":\n    " + word("times", lang, n=number(value / simulated, lang, 0))
        lines.append(line)
    if lines:
        ax.text(
            0.04,
            0.88,
            "\n".join([wrap(word("off_scale_title", lang), 30), *lines]),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=10,
            linespacing=1.3,
            bbox={"facecolor": "white", "edgecolor": TARGET_COLOUR, "boxstyle": "round,pad=0.4"},
            zorder=6,
        ).set_in_layout(False)
    return Line2D(
        [],
        [],
        marker="D",
        markersize=10,
        markerfacecolor=TARGET_COLOUR,
        markeredgecolor="black",
        linestyle="none",
    )


def _plan_value(target: Target) -> float:
    """The plan's figure (the upper end of a range)."""
    value = target.value
    return float(value[1] if isinstance(value, tuple) else value)


def _year_locator(results: Results) -> MultipleLocator:
    """Ticks every two years up to six years, else every five (2025, 2030: plan years)."""
    span = len(results.months) / 12
    return MultipleLocator(2 if span <= 6 else 5)


@figure_function
def cost_effectiveness_chart(results: Results, *, lang: Lang = "en") -> Figure:
    """What each policy's extra public spending buys, against the reference policy
    (``cost_effectiveness.csv``).

    Left: extra public spending over the whole horizon (x) against extra industrial jobs at
    the horizon (y), one point per policy, the reference at the origin, each point labelled
    with the policy and the extra targets met (mean per run). Right: extra jobs per trillion
    VND of extra spending, as bars. A policy that spends no more than the reference has no such
    ratio (NaN in the table): it gets no bar but the words "no extra spending" (or "spends
    less"); a ratio over a small extra spending is large and uncertain, which the panel says.
    All values are means over paired runs.

    Args:
        results: a saved comparison of two or more policies.
        lang: ``en`` or ``vi``.

    Returns:
        The figure: the scatter's points have gid ``point:<policy>`` and the bars
        ``bar:<policy>`` (their widths are ``extra_jobs_per_trillion_vnd``).

    Raises:
        ValueError: a single run, or a comparison without another policy than the reference.
    """
    if not cost_effectiveness_available(results):
        if results.kind == "compare" and len(results.policies) > 1:
            raise ValueError(
                f"{results.folder / 'cost_effectiveness.csv'} compares no policy with the"
                " reference; run `izsim compare` again"
            )
        raise ValueError(
            "cost-effectiveness needs a comparison of two or more policies (izsim compare);"
            " a single run or a one-policy comparison has no reference to compare spending with"
        )
    table = results.cost_effectiveness.set_index("policy")
    reference = results.reference
    ref_name = policy_label(reference, lang, results.policy_names.get(reference))
    others = [(i, p) for i, p in enumerate(results.policies) if p != reference and p in table.index]
    start = month_text(results.scenario.scenario.start, lang)
    end = month_text(results.months[-1], lang)

    fig = new_figure(WIDTH + 1.5, max(6.6, 3.2 + 0.55 * len(others)))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.15, 1])
    scatter = fig.add_subplot(grid[0, 0])
    bars = fig.add_subplot(grid[0, 1])
    _spending_scatter(scatter, results, table, others, lang)
    scatter.set_xlabel(word("extra_spending_axis", lang, start=start, end=end))
    scatter.set_ylabel(word("extra_jobs_axis", lang, end=end))
    scatter.set_title(
        word("cost_scatter_note", lang, reference=ref_name),
        loc="left",
        fontsize=12,
        fontweight="normal",
    )
    _per_trillion_bars(bars, results, table, others, lang)
    fig.suptitle(word("cost_title", lang, reference=ref_name))
    runs = fewest(table, "runs", results.runs_per_policy)
    return finish(fig, results, lang, extra=word("paired_means", lang, n=runs))


def _spending_scatter(
    ax: Axes,
    results: Results,
    table: pd.DataFrame,
    others: list[tuple[int, str]],
    lang: Lang,
) -> None:
    ax.axhline(0, color="black", linewidth=1.2, zorder=2)
    ax.axvline(0, color="black", linewidth=1.2, zorder=2)
    reference = results.reference
    # the reference is compared with even when its own runs are missing: then in its usual style
    ref_at = results.policies.index(reference) if reference in results.policies else 0
    ref_style = policy_style(ref_at)
    ax.plot(
        [0],
        [0],
        marker=str(ref_style["marker"]),
        markersize=11,
        markerfacecolor="white",
        markeredgecolor="black",
        markeredgewidth=1.6,
        linestyle="none",
        zorder=4,
        gid=f"point:{reference}",
    )
    xs, ys = [0.0], [0.0]
    for i, policy in others:
        row = table.loc[policy]
        x = float(row["extra_public_spending_bn_vnd"])
        y = float(row["extra_jobs"])
        style = policy_style(i)
        ax.plot(
            [x],
            [y],
            marker=str(style["marker"]),
            markersize=12,
            color=str(style["color"]),
            markeredgecolor="black",
            markeredgewidth=1.0,
            linestyle="none",
            zorder=4,
            gid=f"point:{policy}",
        )
        xs.append(x)
        ys.append(y)
        extra_met = float(row.get("extra_targets_met", math.nan))
        label = _short_name(results, policy, lang)
        if not math.isnan(extra_met):
            label += "\n" + word("extra_targets_label", lang, n=signed(extra_met, lang, 1))
        ax.annotate(
            label,
            (x, y),
            xytext=(9, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=10.5,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.0},
            zorder=5,
        )
    span_x = max(xs) - min(xs) or 1.0
    span_y = max(ys) - min(ys) or 1.0
    # room on the right for the labels, which sit to the right of their points
    ax.set_xlim(min(xs) - 0.08 * span_x, max(xs) + 0.55 * span_x)
    ax.set_ylim(min(ys) - 0.15 * span_y, max(ys) + 0.15 * span_y)
    number_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: signed(v, lang)))


def _per_trillion_bars(
    ax: Axes,
    results: Results,
    table: pd.DataFrame,
    others: list[tuple[int, str]],
    lang: Lang,
) -> None:
    ax.axvline(0, color="black", linewidth=1.2, zorder=3)
    values = [float(table.loc[p].get("extra_jobs_per_trillion_vnd", math.nan)) for _, p in others]
    finite = [v for v in values if not math.isnan(v)]
    reach = max((abs(v) for v in finite), default=1.0)
    for row, ((i, policy), value) in enumerate(zip(others, values, strict=True)):
        style = policy_style(i)
        if math.isnan(value):
            extra = float(table.loc[policy].get("extra_public_spending_bn_vnd", math.nan))
            if extra < 0:
                key = "less_spending"
            elif extra > 0:  # too little, or within the noise (``per_trillion_note``)
                key = "small_extra_spending"
            else:
                key = "no_extra_spending"
            ax.text(
                0.02 * reach,
                row,
                word(key, lang),
                va="center",
                ha="left",
                fontsize=11,
                style="normal",
            )
            continue
        (bar,) = ax.barh(
            row,
            value,
            height=0.55,
            color=str(style["color"]),
            edgecolor="black",
            linewidth=0.8,
            hatch=HATCHES[i % len(HATCHES)] or None,
            alpha=0.9,
            zorder=2,
        )
        bar.set_gid(f"bar:{policy}")
        ax.annotate(
            signed(value, lang, 0),
            (value, row),
            xytext=(6 if value >= 0 else -6, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=11,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0},
            zorder=4,
        )
    names = [_short_name(results, p, lang) for _, p in others]
    ax.set_yticks(range(len(others)), names, fontsize=11.5)
    ax.set_ylim(len(others) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    low, high = min([0.0, *finite]), max([0.0, *finite])
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.35 * span if low < 0 else 0.05 * span), high + 0.35 * span)
    number_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel(word("jobs_per_trillion", lang))
    share = percent(MIN_EXTRA_SPENDING_SHARE, lang, 0)
    ax.set_title(
        word("per_trillion_note", lang, share=share), loc="left", fontsize=12, fontweight="normal"
    )


def _short_name(results: Results, policy: str, lang: Lang) -> str:
    """The policy's name, wrapped to sit beside a point or bar."""
    return wrap(policy_label(policy, lang, results.policy_names.get(policy)), NAME_WIDTH)
