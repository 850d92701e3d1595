"""The plan's scorecard as a picture: every target of the plan against every policy package,
coloured by the probability of meeting it by its deadline.

Rows are the plan's targets in the scenario's order; targets the model cannot measure follow as
grey hatched rows marked "not modelled", so the planner sees the whole plan and what the
simulation leaves out. A single run shows "met" or "missed" in each cell.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Colormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from izsim.present.language import Lang, percent, policy_label, word
from izsim.present.marks import NBSP, finish, plan_words, target_text
from izsim.present.results import Results
from izsim.present.style import HEIGHT, SEQUENTIAL, WIDTH, figure_function, new_figure

LABEL_WIDTH = 38
"""Characters per line of a target's label before it wraps."""
EXTRA_LABEL_WIDTH = 48
"""The same for the smaller labels of targets that are not modelled."""
POLICY_WIDTH = 15
"""Characters per line of a policy's name over its column."""
ROW_INCHES = 0.5
"""Height of a row of the heatmap."""
EXTRA_ROW = 0.7
"""Least height of a row of a target that is not modelled, in rows of the heatmap."""
NOT_MODELLED_GREY = "#E6E6E6"
NO_VALUE_GREY = "#BDBDBD"
AUTO_TITLE = {"axes.titley": None}
"""The title placed above what is drawn over the axes (matplotlib's default position)."""
LIGHT_BACKGROUND = 0.45
"""Relative luminance above which a cell's text is black rather than white: a little below the
mid-grey 0.5, as white text on a middling colour reads worse than black."""


def wrap(text: str, width: int, *, keep_last: bool = False) -> str:
    """``text`` broken into lines of at most ``width`` characters, long words whole.

    ``keep_last`` keeps the last two words (``by 2025``, ``đến 2025``) on one line.
    """
    # plan quotes hold markup and tabs, which plan_words removes; it also treats no-break
    # spaces as white space, so clean the pieces between them to keep "> 14 %/yr" whole
    text = NBSP.join(plan_words(piece, limit=len(piece)) for piece in text.split(NBSP))
    head, _, tail = text.rpartition(" ")
    if keep_last and head:
        text = f"{head}\N{NO-BREAK SPACE}{tail}"
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def contrast_colour(rgba: tuple[float, ...]) -> str:
    """Black or white, whichever reads better on the colour ``rgba`` (relative luminance)."""
    r, g, b = to_rgb(rgba)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > LIGHT_BACKGROUND else "white"


def probability_matrix(results: Results) -> tuple[list[str], np.ndarray]:
    """Modelled target ids and their targets × policies probabilities (NaN: no value).

    The rows follow the scenario's order of modelled targets, the columns ``results.policies``.
    """
    targets = [t.id for t in results.modelled_targets()]
    table = results.probabilities().pivot(index="target", columns="policy", values="probability")
    matrix = table.reindex(index=targets, columns=results.policies).to_numpy(dtype=float)
    return targets, matrix


