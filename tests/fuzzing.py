"""Random mutations of the shipped scenarios and policies, for the fuzz test.

A mutation changes one place of a file's YAML tree: a number becomes 0, tiny, huge, negative,
infinite or NaN, or is scaled far up or down; a value changes type; a key or list item is
deleted; a list item is duplicated. Each example applies one to three of them to one shipped
scenario and one shipped policy and writes both as files, as a planner's editor would.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
POLICIES = sorted((ROOT / "scenarios" / "policies").glob("*.yaml"))

NUMBERS: tuple[float, ...] = (
    0,
    1e-9,
    1e-300,
    0.5,
    1e6,
    1e12,
    1e300,
    -1,
    -1e6,
    math.inf,
    -math.inf,
    math.nan,
)
"""Absolute values a number is replaced with."""
SCALES: tuple[float, ...] = (-1, 1e-3, 0.01, 0.1, 10, 100, 1000)
"""Factors a number is multiplied by."""
OTHER_TYPES: tuple[Any, ...] = ("text", "", True, False, None, [], {}, [1, 2], {"a": 1})
"""Values of another type."""
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
KINDS = ("number", "scale", "type", "delete", "duplicate")


@cache
def shipped(path: Path) -> Any:
    """The YAML tree of a shipped file (read once)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def places(data: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every key path in ``data`` (the root excluded)."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return
    for key, value in items:
        yield (*path, key)
        yield from places(value, (*path, key))


@dataclass(frozen=True)
class Mutation:
    """One change at one place of a YAML tree."""

    place: tuple
    kind: str
    value: Any = None

    def apply(self, data: Any) -> None:
        """Change ``data`` in place (a place that a previous mutation removed is skipped)."""
        parent = data
        try:
            for part in self.place[:-1]:
                parent = parent[part]
            key = self.place[-1]
            old = parent[key]
        except (KeyError, IndexError, TypeError):
            return
        if self.kind == "delete":
            del parent[key]
        elif self.kind == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(old))
            else:
                parent[key] = [copy.deepcopy(old), copy.deepcopy(old)]
        elif self.kind == "scale":
            if _is_number(old):
                parent[key] = old * self.value
        elif self.kind == "number" and _is_number(old):
            parent[key] = self.value
        elif self.kind in ("number", "type"):
            parent[key] = copy.deepcopy(self.value)

    def __str__(self) -> str:
        where = ".".join(map(str, self.place))
        return f"{self.kind} {where}" + ("" if self.value is None else f" -> {self.value!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def mutations(data: Any, *, numeric_bias: bool = True) -> st.SearchStrategy[Mutation]:
    """A strategy of single mutations of ``data``; numbers are the likeliest target, as they
    are what the model computes with."""
    all_places = list(places(data))
    numeric = [p for p in all_places if _is_number(_at(data, p))]

    def build(kind: str) -> st.SearchStrategy[Mutation]:
        pool = numeric if kind in ("number", "scale") and numeric_bias else all_places
        place = st.sampled_from(pool)
        if kind == "number":
            return st.builds(Mutation, place, st.just(kind), st.sampled_from(NUMBERS))
        if kind == "scale":
            return st.builds(Mutation, place, st.just(kind), st.sampled_from(SCALES))
        if kind == "type":
            return st.builds(Mutation, place, st.just(kind), st.sampled_from(OTHER_TYPES))
        return st.builds(Mutation, place, st.just(kind))

    weights = {"number": 5, "scale": 4, "type": 2, "delete": 2, "duplicate": 1}
    return st.sampled_from([k for k in KINDS for _ in range(weights[k])]).flatmap(build)


def _at(data: Any, place: tuple) -> Any:
    for part in place:
        data = data[part]
    return data


@dataclass(frozen=True)
class Example:
    """A mutated scenario and policy, as the source files and the changes made to them."""

    scenario: Path
    policy: Path
    scenario_changes: tuple[Mutation, ...]
    policy_changes: tuple[Mutation, ...]

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write the mutated files into ``folder``; returns (scenario file, policy file)."""
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for source, changes, name in (
            (self.scenario, self.scenario_changes, "scenario.yaml"),
            (self.policy, self.policy_changes, "policy.yaml"),
        ):
            path = folder / name
            if changes:
                data = copy.deepcopy(shipped(source))
                for change in changes:
                    change.apply(data)
                text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True)
            else:  # as shipped (and dumping YAML is half the cost of an example)
                text = source.read_text(encoding="utf-8")
            path.write_text(text, encoding="utf-8")
            files.append(path)
        return files[0], files[1]

    def __str__(self) -> str:
        changes = [f"scenario: {c}" for c in self.scenario_changes]
        changes += [f"policy: {c}" for c in self.policy_changes]
        return f"{self.scenario.name} + {self.policy.name}: " + "; ".join(changes)


@st.composite
def examples(draw: st.DrawFn) -> Example:
    """A shipped scenario and policy with one to three mutations between them."""
    scenario = draw(st.sampled_from(SCENARIOS))
    policy = draw(st.sampled_from(POLICIES))
    n = draw(st.integers(1, 3))
    in_policy = draw(st.integers(0, n))
    scenario_changes = tuple(draw(mutations(shipped(scenario))) for _ in range(n - in_policy))
    policy_changes = tuple(draw(mutations(shipped(policy))) for _ in range(in_policy))
    return Example(scenario, policy, scenario_changes, policy_changes)
