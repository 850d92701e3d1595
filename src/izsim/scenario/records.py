"""Reference records: figures read from statistics, reports and surveys, cited as ``ref:<id>``.

The package ships a copy of ``shared/data/vn_zones_reference.yaml``; a scenario may add its
province's own records in a YAML file of the same form, named by ``scenario.references``. Both
are validated by :class:`ReferenceRecord`, and an id may be given only once across them.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from izsim.errors import InputError, Problem

RECORD_ID = r"^[A-Za-z0-9_À-ỹ]+$"
"""Letters (Vietnamese ones too, as in ``hy_kcn_Phố_Nối_A``), digits and underscores: what
``ref:<id>`` can name in a source string."""
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


class ReferenceRecord(BaseModel):
    """One figure and where it was read.

    ``value`` is the figure as the source gives it: a number, a range ``[low, high]``, a few
    named numbers (``{area_ha: 120, occupancy_pct: 56}``) or words for a study's finding.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=RECORD_ID, max_length=80, description="Id cited as `ref:<id>`.")
    scope: str = Field(min_length=1, description="Where it holds: national, a province, a zone.")
    indicator: str = Field(min_length=1, description="What was measured.")
    value: float | list[float] | dict[str, float] | str = Field(description="The figure.")
    unit: str = Field(min_length=1, description="Its unit, e.g. `%`, `ha`, `bn VND`.")
    date: str = Field(
        min_length=1, description="When it holds, as the source says: `2023`, `2023-12`…"
    )
    source: str = Field(min_length=3, description="Who published it (report, table, page).")
    url: str | None = Field(default=None, description="Where to read it.")
    notes: str | None = Field(default=None, description="Caveats: definition, coverage.")
    derived: bool = Field(default=False, description="Computed here from sourced numbers.")

    @field_validator("value", mode="wrap")
    @classmethod
    def _value_in_words(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # A value that fits no form gave one error per form of the union ("a valid number; or a
        # valid list; or a valid string") and another for the entry inside; one message says
        # which entry is wrong and what a value may be. A valid value is the handler's, as is.
        try:
            return handler(value)
        except ValidationError:
            raise ValueError(_value_problem(value)) from None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # YAML reads an unquoted 2017-05-22 as a date; the field keeps the text as written
        return value.isoformat() if isinstance(value, datetime.date) else value

    def shown(self) -> str:
        """The value and its unit as a table shows them."""
        value = self.value
        if isinstance(value, dict):
            text = ", ".join(f"{k} {v:g}" for k, v in value.items())
        elif isinstance(value, list):
            text = ", ".join(f"{v:g}" for v in value)
        elif isinstance(value, float):
            text = f"{value:g}"
        else:
            text = value
        return f"{text} {self.unit}" if not isinstance(value, str | dict) else text

    @property
    def year(self) -> str:
        """The first year ``date`` names, or ``—`` (an undated record)."""
        found = _YEAR.search(self.date)
        return found.group(1) if found else "—"


VALUE_FORMS = (
    "a number, a range [low, high], named numbers {name: number, ...} or words for a finding"
)
"""What a record's ``value`` may be, for messages."""


def _number(item: Any) -> bool:
    """A finite number as a record's value takes it (true/false is not one)."""
    return isinstance(item, int | float) and not isinstance(item, bool) and math.isfinite(item)


def _flow(value: Any) -> str:
    """``value`` as YAML writes it on one line (``{growth_pct: [2.0, 2.2]}``), text quoted,
    shortened."""
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
        text = text.strip().removesuffix("...").strip()
    return text if len(text) <= 60 else text[:57] + "..."


def _value_problem(value: Any) -> str:
    """Why a record's ``value`` is refused, naming the entry at fault and what is allowed."""
    allowed = f"a value is {VALUE_FORMS}"
    if isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str):
                return f"the name {_flow(name)} in {_flow(value)} is not text; {allowed}"
            if isinstance(item, list) and len(item) == 2 and all(map(_number, item)):
                return (
                    f"'{name}' is {_flow(item)}, a range inside named numbers, which take one"
                    f" number each: write {name}_low: {_flow(item[0])} and {name}_high:"
                    f" {_flow(item[1])}, or give the range as the value of a record of its own;"
                    f" {allowed}"
                )
            if not _number(item):
                return (
                    f"'{name}' is {_flow(item)}: named numbers take one finite number each;"
                    f" {allowed}"
                )
    if isinstance(value, list):
        return f"{_flow(value)} is not a list of finite numbers; {allowed}"
    # a single value: the message of the problem adds what the file gave, "(got inf)"
    if value is None:
        return f"is empty; {allowed}"
    if isinstance(value, float):
        return f"is not a finite number; {allowed}"
    return allowed


SHIPPED = "data/vn_zones_reference.yaml"
"""The package's records, relative to the ``izsim`` package."""

_EXTRA: ContextVar[Mapping[str, ReferenceRecord] | None] = ContextVar("extra_records", default=None)


