"""Where a scenario's numbers come from, for the report: how many rest on the plan, on
reference records, on derivations and on assumptions, and which behavioural assumptions the
model's decisions depend on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from izsim.scenario.base import Sourced
from izsim.scenario.schema import Scenario
from izsim.scenario.sources import kind_of

BEHAVIOURAL_BLOCKS = (
    "economy",
    "investors",
    "developers",
    "agencies",
    "wastewater",
    "establishment",
)
"""Blocks whose numbers drive decisions and growth (zones and sectors describe places and
firms; their assumptions are many and each concerns one zone or sector)."""


@dataclass(frozen=True)
class SourcedNumber:
    """One number of a scenario and its source.

    Attributes:
        block: where it is (``investors``, ``zones[3]`` …).
        field: the field's name.
        value: the value.
        kind: ``plan``, ``ref``, ``derived`` or ``assumption``.
        source: the source as written.
    """

    block: str
    field: str
    value: float
    kind: str
    source: str


def _blocks(scenario: Scenario) -> list[tuple[str, Sourced]]:
    found: list[tuple[str, Sourced]] = []
    for name in type(scenario).model_fields:
        value = getattr(scenario, name)
        if isinstance(value, Sourced):
            found.append((name, value))
        elif isinstance(value, list):
            found += [(f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, Sourced)]
    return found


def sourced_numbers(scenario: Scenario) -> list[SourcedNumber]:
    """Every number written in the scenario, with its source, in file order."""
    out = []
    for block_name, block in _blocks(scenario):
        for name in block.numeric_fields():
            text = block.sources.get(name) or block.source or ""
            value = getattr(block, name)
            # A table (fine bands) is one number per entry, all with the table's source.
            items = (
                [(f"{name}[{i}]", v) for i, v in enumerate(value)]
                if isinstance(value, list | tuple)  # a range (candidate sites' areas) too
                else [(name, value)]
            )
            out += [
                SourcedNumber(
                    block=block_name,
                    field=field,
                    value=float(number),
                    kind=kind_of(text),
                    source=" ".join(text.split()),
                )
                for field, number in items
            ]
    return out


def source_counts(scenario: Scenario) -> dict[str, int]:
    """How many numbers rest on each kind of source."""
    counts = Counter(n.kind for n in sourced_numbers(scenario))
    return {kind: counts.get(kind, 0) for kind in ("plan", "ref", "derived", "assumption")}


def behavioural_assumptions(scenario: Scenario) -> list[SourcedNumber]:
    """The assumptions of the blocks that drive decisions and growth."""
    return [
        n
        for n in sourced_numbers(scenario)
        if n.kind == "assumption" and n.block in BEHAVIOURAL_BLOCKS
    ]
