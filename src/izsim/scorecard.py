"""The scorecard: each target of the plan against the simulated value at its deadline."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from izsim.indicators import CATALOGUE, INDICATOR_IDS
from izsim.result import RunResult, Table
from izsim.scenario.schema import Target
from izsim.targets import value_at_deadline

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [
    "target",
    "indicator",
    "measure",
    "comparator",
    "target_value",
    "deadline",
    "simulated",
    "status",
    "unit",
    "source",
]


def target_value_text(target: Target) -> str:
    """The target's value as written: ``27700`` or ``16.5–17.5``."""
    if isinstance(target.value, tuple):
        return f"{_number(target.value[0])}–{_number(target.value[1])}"
    return _number(target.value)


def _number(value: float) -> str:
    """Every digit, no exponent: 1234567, 16.5, 0.7."""
    return np.format_float_positional(value, trim="-")


def source_text(target: Target) -> str:
    """``<document> §<section>: "<quote>"``, or ``… (paraphrase): <words>`` for a figure read
    from a table or report (not the document's own words, so not in quotation marks)."""
    src = target.source
    if src.paraphrase:
        return f"{src.document} §{src.section} (paraphrase): {src.quote}"
    return f'{src.document} §{src.section}: "{src.quote}"'


def scorecard(result: RunResult) -> pd.DataFrame:
    """One row per target: met, missed, no value (indicator undefined then), or not modelled."""
    return scorecard_table(result).frame()


def scorecard_table(result: RunResult) -> Table:
    """:func:`scorecard` as plain rows, without pandas (what ``izsim run`` prints and writes)."""
    rows = []
    for target in result.scenario.targets:
        if target.not_modelled is not None:
            simulated, status, unit = math.nan, "not_modelled", ""
        else:
            column = result.values[:, INDICATOR_IDS.index(target.indicator)]
            simulated = value_at_deadline(target, column, result.scenario.scenario.start)
            unit = "%/yr" if target.growth_since else CATALOGUE[target.indicator].unit
            if math.isnan(simulated):
                status = "no_value"
            else:
                status = "met" if target.met(simulated) else "missed"
        rows.append(
            {
                "target": target.id,
                "indicator": target.indicator,
                "measure": "level"
                if target.growth_since is None
                else f"growth since {target.growth_since}",
                "comparator": target.comparator,
                "target_value": target_value_text(target),
                "deadline": target.deadline,
                "simulated": round(simulated, 6) if not math.isnan(simulated) else math.nan,
                "status": status,
                "unit": unit,
                "source": source_text(target),
            }
        )
    return Table(tuple(COLUMNS), [tuple(row[c] for c in COLUMNS) for row in rows])
