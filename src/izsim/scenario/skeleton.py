"""The skeleton of a new scenario, written by ``izsim new NAME``.

Every block a scenario needs, with every required field set to ``TODO`` and its meaning in a
comment above it; optional fields are shown commented out with their default. Written from the
schema itself, so it follows every change of it. Until each TODO is replaced the file fails
validation, one ``still TODO`` message per field (``izsim validate`` lists them).
"""

from __future__ import annotations

import re
import textwrap
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from izsim.errors import InputError, Problem
from izsim.scenario.base import Sourced
from izsim.scenario.schema import Scenario
from izsim.scenario.sources import TODO

OPTIONAL_BLOCKS = ("reinvestment", "establishment", "candidate_sites", "outside_fence_projects")
"""Blocks a first scenario can leave out (docs/scenarios.md describes them)."""
SOURCE_TODO = (
    f'"{TODO}: plan:<document id> <section>, ref:<record id>, derived: <how, from which'
    ' plan: or ref:> or assumption: <reason> (its range under ranges:)"'
)
WIDTH = 96
SHOWN = {"PlanDocument": ("number", "date", "file")}
"""Optional fields written as TODO all the same: a plan document is known by its number and
date, and its quotes are checked only against its file (remove those the copy lacks)."""


def write_skeleton(name: str, folder: Path) -> Path:
    """Write ``folder/<name>.yaml``; refuses a bad name and an existing file.

    Raises:
        InputError: ``name`` is not an id, or the file exists or cannot be written.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name):
        raise InputError(
            [
                Problem(
                    "new",
                    "NAME",
                    f"'{name}' is not a scenario id: lower case letters, digits and underscores,"
                    " starting with a letter (e.g. hai_duong for Hải Dương)",
                )
            ]
        )
    path = folder / f"{name}.yaml"
    if path.exists():
        raise InputError(
            [Problem(str(path), "", "exists already; give another NAME or --folder, or remove it")]
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never over a file made meanwhile
            out.write(skeleton(name, path.as_posix()))
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot be written: {exc.strerror}")]) from None
    return path


def skeleton(name: str, path: str | None = None) -> str:
    """The text of a new scenario file whose id is ``name`` (a slug), to be written at ``path``
    (as the user will type it; ``<name>.yaml`` when not given)."""
    path = path or f"{name}.yaml"
    lines = [
        f"# {name}: an izsim scenario, written by `izsim new {name}`.",
        "# Replace every TODO with the province's figure and its source; `izsim validate",
        f"# {path}` lists those still to fill. docs/new-province.md walks through each",
        "# block; docs/scenarios.md lists every field. Lines starting with `# field:` are optional",
        "# fields with their default: remove the `# ` to give them a value.",
        "",
    ]
    for field_name, field in Scenario.model_fields.items():
        if field_name in OPTIONAL_BLOCKS:
            lines += _comment(f"{field_name}: optional block. {field.description}", "")
            lines.append("")
            continue
        lines += _comment(field.description or "", "")
        lines += _field(field_name, field, "", name)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _field(name: str, field: FieldInfo, indent: str, scenario_id: str) -> list[str]:
    """The lines of one field: a block, a list of one block, or ``name: TODO``."""
    block = _block(field.annotation)
    if block is not None:
        if _is_list(field.annotation):
            inner = _block_lines(block, indent + "    ", scenario_id)
            return [f"{indent}{name}:", *_item(inner, indent + "  ")]
        return [f"{indent}{name}:", *_block_lines(block, indent + "  ", scenario_id)]
    return [f"{indent}{name}: {TODO}"]


def _item(inner: list[str], indent: str) -> list[str]:
    """A list of one block: its first line gets the dash (comments stay above it)."""
    out: list[str] = []
    dashed = False
    for line in inner:
        if not dashed and not line.lstrip().startswith("#"):
            out.append(f"{indent}- {line.lstrip()}")
            dashed = True
        else:
            out.append(line)
    return out


def _block_lines(block: type[BaseModel], indent: str, scenario_id: str) -> list[str]:
    lines: list[str] = []
    for name, field in block.model_fields.items():
        if issubclass(block, Sourced) and name in ("source", "sources", "ranges"):
            continue
        if block.__name__ == "Meta" and name == "id":
            lines += _comment(field.description or "", indent)
            lines.append(f"{indent}id: {scenario_id}")
            continue
        if field.is_required() or name in SHOWN.get(block.__name__, ()):
            lines += _comment(field.description or "", indent)
            lines += _field(name, field, indent, scenario_id)
        else:
            lines += _comment(f"{name}: {_default(field)} — {field.description}", indent)
    if issubclass(block, Sourced):
        lines += _comment(
            "The source of every number above (or `sources: {field: ...}`, one per number).",
            indent,
        )
        lines.append(f"{indent}source: {SOURCE_TODO}")
        lines += _comment(
            "Give each assumption its plausible range, e.g. `ranges: {field: [low, high]}`"
            " (`izsim params` lists the numbers still without one).",
            indent,
        )
    return lines


def _comment(text: str, indent: str) -> list[str]:
    return [
        f"{indent}# {line}"
        for line in textwrap.wrap(text, WIDTH - len(indent) - 2, break_long_words=False)
    ]


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "empty"
    value = field.default
    if value == "":
        return '""'
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _block(annotation: Any) -> type[BaseModel] | None:
    """The schema block a field holds (alone or as the items of a list)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if _is_list(annotation):
        (item,) = typing.get_args(annotation)
        return item if isinstance(item, type) and issubclass(item, BaseModel) else None
    return None
