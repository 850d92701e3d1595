"""Figures of a sensitivity study: which assumptions move which output, and how.

A sweep writes ``sensitivity.csv``, a tidy table with columns ``output, factor, index, value,
conf``. ``index`` is ``mu_star``, ``mu`` or ``sigma`` for a Morris screening (``conf``: the 95 %
bootstrap half-width of ``mu_star``, NaN for the others) or ``S1`` and ``ST`` for Sobol indices
(``conf``: their 95 % half-widths). Three pictures read it:

* :func:`morris_chart`: μ* against σ for one output; the most influential parameters numbered
  on the plot and named, ranked, beside it (numbers, not names, on the plot: names are long and
  the influential points are often close together).
* :func:`sobol_chart`: S1 and ST bars with their intervals for one output.
* :func:`ranking_chart`: parameters × outputs, coloured by μ* or ST scaled to each output's
  largest, so a reader sees which assumptions matter for which output.

:func:`write_study_figures` writes them all, in English and Vietnamese. A study's
``discovery.csv`` (scenario discovery) is a set of sentences, not a picture, and is left alone.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.ticker import FuncFormatter

from izsim.errors import InputError, Problem
from izsim.experiments.space import REST
from izsim.indicators import CATALOGUE
from izsim.present.language import Lang, indicator_label, number, unit_label, word
from izsim.present.scorecard import AUTO_TITLE, NO_VALUE_GREY, contrast_colour
from izsim.present.style import (
    HATCHES,
    PALETTE,
    SEQUENTIAL,
    WIDTH,
    add_source,
    figure_function,
    new_figure,
    number_axis,
    save,
)

GROUP = "sensitivity"
"""The labels file's group of this module's words."""
MORRIS = ("mu_star", "mu", "sigma")
SOBOL = ("S1", "ST")
LABEL_CHARS = 40
"""Longest shortened parameter name, in characters: a tick label or a side-panel line at 10-11
points stays under about 3 inches, so the plot keeps most of a slide's width."""
HIGHLIGHT = PALETTE[1]  # blue: the ranked parameters
OTHERS = "#9A9A9A"  # grey: the rest, present but not named
S1_COLOUR, ST_COLOUR = PALETTE[1], PALETTE[3]  # blue and orange, told apart in grey by hatching
ROW_INCHES = 0.42
"""Height of a ranking table's row (two-line labels fit at 10 points)."""


# ----------------------------------------------------------------------------- names


