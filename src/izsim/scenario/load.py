"""Reading scenario and policy files, with errors a planner can act on.

Every problem names the file, the field path, the line (where YAML gives one), the bad value
and what is allowed. All problems of a file are reported together.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import hashlib
import inspect
import json
import re
import typing
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from izsim.errors import InputError, Problem
from izsim.scenario.base import VALUES_IN_RANGE, Sourced, unsourced_message
from izsim.scenario.documents import quote_problems
from izsim.scenario.policy import Policy
from izsim.scenario.records import ReferenceRecord, load_records, using_records
from izsim.scenario.schema import SCENARIO_CHECKS, CrossFieldError, Scenario
from izsim.scenario.sources import is_todo

M = TypeVar("M", bound=BaseModel)
SHOWN_PLACES = 5
"""Places named in the message of an error that a YAML anchor shares; the rest are counted."""
_DECIMAL_COMMA = re.compile(r"[+-]?\d+(,\d+)+")
_MERGE_TAG = "tag:yaml.org,2002:merge"


def load_scenario(path: str | Path, *, records_file: Path | None = None) -> Scenario:
    """Read and validate a scenario file; raises :class:`InputError`.

    Args:
        path: the scenario file.
        records_file: its own reference records, read instead of the file its
            ``scenario.references`` names: a results folder's copy of records that lay outside
            the scenario's folder (the copy of the scenario still names the original place).
    """
    return _load(Path(path), Scenario, records_file)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`InputError`."""
    return _load(Path(path), Policy)


