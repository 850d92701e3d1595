"""Fan charts: how an indicator unfolds over the replicates of a policy, against the plan.

A fan shows the median month by month, the band holding the middle half of the runs (25–75 %)
and the band holding nine runs in ten (5–95 %). The plan's target and deadline are drawn in,
and observed values (the province's own figures and national patterns) are shown beside the
simulation, with the axis reaching back to the earliest of them so history and simulation read
together. A single run is drawn as one line without bands.

The helpers here (quantiles that tolerate months without a value, which targets an indicator's
level answers to, the history strip before the start, notes on observed values) are shared by
the other time-series figures: :mod:`izsim.present.zone_kinds` and :mod:`izsim.present.panel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from izsim.indicators import CATALOGUE
from izsim.present import observed
from izsim.present.language import Lang, indicator_label, month_text, policy_label, unit_label, word
from izsim.present.marks import draw_observations, draw_target, finish
from izsim.present.observed import Observation
from izsim.present.results import Results
from izsim.present.style import (
    HATCHES,
    figure_function,
    new_figure,
    number_axis,
    policy_style,
    year_axis,
)
from izsim.scenario.schema import Target

FAN_INDICATORS: tuple[str, ...] = (
    "industrial_output_bn_vnd",
    "occupancy_rate",
    "wwtp_compliance_kcn",
    "jobs_industry",
    "industry_share_grdp",
)
"""The five indicators the report draws as fans. Wastewater compliance is drawn for KCN, where
the plans set most targets; :func:`izsim.present.zone_kinds.by_zone_kind` shows KCN and CCN
side by side."""

LEGEND_ROW = 60  # height of the plots against the legend's row, which the legend hangs from
HISTORY_COLOUR = "#EFEFEF"
START_COLOUR = "#777777"
_SHARE_PREFIXES = ("occupancy_rate", "wwtp_compliance")
# Notes of observed values (observed.py) and the label that says them in both languages.
_NOTE_KEYS = {
    "price basis not stated": "obs_note_price",
}
_UNDATED_NOTE = "undated list"


@dataclass(frozen=True)
class Fan:
    """Quantiles of an indicator over runs, month by month (NaN where no run has a value).

    Attributes:
        median: the 50 % quantile.
        low50, high50: the 25 % and 75 % quantiles.
        low90, high90: the 5 % and 95 % quantiles.
        runs: how many runs the quantiles are taken over.
    """

    median: np.ndarray
    low50: np.ndarray
    high50: np.ndarray
    low90: np.ndarray
    high90: np.ndarray
    runs: int


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The fan's quantiles, in the order of :class:`Fan`'s bands: low90, low50, median, high50,
high90."""


def fan(series: np.ndarray) -> Fan:
    """Quantiles over the runs (first axis) of a runs × months array, ignoring NaN months."""
    low90, low50, median, high50, high90 = nan_quantiles(series, QUANTILES)
    return Fan(median, low50, high50, low90, high90, series.shape[0])


