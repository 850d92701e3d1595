"""The patterns the model is meant to reproduce (ODD: purpose and patterns), as data.

A pattern is a dated figure from the reference records or from a plan's account of the past,
with a tolerance and a rule for reading it on a run (``izsim/data/patterns.yaml``, described
in ``docs/patterns.md``). This module validates that file, with problems named by file, field
and line as for scenarios, and measures each pattern on a :class:`~izsim.result.RunResult`.

Patterns are split once, before any fitting, into ``fit`` and ``test`` (held out) by the rule
the file states (``meta.split_rule``); the split is checked against it here, so that a later
edit cannot move a pattern between the two without changing the rule where it is written.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from izsim.calendar import month_index, month_label, parse_month
from izsim.errors import InputError, Problem
from izsim.indicators import CATALOGUE, INDICATOR_IDS
from izsim.result import RunResult
from izsim.scenario.load import dotted, nearest_line, own_records, problems_of, read_yaml
from izsim.scenario.records import RECORD_ID, ReferenceRecord, shipped_records, using_records
from izsim.scenario.sources import cited_documents, cited_records, source_kind
from izsim.targets import annual_growth_pct

SHIPPED = "data/patterns.yaml"
"""The package's patterns, relative to the ``izsim`` package."""

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
"""The shipped scenarios of a source checkout: a pattern of a named province may cite that
province's own records (its scenario's ``references``) and plan documents."""

MIN_HELD_OUT = 0.25
"""Least share of patterns held out for validation (issue 11: at least a quarter)."""

LEVEL_LEAD_MONTHS = 12
"""Least months between a run's start and a level it is compared on. Occupancy, plant shares
and counts move by a year's leasing or building, a few per cent of the stock, so a level read
within a year of the start mostly restates the start state the scenario was given (often from
the very records the pattern cites), not what the model made of it."""

CUMULATIVE_SINCE_START = frozenset(
    {
        "tenants_located",
        "new_zones_kcn",
        "new_zones_ccn",
        "expansions_kcn",
        "projects_revoked",
        "investment_state_bn_vnd",
        "investment_nonstate_bn_vnd",
        "investment_fdi_bn_vnd",
        "public_spending_bn_vnd",
    }
)
"""Indicators counted from zero at the start, so that their value the month before the start
is 0 (a count over a period that begins with the run needs it)."""

PACE_STOCKS = {"zones_established_kcn": "new_zones_kcn", "zones_established_ccn": "new_zones_ccn"}
"""Stocks of established zones a pace is read from, with the indicator of new zones since the
start: their difference in the first month is the stock the scenario starts with."""

_PATTERN_ID = r"^[a-z][a-z0-9_]*$"


def _month(text: str) -> str:
    parse_month(text)  # raises ValueError naming the text and the form
    return text


Month = Annotated[str, AfterValidator(_month)]
"""A month as ``YYYY-MM``."""


def _indicator(name: str) -> str:
    if name not in CATALOGUE:
        close = difflib.get_close_matches(name, INDICATOR_IDS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"'{name}' is not an indicator{hint} (the catalogue: izsim/data/indicators.yaml)"
        )
    return name


IndicatorId = Annotated[str, AfterValidator(_indicator)]


