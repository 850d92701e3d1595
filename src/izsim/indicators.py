"""The indicator catalogue: every indicator the model reports, defined once.

The table lives in ``izsim/data/indicators.yaml`` (id, unit, range, English and Vietnamese
label, definition); data collection, scorecards, plots and reports all read it from here. Every
finished run is checked against the declared ranges (:func:`range_violations`): a value outside
them is a failed run with the reason, never a silent number in the results. Stocks are
values at the end of the month; flows such as output are annual (the twelve months up to and
including this one), so that a December value is the calendar year's figure that plans quote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import yaml


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    Attributes:
        id: the name used in scenario targets and result files.
        unit: the unit of its values.
        range: the lowest and highest value it can take (``inf`` where it has no upper bound).
        undefined: when it has no value (NaN), e.g. a share of operating zones when none
            operates; empty if it always has one.
        label_en: a short English label for tables and plots.
        label_vi: the same in Vietnamese.
        definition: how it is computed, precisely.
    """

    id: str
    unit: str
    label_en: str
    label_vi: str
    definition: str
    range: tuple[float, float]
    undefined: str = ""

    def problem(self, value: float) -> str | None:
        """What is wrong with ``value`` for this indicator, or None if nothing is."""
        low, high = self.range
        if math.isnan(value):
            return None if self.undefined else "has no value (NaN) but is always defined"
        if math.isinf(value):
            return f"is infinite ({value})"
        # summing in another order can leave a stock a rounding error below zero
        slack = RANGE_TOLERANCE * max(1.0, abs(value))
        if value < low - slack or value > high + slack:
            return f"= {value:g} is outside its range [{low:g}, {high:g}]"
        return None


RANGE_TOLERANCE = 1e-9
"""Relative slack of the range check, for floating-point rounding only."""


def _load() -> dict[str, Indicator]:
    text = files("izsim").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    # libyaml's C loader where PyYAML has it: the pure-Python one costs every command that
    # reads the catalogue about 0.1 s (the data are the same)
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {
        row["id"]: Indicator(**{**row, "range": tuple(float(b) for b in row["range"])})
        for row in rows
    }


CATALOGUE: dict[str, Indicator] = _load()
"""Every indicator by id, in the order of the catalogue."""

INDICATOR_IDS: tuple[str, ...] = tuple(CATALOGUE)


_ITEMS = tuple(CATALOGUE.values())
_LOW = np.array([item.range[0] for item in _ITEMS])
_HIGH = np.array([item.range[1] for item in _ITEMS])
_DEFINED = np.array([not item.undefined for item in _ITEMS])  # NaN is a problem


def range_violations(values: np.ndarray, months: list[str]) -> list[str]:
    """The indicators of a run that leave their declared range, the first month of each.

    Args:
        values: months × indicators, in catalogue order.
        months: the label of each row (YYYY-MM).

    Returns:
        One sentence per indicator out of range, e.g. ``occupancy_rate = 130 is outside its
        range [0, 100] (%) in 2027-03``; empty when every value is in range.
    """
    values = values[:, : len(_ITEMS)]
    n = values.shape[1]
    # A quick screen of the whole table at once (the same comparisons, value by value, as a
    # column at a time); the month and the sentence come from problem().
    slack = RANGE_TOLERANCE * np.maximum(1.0, np.abs(values))
    with np.errstate(invalid="ignore"):  # inf − inf in the slack of an infinite value
        outside = (values < _LOW[:n] - slack) | (values > _HIGH[:n] + slack)
    bad = outside | np.isinf(values) | (np.isnan(values) & _DEFINED[:n])
    found = []
    for column in np.flatnonzero(bad.any(axis=0)):
        item = _ITEMS[column]
        row = int(np.argmax(bad[:, column]))
        problem = item.problem(float(values[row, column]))
        if problem is not None:
            found.append(f"{item.id} {problem} ({item.unit}) in {months[row]}")
    return found


def markdown_table() -> str:
    """The catalogue as the Markdown table in docs/model.md (a test keeps the two equal)."""
    rows = [
        "| id | unit | range | English | Tiếng Việt | definition |",
        "|---|---|---|---|---|---|",
    ]
    for item in CATALOGUE.values():
        definition = " ".join(item.definition.split()).replace("|", "\\|")
        if item.undefined:
            definition += f" No value when {item.undefined}."
        low, high = (f"{b:g}".replace("inf", "∞") for b in item.range)
        rows.append(
            f"| `{item.id}` | {item.unit} | {low} to {high} | {item.label_en} | {item.label_vi}"
            f" | {definition} |"
        )
    return "\n".join(rows) + "\n"
