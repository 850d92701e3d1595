"""Reading scenario and policy files, with errors a planner can act on.

Every problem names the file, the field path, the line (where YAML gives one), the bad value
and what is allowed. All problems of a file are reported together.
"""

from __future__ import annotations

import difflib
import hashlib
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from izsim.errors import InputError, Problem
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

M = TypeVar("M", bound=BaseModel)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`InputError`."""
    return _load(Path(path), Scenario)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`InputError`."""
    return _load(Path(path), Policy)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, for manifests."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """The YAML document in ``path`` and the line of every key path in it."""
    name = str(path)
    if not path.exists():
        raise InputError([Problem(name, "", "no such file")])
    if path.is_dir():
        raise InputError([Problem(name, "", "is a folder; give a .yaml file")])
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(name, "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(name, "", f"is not valid YAML: {problem}", line)]) from None
    if data is None:
        raise InputError([Problem(name, "", "is empty; expected a YAML mapping of fields")])
    lines: dict[tuple, int] = {}
    _index_lines(node, (), lines)
    return data, lines


def _load(path: Path, model: type[M]) -> M:
    data, lines = read_yaml(path)
    name = str(path)
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError([Problem(name, "", f"holds a {kind}; expected a mapping of fields", 1)])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(name, exc, data, lines, model)) from None


def _problems(
    name: str, exc: ValidationError, data: Any, lines: dict[tuple, int], model: type[BaseModel]
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # pydantic adds the name of the union branch it tried, e.g. 'tuple[float, float]'
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        field = _dotted(loc)
        line = _nearest_line(loc, lines)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            message = f"unknown field '{loc[-1]}'{hint} (allowed: {', '.join(allowed)})"
        elif err["type"] != "missing" and loc:
            value = _value_at(data, loc)
            if not isinstance(value, dict | list):
                message = f"{message} (got {_show(value)})"
        problems.append(Problem(name, field, message, line))
    return problems


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return "<missing>"
    return data


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _nearest_line(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _index_lines(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            _index_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, (*path, i), lines)


def _fields_at(model: Any, loc: tuple) -> list[str]:
    """Field names of the schema block at ``loc`` (for "did you mean" hints)."""
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        model = _inner_model(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