def nan_quantiles(series: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """``np.nanquantile(series, quantiles, axis=0)`` (linear interpolation), all columns at once.

    numpy takes a column with a NaN one at a time in Python, and runs of a policy miss values
    in many months (growth before its base year, compliance before any plant): that was most
    of the time spent drawing the report's figures. One sort puts each column's values first
    and its NaNs last; each quantile is then read and interpolated at its position among the
    column's values, with numpy's own formula, so the results are the same to the last bit.

    Args:
        series: runs × months.
        quantiles: in [0, 1].

    Returns:
        quantiles × months; NaN for a month without any value.
    """
    ordered = np.sort(np.asarray(series, dtype=float), axis=0)  # NaN sort last
    count = np.count_nonzero(~np.isnan(ordered), axis=0)
    last = np.maximum(count - 1, 0)
    columns = np.arange(ordered.shape[1])
    out = np.full((len(quantiles), ordered.shape[1]), np.nan)
    for row, q in enumerate(quantiles):
        position = (count - 1) * q
        below = np.floor(position)
        # at or past the last value numpy takes that value itself
        top = position >= count - 1
        lower = np.where(top, last, below).astype(int)
        upper = np.where(top, last, np.minimum(below + 1, last)).astype(int)
        a, b = ordered[lower, columns], ordered[upper, columns]
        t = position - below
        # numpy's _lerp: from the lower end below the middle, from the upper end above it
        diff = b - a
        value = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
        out[row] = np.where(top, a, value)
    out[:, count == 0] = np.nan
    return out


def level_targets(results: Results, indicator: str) -> list[Target]:
    """The modelled targets on ``indicator``'s level (growth targets measure something else)."""
    return [
        t for t in results.modelled_targets() if t.indicator == indicator and t.growth_since is None
    ]


def is_share_of_zones(indicator: str) -> bool:
    """Occupancy and compliance: percentages that run from 0 to 100."""
    return indicator.startswith(_SHARE_PREFIXES)


def chosen_policy(results: Results, policy: str | None) -> str:
    """``policy``, by default the reference, once it is known to have results.

    Raises:
        ValueError: ``policy`` is not in ``results``.
    """
    policy = policy or results.reference
    if policy not in results.values:
        raise ValueError(f"no results for policy '{policy}'; have {results.policies}")
    return policy


def observed_from(observation: Observation) -> float:
    """When an observation begins: its date, or the first year of an undated one's span."""
    return observation.span[0] if observation.span else observation.year


def start_year(results: Results) -> float:
    """The beginning of the first simulated month as a decimal year."""
    return float(results.years()[0]) - 1 / 12


def time_limits(results: Results, observations: Sequence[Observation]) -> tuple[float, float]:
    """The x-axis range: the simulated period, reaching back to the earliest observation."""
    first = start_year(results)
    left = first
    if observations:
        earliest = min(observed_from(o) for o in observations)
        # an observation at the very start (a year-end figure of the base year) would sit on
        # the edge: leave room for its marker too
        if earliest <= first + 0.01:
            left = min(np.floor(earliest) - 0.25, first - 0.3)
    return float(left), float(results.years()[-1]) + 0.15


def mark_history(ax: Axes, results: Results, lang: Lang, left: float) -> None:
    """Shade the years before the simulation starts and mark the start with a thin line."""
    first = start_year(results)
    if left >= first:
        return
    ax.axvspan(left, first, color=HISTORY_COLOUR, zorder=0, linewidth=0)
    ax.axvline(
        first,
        color=START_COLOUR,
        linewidth=1.2,
        zorder=1,
        label=word("sim_start", lang, month=month_text(results.months[0], lang)),
    )


def observation_notes(observations: Sequence[Observation], lang: Lang) -> list[str]:
    """What the drawn observed values measure differently from the indicator, in words."""
    notes: list[str] = []
    for obs in observations:
        if not obs.note:
            continue
        key = _NOTE_KEYS.get(obs.note)
        if key is None and _UNDATED_NOTE in obs.note:
            key = "obs_note_undated"
        text = word(key, lang) if key else obs.note
        if text not in notes:
            notes.append(text)
    return notes


def draw_fan(
    ax: Axes,
    x: np.ndarray,
    quantiles: Fan,
    *,
    colour: str,
    linestyle: object = "-",
    marker: str | None = None,
    marker_month: int = 11,
    hatch: str = "",
    strong: bool = True,
    middle: bool = True,
    gid: str = "",
    label: str | None = None,
) -> Line2D:
    """Draw a fan: the 90 % band, the 50 % band on it, and the median line on top.

    Args:
        ax: the axes.
        x: decimal years of the months.
        quantiles: the fan to draw; with one run only the line is drawn.
        colour: the colour of line and bands.
        linestyle: the median's line style.
        marker: a marker drawn once a year on the median (tells lines apart in grey).
        marker_month: the month of the year (0–11) the markers sit on; give each line its own
            so that markers of lines running together do not hide each other.
        hatch: hatching of the inner band (tells overlapping bands apart in grey); without the
            50 % band, of the 90 % band.
        strong: bands of a fan drawn alone (else lighter, for several fans on one axes).
        middle: draw the 50 % band (else only the 90 % band).
        gid: suffix of the artists' ids (``median:``, ``band50:``, ``band90:`` + gid).
        label: the median's legend entry.

    Returns:
        The median line.
    """
    if quantiles.runs > 1:
        alpha90, alpha50 = band_alphas(strong)
        ax.fill_between(
            x,
            quantiles.low90,
            quantiles.high90,
            facecolor=to_rgba(colour, alpha90),
            edgecolor=to_rgba(colour, 0.45) if hatch and not middle else "none",
            hatch=hatch if hatch and not middle else None,
            linewidth=0,
            gid=f"band90:{gid}",
        )
        if middle:
            ax.fill_between(
                x,
                quantiles.low50,
                quantiles.high50,
                facecolor=to_rgba(colour, alpha50),
                edgecolor=to_rgba(colour, 0.45) if hatch else "none",
                hatch=hatch or None,
                linewidth=0,
                gid=f"band50:{gid}",
            )
    (line,) = ax.plot(
        x,
        quantiles.median,
        color=colour,
        linestyle=linestyle,
        marker=marker,
        markevery=(marker_month % 12, 12),
        markersize=7,
        zorder=3,
        gid=f"median:{gid}",
        label=label,
    )
    return line


def band_alphas(strong: bool = True) -> tuple[float, float]:
    """Opacity of the 90 % and the 50 % band: full for a fan alone, lighter for several."""
    return (0.14, 0.28) if strong else (0.07, 0.16)


def band_handles(lang: Lang, colour: str = "#000000", *, strong: bool = True) -> list[Patch]:
    """Legend entries explaining the 50 % and 90 % bands."""
    alpha90, alpha50 = band_alphas(strong)
    # the 50 % band lies on the 90 % band: its legend swatch shows both layers
    both = 1 - (1 - alpha90) * (1 - alpha50)
    return [
        Patch(facecolor=colour, alpha=both, linewidth=0, label=word("band_50", lang)),
        Patch(facecolor=colour, alpha=alpha90, linewidth=0, label=word("band_90", lang)),
    ]


def share_limits(ax: Axes) -> None:
    """0–100 % with a little room above 100 for a target drawn there."""
    ax.set_ylim(-2, 106)


@figure_function
def fan_chart(
    results: Results,
    indicator: str,
    *,
    lang: Lang = "en",
    policies: Sequence[str] | None = None,
) -> Figure:
    """A fan chart of ``indicator`` over the replicates of one or more policies.

    Args:
        results: saved results of a comparison or a single run.
        indicator: a catalogue id.
        lang: ``en`` or ``vi``.
        policies: the policies to draw, in this order, each in its colour (the reference
            keeps black); by default the reference alone. Several fans on one axes get lighter
            bands, the 50 % band hatched.

    Returns:
        The figure: median, 50 % and 90 % bands, the plan's targets on the indicator's level
        with their deadlines, and observed values (before the start on a shaded strip).

    Raises:
        KeyError: ``indicator`` is not in the catalogue.
        ValueError: a policy is not in ``results``.
    """
    if indicator not in CATALOGUE:
        raise KeyError(f"'{indicator}' is not in the indicator catalogue")
    chosen = list(policies) if policies else [results.reference]
    unknown = [p for p in chosen if p not in results.values]
    if unknown:
        raise ValueError(f"no results for policies {unknown}; have {results.policies}")
    several = len(chosen) > 1
    quantiles = {p: fan(results.series(indicator, p)) for p in chosen}
    runs = min(q.runs for q in quantiles.values())
    names = {p: policy_label(p, lang, results.policy_names.get(p)) for p in chosen}

    fig = new_figure()
    grid = fig.add_gridspec(2, 1, height_ratios=[LEGEND_ROW, 1])
    ax = fig.add_subplot(grid[0])
    x = results.years()
    lines: list[Line2D] = []
    for order, policy in enumerate(chosen):
        position = results.policies.index(policy)
        style = policy_style(position)
        if several:
            label = word("policy_median", lang, policy=names[policy])
        else:
            label = word("median" if runs > 1 else "simulated", lang)
        lines.append(
            draw_fan(
                ax,
                x,
                quantiles[policy],
                colour=str(style["color"]),
                linestyle=style["linestyle"],
                marker=str(style["marker"]) if several else None,
                marker_month=11 - 3 * order,
                hatch=HATCHES[position % len(HATCHES)] if several else "",
                strong=not several,
                gid=policy,
                label=label,
            )
        )
    for target in level_targets(results, indicator):
        draw_target(ax, target, lang)
    seen = observed.for_indicator(results.scenario.scenario.id, indicator)
    draw_observations(ax, seen, lang)
    left, right = time_limits(results, seen)
    mark_history(ax, results, lang, left)
    ax.set_xlim(left, right)
    if is_share_of_zones(indicator):
        share_limits(ax)

    label = indicator_label(indicator, lang)
    fig.suptitle(word("fan_title" if runs > 1 else "fan_run_title", lang, label=label))
    if several:
        subtitle = word("fan_subtitle_many", lang, n=runs)
    elif runs > 1:
        subtitle = word("fan_subtitle", lang, policy=names[chosen[0]], n=runs)
    else:
        subtitle = f"{names[chosen[0]]} · {word('one_run', lang)}"
    ax.set_title(subtitle, loc="left", fontsize=12, fontweight="normal")
    ax.set_xlabel(word("year", lang))
    ax.set_ylabel(unit_label(CATALOGUE[indicator].unit, lang))
    number_axis(ax.yaxis, lang)
    year_axis(ax)
    entries: list[tuple[object, str]] = [(line, str(line.get_label())) for line in lines]
    if runs > 1:
        bands = band_handles(lang, lines[0].get_color(), strong=not several)
        entries += [(band, band.get_label()) for band in bands]
    legend(fig.add_subplot(grid[1]), entries, [ax])
    return finish(
        fig, results, lang, extra=" · ".join(observation_notes(seen, lang)), policies=chosen
    )


def legend(
    where: Axes,
    entries: Sequence[tuple[object, str]],
    axes: Sequence[Axes],
    *,
    ncols: int = 3,
    title: str | None = None,
) -> None:
    """One legend for a figure, hanging from the thin axes ``where`` below the plots.

    It lists ``entries`` (handle, label) first, then whatever else is labelled on ``axes`` —
    targets, observed values, the start of the simulation — each label once.

    ``where`` is a row of the figure's grid with a small height ratio (:data:`LEGEND_ROW`);
    the constrained layout makes room for the legend below it.
    """
    handles = [handle for handle, _ in entries]
    labels = [text for _, text in entries]
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            if text not in labels:
                handles.append(handle)
                labels.append(text)
    ncols = max(1, min(ncols, len(handles)))
    order = row_major(len(handles), ncols)
    where.axis("off")
    where.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=ncols,
        borderaxespad=0,
        title=title,
        title_fontsize=12,
    )


def row_major(count: int, ncols: int) -> list[int]:
    """The order to give a legend of ``ncols`` columns (which matplotlib fills column by
    column) so that its entries read along the rows."""
    rows, long_columns = divmod(count, ncols)
    order: list[int] = []
    for column in range(ncols):
        length = rows + 1 if column < long_columns else rows
        order += [row * ncols + column for row in range(length)]
    return order