class Measure(BaseModel):
    """How a pattern is read on a run.

    Kinds: ``level`` (the indicator at each of ``months``), ``ratio`` (100 × indicator /
    ``denominator`` at each month), ``growth`` (average annual growth from the end of ``since``
    to the end of ``until``, %/yr), ``increase`` (the indicator at ``until`` less at ``since``,
    for an indicator counted since the start), ``pace`` (new zones a year per zone established
    at ``since``, %/yr).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["level", "ratio", "growth", "increase", "pace"]
    indicator: IndicatorId
    denominator: IndicatorId | None = Field(default=None, description="ratio only.")
    months: list[Month] = Field(default_factory=list, description="level and ratio.")
    since: Month | None = Field(default=None, description="growth, increase and pace.")
    until: Month | None = Field(default=None, description="growth, increase and pace.")
    source: str | None = Field(
        default=None, description="Why the months differ from the records' dates, if they do."
    )

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Measure:
        pointwise = self.kind in ("level", "ratio")
        if pointwise and not self.months:
            raise ValueError(f"a measure of kind '{self.kind}' needs `months` (YYYY-MM list)")
        if pointwise and (self.since or self.until):
            raise ValueError(
                f"a measure of kind '{self.kind}' reads `months`; `since`/`until` are for"
                " growth, increase and pace"
            )
        if (self.kind == "ratio") != (self.denominator is not None):
            raise ValueError("`denominator` is given with kind 'ratio', and only then")
        if not pointwise:
            if self.months:
                raise ValueError(
                    f"a measure of kind '{self.kind}' reads the window `since`–`until`, not"
                    " `months`"
                )
            if self.since is None or self.until is None:
                raise ValueError(f"a measure of kind '{self.kind}' needs `since` and `until`")
            if month_index(self.until, self.since) <= 0:
                raise ValueError(f"`until` ({self.until}) must come after `since` ({self.since})")
        if self.kind == "increase" and self.indicator not in CUMULATIVE_SINCE_START:
            raise ValueError(
                f"an increase reads an indicator counted since the start; '{self.indicator}' is"
                f" not one (allowed: {', '.join(sorted(CUMULATIVE_SINCE_START))})"
            )
        if self.kind == "pace" and self.indicator not in PACE_STOCKS:
            raise ValueError(
                f"a pace reads a stock of established zones; '{self.indicator}' is not one"
                f" (allowed: {', '.join(PACE_STOCKS)})"
            )
        return self

    def first_month(self) -> str:
        """The first month whose outcome the measure reads: a level's earliest month, or the
        first month of change in a window (the month after ``since``, whose end is the
        window's starting value)."""
        if self.months:
            return min(self.months, key=lambda m: parse_month(m))
        return month_label(1, self.since)  # type: ignore[arg-type]


class Pattern(BaseModel):
    """One pattern: what, where, when, the value with its tolerance, and how it is measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_PATTERN_ID, max_length=60)
    what: str = Field(min_length=5)
    family: str = Field(pattern=_PATTERN_ID, description="Same quantity, other dates.")
    scope: str = Field(min_length=1, description="Where the records hold.")
    applies_to: Literal["any"] | list[Annotated[str, Field(pattern=_PATTERN_ID)]] = Field(
        description="`any` (a typical province) or the scenario ids it is read on."
    )
    split: Literal["fit", "test"]
    records: list[Annotated[str, Field(pattern=RECORD_ID)]] = Field(default_factory=list)
    plan_clauses: list[str] = Field(default_factory=list, description="plan:<id> §... cited.")
    dates: list[str] = Field(min_length=1, description="The records' dates, as they give them.")
    value: float | tuple[float, float]
    unit: str = Field(min_length=1)
    value_source: str = Field(min_length=5)
    tolerance: tuple[float, float]
    tolerance_source: str = Field(min_length=5)
    measure: Measure
    notes: str | None = None

    @field_validator("applies_to")
    @classmethod
    def _some_province(cls, value: Any) -> Any:
        if isinstance(value, list) and not value:
            raise ValueError("name at least one scenario id, or write `any`")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Pattern:
        if not self.records and not self.plan_clauses:
            raise ValueError("a pattern cites its record ids (`records`) or `plan_clauses`")
        low, high = self.tolerance
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"tolerance [{low:g}, {high:g}] must be finite, low ≤ high")
        values = self.value if isinstance(self.value, tuple) else (self.value,)
        if any(not low <= v <= high for v in values):
            shown = ", ".join(f"{v:g}" for v in values)
            raise ValueError(
                f"the value ({shown}) lies outside its own tolerance [{low:g}, {high:g}]"
            )
        if isinstance(self.value, tuple) and self.value[0] > self.value[1]:
            raise ValueError(f"value [{self.value[0]:g}, {self.value[1]:g}] must be low, high")
        return self

    def provinces(self) -> tuple[str, ...]:
        """The scenario ids the pattern is read on; empty for any province."""
        return () if self.applies_to == "any" else tuple(self.applies_to)

    def read_on(self, province: str) -> bool:
        """Whether a run of ``province`` (``Meta.province_id``) reads the pattern."""
        return not self.provinces() or province in self.provinces()

    def sources(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every source string of the pattern with its place in the pattern, e.g.
        ``("plan_clauses", 0)`` or ``("measure", "source")``."""
        found: list[tuple[tuple[str | int, ...], str]] = [
            (("value_source",), self.value_source),
            (("tolerance_source",), self.tolerance_source),
        ]
        found += [(("plan_clauses", i), text) for i, text in enumerate(self.plan_clauses)]
        if self.measure.source is not None:
            found.append((("measure", "source"), self.measure.source))
        return found


class Meta(BaseModel):
    """The split rule, written once for the whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    split_rule: str = Field(min_length=20)
    held_out_from: Month = Field(description="A pattern measuring only from here on is test.")
    fit_exceptions: list[str] = Field(
        default_factory=list, description="Patterns the rule would hold out, kept in fit."
    )
    left_out: str | None = Field(default=None, description="Listed patterns left out, why.")
    informed: dict[str, str] = Field(
        default_factory=dict,
        description="Held-out patterns whose records (or records of the same count) set an"
        " input or a prior range, each with how: validated and reported apart from the"
        " independent ones, never counted as a test the model passed on its own.",
    )
    cited_apart: dict[str, str] = Field(
        default_factory=dict,
        description="Held-out patterns a scenario cites for something they do not measure:"
        " independent, with the reason.",
    )


class PatternSet(BaseModel):
    """The validated patterns file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meta: Meta
    patterns: list[Pattern] = Field(min_length=1)

    def by_id(self) -> dict[str, Pattern]:
        """The patterns by id."""
        return {p.id: p for p in self.patterns}

    def held_out_share(self) -> float:
        """The share of patterns held out for validation."""
        return sum(p.split == "test" for p in self.patterns) / len(self.patterns)

    def independent_tests(self) -> list[Pattern]:
        """Held-out patterns that informed no input or prior (not under ``meta.informed``)."""
        return [p for p in self.patterns if p.split == "test" and p.id not in self.meta.informed]

    def rule_split(self, pattern: Pattern) -> str:
        """The split the file's rule gives ``pattern``: ``test`` when all it measures lies from
        ``held_out_from`` on, unless it is a listed exception."""
        later = month_index(pattern.measure.first_month(), self.meta.held_out_from) >= 0
        return "test" if later and pattern.id not in self.meta.fit_exceptions else "fit"


# ------------------------------------------------------------------ loading
@dataclass(frozen=True)
class _Province:
    """What a pattern of a named province may cite besides the shipped records."""

    records: Mapping[str, ReferenceRecord]
    documents: frozenset[str]


def load_patterns(
    path: str | Path | None = None, *, scenarios_dir: Path | None = None
) -> PatternSet:
    """The patterns file at ``path`` (the shipped one by default), validated.

    Besides its fields, every record id must be a shipped reference record or, for a pattern
    of named provinces, one of their own (``scenario.references`` of
    ``<scenarios_dir>/<id>.yaml``); every ``plan:`` source must name a document of those
    provinces' scenarios; the split must follow the file's rule; at least
    :data:`MIN_HELD_OUT` of the patterns must be held out.

    Args:
        path: the YAML file.
        scenarios_dir: where the scenarios of named provinces are (default: the checkout's).
            Installed without a checkout there is none: a named province's own records and
            plan documents then go unchecked (a record id that is not shipped, a source citing
            one, a plan document; the shipped file is checked in the checkout's tests), and
            every other check is made.

    Raises:
        InputError: every problem found, each naming the file, the field, its line and value.
    """
    if path is None:
        path = Path(str(files("izsim").joinpath(SHIPPED)))
    path = Path(path)
    if scenarios_dir is None and SCENARIOS_DIR.is_dir():
        scenarios_dir = SCENARIOS_DIR
    data, lines = read_yaml(path)
    name = str(path)
    if not isinstance(data, dict):
        raise InputError([Problem(name, "", "expected a mapping with `meta:` and `patterns:`", 1)])
    try:
        spec = PatternSet.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(name, exc, data, lines, PatternSet)) from None
    problems = _cross_checks(spec, name, lines, scenarios_dir)
    if problems:
        raise InputError(problems)
    return spec


