"""Building blocks shared by the scenario and policy schemas."""

from __future__ import annotations

import math
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from izsim.scenario.sources import is_todo, source_kind

Pct = Annotated[float, Field(ge=0, le=100, json_schema_extra={"unit": "%"})]
"""A share in percent, 0–100."""
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Index01 = Annotated[float, Field(ge=0, le=1, json_schema_extra={"unit": "index 0–1"})]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
MAX_MAGNITUDE = 1e12
"""Largest size of any number in a scenario or policy. The largest quantities of a province
(output in bn VND, people) are below 1e8; a number beyond this is a slip of unit or exponent,
and the model's sums and powers of it would overflow to inf."""
MIN_MAGNITUDE = 1e-9
"""Smallest size of a number other than 0: below it a base or a divisor (output of 1e-300 bn
VND) makes growth rates overflow; no quantity of a province is that small in its unit."""


def _checked_source(text: str) -> str:
    source_kind(text)
    return text


SourceText = Annotated[str, AfterValidator(_checked_source)]
"""A source string of a known kind (checked per string, so an error names its own key)."""


class Strict(BaseModel):
    """A schema block: unknown keys are errors and values never change after loading."""

    # allow_inf_nan=False: YAML reads `.inf` and `.nan` as numbers, and no quantity of a
    # province is infinite or undefined; refused here, every number field of every block is
    # covered at once (they would otherwise overflow, divide by zero or write NaN results).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic reads true as 1 for a number, and YAML reads yes/no/on/off as booleans, so
        # `area_ha: yes` would silently become 1 ha.
        name = info.field_name
        if name is None:
            return value
        annotation = cls.model_fields[name].annotation
        if is_todo(value) and _wants_text(annotation):
            # a text field of a skeleton written by `izsim new` (a number's own message,
            # which says what is allowed, is prefixed with "still TODO" by the loader)
            raise ValueError(f"still TODO: give the {name.replace('_', ' ')}")
        if not _wants_number(annotation):
            return value
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        numbers = value if isinstance(value, list | tuple) else [value]
        for number in numbers:
            scalar = isinstance(number, int | float) and not isinstance(number, bool)
            if not (scalar and math.isfinite(number)):
                continue
            if abs(number) > MAX_MAGNITUDE:
                raise ValueError(
                    f"{number:g} is beyond ±{MAX_MAGNITUDE:g}, larger than any quantity of a"
                    " province; check the unit and the exponent"
                )
            if 0 < abs(number) < MIN_MAGNITUDE:
                raise ValueError(
                    f"{number:g} is nearer 0 than {MIN_MAGNITUDE:g}, smaller than any quantity"
                    " of a province; write 0 or check the unit and the exponent"
                )
        return value


DISTRIBUTIONS = ("uniform", "triangular", "loguniform")
"""How a number is drawn within its range: evenly; most often near the value written (the mode),
falling off linearly to both ends; or evenly in its logarithm (a quantity known to its order of
magnitude)."""