def resolve_policy(name: str, scenario_file: Path) -> Path:
    """A policy given by id (``baseline``: ``policies/baseline.yaml`` beside the scenario) or
    by path (``my/policy.yaml``)."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return _by_id(name, scenario_file)


def find_policy(name: str | None, scenario_file: Path, *, option: str = "--policy") -> Path:
    """The policy file a run uses: ``name`` as an id or a path (see :func:`resolve_policy`),
    or, when no name is given, the scenario's baseline (``policies/baseline.yaml`` beside it).

    There is no built-in fallback: a run without the baseline beside its scenario is refused,
    because lever defaults are not the province's current practice and would give other
    results under no visible name.

    Args:
        name: what ``--policy`` gave, or None.
        scenario_file: the scenario's path.
        option: the command-line option that gave ``name`` (named in the error).

    Returns:
        The file; a path given by the user is returned as it is (loading it reports a
        missing or bad file).

    Raises:
        InputError: an id with no file beside the scenario, or no name and no baseline there;
            the message names the file looked for and the policies that are there.
    """
    path = resolve_policy(name or "baseline", scenario_file)
    if path.is_file() or (name is not None and path != _by_id(name, scenario_file)):
        return path
    folder = path.parent
    ids = sorted(p.stem for p in folder.glob("*.y*ml")) if folder.is_dir() else []
    if ids:
        there = f" (policies there: {', '.join(ids)})"
    else:
        there = f" ({folder} has no policies)" if folder.is_dir() else f" (no folder {folder})"
    if name is None:
        message = (
            f"not given, and the scenario has no baseline policy beside it ({path} does not"
            f" exist){there}; give --policy ID (a file in policies/ beside the scenario) or"
            " --policy FILE"
        )
    else:
        close = difflib.get_close_matches(name, ids, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"'{name}' is not a policy beside the scenario (no {path}){hint}{there}"
    raise InputError([Problem(option, "", message)])


def _by_id(name: str, scenario_file: Path) -> Path:
    """Where the policy of id ``name`` is: ``policies/<name>.yaml`` beside the scenario."""
    return scenario_file.parent / "policies" / f"{name}.yaml"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, for manifests."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


DESCRIPTIVE_FIELDS = frozenset({"name", "name_vi", "label", "title", "description", "quote"})
"""Fields of a scenario that describe it and that no run reads: names, labels, plan quotes.
Sources are not among them: zones' numbers that share a source and a range are drawn as one
parameter (:func:`izsim.scenario.parameters.parameters`), so a source can change a draw."""


def model_sha256(scenario: Scenario) -> str:
    """SHA-256 of a scenario as its runs read it: its validated content without the
    :data:`DESCRIPTIVE_FIELDS` and without numbers left at their defaults, so that a file
    edited only in its words, a zone named in Vietnamese, say, reads as the same scenario. (A
    default changed in the code changes runs but not this: the code's fingerprint says that.)"""

    def numbers(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: numbers(v) for k, v in node.items() if k not in DESCRIPTIVE_FIELDS}
        if isinstance(node, list):
            return [numbers(v) for v in node]
        return node

    content = numbers(scenario.model_dump(mode="json", exclude_defaults=True))
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def _load(path: Path, model: type[M], records_file: Path | None = None) -> M:
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
    own: dict[str, ReferenceRecord] = {}
    found: list[Problem] = []
    if model is Scenario:
        own, found = own_records(path, data, lines, records_file)
        found += quote_problems(path, data, lines)
    with using_records(own):
        try:
            spec = model.model_validate(data, context={VALUES_IN_RANGE: True})
        except ValidationError as exc:
            raise InputError(
                one_per_shared_value(_all_problems(name, exc, data, lines, model) + found)
            ) from None
    if found:
        raise InputError(found)
    return spec


def own_records(
    path: Path, data: dict, lines: dict[tuple, int], records_file: Path | None = None
) -> tuple[dict[str, ReferenceRecord], list[Problem]]:
    """The scenario's own reference records (``scenario.references``, or ``records_file``
    in its place) and their problems."""
    meta = data.get("scenario")
    file = meta.get("references") if isinstance(meta, dict) else None
    if not isinstance(file, str) or not file.strip():
        return {}, []  # absent, or not text: the schema names it
    where = path.parent / file if records_file is None else records_file
    if not where.is_file():
        loc = ("scenario", "references")
        message = f"'{file}' is not there (looked for {where}); give a YAML file of records"
        return {}, [Problem(str(path), dotted(loc), message, nearest_line(loc, lines))]
    try:
        return load_records(where)
    except InputError as error:  # not YAML, not UTF-8, empty
        return {}, error.problems


def _all_problems(
    name: str, exc: ValidationError, data: Any, lines: dict[tuple, int], model: type[BaseModel]
) -> list[Problem]:
    """Every problem of a file that failed validation: its fields', its checks' across fields
    and its unsourced numbers'."""
    problems = _problems(name, exc, data, lines, model)
    # Checks across fields run only once the fields they read are valid, so a file with a
    # bad field would name a cycle of expansions (or shares that do not add up) only on
    # the next try: run them now on the valid part of the file, in the same pass.
    seen = {(p.field, p.message) for p in problems}
    for err in _expanded(_cross_field_errors(model, data, exc)):
        loc = tuple(err["loc"])
        problem = Problem(
            name,
            dotted(loc),
            _describe([err], loc, data, model),
            nearest_line(loc, lines),
            item_ids(loc, data),
        )
        if (problem.field, problem.message) not in seen:
            seen.add((problem.field, problem.message))
            problems.append(problem)
    # A block's sources are checked after its fields, so a block with a bad field would
    # name its unsourced numbers only on the next try: add them now, in the same pass.
    seen = {(p.field, p.message) for p in problems}
    for loc, missing in _unsourced(data, model):
        problem = Problem(
            name,
            dotted(loc),
            unsourced_message(missing),
            nearest_line(loc, lines),
            item_ids(loc, data),
        )
        if (problem.field, problem.message) not in seen:
            problems.append(problem)
    return problems


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
    return problems_of(name, exc, data, lines, model)


def problems_of(
    name: str,
    exc: ValidationError,
    data: Any,
    lines: dict[tuple, int],
    model: type[BaseModel],
    prefix: tuple = (),
) -> list[Problem]:
    """The problems of ``data`` (at ``prefix`` in the file ``name``) that ``model`` refused:
    one per field, with its line, the value given and what is allowed."""
    # a value that fails every branch of a union (e.g. a target's `value`) gives one error per
    # branch; they are one problem of one field
    by_loc: dict[tuple, list[dict]] = {}
    for err in _expanded(exc.errors(include_url=False)):
        by_loc.setdefault(_field_loc(tuple(err["loc"]), data, model), []).append(err)
    return [
        Problem(
            name,
            dotted((*prefix, *loc)),
            _describe(errs, loc, data, model),
            nearest_line((*prefix, *loc), lines),
            item_ids(loc, data),
        )
        for loc, errs in by_loc.items()
    ]


def item_ids(loc: tuple, data: Any) -> str:
    """The ids of the list items on the way to ``loc``, e.g. ``zone ccn_south_1`` for
    ``zones[9].leasable_pct``; empty when none has an id.

    Args:
        loc: the field's path, as pydantic gives it.
        data: the file's YAML document.
    """
    found = []
    here, name = data, None
    for part in loc:
        try:
            here = here[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(name, str) and isinstance(here, dict):
            item = here.get("id")
            # an id ``izsim new`` left as TODO names nothing yet
            if isinstance(item, str | int) and not isinstance(item, bool) and not is_todo(item):
                found.append(f"{name.removesuffix('s').replace('_', ' ')} {item}")
        name = part
    return ", ".join(found)


def one_per_shared_value(problems: list[Problem]) -> list[Problem]:
    """One problem for a value written once and used in many places.

    A block written once under a YAML anchor (``defaults: &zone``) and merged into every zone
    (``<<: *zone``) gives the same error in each zone, on the same line; it is reported once,
    naming the other places (the first few and how many more).

    Args:
        problems: the problems of one file, in the order found.

    Returns:
        The problems, those of one line, field (whatever the list index) and message merged.
    """
    groups: dict[object, list[Problem]] = {}
    for problem in problems:
        key: object = (
            (problem.file, problem.line, re.sub(r"\[\d+\]", "[]", problem.field), problem.message)
            if problem.line is not None
            else object()
        )
        groups.setdefault(key, []).append(problem)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            places = [_place(p, first.field) for p in group[1:]]
            shown = ", ".join(places[:SHOWN_PLACES])
            if len(places) > SHOWN_PLACES:
                shown += f" and {len(places) - SHOWN_PLACES} more"
            first = replace(
                first,
                message=f"{first.message}; written once (a YAML anchor) and used by"
                f" {len(group)} places: also {shown}",
            )
        merged.append(first)
    return merged


def _describe(errs: list[Any], loc: tuple, data: Any, model: type[BaseModel]) -> str:
    """The message of one field's errors, with the value the file gave."""
    message = "; or ".join(_message(err, loc, model) for err in errs)
    value = _value_at(data, loc) if loc else None
    if is_todo(value):
        # a skeleton of `izsim new` not filled in yet: say so first, then what is allowed
        wanted = [_TODO_WANTS.get(err["type"]) for err in errs]
        if all(wanted):  # "give a number" says more than "unable to parse string"
            return f"still TODO: give {' or '.join(dict.fromkeys(map(str, wanted)))}"
        return message if message.startswith("still TODO") else f"still TODO: {message}"
    if not any(err["type"] in ("missing", "extra_forbidden") for err in errs) and loc:
        value = _value_at(data, loc)
        if isinstance(value, dict | list):
            if any(err["type"].endswith("_type") for err in errs):
                message = f"{message} (got {_kind(value)})"
        elif not (isinstance(value, str) and f"'{value.strip()}'" in message):
            # the messages of our own validators quote the text already
            message = f"{message} (got {_show(value)})"
        # only where a number was expected: a comma in a name or a source is no slip
        wants_number = re.search(r"\b(number|integer)\b", message) is not None
        if wants_number and isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value.strip()):
            message = f"{message}; {_decimal_comma_hint(value.strip())}"
    return message


def _place(problem: Problem, first: str) -> str:
    """Where ``problem`` is, as far as its field differs from ``first`` (``zones[4]`` for
    ``zones[4].leasable_pct`` beside ``zones[0].leasable_pct``), with the item's id."""
    field = problem.field
    differ = next((i for i, (a, b) in enumerate(zip(field, first, strict=False)) if a != b), None)
    if differ is not None and "]" in field[differ:]:
        field = field[: field.index("]", differ) + 1]
    return f"{field} ({problem.ids})" if problem.ids else field


def _decimal_comma_hint(text: str) -> str:
    """What to write instead of a number with a comma (``65,66``): YAML reads it as text."""
    dotted_decimal = text.replace(",", ".", 1) if text.count(",") == 1 else None
    plain = text.replace(",", "")
    groups = text.split(",")[1:]
    if dotted_decimal is not None and len(groups[0]) != 3:
        return f"write {dotted_decimal}: numbers take a decimal point, not a comma"
    if dotted_decimal is not None:  # 1,500: a decimal comma or a thousands separator
        return (
            f"write {dotted_decimal} if the comma is a decimal comma, or {plain} if it"
            " separates thousands (numbers take a decimal point and no separators)"
        )
    return f"write {plain} if the commas separate thousands: numbers take no separators"


_ABSENT = object()
_TODO_WANTS = {
    "float_parsing": "a number",
    "int_parsing": "a whole number",
    "list_type": "a list [a, b, …]",
    "tuple_type": "[low, high]",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
}
"""What a field left TODO wants, by the error pydantic gives for the text TODO."""


def _cross_field_errors(model: type[BaseModel], data: dict, exc: ValidationError) -> list[dict]:
    """Errors of the checks across fields that validation skipped for the fields it refused.

    The file is rebuilt from its valid fields only (a refused field is left out, not replaced
    by its default); every block with an error inside it then runs its checks again, each on
    its own: one that reads a field left out cannot be evaluated and is skipped, the others
    report as validation would have. Errors are in pydantic's form, for :func:`_expanded`.
    """
    bad = [tuple(err["loc"]) for err in exc.errors(include_url=False)]
    found: list[dict] = []
    try:
        _partial_block(model, data, (), bad, found)
    except Exception:  # never worse than the errors validation gave: they are reported anyway
        return []
    return found


def _partial_block(
    model: type[BaseModel], data: Any, path: tuple, bad: list[tuple], found: list[dict]
) -> Any:
    """``data`` as a ``model`` built from its valid fields, its checks' errors added to
    ``found``; :data:`_ABSENT` if it is not a mapping."""
    if not isinstance(data, dict):
        return _ABSENT
    values: dict[str, Any] = {}
    left_out: list[str] = []
    for name, field in model.model_fields.items():
        if name not in data:
            if field.is_required():
                left_out.append(name)
            continue
        inner = [loc[1:] for loc in bad if loc[:1] == (name,)]
        value = (
            _valid(model, name, data[name])
            if not inner
            else _partial_value(field.annotation, data[name], (*path, name), inner, found)
        )
        if value is _ABSENT:
            left_out.append(name)
        else:
            values[name] = value
    block = model.model_construct(_fields_set={n for n in values if n in data}, **values)
    for name in left_out:  # a refused field reads as missing, never as its default
        block.__dict__.pop(name, None)
    for check in _checks(block):
        try:
            problems = check()
        except ValueError as error:  # CrossFieldError too; a ValidationError is not one
            if isinstance(error, ValidationError) or _unsourced_only(check, error):
                continue
            found.append(
                {
                    "type": "value_error",
                    "loc": path,
                    "msg": f"Value error, {error}",
                    "ctx": {"error": error},
                }
            )
            continue
        except Exception:  # reads a field left out: cannot be evaluated on this file
            continue
        if problems:
            error = CrossFieldError(problems)
            found.append(
                {
                    "type": "value_error",
                    "loc": path,
                    "msg": f"Value error, {error}",
                    "ctx": {"error": error},
                }
            )
    return block


def _partial_value(annotation: Any, value: Any, path: tuple, bad: list[tuple], found: list) -> Any:
    """A field with errors inside it: a block (or list of blocks) built from its valid part,
    or :data:`_ABSENT` when the field itself is refused."""
    block = _inner_model(annotation)
    if block is None or (() in bad and not isinstance(value, dict)):
        return _ABSENT
    if isinstance(value, dict):
        return _partial_block(block, value, path, bad, found)
    if not isinstance(value, list) or () in bad:
        return _ABSENT
    items = []
    for i, item in enumerate(value):
        inner = [loc[1:] for loc in bad if loc[:1] == (i,)]
        if not inner:
            built = _valid_item(block, item)
        else:
            built = _partial_block(block, item, (*path, i), inner, found)
        # an item that is not a mapping is kept as a block without fields: checks that read
        # it are skipped, the others still see every item at its index
        items.append(block.model_construct() if built is _ABSENT else built)
        if built is _ABSENT:
            items[-1].__dict__.clear()
    return items


def _checks(block: BaseModel) -> list[Any]:
    """The checks across fields of a block, each callable on its own and returning problems
    (a scenario's are :data:`SCENARIO_CHECKS`)."""
    if isinstance(block, Scenario):
        return [functools.partial(check, block) for check in SCENARIO_CHECKS]
    validators = type(block).__pydantic_decorators__.model_validators
    return [_raising(getattr(block, n)) for n, v in validators.items() if v.info.mode == "after"]


def _raising(validator: Any) -> Any:
    """A block's validator as a check: it raises its problems and returns the block."""

    def check() -> list:
        # a validator that reads the validation's context (ranges' values) is run as a file is
        if "info" in inspect.signature(validator).parameters:
            validator(SimpleNamespace(context={VALUES_IN_RANGE: True}))
        else:
            validator()
        return []

    check.__name__ = validator.__name__
    return check


def _unsourced_only(check: Any, error: ValueError) -> bool:
    """The check of a block's sources on the valid fields only: :func:`_unsourced` reads the
    file itself and names every number, the refused ones too."""
    return getattr(check, "__name__", "") == "_every_number_sourced" and str(error).startswith(
        unsourced_message([])[:30]
    )


def _valid(model: type[BaseModel], name: str, value: Any) -> Any:
    """A field that passed validation, as validation made it (numbers as floats, pairs as
    tuples, blocks as models)."""
    try:
        return _adapter(model, name).validate_python(value)
    except ValidationError:  # not on its own (a check of the block needs its neighbours)
        return _ABSENT


def _valid_item(model: type[BaseModel], value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError:
        return _ABSENT


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    annotation = (
        Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    )
    return TypeAdapter(annotation)


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
        merged: list[yaml.Node] = []
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
            if key.tag == _MERGE_TAG:  # `<<: *defaults`: its keys are this mapping's
                merged += value.value if isinstance(value, yaml.SequenceNode) else [value]
                continue
            lines[child] = line
            _index_lines(value, child, lines, problems, name, inside)
        # The merged keys (an anchor's) at their own lines, so that an error in a block many
        # places share points at the one line that holds it. Keys written in the mapping
        # win, then the first merged block, as when the YAML is read.
        for block in merged:
            if not isinstance(block, yaml.MappingNode) or id(block) in inside:
                continue
            _index_merged(block, path, seen, lines, problems, name, inside | {id(block)})
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index_lines(value, (*path, i), lines, problems, name, inside)


def _index_merged(
    block: yaml.MappingNode,
    path: tuple,
    seen: dict[Any, int],
    lines: dict[tuple, int],
    problems: list[Problem],
    name: str,
    inside: frozenset[int],
) -> None:
    """Index the keys a merged block (``<<: *anchor``) gives the mapping at ``path``, those of
    the blocks it merges itself included; keys already in ``seen`` are the mapping's own."""
    nested: list[yaml.Node] = []
    for key, value in block.value:
        if key.tag == _MERGE_TAG:
            nested += value.value if isinstance(value, yaml.SequenceNode) else [value]
            continue
        if key.value in seen:
            continue
        seen[key.value] = key.start_mark.line + 1
        child = (*path, key.value)
        lines[child] = key.start_mark.line + 1
        _index_lines(value, child, lines, problems, name, inside)
    for inner in nested:
        if isinstance(inner, yaml.MappingNode) and id(inner) not in inside:
            _index_merged(inner, path, seen, lines, problems, name, inside | {id(inner)})


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
