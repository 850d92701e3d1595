"""Reading scenario and policy files, with errors a planner can act on.

Every problem names the file, the field path, the line (where YAML gives one), the bad value
and what is allowed. All problems of a file are reported together.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from izsim.errors import InputError, Problem
from izsim.scenario.base import Sourced, unsourced_message
from izsim.scenario.policy import Policy
from izsim.scenario.schema import CrossFieldError, Scenario

M = TypeVar("M", bound=BaseModel)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`InputError`."""
    return _load(Path(path), Scenario)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`InputError`."""
    return _load(Path(path), Policy)


def resolve_policy(name: str, scenario_file: Path) -> Path:
    """A policy given by id (``baseline``: ``policies/baseline.yaml`` beside the scenario) or
    by path (``my/policy.yaml``)."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return scenario_file.parent / "policies" / f"{name}.yaml"


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
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    # One parse, with libyaml's C parser where PyYAML has it (several times faster). Lines are
    # indexed before the data is built: building flattens merge keys (<<) into the tree.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _index_lines(node, (), lines, problems, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        exc = _detailed_error(text, exc)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(name, "", f"is not valid YAML: {problem}", line)]) from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError([Problem(name, "", "is empty; expected a YAML mapping of fields")])
    if problems:
        # YAML keeps the last of two equal keys without a word, and a looping alias makes an
        # endless block; checking the schema against either would only add confusing errors.
        raise InputError(problems)
    return data, lines


def _detailed_error(text: str, error: yaml.YAMLError) -> yaml.YAMLError:
    """The pure-Python parser's account of a syntax error: it names what libyaml's does not
    (the undefined alias, the tab character)."""
    try:
        yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as detailed:
        return detailed
    return error


def _load(path: Path, model: type[M]) -> M:
    data, lines = read_yaml(path)
    name = str(path)
    if not isinstance(data, dict):
        kind = _kind(data)
        raise InputError([Problem(name, "", f"holds {kind}; expected a mapping of fields", 1)])
    # A policy given as the scenario (or the other way round) would otherwise get a page of
    # "unknown field" errors; say what happened instead.
    if model is Scenario and "levers" in data and "scenario" not in data:
        raise InputError(
            [
                Problem(
                    name, "", "is a policy file; give a scenario here (a policy goes to --policy)"
                )
            ]
        )
    if model is Policy and "scenario" in data and "levers" not in data:
        raise InputError(
            [
                Problem(
                    name, "", "is a scenario file; give a policy here (e.g. policies/baseline.yaml)"
                )
            ]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = _problems(name, exc, data, lines, model)
        # A block's sources are checked after its fields, so a block with a bad field would
        # name its unsourced numbers only on the next try: add them now, in the same pass.
        seen = {(p.field, p.message) for p in problems}
        for loc, missing in _unsourced(data, model):
            problem = Problem(
                name, dotted(loc), unsourced_message(missing), nearest_line(loc, lines)
            )
            if (problem.field, problem.message) not in seen:
                problems.append(problem)
        raise InputError(problems) from None


def _unsourced(data: dict, model: type[BaseModel]) -> list[tuple[tuple, list[str]]]:
    """The sourced blocks of ``data`` (one level down, where the schemas have them) with the
    numbers they write without a source."""
    found = []
    for name, field in model.model_fields.items():
        block = _inner_model(field.annotation)
        if not (isinstance(block, type) and issubclass(block, Sourced)) or name not in data:
            continue
        value = data[name]
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            missing = block.unsourced(item)
            if missing:
                found.append(((name,) if i is None else (name, i), missing))
    return found


def _problems(
    name: str, exc: ValidationError, data: Any, lines: dict[tuple, int], model: type[BaseModel]
) -> list[Problem]:
    # a value that fails every branch of a union (e.g. a target's `value`) gives one error per
    # branch; they are one problem of one field
    by_loc: dict[tuple, list[dict]] = {}
    for err in _expanded(exc.errors(include_url=False)):
        by_loc.setdefault(_field_loc(tuple(err["loc"]), data, model), []).append(err)
    problems = []
    for loc, errs in by_loc.items():
        field = dotted(loc)
        line = nearest_line(loc, lines)
        message = "; or ".join(_message(err, loc, model) for err in errs)
        if not any(err["type"] in ("missing", "extra_forbidden") for err in errs) and loc:
            value = _value_at(data, loc)
            if isinstance(value, dict | list):
                if any(err["type"].endswith("_type") for err in errs):
                    message = f"{message} (got {_kind(value)})"
            elif not (isinstance(value, str) and f"'{value.strip()}'" in message):
                # the messages of our own validators quote the text already
                message = f"{message} (got {_show(value)})"
        problems.append(Problem(name, field, message, line))
    return problems


def _expanded(errors: list[Any]) -> Any:
    """Errors, with a check across fields split into one error per field it names."""
    for err in errors:
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, CrossFieldError):
            for sub, message in cause.problems:
                yield {**err, "loc": (*err["loc"], *sub), "msg": message}
        else:
            yield err


def _message(err: Any, loc: tuple, model: type[BaseModel]) -> str:
    if err["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{loc[-1]}'{hint} (allowed: {', '.join(allowed)})"
    if err["type"] == "model_type":
        # pydantic says "a valid dictionary or instance of Economy": a Python class, not YAML
        return "Input should be a mapping of fields (`name: value` lines)"
    return str(err["msg"]).removeprefix("Value error, ")


def _field_loc(loc: tuple, data: Any, model: type[BaseModel]) -> tuple:
    """``loc`` without the union branches pydantic inserts (``float``, ``tuple[float, float]``).

    A name is kept when the file has it as a key or the schema has it as a field there.
    """
    kept: tuple = ()
    for part in loc:
        if isinstance(part, str):
            here = _value_at(data, kept)
            in_file = isinstance(here, dict) and part in here
            if not in_file and part not in _fields_at(model, kept):
                continue
        kept = (*kept, part)
    return kept


def _kind(value: Any) -> str:
    """What a YAML value is, in the words of a YAML file."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.date):
        return "a date"
    return f"a {type(value).__name__}"


def dotted(loc: tuple) -> str:
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
    if isinstance(value, datetime.date):
        # YAML reads an unquoted 2025-12-31 as a date, which Python would show as datetime.date(...)
        return f"the date {value.isoformat()}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def nearest_line(loc: tuple, lines: dict[tuple, int]) -> int | None:
    # stops before the whole document: its first line (the first key, e.g. `scenario:`) would
    # point a planner at the wrong place for a file-wide check or a missing block
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _index_lines(
    node: yaml.Node,
    path: tuple,
    lines: dict[tuple, int],
    problems: list[Problem],
    name: str,
    inside: frozenset[int] = frozenset(),
) -> None:
    """Record the line of every key path; add duplicate keys and looping aliases to problems."""
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in inside:
        # `a: &x {b: *x}` is legal YAML but an endless block; walking it would never stop
        problems.append(
            Problem(name, dotted(path), "an alias repeats a block that contains it", lines[path])
        )
        return
    inside = inside | {id(node)}
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            child = (*path, key.value)
            line = key.start_mark.line + 1
            if key.value in seen:
                problems.append(
                    Problem(
                        name,
                        dotted(child),
                        f"key '{key.value}' appears twice (first on line {seen[key.value]});"
                        " keep one",
                        line,
                    )
                )
                continue
            seen[key.value] = line
            lines[child] = line
            _index_lines(value, child, lines, problems, name, inside)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, (*path, i), lines, problems, name, inside)


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
