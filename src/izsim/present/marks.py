"""Marks that many figures share: the plan's target and deadline, observed values, the source
line, and a target described in words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from izsim.indicators import CATALOGUE
from izsim.present.language import (
    Lang,
    indicator_label,
    month_text,
    number,
    policy_label,
    unit_label,
    word,
)
from izsim.present.observed import Observation
from izsim.present.results import Results
from izsim.present.style import OBSERVED_COLOUR, TARGET_COLOUR, add_source
from izsim.scenario.schema import Target, TargetSource

NBSP = "\u00a0"  # keeps "> 14 %/yr" on one line when labels wrap
COMPARATOR_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def plan_words(quote: str, limit: int = 140) -> str:
    """A plan's quote as running text: markup and table spacing removed, cut at ``limit``."""
    text = re.sub(r"<[^>]+>", " ", quote)  # HTML tags in quotes taken from web pages
    text = text.replace("\\div", "÷").replace("\\times", "×")  # LaTeX in quotes of tables
    text = re.sub(r"\\[A-Za-z]+", "", text.replace("\\%", "%")).replace("$", "")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def decimal_year(month: str) -> float:
    """The end of ``month`` as a decimal year (2025-12 -> 2026.0), as :meth:`Results.years`."""
    year, mon = (int(x) for x in month.split("-"))
    return year + mon / 12


def target_value_text(target: Target, lang: Lang) -> str:
    """``> 27,700`` or ``16.5–17.5`` in the reader's number format."""
    if target.comparator == "between":
        low, high = target.value  # type: ignore[misc]
        return f"{number(low, lang)}–{number(high, lang)}"
    return f"{COMPARATOR_TEXT[target.comparator]}{NBSP}{number(float(target.value), lang)}"  # type: ignore[arg-type]


def target_unit(target: Target, lang: Lang) -> str:
    """The unit the target is stated in (growth targets are in %/yr)."""
    unit = "%/yr" if target.growth_since else CATALOGUE[target.indicator].unit
    return unit_label(unit, lang)


def plan_clause(source: TargetSource, lang: Lang) -> str:
    """A target's plan clause for a reader: the quote in quotation marks with its document and
    section, or, for a figure written in our words (``paraphrase``), the words marked as such."""
    where = f"({source.document}, §{source.section})"
    if source.paraphrase:
        return f"{source.quote} [{word('paraphrase', lang)}] {where}"
    return f"“{source.quote}” {where}"


def unit_suffix(target: Target, lang: Lang) -> str:
    """`` <unit>`` to write after a value of the target; nothing after a count ("3 KCN")."""
    if not target.growth_since and CATALOGUE[target.indicator].unit == "count":
        return ""
    return f"{NBSP}{target_unit(target, lang)}"


def target_text(target: Target, lang: Lang, *, short: bool = False) -> str:
    """A target in words: indicator, comparator, value, unit and deadline.

    ``short`` drops the unit's qualifier ("(2010 prices)") and, for a December deadline, the
    month, for tight axis labels.
    """
    december = target.deadline.endswith("-12")
    deadline = target.deadline[:4] if short and december else month_text(target.deadline, lang)
    if target.not_modelled is not None:
        # the model has no label or unit for it: in Vietnamese, the plan's own words
        if lang == "vi":
            return f"{plan_words(target.source.quote)}, {word('by', lang)} {deadline}"
        return (
            f"{target.indicator} {target_value_text(target, lang)}, {word('by', lang)} {deadline}"
        )
    name = indicator_label(target.indicator, lang)
    if target.growth_since:
        # growth over a sub-period of the plan, e.g. 2026–2030 from a base in December 2025
        first = int(target.growth_since[:4]) + (1 if target.growth_since.endswith("-12") else 0)
        span = f"{first}–{target.deadline[:4]}"
        growth = "tăng trưởng bình quân" if lang == "vi" else "average growth"
        name += f": {growth} {span}"
    unit = unit_suffix(target, lang)
    if short:
        unit = re.sub(r"\s*\([^)]*\)", "", unit)
    return f"{name} {target_value_text(target, lang)}{unit}, {word('by', lang)} {deadline}"


def draw_target(ax: Axes, target: Target, lang: Lang, *, label: bool = True) -> None:
    """The target's value (a dashed line, or a band for 'between') and its deadline (a dotted
    vertical line), in the target colour, with a legend entry."""
    when = month_text(target.deadline, lang)
    text = f"{word('target', lang)}: {target_value_text(target, lang)} ({when})"
    if target.comparator == "between":
        low, high = target.value  # type: ignore[misc]
        ax.axhspan(low, high, color=TARGET_COLOUR, alpha=0.15, label=text if label else None)
    else:
        ax.axhline(
            float(target.value),  # type: ignore[arg-type]
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=1.8,
            label=text if label else None,
        )
    ax.axvline(decimal_year(target.deadline), color=TARGET_COLOUR, linestyle=":", linewidth=1.5)


def draw_observations(ax: Axes, observations: list[Observation], lang: Lang) -> None:
    """Observed values as points: filled for the province's own figures, hollow for national
    patterns; an undated figure gets a horizontal bar over its span."""
    for scope, face in (("province", OBSERVED_COLOUR), ("national", "white")):
        mine = [o for o in observations if o.scope == scope]
        if not mine:
            continue
        key = "observed_province" if scope == "province" else "observed_national"
        for i, obs in enumerate(mine):
            xerr = None
            if obs.span is not None:
                xerr = [[obs.year - obs.span[0]], [obs.span[1] - obs.year]]
            ax.errorbar(
                [obs.year],
                [obs.value],
                xerr=xerr,
                fmt="D" if scope == "province" else "o",
                markersize=8,
                markerfacecolor=face,
                markeredgecolor=OBSERVED_COLOUR,
                markeredgewidth=1.6,
                ecolor=OBSERVED_COLOUR,
                capsize=4,
                linestyle="none",
                zorder=5,
                label=word(key, lang) if i == 0 else None,
            )


def source_line(
    results: Results, lang: Lang, extra: str = "", policies: Sequence[str] | None = None
) -> str:
    """``Source: izsim simulation · Scenario: Tuyên Quang · Policies: … · 20 replicates,
    seed 1``."""
    info = results.provenance()
    shown = list(policies) if policies is not None else results.policies
    names = ", ".join(policy_label(p, lang, results.policy_names.get(p)) for p in shown)
    label = word("policies" if len(shown) > 1 else "policy", lang)
    runs = (
        f"{info['replicates']} {word('replicates', lang)}, {word('seed', lang)} {info['seed']}"
        if results.kind == "compare"
        else f"{word('one_run', lang)}, {word('seed', lang)} {info['seed']}"
    )
    parts = [
        f"{word('source', lang)}: {word('made_by', lang)}",
        f"{word('scenario', lang)}: {info['scenario']}",
        f"{label}: {names}",
        runs,
    ]
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def finish(
    fig: Figure,
    results: Results,
    lang: Lang,
    extra: str = "",
    policies: Sequence[str] | None = None,
) -> Figure:
    """Add the source line at the foot of ``fig`` and return it; ``policies``: the ones the
    figure draws, when not all."""
    add_source(fig, source_line(results, lang, extra, policies))
    return fig
