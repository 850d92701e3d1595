"""Which measure of a package does what: ``izsim levers`` results as one picture.

Rows are the package's measures, each twice — alone (added to the reference) and in the
package (removed from it) — then the whole package; columns are the plan's modelled targets.
A cell is the paired change in the probability of meeting the target, in percentage points, on
a diverging colour-blind-safe scale; the last column gives the change in public spending. A
measure whose two rows differ interacts with the rest of the package (docs/experiments.md).
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from izsim.errors import InputError, Problem
from izsim.present.language import Lang, number, policy_label, word
from izsim.present.marks import finish, target_text
from izsim.present.results import Results
from izsim.present.scorecard import AUTO_TITLE, contrast_colour, wrap
from izsim.present.style import WIDTH, figure_function, new_figure

DIVERGING = "PuOr_r"
"""Purple (worse) to orange (better) through white: colour-blind-safe and readable in grey."""
TARGET_WIDTH = 18
"""Characters per line of a target's label over its column."""
ROW_INCHES = 0.36
LIMIT_POINTS = 50.0
"""Colour scale ±50 points: larger changes take the end colour (the number says how large)."""


def read_lever_effects(results: Results) -> pd.DataFrame:
    """The folder's ``levers.csv`` (written by ``izsim levers``)."""
    path = results.folder / "levers.csv"
    if not path.exists():
        raise InputError([Problem(str(path), "", "no such file; it is written by `izsim levers`")])
    return pd.read_csv(path, keep_default_na=True, dtype={"target": str}).fillna({"target": ""})


@figure_function
def lever_chart(results: Results, *, lang: Lang = "en") -> Figure:
    """Measures × targets heatmap of the change in the probability of meeting each target.

    Args:
        results: the folder written by ``izsim levers`` (a comparison with ``levers.csv``).
        lang: ``en`` or ``vi``.

    Returns:
        The figure; its first axes holds the heatmap image, whose array is rows × targets in
        percentage points (masked where there is no value).
    """
    effects = read_lever_effects(results)
    targets = [t for t in results.modelled_targets() if t.id in set(effects["target"])]
    rows = list(dict.fromkeys(zip(effects["lever"], effects["effect"], strict=True)))
    matrix = np.full((len(rows), len(targets)), np.nan)
    spending = np.full(len(rows), np.nan)
    for r, (lever, effect) in enumerate(rows):
        mine = effects[(effects["lever"] == lever) & (effects["effect"] == effect)]
        by_target = dict(zip(mine["target"], mine["probability_difference"], strict=True))
        matrix[r] = [100 * by_target.get(t.id, math.nan) for t in targets]
        spend = mine.loc[mine["indicator"] == "public_spending_bn_vnd", "difference"]
        spending[r] = spend.iloc[0] if len(spend) else math.nan

    n_rows, n_cols = len(rows), len(targets)
    fig = new_figure(max(WIDTH, 5.5 + 1.25 * (n_cols + 1)), 3.2 + ROW_INCHES * n_rows)
    # the targets' names sit above the heatmap: its title goes above them (as the scorecard's)
    with mpl.rc_context(AUTO_TITLE):
        ax = fig.add_subplot()
    cmap = colormaps[DIVERGING]
    norm = Normalize(-LIMIT_POINTS, LIMIT_POINTS)
    image = ax.imshow(
        np.ma.masked_invalid(np.clip(matrix, -LIMIT_POINTS, LIMIT_POINTS)),
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
                continue
            colour = contrast_colour(cmap(norm(np.clip(value, -LIMIT_POINTS, LIMIT_POINTS))))
            ax.text(
                c,
                r,
                f"{value:+.0f}" if round(value) else "0",
                ha="center",
                va="center",
                color=colour,
                fontsize=10,
            )
        shown = (
            "—"
            if math.isnan(spending[r])
            else f"{'+' if spending[r] > 0 else ''}" + number(spending[r], lang, 0)
        )
        ax.text(n_cols - 0.35, r, shown, ha="left", va="center", fontsize=10)
    # a thick line between measures, a thin one between a measure's two rows
    for r in range(1, n_rows):
        thick = rows[r][0] != rows[r - 1][0]
        ax.axhline(r - 0.5, color="white" if not thick else "#555555", linewidth=2 if thick else 1)
    for c in range(1, n_cols):
        ax.axvline(c - 0.5, color="white", linewidth=1.5)

    labels = [
        f"{word(lever, lang, 'levers')} · {word(effect, lang, 'levers')}"
        if lever != "all"
        else word("package", lang, "levers")
        for lever, effect in rows
    ]
    ax.set_yticks(range(n_rows), labels, fontsize=10)
    names = [wrap(target_text(t, lang, short=True), TARGET_WIDTH, keep_last=True) for t in targets]
    ax.set_xticks(range(n_cols), names, fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, n_cols + 1.1)  # room for the spending column
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.text(
        n_cols - 0.35,
        -0.7,
        wrap(word("spending", lang, "levers"), 14),
        ha="left",
        va="bottom",
        fontsize=8.5,
        fontweight="bold",
    )
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)

    reference, package = results.reference, _package(effects, results)
    ref_name = policy_label(reference, lang, results.policy_names.get(reference))
    pkg_name = policy_label(package, lang, results.policy_names.get(package))
    fig.suptitle(word("title", lang, "levers"), x=0.01, ha="left", fontsize=14)
    with mpl.rc_context(AUTO_TITLE):
        ax.set_title(
            # long package names (and Vietnamese) would run past the figure's edge
            wrap(word("subtitle", lang, "levers", package=pkg_name, reference=ref_name), 120),
            loc="left",
            fontsize=10,
            pad=14,
        )
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, aspect=30)
    bar.set_label(word("colour_bar", lang, "levers"))
    bar.formatter = FuncFormatter(lambda v, _pos: f"{v:+.0f}" if round(v) else "0")
    return finish(fig, results, lang, policies=[reference, package])


def _package(effects: pd.DataFrame, results: Results) -> str:
    """The package's policy id: the one policy of the folder that is neither the reference nor
    a variant (variants are ``<reference>_with_…`` / ``<package>_without_…``)."""
    variants = {p for p in results.policies if "_with_" in p or "_without_" in p}
    others = [p for p in results.policies if p != results.reference and p not in variants]
    if len(others) != 1 or effects.empty:
        raise InputError(
            [Problem(str(results.folder), "", "is not a folder written by `izsim levers`")]
        )
    return others[0]