def _parts(name: str) -> list[str]:
    """``name`` split at its dots, except dots inside brackets (``zones[a.b].x``)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(name):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return [p for p in parts if p] or [name]


def _clip(text: str, limit: int) -> str:
    """``text`` cut in the middle to ``limit`` characters (both ends say the most)."""
    if len(text) <= limit:
        return text
    keep = limit - 1
    head = keep // 2
    return f"{text[:head]}…{text[len(text) - (keep - head) :]}"


def short_names(names: Sequence[str], limit: int = LABEL_CHARS) -> dict[str, str]:
    """Display names of parameters: their last two parts, and never two alike.

    ``economy.existing_output_growth_pct`` stays whole; ``agencies.inspection.rate_per_year``
    becomes ``inspection.rate_per_year``. Names that would show alike get more of their parts
    back until they differ; names longer than ``limit`` are cut in the middle, and where the cut
    makes two alike, they are shown whole.

    Args:
        names: the parameters' full names (duplicates are shown once).
        limit: the longest display name, in characters.

    Returns:
        Full name → display name, one distinct display name per distinct full name.
    """
    unique = list(dict.fromkeys(names))
    parts = {n: _parts(n) for n in unique}
    depth = dict.fromkeys(unique, 2)

    def shown(n: str) -> str:
        return _clip(".".join(parts[n][-depth[n] :]), limit)

    for _ in range(max((len(p) for p in parts.values()), default=0) + 1):
        groups: dict[str, list[str]] = {}
        for n in unique:
            groups.setdefault(shown(n), []).append(n)
        clashes = [g for g in groups.values() if len(g) > 1]
        if not clashes:
            return {n: shown(n) for n in unique}
        for group in clashes:
            for n in group:
                depth[n] = min(depth[n] + 1, len(parts[n]))
    # more parts did not help (the cut hides the difference): those are shown whole, which
    # differ because the full names do; a whole name cannot equal another's shortened one
    # unless that one is whole too, as shortening only removes characters or adds "…"
    result = {n: shown(n) for n in unique}
    counts: dict[str, int] = {}
    for text in result.values():
        counts[text] = counts.get(text, 0) + 1
    return {n: (n if counts[text] > 1 else text) for n, text in result.items()}


def factor_names(names: Sequence[str], lang: Lang) -> dict[str, str]:
    """:func:`short_names`, with the Sobol' group ``rest`` (every ranged number a study does not
    name, moving together) said in words."""
    shown = short_names(names)
    if REST in shown:
        shown[REST] = word("rest_group", lang, GROUP)
    return shown


def output_label(output: str, lang: Lang) -> str:
    """An output's name for a reader: the catalogue's label if it is an indicator."""
    return indicator_label(output, lang) if output in CATALOGUE else output


def _output_unit(output: str, lang: Lang) -> str:
    # after a comma: the labels end in "(μ*)" already
    return f", {unit_label(CATALOGUE[output].unit, lang)}" if output in CATALOGUE else ""


# ----------------------------------------------------------------------------- data


def _indices(frame: pd.DataFrame, output: str, wanted: Sequence[str]) -> pd.DataFrame:
    """One row per factor of ``output``, columns the ``wanted`` indices and ``<index>_conf``."""
    rows = frame[(frame["output"] == output) & frame["index"].isin(wanted)]
    if rows.empty:
        held = sorted(set(frame.loc[frame["output"] == output, "index"]))
        raise ValueError(
            f"sensitivity frame has no {'/'.join(wanted)} rows for output {output!r}"
            + (f" (it has {', '.join(map(str, held))})" if held else " (no rows at all)")
        )
    values = rows.pivot(index="factor", columns="index", values="value")
    confs = rows.pivot(index="factor", columns="index", values="conf").add_suffix("_conf")
    table = values.join(confs)
    for name in wanted:  # a frame may lack one index (mu), the charts read NaN then
        table[name] = table.get(name, np.nan)
        table[f"{name}_conf"] = table.get(f"{name}_conf", np.nan)
    return table


def _source(fig: Figure, method: str, n: int, lang: Lang) -> None:
    add_source(
        fig,
        f"{word('source', lang)}: {word('made_by', lang)}, "
        f"{word(f'source_{method}', lang, GROUP, n=n)}",
    )


def _wrap(text: str, width: int) -> str:
    # ids (industry_labour_share_2025) have no spaces: let them break after an underscore
    marked = text.replace("_", "_\x00 ")  # a space textwrap may break at, marked to remove
    lines = textwrap.wrap(marked, width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(line.replace("\x00 ", "").replace("\x00", "") for line in lines) or text


# ----------------------------------------------------------------------------- Morris


@figure_function
def morris_chart(
    frame: pd.DataFrame,
    output: str,
    *,
    lang: Lang = "en",
    top: int = 12,
    title: str | None = None,
) -> Figure:
    """μ* against σ of every parameter for one output (Morris screening).

    The ``top`` parameters by μ* are blue and numbered by rank; the panel on the right names
    them. A dashed line marks σ = μ*: parameters above it act non-linearly or through
    interactions.

    Args:
        frame: a tidy sensitivity frame (columns ``output, factor, index, value, conf``) with
            ``mu_star`` and ``sigma`` rows for ``output``.
        output: the output to draw.
        lang: ``en`` or ``vi``.
        top: how many parameters to number and name.
        title: the figure's title; by default one naming the output.

    Returns:
        The figure. Its first axes is the scatter: its first collection holds the points, in
        descending order of μ*, and its texts are the rank numbers ``1`` … ``top``. Its second
        axes is the ranked list (texts: a heading, then each rank and its name).
    """
    table = _indices(frame, output, MORRIS).sort_values("mu_star", ascending=False)
    table = table[np.isfinite(table["mu_star"]) & np.isfinite(table["sigma"])]
    n = len(table)
    k = min(top, n)
    names = short_names(list(table.index))

    fig = new_figure()
    # the panel as wide as its longest name needs (DejaVu Sans: about 0.6 em a character at
    # 10.5 points, plus the rank): the layout engine does not move text out of the page's edge
    longest = max((len(names[f]) for f in table.index[:k]), default=0)
    panel_inches = max(3.3, (longest * 0.6 * 10.5 + 30) / 72)
    grid = fig.add_gridspec(1, 2, width_ratios=(WIDTH - 1.3 - panel_inches, panel_inches))
    ax = fig.add_subplot(grid[0])
    panel = fig.add_subplot(grid[1])
    panel.axis("off")

    mu_star = table["mu_star"].to_numpy(dtype=float)
    sigma = table["sigma"].to_numpy(dtype=float)
    conf = np.nan_to_num(table["mu_star_conf"].to_numpy(dtype=float), nan=0.0)
    colours = [HIGHLIGHT] * k + [OTHERS] * (n - k)
    # the ranked ones drawn last (on top), the grey ones first: order of the data kept for tests
    ax.scatter(mu_star, sigma, s=36, c=colours, zorder=3, edgecolors="white", linewidths=0.6)
    ax.errorbar(
        mu_star,
        sigma,
        xerr=conf,
        fmt="none",
        ecolor="#888888",
        elinewidth=1.0,
        capsize=2.5,
        zorder=2,
    )
    x_high = float(np.max(mu_star + conf, initial=0.0)) or 1.0
    y_high = float(np.max(sigma, initial=0.0)) or 1.0
    ax.set_xlim(0, 1.06 * x_high)
    ax.set_ylim(0, 1.1 * y_high)
    reach = max(x_high, y_high)
    guide = np.array([0, 2 * reach])
    ax.plot(guide, guide, linestyle="--", color="#555555", linewidth=1.2, zorder=1)
    _label_guide(ax, lang)
    unit = _output_unit(output, lang)
    ax.set_xlabel(word("mu_star", lang, GROUP) + unit)
    ax.set_ylabel(word("sigma", lang, GROUP) + unit)
    number_axis(ax.xaxis, lang)
    number_axis(ax.yaxis, lang)

    _ranked_panel(panel, [names[f] for f in table.index[:k]], n - k, lang)
    fig.suptitle(
        _wrap(title or word("morris_title", lang, GROUP, output=output_label(output, lang)), 78),
        x=0.01,
        ha="left",
        fontsize=15,
    )
    _source(fig, "morris", n, lang)
    # numbers go where they collide with nothing; that needs the axes' final place on the page
    FigureCanvasAgg(fig)
    fig.get_layout_engine().execute(fig)  # type: ignore[union-attr]
    _number_points(ax, mu_star, sigma, k, conf)
    return fig


def _label_guide(ax: Axes, lang: Lang) -> None:
    """Name the dashed line where it leaves the plot, on the side away from it (the line runs
    down to the left, so right-below a top exit and left-above a right exit are clear)."""
    x_high, y_high = ax.get_xlim()[1], ax.get_ylim()[1]
    at_top = y_high <= x_high
    end = y_high if at_top else x_high
    ax.annotate(
        word("guide_label", lang, GROUP),
        (end, end),
        xytext=(5, -4) if at_top else (-4, 4),
        textcoords="offset points",
        ha="left" if at_top else "right",
        va="top" if at_top else "bottom",
        fontsize=10,
        color="#555555",
        annotation_clip=False,
    ).set_in_layout(False)


def _ranked_panel(panel: Axes, names: list[str], others: int, lang: Lang) -> None:
    """The ranked names beside the scatter, then the notes on the line and the bars."""
    line = 0.052
    panel.text(0, 1, word("ranked", lang, GROUP), fontsize=12, fontweight="bold", va="top")
    y = 1 - 1.4 * line
    for rank, name in enumerate(names, start=1):
        panel.text(0, y, f"{rank:>2}", fontsize=10.5, fontweight="bold", color=HIGHLIGHT, va="top")
        panel.text(0.09, y, name, fontsize=10.5, va="top")
        y -= line
    notes = [word("others", lang, GROUP, n=others)] if others else []
    notes += [word("morris_bars", lang, GROUP), word("guide_note", lang, GROUP)]
    panel.text(
        0,
        min(y - 0.5 * line, 0.3),
        "\n\n".join(_wrap(note, 44) for note in notes),
        fontsize=9.5,
        color="#333333",
        va="top",
        linespacing=1.25,
    )


def _number_points(
    ax: Axes, x: np.ndarray, y: np.ndarray, k: int, conf: np.ndarray | None = None
) -> None:
    """Rank numbers beside the first ``k`` points, each where it overlaps no point and no
    number placed before it (tried close first, then further out); else the least crowded."""
    to_pixels = ax.transData.transform
    points = to_pixels(np.column_stack([x, y])) if len(x) else np.zeros((0, 2))
    scale = ax.figure.dpi / 72  # points to pixels
    size = 10 * scale
    marker = 4.5 * scale
    taken: list[tuple[float, float, float, float]] = [
        (px - marker, py - marker, px + marker, py + marker) for px, py in points
    ]
    # the error bars too: a number on one reads as a negative number ("–1")
    if conf is not None:
        bar = 1.5 * scale
        for (px, py), width in zip(
            points, to_pixels(np.column_stack([x + conf, y]))[:, 0] - points[:, 0], strict=True
        ):
            taken.append((px - width, py - bar, px + width, py + bar))
    frame = ax.get_window_extent()
    # twelve directions, the diagonals first (a number there reads as the point's)
    angles = np.radians([45, -45, 135, -135, 0, 180, 90, -90, 20, -20, 160, -160])
    directions = list(zip(np.cos(angles), np.sin(angles), strict=True))
    for i in range(k):
        text = str(i + 1)
        # bold digits are about 0.65 em wide; the padding keeps the white halos apart
        width, height = (0.65 * len(text) + 0.4) * size, 1.2 * size
        best, best_cost = (0.0, 0.0), math.inf
        for reach in (9, 14, 20, 28, 40, 54):
            for dx, dy in directions:
                ox, oy = dx * reach * scale, dy * reach * scale
                cx, cy = points[i][0] + ox, points[i][1] + oy
                box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
                cost = sum(_overlap(box, other) for other in taken)
                if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                    cost += width * height  # off the plot: as bad as covering another number
                cost += 0.01 * reach  # closer is better when both are free
                if cost < best_cost:
                    best, best_cost = (ox, oy), cost
            if best_cost < 1:  # free spot at this distance
                break
        taken.append(
            (
                points[i][0] + best[0] - width / 2,
                points[i][1] + best[1] - height / 2,
                points[i][0] + best[0] + width / 2,
                points[i][1] + best[1] + height / 2,
            )
        )
        far = math.hypot(*best) > 15 * scale
        ax.annotate(
            text,
            (x[i], y[i]),
            xytext=(best[0] / scale, best[1] / scale),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            color=HIGHLIGHT,
            zorder=4,
            # a white halo keeps the number legible over grid lines and error bars
            path_effects=[withStroke(linewidth=3, foreground="white")],
            # a thin leader when the number had to move away from its point
            arrowprops={"arrowstyle": "-", "color": HIGHLIGHT, "linewidth": 0.6, "shrinkA": 4}
            if far
            else None,
        ).set_in_layout(False)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


# ----------------------------------------------------------------------------- Sobol


@figure_function
def sobol_chart(
    frame: pd.DataFrame,
    output: str,
    *,
    lang: Lang = "en",
    top: int = 8,
    title: str | None = None,
) -> Figure:
    """S1 and ST of the ``top`` parameters by ST for one output, with 95 % intervals.

    Args:
        frame: a tidy sensitivity frame with ``S1`` and ``ST`` rows for ``output``.
        output: the output to draw.
        lang: ``en`` or ``vi``.
        top: how many parameters to show (the largest ST first, at the top).
        title: the figure's title; by default one naming the output.

    Returns:
        The figure. Its first axes holds the bars: the first ``k`` patches are the S1 bars and
        the next ``k`` the ST bars, both from the top row down; the y tick labels name the
        parameters in that order.
    """
    table = _indices(frame, output, SOBOL)
    total_s1 = float(np.nansum(table["S1"].to_numpy(dtype=float)))
    n = len(table)
    table = table[np.isfinite(table["ST"])].sort_values("ST", ascending=False)
    shown = table.iloc[: min(top, len(table))]
    k = len(shown)
    names = factor_names(list(table.index), lang)

    fig = new_figure(WIDTH, max(4.6, 2.9 + 0.55 * k))
    ax = fig.add_subplot()
    rows = np.arange(k)
    half = 0.38
    for offset, index, colour, hatch in (
        (-half / 2, "S1", S1_COLOUR, HATCHES[1]),
        (half / 2, "ST", ST_COLOUR, HATCHES[0]),
    ):
        values = shown[index].to_numpy(dtype=float)
        errors = shown[f"{index}_conf"].to_numpy(dtype=float)
        ax.barh(
            rows + offset,
            np.nan_to_num(values),
            height=half,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.5,
            label=word(index.lower(), lang, GROUP),
            xerr=np.nan_to_num(errors),
            error_kw={"ecolor": "#333333", "elinewidth": 1.0, "capsize": 3},
        )
    ax.set_yticks(rows, [names[f] for f in shown.index], fontsize=11)
    ax.set_ylim(k - 0.5, -0.5)  # the largest ST at the top
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    low = min(0.0, float(np.nanmin((shown["S1"] - shown["S1_conf"].fillna(0)).to_numpy())))
    high = float(np.nanmax((shown["ST"] + shown["ST_conf"].fillna(0)).to_numpy(), initial=0.0))
    ax.set_xlim(low * 1.1, max(high * 1.08, 0.05))
    ax.set_xlabel(word("sobol_axis", lang, GROUP))
    number_axis(ax.xaxis, lang)
    # bottom right: the smallest bars are there (sorted); the note goes in the subtitle, where
    # it cannot cover a bar (a legend outside the axes ran into the source line)
    ax.legend(loc="lower right", fontsize=11, framealpha=0.9, frameon=True, edgecolor="none")
    fig.suptitle(
        _wrap(title or word("sobol_title", lang, GROUP, output=output_label(output, lang)), 78),
        x=0.01,
        ha="left",
        fontsize=15,
    )
    subtitle = " · ".join([word("top_of", lang, GROUP, k=k, n=n), word("sobol_bars", lang, GROUP)])
    held = "s1_sum_rest" if REST in table.index else "s1_sum"
    note = word(held, lang, GROUP, n=n, total=number(total_s1, lang, 2))
    ax.set_title(
        _wrap(subtitle, 80) + "\n" + _wrap(note, 80),
        loc="left",
        fontsize=11,
        fontweight="normal",
        pad=8,
        linespacing=1.3,
    )
    _source(fig, "sobol", n, lang)
    return fig


# ----------------------------------------------------------------------------- ranking


def ranking_index(frame: pd.DataFrame) -> str:
    """The index the ranking uses: ``ST`` when the frame has Sobol indices, else ``mu_star``,
    else ``spearman`` (an LHS or grid study's rank correlations, ranked by their size)."""
    held = set(frame["index"])
    for index in ("ST", "mu_star", "spearman"):
        if index in held:
            return index
    raise ValueError("sensitivity frame has no ST, mu_star or spearman rows to rank parameters by")


def ranking_matrix(
    frame: pd.DataFrame, outputs: Sequence[str], top: int = 10
) -> tuple[list[str], np.ndarray, str]:
    """The parameters to show and their parameters × outputs matrix of scaled influence.

    Each output's column is divided by its largest value, so 1 marks the most influential
    parameter of each output (outputs' units differ, their raw μ* cannot be compared).

    Returns:
        The factors (most influential first: by their largest scaled value over the outputs,
        ties by the mean), the matrix (NaN where an output has no value for a factor) and the
        index used (``ST`` or ``mu_star``).
    """
    index = ranking_index(frame)
    rows = frame[(frame["index"] == index) & frame["output"].isin(outputs)]
    table = rows.pivot(index="factor", columns="output", values="value").reindex(columns=outputs)
    peak = table.abs().max(axis=0).replace(0, np.nan)
    # a rank correlation matters by its size, whichever its sign
    scaled = (table.abs() if index == "spearman" else table.clip(lower=0)) / peak
    order = pd.DataFrame({"max": scaled.max(axis=1), "mean": scaled.mean(axis=1)})
    order = order.sort_values(["max", "mean"], ascending=False, kind="stable")
    factors = list(order.index[:top])
    return factors, scaled.loc[factors].to_numpy(dtype=float), index


@figure_function
def ranking_chart(
    frame: pd.DataFrame, outputs: Sequence[str], *, lang: Lang = "en", top: int = 10
) -> Figure:
    """Parameters × outputs table coloured by each parameter's influence on each output.

    Args:
        frame: a tidy sensitivity frame; the colour is ST if it has Sobol rows, else μ*.
        outputs: the outputs (columns), in this order.
        lang: ``en`` or ``vi``.
        top: how many parameters (rows) to show.

    Returns:
        The figure; its first axes holds the image, whose array is the parameters × outputs
        matrix of :func:`ranking_matrix` (masked where there is no value).
    """
    outputs = list(outputs)
    factors, matrix, index = ranking_matrix(frame, outputs, top)
    n_all = frame.loc[frame["index"] == index, "factor"].nunique()
    names = factor_names(factors, lang)
    n_rows, n_cols = len(factors), len(outputs)
    fig = new_figure(max(WIDTH, 6.0 + 1.7 * n_cols), 2.9 + ROW_INCHES * n_rows)
    with mpl.rc_context(AUTO_TITLE):  # the outputs' names sit above the table, the title above
        ax = fig.add_subplot()
    cmap = colormaps[SEQUENTIAL].with_extremes(bad=NO_VALUE_GREY)
    norm = Normalize(0.0, 1.0)
    image = ax.imshow(
        np.ma.masked_invalid(matrix),
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
        extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
    )
    for r in range(n_rows):
        for c in range(n_cols):
            value = matrix[r, c]
            if math.isnan(value):
                text, colour = "–", "black"
            else:
                text, colour = number(value, lang, 2), contrast_colour(cmap(norm(value)))
            ax.text(c, r, text, ha="center", va="center", color=colour, fontsize=11)
    for c in range(1, n_cols):
        ax.axvline(c - 0.5, color="white", linewidth=2)
    for r in range(1, n_rows):
        ax.axhline(r - 0.5, color="white", linewidth=1)
    ax.set_yticks(range(n_rows), [names[f] for f in factors], fontsize=11)
    ax.set_xticks(range(n_cols), [_wrap(output_label(o, lang), 18) for o in outputs], fontsize=10.5)
    ax.xaxis.tick_top()
    ax.set_ylabel(word("parameter", lang, GROUP))
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    key = {"ST": "st", "mu_star": "mu_star", "spearman": "spearman"}[index]
    fig.suptitle(word("ranking_title", lang, GROUP), x=0.01, ha="left", fontsize=15)
    with mpl.rc_context(AUTO_TITLE):
        ax.set_title(
            _wrap(word(f"ranking_subtitle_{key}", lang, GROUP, k=n_rows, n=n_all), 80),
            loc="left",
            fontsize=10.5,
            fontweight="normal",
            pad=12,
        )
    bar = fig.colorbar(image, ax=ax, fraction=0.035, pad=0.02, aspect=25)
    bar.set_label(_wrap(word(f"colour_{key}", lang, GROUP), 40), fontsize=10.5)
    bar.formatter = FuncFormatter(lambda v, _pos: number(v, lang))  # 0.25, not 0.2
    bar.set_ticks([0, 0.25, 0.5, 0.75, 1.0])
    bar.outline.set_visible(False)
    _source(fig, {"ST": "sobol", "mu_star": "morris", "spearman": "lhs"}[index], n_all, lang)
    return fig


# ----------------------------------------------------------------------------- files


def read_sensitivity(folder: Path) -> pd.DataFrame:
    """A study folder's ``sensitivity.csv``."""
    path = Path(folder) / "sensitivity.csv"
    if not path.exists():
        raise InputError([Problem(str(path), "", "no such file; a sensitivity sweep writes it")])
    frame = pd.read_csv(path, dtype={"output": str, "factor": str, "index": str})
    missing = {"output", "factor", "index", "value", "conf"} - set(frame.columns)
    if missing:
        raise InputError(
            [Problem(str(path), "", f"lacks the columns {', '.join(sorted(missing))}")]
        )
    return frame


def _file_stem(output: str) -> str:
    """``output`` as part of a file name (outputs may hold ``:`` or ``/``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", output).strip("_") or "output"


def write_study_figures(
    folder: Path,
    *,
    langs: Sequence[Lang] = ("en", "vi"),
    formats: tuple[str, ...] = ("png",),
) -> list[Path]:
    """Write a sensitivity study's figures into ``folder/figures/<lang>/``.

    For each output of ``folder/sensitivity.csv``: ``morris_<output>`` if it has Morris
    indices, ``sobol_<output>`` if it has Sobol indices; then ``ranking`` across the outputs
    that are not met/missed flags (``.met``).
    ``discovery.csv``, if the folder has one, needs no figure and is not read.

    Args:
        folder: the study's folder.
        langs: the languages to draw.
        formats: file formats (``png``, ``svg``, ``pdf``).

    Returns:
        The paths written, in order.

    Raises:
        InputError: ``sensitivity.csv`` is missing or lacks a column.
    """
    folder = Path(folder)
    frame = read_sensitivity(folder)
    outputs = list(dict.fromkeys(frame["output"]))
    paths: list[Path] = []
    for lang in langs:
        out = folder / "figures" / lang
        for output in outputs:
            held = set(frame.loc[frame["output"] == output, "index"])
            if {"mu_star", "sigma"} <= held:
                fig = morris_chart(frame, output, lang=lang)
                paths += save(fig, out / f"morris_{_file_stem(output)}", formats)
            if "ST" in held:
                fig = sobol_chart(frame, output, lang=lang)
                paths += save(fig, out / f"sobol_{_file_stem(output)}", formats)
        # the ranking reads across outputs: targets' measures, not their met/missed flags,
        # which repeat them coarsely and would double the table's width
        ranked = [o for o in outputs if not o.endswith(".met")] or outputs
        if ranked:
            paths += save(ranking_chart(frame, ranked, lang=lang), out / "ranking", formats)
    return paths
