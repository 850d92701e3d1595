"""Building blocks shared by the scenario and policy schemas."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from izsim.scenario.sources import source_kind

Pct = Annotated[float, Field(ge=0, le=100, json_schema_extra={"unit": "%"})]
"""A share in percent, 0–100."""
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Index01 = Annotated[float, Field(ge=0, le=1, json_schema_extra={"unit": "index 0–1"})]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    """A schema block: unknown keys are errors and values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """A block of numbers that each need a source.

    ``source`` covers every number of the block; ``sources`` names one per field and wins.
    """

    source: str | None = Field(
        default=None, description="Source of every number in this block (see docs/scenarios.md)."
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="Source per field; overrides `source` for that field."
    )

    @field_validator("source")
    @classmethod
    def _check_source(cls, value: str | None) -> str | None:
        if value is not None:
            source_kind(value)
        return value

    @field_validator("sources")
    @classmethod
    def _check_sources(cls, value: dict[str, str]) -> dict[str, str]:
        for text in value.values():
            source_kind(text)
        return value

    @model_validator(mode="after")
    def _every_number_sourced(self) -> Sourced:
        unknown = sorted(set(self.sources) - set(type(self).model_fields))
        if unknown:
            raise ValueError(f"sources name fields this block does not have: {', '.join(unknown)}")
        if self.source is None:
            missing = [name for name in self.numeric_fields() if name not in self.sources]
            if missing:
                raise ValueError(
                    "these numbers have no source (give `source:` for the block or "
                    f"`sources: {{field: ...}}`): {', '.join(missing)}"
                )
        return self

    def numeric_fields(self) -> list[str]:
        """Names of the numbers written in the file (booleans are choices, not data; a default
        left unwritten is part of the schema, documented there)."""
        return [
            name
            for name in type(self).model_fields
            if name in self.model_fields_set and _is_number(getattr(self, name))
        ]

    def source_of(self, name: str) -> str:
        """The source of field ``name``."""
        return self.sources.get(name) or self.source or ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