@figure_function
def scorecard_chart(
    results: Results, *, lang: Lang = "en", include_not_modelled: bool = True
) -> Figure:
    """Targets × policies heatmap of the probability of meeting each target by its deadline.

    Each cell is coloured on a colour-blind-safe sequential scale (cividis, also monotone in
    grey) and shows the probability in words; a colour bar gives the scale. For a single run
    the cells say "met" or "missed" (or "no value" where the indicator is undefined at the
    deadline) and there is no colour bar.

    Args:
        results: a saved run or comparison.
        lang: ``en`` or ``vi``.
        include_not_modelled: add the plan's targets the model cannot measure as grey hatched
            rows marked "not modelled" (set False for a shorter slide).

    Returns:
        The figure; its first axes holds the heatmap image, whose array is the modelled targets
        × policies probabilities (masked where there is no value).
    """
    single = results.kind == "run"
    modelled = results.modelled_targets()
    extra = [
        t for t in results.scenario.targets if include_not_modelled and t.not_modelled is not None
    ]
    _, matrix = probability_matrix(results)
    n_mod, n_cols = len(modelled), len(results.policies)
    labels = [wrap(target_text(t, lang, short=True), LABEL_WIDTH, keep_last=True) for t in modelled]
    extra_labels = [
        wrap(target_text(t, lang, short=True), EXTRA_LABEL_WIDTH, keep_last=True) for t in extra
    ]
    # a row is as high as its label; rows of targets not modelled hold no numbers, so they
    # are only as high as their (smaller) label needs
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    row_inches = max(ROW_INCHES, 0.2 * lines + 0.1)
    heights = [
        max(EXTRA_ROW, (0.18 * (label.count("\n") + 1) + 0.08) / row_inches)
        for label in extra_labels
    ]
    gap = 0.35 if modelled and extra else 0.0
    top = n_mod - 0.5 + gap
    edges = top + np.concatenate([[0.0], np.cumsum(heights)])
    centres = (edges[:-1] + edges[1:]) / 2
    bottom = float(edges[-1]) if extra else n_mod - 0.5

    width = max(WIDTH, 4.6 + 1.3 * n_cols + (0 if single else 1.0))
    fig = new_figure(width, max(HEIGHT, 2.3 + row_inches * (bottom + 0.5)))
    # the policies' names sit above the heatmap: its title is placed above them, where STYLE
    # puts titles on the axes' edge
    with mpl.rc_context(AUTO_TITLE):
        ax = fig.add_subplot()
    cmap = _colormap()
    norm = Normalize(0.0, 1.0)
    image = ax.imshow(
        np.ma.masked_invalid(matrix),
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
        extent=(-0.5, n_cols - 0.5, n_mod - 0.5, -0.5),
    )
    for row in range(n_mod):
        for col in range(n_cols):
            value = matrix[row, col]
            if math.isnan(value):
                text, colour = word("no_value", lang), "black"
            else:
                text = _cell_text(value, single, lang)
                colour = contrast_colour(cmap(norm(value)))
            ax.text(col, row, text, ha="center", va="center", color=colour, fontsize=13)
    # white lines between cells keep neighbouring colours apart in print
    for col in range(1, n_cols):
        ax.vlines(col - 0.5, -0.5, n_mod - 0.5, color="white", linewidth=2)
    for row in range(1, n_mod):
        ax.axhline(row - 0.5, color="white", linewidth=2)

    if extra:
        ax.add_patch(
            Rectangle(
                (-0.5, top),
                n_cols,
                bottom - top,
                facecolor=NOT_MODELLED_GREY,
                edgecolor="#9E9E9E",
                hatch="//",
                linewidth=0.8,
            )
        )
        for edge in edges[1:-1]:
            ax.axhline(edge, color="white", linewidth=1.5)
        ax.text(
            (n_cols - 1) / 2,
            (top + bottom) / 2,
            word("not_modelled", lang),
            ha="center",
            va="center",
            fontsize=14,
            style="normal",
            color="#222222",
            bbox={"facecolor": "white", "edgecolor": "#9E9E9E", "boxstyle": "round,pad=0.4"},
        )

    ax.set_yticks([*range(n_mod), *centres], labels + extra_labels, fontsize=12)
    for tick in ax.get_yticklabels()[n_mod:]:
        tick.set_color("#555555")
        tick.set_fontsize(10.5)
    ax.set_ylim(bottom, -0.5)
    ax.set_xlim(-0.5, n_cols - 0.5)
    names = [
        wrap(policy_label(p, lang, results.policy_names.get(p)), POLICY_WIDTH)
        for p in results.policies
    ]
    ax.set_xticks(range(n_cols), names, fontsize=12)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)

    title = word("scorecard_run_title" if single else "scorecard_title", lang)
    with mpl.rc_context(AUTO_TITLE):
        ax.set_title(title, loc="left", pad=14)
    if not single:
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, aspect=30)
        runs = word("fan_subtitle_many", lang, n=results.runs_per_policy)
        bar.set_label(f"{word('probability', lang)} ({runs})")
        bar.formatter = FuncFormatter(lambda v, _pos: percent(v, lang))
        bar.set_ticks([0, 0.25, 0.5, 0.75, 1.0])
        bar.outline.set_visible(False)
    return finish(fig, results, lang)


def _colormap() -> Colormap:
    """The sequential colour map, grey where there is no value."""
    return colormaps[SEQUENTIAL].with_extremes(bad=NO_VALUE_GREY)


def _cell_text(value: float, single: bool, lang: Lang) -> str:
    if single:
        return word("met" if value >= 0.5 else "missed", lang)
    return percent(value, lang)