@cache
def shipped_patterns() -> PatternSet:
    """The package's patterns, validated once."""
    return load_patterns()


def _cross_checks(
    spec: PatternSet, name: str, lines: dict[tuple, int], scenarios_dir: Path | None
) -> list[Problem]:
    """Problems across fields and files: ids, records, sources, the split."""
    problems: list[Problem] = []

    def add(loc: tuple, message: str, ids: str = "") -> None:
        problems.append(Problem(name, dotted(loc), message, nearest_line(loc, lines), ids))

    shipped = shipped_records()
    provinces: dict[str, _Province | str] = {}
    seen: set[str] = set()
    for i, pattern in enumerate(spec.patterns):
        ids = f"pattern {pattern.id}"
        if pattern.id in seen:
            add(("patterns", i, "id"), f"'{pattern.id}' is an earlier pattern's id", ids)
        seen.add(pattern.id)
        # without the scenarios (izsim installed without the checkout's scenarios/), a named
        # province's own records and plan documents cannot be read: only what needs them goes
        # unchecked (a record that is not shipped, a source citing one, a plan document)
        unread = scenarios_dir is None and bool(pattern.provinces())
        own: dict[str, ReferenceRecord] = {}
        documents: set[str] = set()
        for j, province in enumerate(pattern.provinces() if scenarios_dir is not None else ()):
            if province not in provinces:
                provinces[province] = _province(province, scenarios_dir)
            found = provinces[province]
            if isinstance(found, str):
                add(("patterns", i, "applies_to", j), found, ids)
                continue
            own.update(found.records)
            documents |= found.documents
        known = {**shipped, **own}
        for j, record in enumerate(pattern.records):
            if record not in known and not unread:
                close = difflib.get_close_matches(record, list(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                where = (
                    "the shipped records or those of " + ", ".join(pattern.provinces())
                    if pattern.provinces()
                    else "the shipped records (a pattern of any province cites only those)"
                )
                add(("patterns", i, "records", j), f"'{record}' is not in {where}{hint}", ids)
        with using_records(own):
            for field, text in pattern.sources():
                loc = ("patterns", i, *field)
                if unread and not set(cited_records(text)) <= known.keys():
                    continue  # cites a province's own record, which is not there to read
                try:
                    source_kind(text)
                except ValueError as error:
                    add(loc, str(error), ids)
                    continue
                for document in [] if unread else cited_documents(text):
                    if document not in documents:
                        listed = ", ".join(sorted(documents)) or "none"
                        add(
                            loc,
                            f"'plan:{document}' is not a document of the scenarios the pattern"
                            f" applies to ({listed})",
                            ids,
                        )
        if pattern.measure.source is None and not _reads_its_dates(pattern):
            m = pattern.measure
            reads = ", ".join(m.months) if m.months else f"{m.since} to {m.until}"
            add(
                ("patterns", i, "measure"),
                f"reads {reads}, not the records' dates ({', '.join(pattern.dates)}): give"
                " `measure.source` saying why (e.g. 'assumption: a yearly figure is read at"
                " the year's end')",
                ids,
            )
        _check_split(spec, pattern, i, add, ids)
    for j, exception in enumerate(spec.meta.fit_exceptions):
        if exception not in seen:
            add(("meta", "fit_exceptions", j), f"'{exception}' is not a pattern id")
    for field in ("informed", "cited_apart"):
        for key in getattr(spec.meta, field):
            if key not in seen:
                add(("meta", field, key), f"'{key}' is not a pattern id")
            elif spec.by_id()[key].split != "test":
                add(
                    ("meta", field, key),
                    f"'{key}' is fitted: `{field}` qualifies held-out (test) patterns only",
                )
    for key in set(spec.meta.informed) & set(spec.meta.cited_apart):
        add(("meta", "cited_apart", key), f"'{key}' is also under meta.informed: one or the other")
    share = spec.held_out_share()
    if share < MIN_HELD_OUT:
        held = sum(p.split == "test" for p in spec.patterns)
        add(
            ("patterns",),
            f"{held} of {len(spec.patterns)} patterns ({100 * share:.0f} %) are held out"
            f" (split: test); at least {100 * MIN_HELD_OUT:.0f} % must be",
        )
    return problems


def _reads_its_dates(pattern: Pattern) -> bool:
    """Whether the measure reads the records' own dates: all of them months (YYYY-MM), a level
    or ratio at exactly those months, a window from the first to the last."""
    try:
        dates = sorted(pattern.dates, key=parse_month)
    except ValueError:
        return False  # a year, a quarter, a span: which months it means is a choice
    m = pattern.measure
    if m.months:
        return set(m.months) == set(dates)
    return (m.since, m.until) == (dates[0], dates[-1])


def _check_split(
    spec: PatternSet, pattern: Pattern, i: int, add: Callable[..., None], ids: str
) -> None:
    """The pattern's split against the file's rule."""
    rule = spec.rule_split(pattern)
    if pattern.split == rule:
        return
    why = (
        f"everything it measures lies from {spec.meta.held_out_from} on"
        if rule == "test"
        else (
            "it is listed under meta.fit_exceptions"
            if pattern.id in spec.meta.fit_exceptions
            else f"it measures {pattern.measure.first_month()}, before {spec.meta.held_out_from}"
        )
    )
    add(
        ("patterns", i, "split"),
        f"'{pattern.split}' breaks the split rule (meta.split_rule): {why}, so it is '{rule}'",
        ids,
    )


def _province(province: str, scenarios_dir: Path) -> _Province | str:
    """The records and plan documents of the scenario ``province``, or why they cannot be read."""
    scenario_file = scenarios_dir / f"{province}.yaml"
    if not scenario_file.is_file():
        return f"'{province}' is not a scenario in {scenarios_dir} (no {scenario_file.name})"
    try:
        data, lines = read_yaml(scenario_file)
    except InputError as error:
        return f"its scenario cannot be read: {error}"
    meta = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(meta, dict):
        return _Province({}, frozenset())
    documents = frozenset(
        d["id"] for d in meta.get("documents") or [] if isinstance(d, dict) and "id" in d
    )
    records, problems = own_records(scenario_file, data, lines)
    if problems:
        return f"its records ({meta.get('references')}) have problems: {problems[0]}"
    return _Province(records, documents)


# ------------------------------------------------------------------ measuring
@dataclass(frozen=True)
class Measurement:
    """A pattern read on one run.

    Attributes:
        pattern: the pattern's id.
        value: the measured figure (the mean over the months of a level or ratio), or None.
        values: each month's reading (level, ratio) or the window's (``since–until``).
        within: whether every reading lies in the tolerance; None without a value.
        reason: why there is no value (the run does not cover the pattern, another province,
            an undefined indicator); None when there is one.
    """

    pattern: str
    value: float | None
    values: dict[str, float]
    within: bool | None
    reason: str | None = None


def measure(pattern: Pattern, result: RunResult) -> Measurement:
    """``pattern`` read on ``result`` (see :func:`measure_values`)."""
    return measure_values(
        pattern,
        result.values,
        result.scenario.scenario.start,
        result.scenario.scenario.province_id,
    )


def measure_all(patterns: PatternSet, result: RunResult) -> list[Measurement]:
    """Every pattern read on ``result``, in the file's order."""
    return [measure(p, result) for p in patterns.patterns]


def measure_values(pattern: Pattern, values: np.ndarray, start: str, province: str) -> Measurement:
    """``pattern`` read on a run's indicator values.

    Args:
        pattern: the pattern.
        values: months × indicators in catalogue order, as :attr:`RunResult.values`.
        start: the run's first month (YYYY-MM).
        province: the run's province (``Meta.province_id``: a back-cast's province, else the
            scenario id).

    Returns:
        The measurement; without a value, and the reason, when the pattern is of another
        province, when the run does not cover its months (or starts too close to a level to
        have made it, :data:`LEVEL_LEAD_MONTHS`), or when the indicator has no value there.
    """

    def none(reason: str) -> Measurement:
        return Measurement(pattern.id, None, {}, None, reason)

    if not pattern.read_on(province):
        return none(f"a pattern of {', '.join(pattern.provinces())}; this run is of {province}")
    m = pattern.measure
    n = len(values)
    covers = f"the run covers {month_label(0, start)}–{month_label(n - 1, start)}"
    if m.kind in ("level", "ratio"):
        readings: dict[str, float] = {}
        for month in m.months:
            row = month_index(month, start)
            if not 0 <= row < n:
                return none(f"{covers}; the pattern reads {month}")
            if row < LEVEL_LEAD_MONTHS:
                return none(
                    f"{month} is {row + 1} months into the run: the start state, not the model,"
                    f" sets a level that early (a run starting by"
                    f" {month_label(row - LEVEL_LEAD_MONTHS, start)} can measure it)"
                )
            value = values[row, INDICATOR_IDS.index(m.indicator)]
            if m.kind == "ratio":
                below = values[row, INDICATOR_IDS.index(m.denominator)]  # type: ignore[arg-type]
                value = 100 * value / below if below > 0 else math.nan
            if math.isnan(value):
                undefined = CATALOGUE[m.indicator].undefined or "its denominator is 0"
                return none(f"{m.indicator} has no value at {month} ({undefined})")
            readings[month] = float(value)
        mean = float(np.mean(list(readings.values())))
        return _judged(pattern, mean, readings)
    since = month_index(m.since, start)  # type: ignore[arg-type]
    until = month_index(m.until, start)  # type: ignore[arg-type]
    # the month before the start is the start state for a count or a stock (not a growth)
    earliest = 0 if m.kind == "growth" else -1
    if since < earliest or until >= n:
        return none(f"{covers}; the pattern reads {m.since} to {m.until}")
    column = values[:, INDICATOR_IDS.index(m.indicator)]
    window = f"{m.since}–{m.until}"
    if m.kind == "growth":
        first, last = float(column[since]), float(column[until])
        value = annual_growth_pct(first, last, until - since)
        if math.isnan(value):
            return none(
                f"{m.indicator} is {first:g} at {m.since} and {last:g} at {m.until}: no growth"
                " (it needs a start above 0 and an end at or above 0)"
            )
    elif m.kind == "increase":
        first = 0.0 if since < 0 else float(column[since])
        value = float(column[until]) - first
    else:  # pace
        new = values[:, INDICATOR_IDS.index(PACE_STOCKS[m.indicator])]
        stock = float(column[0] - new[0]) if since < 0 else float(column[since])
        if stock <= 0:
            return none(f"no zone is established at {m.since}: a pace per zone has no value")
        value = 100 * (float(column[until]) - stock) / stock / ((until - since) / 12)
    if math.isnan(value):
        return none(f"{m.indicator} has no value in {window}")
    return _judged(pattern, value, {window: value})


def _judged(pattern: Pattern, value: float, readings: dict[str, float]) -> Measurement:
    low, high = pattern.tolerance
    within = all(low <= v <= high for v in readings.values())
    return Measurement(pattern.id, value, readings, within)


# ------------------------------------------------------------------ provenance
def scenarios_citing(
    patterns: PatternSet, scenario_files: Iterable[Path]
) -> dict[str, dict[str, list[str]]]:
    """For each pattern, the scenarios whose text cites its records (``ref:<id>``), with the
    records each cites.

    A pattern whose records already set a scenario's inputs is not independent of them; the
    table in ``docs/patterns.md`` shows this beside the split.
    """
    cites = {
        Path(f).stem: set(cited_records(Path(f).read_text(encoding="utf-8")))
        for f in scenario_files
    }
    out: dict[str, dict[str, list[str]]] = {}
    for pattern in patterns.patterns:
        out[pattern.id] = {}
        for scenario, ids in sorted(cites.items()):
            cited = [record for record in pattern.records if record in ids]
            if cited:
                out[pattern.id][scenario] = cited
    return out