class Range(Strict):
    """Where a number may plausibly lie: the range a sweep or an uncertainty analysis draws it from.

    Written ``[low, high]`` (uniform) or ``{range: [low, high], distribution: triangular}``.
    """

    low: float = Field(description="Lowest plausible value.")
    high: float = Field(description="Highest plausible value.")
    distribution: Literal["uniform", "triangular", "loguniform"] = Field(
        default="uniform",
        description="How the number is drawn: uniform, triangular (mode at the value written) or"
        " loguniform (low > 0).",
    )

    @model_validator(mode="before")
    @classmethod
    def _written_forms(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise ValueError(f"{list(data)}: write [low, high], two numbers")
            return {"low": data[0], "high": data[1]}
        if isinstance(data, dict) and "range" in data:
            bounds = data["range"]
            if not isinstance(bounds, list | tuple) or len(bounds) != 2:
                raise ValueError(f"range {bounds!r}: write range: [low, high], two numbers")
            rest = {k: v for k, v in data.items() if k != "range"}
            return {"low": bounds[0], "high": bounds[1], **rest}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"[{self.low:g}, {self.high:g}]: low must be below high")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"[{self.low:g}, {self.high:g}]: a loguniform range needs low > 0")
        return self

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies in the range (ends included)."""
        return self.low <= value <= self.high


class Sourced(Strict):
    """A block of numbers that each need a source.

    ``source`` covers every number of the block; ``sources`` names one per field and wins.
    ``ranges`` gives a number's plausible range (every assumption should have one: ``izsim
    params`` lists those without); the number written must lie in it.
    """

    source: SourceText | None = Field(
        default=None, description="Source of every number in this block (see docs/scenarios.md)."
    )
    sources: dict[str, SourceText] = Field(
        default_factory=dict, description="Source per field; overrides `source` for that field."
    )
    ranges: dict[str, Range] = Field(
        default_factory=dict,
        description="Plausible range per field, `[low, high]` or `{range: [low, high],"
        " distribution: uniform|triangular|loguniform}`; the value must lie in it.",
    )

    @model_validator(mode="after")
    def _every_number_sourced(self) -> Sourced:
        unknown = sorted(set(self.sources) - set(type(self).model_fields))
        if unknown:
            raise ValueError(f"sources name fields this block does not have: {', '.join(unknown)}")
        if self.source is None:
            missing = [name for name in self.numeric_fields() if name not in self.sources]
            if missing:
                raise ValueError(unsourced_message(missing))
        return self._ranges_fit(check_values=False)

    @model_validator(mode="after")
    def _values_in_ranges(self, info: ValidationInfo) -> Sourced:
        return self._ranges_fit(
            check_values=bool(info.context and info.context.get(VALUES_IN_RANGE))
        )

    def _ranges_fit(self, *, check_values: bool) -> Sourced:
        """Ranges that name numbers of this block (and, if asked, hold their values)."""
        problems = []
        for name, bounds in self.ranges.items():
            value = getattr(self, name, None) if name in type(self).model_fields else None
            if name not in type(self).model_fields or name in _NOT_RANGED:
                problems.append(f"ranges name a field this block does not have: {name}")
            elif value is None:
                continue  # not given, or refused on its own (its error says why)
            elif not _is_number(value) or isinstance(value, list | tuple):
                problems.append(f"ranges.{name}: {value!r} is not a single number to range")
            elif (outside := _beyond_schema(type(self).model_fields[name], bounds)) is not None:
                problems.append(f"ranges.{name}: [{bounds.low:g}, {bounds.high:g}] {outside}")
            elif check_values and not bounds.holds(value):
                problems.append(
                    f"ranges.{name}: the value {value:g} lies outside its range"
                    f" [{bounds.low:g}, {bounds.high:g}]"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def unsourced(cls, data: Any) -> list[str]:
        """Numbers written in ``data`` (the block as read from the file, before validation)
        that have no source.

        The check after validation only runs once every field of the block is valid; this one
        lets a loader report missing sources in the same pass as the schema's errors.
        """
        if not isinstance(data, dict) or data.get("source") is not None:
            return []
        sources = data.get("sources")
        named = sources if isinstance(sources, dict) else {}
        return [
            name
            for name in cls.model_fields
            if name in data and _is_number(data[name]) and name not in named
        ]

    def numeric_fields(self) -> list[str]:
        """Names of the numbers written in the file (booleans are choices, not data; a default
        left unwritten is part of the schema, documented there)."""
        return [
            name
            for name in type(self).model_fields
            if name in self.model_fields_set and _is_number(getattr(self, name))
        ]


def _beyond_schema(info: Any, bounds: Range) -> str | None:
    """Why a range reaches past what its field allows (a draw there would be refused)."""
    for rule in info.metadata:
        for attr, test, says in (
            ("ge", lambda b, v: b.low < v, "goes below the field's least value"),
            ("gt", lambda b, v: b.low <= v, "must stay above the field's bound"),
            ("le", lambda b, v: b.high > v, "goes above the field's greatest value"),
            ("lt", lambda b, v: b.high >= v, "must stay below the field's bound"),
        ):
            limit = getattr(rule, attr, None)
            if limit is not None and test(bounds, limit):
                return f"{says}, {limit:g}"
    return None


VALUES_IN_RANGE = "values_in_range"
"""Validation context key: check that every ranged number lies in its range. Files are read
with it (:mod:`izsim.scenario.load`), so a planner's value outside the range they wrote is an
error; code that builds a variant on purpose (a test's extreme, a scaled package) goes without.
"""

_NOT_RANGED = frozenset({"source", "sources", "ranges"})


def unsourced_message(missing: list[str]) -> str:
    """The error for numbers of a block without a source."""
    return (
        "these numbers have no source (give `source:` for the block or "
        f"`sources: {{field: ...}}`): {', '.join(missing)}"
    )


def _wants_text(annotation: Any) -> bool:
    """Whether a field takes free text (alone or with None): a TODO there would pass."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return args == [str]
    return False


def _wants_number(annotation: Any) -> bool:
    """Whether a field of this type takes a number (alone or as one branch of a union)."""
    if annotation in (int, float):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(arg in (int, float) for arg in typing.get_args(annotation))
    return False


def _is_number(value: Any) -> bool:
    """A number, or a list of numbers (a table such as fine bands needs a source too)."""
    if isinstance(value, list | tuple):
        return bool(value) and all(_is_number(item) for item in value)
    return isinstance(value, int | float) and not isinstance(value, bool)