@cache
def shipped_records() -> dict[str, ReferenceRecord]:
    """The records shipped with the package, by id (validated like a user's file)."""
    text = files("izsim").joinpath(SHIPPED).read_text(encoding="utf-8")
    # libyaml's C loader where PyYAML has it, as for the catalogue (indicators.py): the
    # pure-Python one took 0.1 s (the C one 0.014 s), half of loading a scenario; the data
    # are the same, and a problem in the shipped file names no line, so no marks are needed
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    records, problems = parse_records(data, f"izsim/{SHIPPED}", {}, {})
    if problems:  # a broken package, not a user's slip: say where
        raise InputError(problems)
    return records


def known_records() -> Mapping[str, ReferenceRecord]:
    """The shipped records and those of the scenario being loaded (see :func:`using_records`)."""
    extra = _EXTRA.get()
    return {**shipped_records(), **extra} if extra else shipped_records()


def current_extra_records() -> Mapping[str, ReferenceRecord] | None:
    """The scenario's own records of the enclosing :func:`using_records` block, if any."""
    return _EXTRA.get()


@contextmanager
def using_records(records: Mapping[str, ReferenceRecord]) -> Iterator[None]:
    """Within the block, ``ref:`` sources may also name ``records`` (a scenario's own)."""
    token = _EXTRA.set(records)
    try:
        yield
    finally:
        _EXTRA.reset(token)


def load_records(path: Path) -> tuple[dict[str, ReferenceRecord], list[Problem]]:
    """A user's records file: its valid records by id, and the problems of the others.

    A record whose id is already a shipped record's (or an earlier one's in the file) is a
    problem: a citation must name one figure.
    """
    from izsim.scenario.load import read_yaml  # load imports the schema, which imports this

    data, lines = read_yaml(path)
    return parse_records(data, str(path), lines, shipped_records())


def parse_records(
    data: Any, name: str, lines: dict[tuple, int], taken: Mapping[str, ReferenceRecord]
) -> tuple[dict[str, ReferenceRecord], list[Problem]]:
    """Records of a document ``{records: [...]}`` read from ``name``, and the problems found.

    Args:
        data: the YAML document.
        name: the file, for messages.
        lines: line of each key path, for messages.
        taken: ids already in use (the shipped records, for a user's file).
    """
    from izsim.scenario.load import dotted, nearest_line, problems_of

    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        message = "expected a mapping with `records:`, a list of records (see docs/new-province.md)"
        return {}, [Problem(name, "records", message, nearest_line(("records",), lines))]
    unknown = sorted(set(data) - {"meta", "records"})
    problems = [
        Problem(name, key, f"unknown field '{key}' (allowed: meta, records)", lines.get((key,)))
        for key in unknown
    ]
    records: dict[str, ReferenceRecord] = {}
    for i, item in enumerate(data["records"]):
        loc = ("records", i)
        try:
            record = ReferenceRecord.model_validate(item)
        except ValidationError as exc:
            problems += problems_of(name, exc, item, lines, ReferenceRecord, prefix=loc)
            continue
        if record.id in taken or record.id in records:
            where = (
                "a shipped record's (izsim refs lists them)"
                if record.id in taken
                else ("an earlier record's in this file")
            )
            problems.append(
                Problem(
                    name,
                    dotted((*loc, "id")),
                    f"'{record.id}' is already {where} id; give this record an id of its own",
                    nearest_line((*loc, "id"), lines),
                )
            )
            continue
        records[record.id] = record
    return records, problems


def listed_records(search: str | None, scenario_file: Path | None) -> list[ReferenceRecord]:
    """The records ``izsim refs`` lists: shipped ones, then a scenario's own, those matching
    ``search`` (in id, scope, indicator, source or notes; case and Vietnamese accents ignored).

    Raises:
        InputError: the scenario or its records file cannot be read or has bad records.
    """
    records = list(shipped_records().values())
    if scenario_file is not None:
        records += list(_scenario_records(scenario_file).values())
    if not search:
        return records
    wanted = _folded(search)
    return [
        record
        for record in records
        if wanted
        in _folded(
            " ".join(
                filter(
                    None, (record.id, record.scope, record.indicator, record.source, record.notes)
                )
            )
        )
    ]


def _scenario_records(scenario_file: Path) -> dict[str, ReferenceRecord]:
    """The records of the file a scenario names as ``scenario.references``."""
    from izsim.scenario.load import read_yaml

    data, _ = read_yaml(scenario_file)
    meta = data.get("scenario") if isinstance(data, dict) else None
    file = meta.get("references") if isinstance(meta, dict) else None
    if not isinstance(file, str):
        raise InputError(
            [Problem(str(scenario_file), "scenario.references", "names no file of records")]
        )
    path = scenario_file.parent / file
    if not path.is_file():
        raise InputError(
            [Problem(str(scenario_file), "scenario.references", f"'{file}' is not there ({path})")]
        )
    records, problems = load_records(path)
    if problems:
        raise InputError(problems)
    return records


def _folded(text: str) -> str:
    """``text`` in lower case without accents: ``Hà Nam`` and ``ha nam`` match."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))
