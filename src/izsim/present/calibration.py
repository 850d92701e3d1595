"""Calibration figures: each fitted pattern's band before and after, against what happened."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from izsim.present.language import LANGS, Lang, number, unit_label, word
from izsim.present.style import add_source, figure_function, new_figure, save, settle

GROUP = "calibration"


@figure_function
def pattern_bands(table: pd.DataFrame, lang: Lang, *, scenario: str, runs: int) -> Figure:
    """One row per pattern: the tolerance as a shaded band, the prior and calibrated 5–95 %
    bars with their medians; each row on its own scale (the patterns' units differ).

    Args:
        table: rows as ``experiments/calibrate_shared.readings`` writes them.
        lang: ``en`` or ``vi``.
        scenario: the scenario calibrated on (named in the source line).
        runs: the calibration's model runs.
    """
    rows = len(table)
    # the title, the legend and the source line take about 2 in whatever the rows (with one
    # pattern, a province's, they overlapped its axis)
    fig = new_figure(height=2.0 + 0.9 * rows)
    # a last row, without axes, holds the legend: placed by the layout like the patterns, it
    # cannot run into the title or the source line (a legend outside the axes did, one or
    # the other)
    grid = fig.subplots(
        rows + 1, 1, squeeze=False, gridspec_kw={"height_ratios": [1.0] * rows + [0.6]}
    )[:, 0]
    axes, key = grid[:-1], grid[-1]
    key.axis("off")
    for ax, row in zip(axes, table.itertuples(), strict=True):
        ax.axvspan(
            row.tolerance_low,
            row.tolerance_high,
            color="#9ecae1",
            alpha=0.6,
            label=word("tolerance", lang, GROUP),
        )
        for y, kind, colour in ((1, "prior", "#969696"), (0, "calibrated", "#d94801")):
            low, mid, high = (getattr(row, f"{kind}_{q}") for q in ("p5", "median", "p95"))
            if pd.notna(mid):
                ax.plot(
                    [low, high],
                    [y, y],
                    color=colour,
                    linewidth=4,
                    solid_capstyle="butt",
                    label=word(kind, lang, GROUP),
                )
                ax.plot([mid], [y], "o", color="black", markersize=4)
            mean = getattr(row, f"{kind}_mean", float("nan"))
            if pd.notna(mean):
                ax.plot(
                    [mean],
                    [y],
                    "D",
                    color="white",
                    markeredgecolor="black",
                    markersize=6,
                    label=word("mean", lang, GROUP),
                )
        ax.set_ylim(-0.8, 1.8)
        ax.set_yticks([])
        title = f"{row.pattern} ({unit_label(row.unit, lang)})"
        if not row.cut_on:
            why = "not_cut" if getattr(row, "uncut", False) else "left_out"
            title += f": {word(why, lang, GROUP)}"
        ax.set_title(title, loc="left", fontsize="small")
    handles, labels = [], []
    for ax in axes:  # the first row may lack a bar (no accepted set)
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    key.legend(handles, labels, loc="center", ncol=2, fontsize="small", frameon=False)
    fig.suptitle(word("title", lang, GROUP))
    made = word("source", lang, GROUP, scenario=scenario, runs=number(runs, lang, 0))
    add_source(fig, f"{word('band', lang, GROUP)}. {made}")
    settle(fig)
    return fig


def pattern_bands_figure(
    table: pd.DataFrame, stem: Path, *, scenario: str, runs: int
) -> list[Path]:
    """The figure in each language: ``<stem>.en.png`` and ``<stem>.vi.png``."""
    written = []
    for lang in LANGS:
        fig = pattern_bands(table, lang, scenario=scenario, runs=runs)
        written += save(fig, stem.with_name(f"{stem.name}.{lang}"), ("png",))
    return written
