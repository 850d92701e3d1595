"""Occupancy and wastewater compliance by kind of zone: KCN (industrial zones) beside CCN
(industrial clusters), which fill at different speeds and face different wastewater rules.

Two panels — occupancy and the share of zones with a compliant central wastewater plant — each
with the KCN and the CCN median and 90 % band over the runs of one policy, the national
patterns observed, and the plan's targets for either kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from izsim.present import observed
from izsim.present.fans import (
    LEGEND_ROW,
    band_alphas,
    chosen_policy,
    draw_fan,
    fan,
    legend,
    level_targets,
    mark_history,
    observation_notes,
    share_limits,
    time_limits,
)
from izsim.present.language import Lang, month_text, policy_label, unit_label, word
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
from izsim.scenario.schema import Target


@dataclass(frozen=True)
class Kind:
    """How a kind of zone is drawn: its indicator suffix, label key and marks."""

    suffix: str
    key: str
    colour: str
    linestyle: str
    marker: str
    hatch: str

    def of(self, stem: str) -> str:
        """The indicator of ``stem`` (e.g. ``occupancy_rate``) for this kind of zone."""
        return f"{stem}_{self.suffix}"


KINDS = (
    Kind("kcn", "kcn_short", PALETTE[1], "-", "o", ""),
    Kind("ccn", "ccn_short", PALETTE[2], "--", "s", "//"),
)
PANELS = (
    ("occupancy_rate", "kind_occupancy"),
    ("wwtp_share", "kind_plants"),
    ("wwtp_compliance", "kind_compliance"),
)
"""Each panel: the indicators' stem (``_kcn`` / ``_ccn`` appended) and its title's key."""


@figure_function
def by_zone_kind(results: Results, *, lang: Lang = "en", policy: str | None = None) -> Figure:
    """Occupancy and wastewater compliance over time, KCN against CCN.

    Args:
        results: saved results of a comparison or a single run.
        lang: ``en`` or ``vi``.
        policy: whose runs to draw; by default the reference.

    Returns:
        One panel per entry of :data:`PANELS`, each with the KCN and CCN median and 90 % band
        over runs (one line each for a single run), observed national patterns and the plan's
        targets for either kind.

    Raises:
        ValueError: ``policy`` is not in ``results``.
    """
    policy = chosen_policy(results, policy)
    runs = results.values[policy].shape[0]
    scenario_id = results.scenario.scenario.id
    seen = {
        kind.of(stem): observed.for_indicator(scenario_id, kind.of(stem))
        for stem, _ in PANELS
        for kind in KINDS
    }
    every = [o for found in seen.values() for o in found]
    left, right = time_limits(results, every)

    fig = new_figure()
    grid = fig.add_gridspec(2, len(PANELS), height_ratios=[LEGEND_ROW, 1])
    axes = [fig.add_subplot(grid[0, 0])]
    for column in range(1, len(PANELS)):
        axes.append(fig.add_subplot(grid[0, column], sharex=axes[0], sharey=axes[0]))
    x = results.years()
    for ax, (stem, title_key) in zip(axes, PANELS, strict=True):
        for order, kind in enumerate(KINDS):
            draw_fan(
                ax,
                x,
                fan(results.series(kind.of(stem), policy)),
                colour=kind.colour,
                linestyle=kind.linestyle,
                marker=kind.marker,
                marker_month=11 - 6 * order,
                hatch=kind.hatch,
                middle=False,
                gid=kind.of(stem),
            )
            draw_kind_observations(ax, seen[kind.of(stem)], kind, lang)
        draw_kind_targets(ax, results, stem, lang)
        mark_history(ax, results, lang, left)
        ax.set_title(word(title_key, lang), loc="left", fontsize=14)
        ax.set_xlabel(word("year", lang))
        year_axis(ax, ticks=4)  # three panels side by side
    axes[0].set_xlim(left, right)
    share_limits(axes[0])
    axes[0].set_ylabel(unit_label("%", lang))
    number_axis(axes[0].yaxis, lang)
    axes[1].tick_params(labelleft=True)

    fig.suptitle(word("by_kind_title", lang))
    name = policy_label(policy, lang, results.policy_names.get(policy))
    if runs > 1:
        note = word("kind_policy_note", lang, policy=name, n=runs)
    else:
        note = word("kind_run_note", lang, policy=name)
    legend(fig.add_subplot(grid[1, :]), kind_entries(runs, lang), axes, title=note)
    return finish(
        fig, results, lang, extra=" · ".join(observation_notes(every, lang)), policies=[policy]
    )


def kind_entries(runs: int, lang: Lang) -> list[tuple[object, str]]:
    """Legend entries of the kinds: line over band (just the line for one run)."""
    entries: list[tuple[object, str]] = []
    alpha90, _ = band_alphas()
    for kind in KINDS:
        line = Line2D(
            [], [], color=kind.colour, linestyle=kind.linestyle, marker=kind.marker, markersize=7
        )
        label = word(kind.key, lang)
        if runs > 1:
            band = Patch(
                facecolor=kind.colour,
                alpha=alpha90 * 1.6,
                hatch=kind.hatch or None,
                edgecolor=kind.colour if kind.hatch else "none",
                linewidth=0,
            )
            what = f"{word('median', lang)}, {word('band_90', lang)}"
            entries.append(((band, line), f"{label}: {what}"))
        else:
            entries.append((line, label))
    return entries


def draw_kind_observations(
    ax: Axes, observations: list[Observation], kind: Kind, lang: Lang
) -> None:
    """Observed values in the kind's colour, labelled with the kind (the markers keep the
    shared meaning: filled for the province's own figure, hollow for a national pattern)."""
    before = len(ax.containers)
    draw_observations(ax, observations, lang)
    for container in ax.containers[before:]:
        if not isinstance(container, ErrorbarContainer):
            continue
        data, caps, bars = container.lines
        data.set_markeredgecolor(kind.colour)
        if data.get_markerfacecolor() != "white":
            data.set_markerfacecolor(kind.colour)
        for artist in (*caps, *bars):
            artist.set_color(kind.colour)
        label = container.get_label()
        if label and not label.startswith("_"):
            container.set_label(f"{label}, {word(kind.key, lang)}")


def draw_kind_targets(ax: Axes, results: Results, stem: str, lang: Lang) -> None:
    """The plan's targets for either kind; one legend entry for targets alike but for the kind
    (e.g. KCN and CCN both at 100 % by December 2025)."""
    groups: dict[tuple[object, ...], tuple[Target, list[str]]] = {}
    for kind in KINDS:
        for target in level_targets(results, kind.of(stem)):
            draw_target(ax, target, lang, label=False)
            key = (target.comparator, target.value, target.deadline)
            groups.setdefault(key, (target, []))[1].append(word(kind.key, lang))
    for target, kinds in groups.values():
        value = target_value_text(target, lang)
        when = month_text(target.deadline, lang)
        text = f"{word('target', lang)} {', '.join(kinds)}: {value} ({when})"
        ax.plot([], [], color=TARGET_COLOUR, linestyle="--", linewidth=1.8, label=text)
