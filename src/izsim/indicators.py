"""The indicator catalogue: every indicator the model reports, defined once.

The table lives in ``izsim/data/indicators.yaml`` (id, unit, English and Vietnamese label,
definition); data collection, scorecards, plots and reports all read it from here. Stocks are
values at the end of the month; flows such as output are annual (the twelve months up to and
including this one), so that a December value is the calendar year's figure that plans quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    Attributes:
        id: the name used in scenario targets and result files.
        unit: the unit of its values.
        label_en: a short English label for tables and plots.
        label_vi: the same in Vietnamese.
        definition: how it is computed, precisely.
    """

    id: str
    unit: str
    label_en: str
    label_vi: str
    definition: str


def _load() -> dict[str, Indicator]:
    text = files("izsim").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    return {row["id"]: Indicator(**row) for row in yaml.safe_load(text)}


CATALOGUE: dict[str, Indicator] = _load()
"""Every indicator by id, in the order of the catalogue."""

INDICATOR_IDS: tuple[str, ...] = tuple(CATALOGUE)


def markdown_table() -> str:
    """The catalogue as the Markdown table in docs/model.md (a test keeps the two equal)."""
    rows = ["| id | unit | English | Tiếng Việt | definition |", "|---|---|---|---|---|"]
    for item in CATALOGUE.values():
        definition = " ".join(item.definition.split()).replace("|", "\\|")
        rows.append(
            f"| `{item.id}` | {item.unit} | {item.label_en} | {item.label_vi} | {definition} |"
        )
    return "\n".join(rows) + "\n"
