"""The zone timeline: each zone's stage (planned, in approval, clearing, building, operating)
and its central wastewater plant over time, one row per zone (tiến độ các KCN, CCN)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from izsim.model.zone import PLANT_STATES, STAGES
from izsim.present.language import Lang, percent, policy_label, word
from izsim.present.marks import finish
from izsim.present.results import NOT_HELD, Results
from izsim.present.style import figure_function, new_figure, year_axis

# Stages are ordered, so a light-to-dark ramp (readable in grey) shows progress at a glance.
STAGE_COLOURS = {
    "planned": "#F2F2F2",
    "approved": "#D9D2E9",
    "clearing": "#B4A7D6",
    "building": "#8E7CC3",
    "operating": "#3D2B7A",
}
PLANT_LOOK = {
    "building": {"facecolor": "#FFFFFF", "edgecolor": "#E69F00", "hatch": "////"},
    "not_compliant": {"facecolor": "#D55E00", "edgecolor": "#D55E00", "hatch": "xx"},
    "compliant": {"facecolor": "#009E73", "edgecolor": "#009E73", "hatch": ""},
}
KIND_ORDER = {"kcn": 0, "high_tech": 0, "ccn": 1}
NAME_CHARS = 30  # zone names wrap beyond this, so long names do not squeeze the bars
NAME_LINES = 2  # a row holds two lines of its name; a third runs into the next row's
NAME_CHARS_MOST = 45  # a name wraps wider, up to this, to keep to two lines
SUBTITLE_CHARS = 110


def zone_label(name: str) -> str:
    """A zone's name wrapped for its row: at :data:`NAME_CHARS` characters, or wider (up to
    :data:`NAME_CHARS_MOST`) where that would take more than :data:`NAME_LINES` lines."""
    for width in range(NAME_CHARS, NAME_CHARS_MOST + 1):
        lines = textwrap.wrap(name, width, break_long_words=False)
        if len(lines) <= NAME_LINES:
            break
    return "\n".join(lines)


def median_states(codes: np.ndarray) -> np.ndarray:
    """For every month and zone, the furthest state that at least half of the runs have
    reached (the median of the ordered codes).

    Stages only move forward, so each zone's median stage moves forward too and its bars read
    as a typical schedule (a month-by-month mode could jump back and forth).

    Args:
        codes: runs × months × zones, in order of progress.

    Returns:
        months × zones.
    """
    runs = codes.shape[0]
    return np.sort(codes, axis=0)[runs // 2]


def _segments(row: np.ndarray) -> list[tuple[int, int, int]]:
    """(first month, length, code) of each run of equal codes."""
    edges = np.flatnonzero(np.diff(row)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(row)]))
    return [(int(a), int(b - a), int(row[a])) for a, b in zip(starts, ends, strict=True)]


@figure_function
def zone_timeline(
    results: Results, *, lang: Lang = "en", policy: str | None = None, replicate: int | None = None
) -> Figure:
    """Each zone's stage and plant state over time, KCN first, then CCN.

    Args:
        results: a saved run or comparison.
        lang: ``en`` or ``vi``.
        policy: whose runs (default: the reference policy).
        replicate: draw this run alone; by default a single run is drawn as it is and a
            comparison as the state at least half of its runs have reached in each month,
            with the share of runs in which each zone operates at the horizon at the right.

    Returns:
        The figure; bars are ``BrokenBarHCollection``-like ``PolyCollection`` objects whose
        ``zone``, ``layer`` and ``code`` attributes say what they show (for tests).
    """
    policy = policy or results.reference
    stages = results.zone_stages[policy]
    plants = results.zone_plants[policy]
    runs = stages.shape[0]
    if replicate is not None or runs == 1:
        index = 0 if replicate is None else replicate
        stage_rows, plant_rows = stages[index], plants[index]
        modal = False
    else:
        stage_rows = median_states(stages)
        plant_rows = median_states(plants)
        modal = True
    # Candidate sites no developer took up in any run add rows of one colour and no news;
    # they are counted in a note instead of drawn.
    never = np.isin(stages, (STAGES.index("planned"), NOT_HELD)).all(axis=(0, 1))
    zones = sorted(
        (i for i in range(len(results.scenario.all_zones)) if not never[i]),
        key=lambda i: (KIND_ORDER[results.scenario.all_zones[i].kind], i),
    )
    height = 2.4 + 0.42 * len(zones)
    fig = new_figure(height=height)
    ax = fig.add_subplot()
    years = results.years()
    start = years[0] - 1 / 12
    month_width = 1 / 12
    for row, z in enumerate(zones):
        y = len(zones) - 1 - row
        for first, length, code in _segments(stage_rows[:, z]):
            if code == NOT_HELD:  # the run (or most runs) had no such zone: nothing to draw
                continue
            bars = ax.broken_barh(
                [(start + first * month_width, length * month_width)],
                (y - 0.4, 0.8),
                facecolors=STAGE_COLOURS[STAGES[code]],
                edgecolors="#999999" if STAGES[code] == "planned" else "none",
                linewidth=0.5,
            )
            bars.zone, bars.layer, bars.code = (
                results.scenario.all_zones[z].id,
                "stage",
                STAGES[code],
            )
        for first, length, code in _segments(plant_rows[:, z]):
            if code == NOT_HELD or PLANT_STATES[code] == "none":
                continue
            state = PLANT_STATES[code]
            bars = ax.broken_barh(
                [(start + first * month_width, length * month_width)],
                (y - 0.38, 0.26),
                linewidth=0.8,
                **PLANT_LOOK[state],
            )
            bars.zone, bars.layer, bars.code = results.scenario.all_zones[z].id, "plant", state
        if modal:
            operating = float((stages[:, -1, z] == STAGES.index("operating")).mean())
            ax.text(
                years[-1] + 0.15,
                y,
                percent(operating, lang),
                va="center",
                fontsize=11,
                color="#333333",
            )
    ax.set_yticks(range(len(zones)))
    ax.set_yticklabels(
        [zone_label(results.scenario.all_zones[z].name_in(lang)) for z in reversed(zones)]
    )
    ax.set_ylim(-0.7, len(zones) - 0.3)
    ax.set_xlim(start, years[-1] + (0.9 if modal else 0.05))
    ax.grid(axis="y", visible=False)
    year_axis(ax)
    ax.set_xlabel(word("year", lang))
    fig.suptitle(word("timeline_title", lang), x=0.01, ha="left")
    notes = []
    if modal:
        name = policy_label(policy, lang, results.policy_names.get(policy))
        notes += [word("timeline_modal", lang, n=runs, policy=name), word("timeline_right", lang)]
    if never.any():
        notes.append(word("timeline_hidden", lang, n=int(never.sum())))
    if notes:
        subtitle = "\n".join(textwrap.fill(n, SUBTITLE_CHARS) for n in notes)
        ax.set_title(subtitle, loc="left", fontsize=11, fontweight="normal", color="#333333")
    handles = [
        Patch(
            facecolor=STAGE_COLOURS[s],
            edgecolor="#999999",
            label=word(s, lang, group="stages"),
        )
        for s in STAGES
    ] + [
        Patch(label=word(s, lang, group="plants"), linewidth=0.8, **PLANT_LOOK[s])
        for s in PLANT_STATES
        if s != "none"
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08 * 12 / max(12, len(zones)) - 0.05),
        ncols=3,
        fontsize=11,
        title=f"{word('stage_legend', lang)} · {word('plant_legend', lang)}",
        title_fontsize=11,
    )
    return finish(fig, results, lang, policies=[policy])
