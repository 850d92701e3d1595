"""One run on one page: the main indicators as small multiples, each against the plan.

Nine panels — output, its growth, industry's share of GRDP, industrial jobs, occupancy,
wastewater compliance and zones operating (KCN and CCN), public spending, and industrial land
— share one time axis. Each shows the plan's targets on what it plots (value and deadline) and
the observed values that fall in the simulated years. The page suits an A4 or letter sheet in
landscape and a slide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from izsim.indicators import CATALOGUE
from izsim.present import observed
from izsim.present.fans import (
    LEGEND_ROW,
    chosen_policy,
    is_share_of_zones,
    legend,
    level_targets,
    mark_history,
    observation_notes,
    observed_from,
    share_limits,
    start_year,
    time_limits,
)
from izsim.present.language import (
    Lang,
    indicator_label,
    month_text,
    policy_label,
    unit_label,
    word,
)
from izsim.present.marks import draw_observations, draw_target, finish, target_value_text
from izsim.present.observed import Observation
from izsim.present.results import Results
from izsim.present.style import (
    PALETTE,
    TARGET_COLOUR,
    figure_function,
    new_figure,
    number_axis,
    year_axis,
)
from izsim.present.zone_kinds import KINDS, Kind, draw_kind_observations
from izsim.scenario.schema import Target
from izsim.targets import measured

PAGE = (11.7, 8.3)  # inches: A4 landscape; letter and 16:9 slides take it with narrow margins
GROWTH_COLOUR = PALETTE[4]  # reddish purple
TITLE_CHARS = 30  # a panel title longer than this wraps
RECENT = 0.5  # years: observations from this long before the start on are drawn
# units of quantities that cannot fall below zero: their panels start at 0
NON_NEGATIVE_UNITS = ("count", "persons", "ha", "bn VND", "bn VND (2010 prices)")
OUTPUT = "industrial_output_bn_vnd"
GROWTH = "industrial_output_growth_avg"  # the panel that also shows growth targets on OUTPUT


@dataclass(frozen=True)
class Series:
    """One line of a panel: its indicator, how it is drawn and its label at the line's end."""

    indicator: str
    colour: str = "#000000"
    linestyle: str = "-"
    end_label: str = ""  # a labels.yaml key; empty for a panel's only line
    kind: Kind | None = None  # observed values of a kind of zone are drawn in its colour


@dataclass(frozen=True)
class Tile:
    """One panel: its lines and its title (a labels.yaml key, else the first line's label)."""

    lines: tuple[Series, ...]
    title_key: str = ""


def _kinds(stem: str) -> tuple[Series, ...]:
    return tuple(Series(k.of(stem), k.colour, k.linestyle, k.key, k) for k in KINDS)


TILES: tuple[Tile, ...] = (
    Tile((Series(OUTPUT),)),
    Tile((Series(GROWTH),)),
    Tile((Series("industry_share_grdp"),)),
    Tile((Series("jobs_industry"),)),
    Tile((Series("occupancy_rate"),)),
    Tile(_kinds("wwtp_compliance"), "panel_compliance"),
    Tile(_kinds("zones_operating"), "panel_zones"),
    Tile((Series("public_spending_bn_vnd"),)),
    Tile(
        (
            Series("land_serviced_ha", "#777777", "--", "land_serviced_short"),
            Series("land_leased_ha", "#000000", "-", "land_leased_short"),
        ),
        "panel_land",
    ),
)
"""The panels, row by row in a 3 × 3 grid."""


@figure_function
def run_panel(
    results: Results,
    *,
    lang: Lang = "en",
    policy: str | None = None,
    replicate: int = 0,
) -> Figure:
    """The main indicators of one run, one small panel each, against the plan's targets.

    Args:
        results: saved results of a single run, or of a comparison (then one of its runs).
        lang: ``en`` or ``vi``.
        policy: whose run; by default the reference.
        replicate: which of the policy's runs (0 = the first; a single run has only 0).

    Returns:
        A 3 × 3 page titled with the province's name: each panel the run's line(s), the
        targets on what it plots (a dashed line with the value, a dotted deadline), and
        observed values within the simulated years.

    Raises:
        ValueError: ``policy`` or ``replicate`` is not in ``results``.
    """
    policy = chosen_policy(results, policy)
    total = results.values[policy].shape[0]
    if not 0 <= replicate < total:
        raise ValueError(f"replicate {replicate} is not among the {total} runs of '{policy}'")

    fig = new_figure(*PAGE)
    grid = fig.add_gridspec(4, 3, height_ratios=[LEGEND_ROW / 3] * 3 + [1])
    first = start_year(results)
    scenario_id = results.scenario.scenario.id
    # observations from just before the start on: the panels keep the simulated years
    recent = {
        series.indicator: [
            o
            for o in observed.for_indicator(scenario_id, series.indicator)
            if observed_from(o) >= first - RECENT
        ]
        for tile in TILES
        for series in tile.lines
    }
    every = [o for found in recent.values() for o in found]
    left, right = time_limits(results, every)

    growth = growth_targets(results)
    targets = [tile_targets(results, tile, growth) for tile in TILES]
    axes: list[Axes] = []
    for i, tile in enumerate(TILES):
        ax = fig.add_subplot(grid[i // 3, i % 3], sharex=axes[0] if axes else None)
        axes.append(ax)
        draw_tile(ax, tile, targets[i], results, policy, replicate, recent, lang)
        mark_history(ax, results, lang, left)
        year_axis(ax)
        if i // 3 < 2:
            ax.tick_params(labelbottom=False)
    axes[0].set_xlim(left, right)

    name = results.scenario.scenario.name
    fig.suptitle(word("panel_title", lang, province=name))
    label = policy_label(policy, lang, results.policy_names.get(policy))
    seed = results.seeds[policy][replicate]
    if total > 1:
        note = word("panel_subtitle", lang, policy=label, n=replicate + 1, total=total, seed=seed)
    else:
        note = f"{label} · {word('one_run', lang)}, {word('seed', lang)} {seed}"
    entries: list[tuple[object, str]] = [
        (Line2D([], [], color="#000000"), word("simulated", lang)),
    ]
    if any(targets):
        entries += [
            (Line2D([], [], color=TARGET_COLOUR, linestyle="--"), word("plan_target", lang)),
            (Line2D([], [], color=TARGET_COLOUR, linestyle=":"), word("target_deadline", lang)),
        ]
    legend(fig.add_subplot(grid[3, :]), entries, axes, ncols=4, title=note)
    return finish(
        fig, results, lang, extra=" · ".join(observation_notes(every, lang)), policies=[policy]
    )


def growth_targets(results: Results) -> list[Target]:
    """Targets on the average growth of output from a month after the start (e.g. 2026–2030),
    drawn on the growth panel with the growth they measure."""
    return [
        t
        for t in results.modelled_targets()
        if t.indicator == OUTPUT and t.growth_since is not None
    ]


def tile_targets(results: Results, tile: Tile, growth: list[Target]) -> list[Target]:
    """The targets a panel shows: those on the level of its lines, and on the growth panel
    the ``growth`` targets."""
    targets = [t for series in tile.lines for t in level_targets(results, series.indicator)]
    return targets + growth if tile.lines[0].indicator == GROWTH else targets


def draw_tile(
    ax: Axes,
    tile: Tile,
    targets: list[Target],
    results: Results,
    policy: str,
    replicate: int,
    recent: dict[str, list[Observation]],
    lang: Lang,
) -> None:
    """One panel: its lines, their ``targets`` and observed values, title and units."""
    x = results.years()
    ends: list[tuple[float, str, str]] = []
    for series in tile.lines:
        values = results.series(series.indicator, policy)[replicate]
        ax.plot(
            x,
            values,
            color=series.colour,
            linestyle=series.linestyle,
            linewidth=1.9,
            gid=f"run:{series.indicator}",
        )
        valid = values[~np.isnan(values)]
        if series.end_label and len(valid):
            ends.append((float(valid[-1]), word(series.end_label, lang), series.colour))
        if series.kind is None:
            draw_observations(ax, recent[series.indicator], lang)
        else:
            draw_kind_observations(ax, recent[series.indicator], series.kind, lang)
    growth = [t for t in targets if t.growth_since is not None]
    if growth:
        draw_growth(ax, growth, results, policy, replicate, lang)
    first = tile.lines[0].indicator
    for target in targets:
        draw_target(ax, target, lang, label=False)
    title = word(tile.title_key, lang) if tile.title_key else indicator_label(first, lang)
    ax.set_title(wrap_title(title), loc="left", fontsize=12.5)
    ax.set_ylabel(unit_label(CATALOGUE[first].unit, lang), fontsize=11)
    ax.tick_params(labelsize=10.5)
    number_axis(ax.yaxis, lang)
    if is_share_of_zones(first):
        share_limits(ax)
    elif CATALOGUE[first].unit in NON_NEGATIVE_UNITS:
        ax.set_ylim(bottom=0)
    label_targets(ax, targets, lang)
    label_ends(ax, ends)


def wrap_title(title: str) -> str:
    """A title too long for a panel's width on two lines, broken after a comma or before a
    parenthesis where there is one (Vietnamese words of two syllables stay together more
    often that way), else as late as fits."""
    if len(title) <= TITLE_CHARS:
        return title
    spaces = [i for i, c in enumerate(title) if c == " " and 8 <= i <= TITLE_CHARS]
    if not spaces:
        return title
    marked = [i for i in spaces if title[i - 1] == "," or title[i + 1 : i + 2] == "("]
    cut = max(marked or spaces)
    return f"{title[:cut]}\n{title[cut + 1 :]}"


def draw_growth(
    ax: Axes, targets: list[Target], results: Results, policy: str, replicate: int, lang: Lang
) -> None:
    """Output's average growth from each growth target's base month, beside the growth since
    the start (the panel's first line), with a small legend telling the two apart."""
    x = results.years()
    output = results.series(OUTPUT, policy)[replicate]
    lines = [ax.get_lines()[0]]
    texts = [word("since_start", lang)]
    for target in targets:
        (line,) = ax.plot(
            x,
            measured(target, output, results.months[0]),
            color=GROWTH_COLOUR,
            linestyle="-.",
            linewidth=1.9,
            gid=f"growth:{target.id}",
        )
        since = month_text(target.growth_since or "", lang)
        text = word("growth_since", lang, month=since)
        if text not in texts:
            lines.append(line)
            texts.append(text)
    ax.legend(lines, texts, loc="lower right", fontsize=10, handlelength=1.6)


def spread(levels: list[float], gap: float) -> list[float]:
    """Positions (axes fractions, 0–1) near ``levels`` at least ``gap`` apart, in their order
    from the top; labels at those positions do not overlap."""
    order = sorted(range(len(levels)), key=lambda i: -levels[i])
    placed = [0.0] * len(levels)
    ceiling = 1.0
    for i in order:
        placed[i] = min(levels[i], ceiling)
        ceiling = placed[i] - gap
    lowest = min(placed, default=0.0)
    if lowest < 0.03:  # pushed below the axes: shift all up
        placed = [p + 0.03 - lowest for p in placed]
    return placed


def _fraction(ax: Axes, value: float) -> float:
    low, high = ax.get_ylim()
    return (value - low) / (high - low)


def label_ends(ax: Axes, ends: list[tuple[float, str, str]]) -> None:
    """Name the lines of a panel in the margin at their right ends (no legend needed)."""
    if not ends:
        return
    positions = spread([_fraction(ax, value) for value, _, _ in ends], 0.11)
    for (_, text, colour), y in zip(ends, positions, strict=True):
        ax.text(
            1.015,
            y,
            text,
            transform=ax.transAxes,
            ha="left",
            va="center",
            fontsize=10.5,
            fontweight="bold",
            color=colour,
        )


def label_targets(ax: Axes, targets: list[Target], lang: Lang) -> None:
    """Write each target's value and deadline year(s) at the left, by its line."""
    years: dict[str, list[str]] = {}
    levels: dict[str, float] = {}
    for target in targets:
        text = target_value_text(target, lang)
        years.setdefault(text, [])
        if target.deadline[:4] not in years[text]:
            years[text].append(target.deadline[:4])
        value = target.value
        levels[text] = float(value[1] if isinstance(value, tuple) else value)
    if not years:
        return
    texts = list(years)
    # just above each line, lower where the line runs along the top of the panel
    wanted = [min(_fraction(ax, levels[t]) + 0.06, 0.92) for t in texts]
    for text, y in zip(texts, spread(wanted, 0.11), strict=True):
        ax.text(
            0.02,
            y,
            f"{text} ({', '.join(years[text])})",
            transform=ax.transAxes,
            ha="left",
            va="center",
            fontsize=10.5,
            color=TARGET_COLOUR,
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1},
        )
