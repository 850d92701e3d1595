"""The space file of a sweep: which parameters vary, within which bounds, and what is measured.

```yaml
space:
  parameters: all_ranged          # every number of the scenario with a range, or a list (a
  #                               # policy's levers only by name: they are decisions):
  # parameters:
  #   - economy.existing_output_growth_pct          # bounds and distribution from its range
  #   - name: investors.beta_access
  #     range: [1.0, 2.0]                           # other bounds (need not be the file's)
  #     distribution: triangular                    # mode at the value written
  rest: true                      # optional, with a list: every other ranged number of the
  #                               # scenario varies too, as one Sobol' group named `rest`
  #                               # (indices of the listed ones are then not conditional on
  #                               # the others held at their written values); sobol and lhs
  dummies: 2                      # optional: parameters nothing reads; with common random
  #                               # numbers their indices must be exactly 0 (a check of the
  #                               # design and analysis, not a noise floor: a dummy's step
  #                               # changes no draw of the model)
  outputs: targets                # every modelled target (its measure and whether it is met),
  # or a list of outputs:
  # outputs:
  #   - {id: output_2025, indicator: industrial_output_bn_vnd, at: "2025-12"}
  #   - {id: output_growth, indicator: industrial_output_bn_vnd, growth: ["2020-12", "2025-12"]}
  #   - {id: iip_met, target: iip_growth_2025, measure: met}
  #   - {id: iip, target: iip_growth_2025}          # the target's measure at its deadline
```

Read with the same clear errors as scenarios (file, field, line, value, what is allowed).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from izsim.calendar import month_index, parse_month
from izsim.errors import InputError, Problem
from izsim.indicators import INDICATOR_IDS
from izsim.scenario.base import Range, Strict
from izsim.scenario.load import problems_of, read_yaml
from izsim.scenario.parameters import Parameter, find
from izsim.scenario.schema import Scenario
from izsim.targets import annual_growth_pct, value_at_deadline

if TYPE_CHECKING:
    from izsim.experiments.sensitivity import Factor

ALL_RANGED = "all_ranged"
REST = "rest"
"""The Sobol' group of every ranged number a list does not name (``rest: true``)."""
DUMMY = "dummy_"
"""Names of dummy parameters: drawn like the others, read by nothing."""
TARGETS = "targets"


class ParameterSpec(Strict):
    """One varied parameter; without ``range`` its own range is used."""

    name: str = Field(description="A parameter name as `izsim params` lists it.")
    range: tuple[float, float] | None = Field(
        default=None, description="Bounds [low, high] (default: the parameter's range)."
    )
    distribution: Literal["uniform", "triangular", "loguniform"] | None = Field(
        default=None, description="How it is drawn (default: its range's)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ParameterSpec:
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(
                f"range [{self.range[0]:g}, {self.range[1]:g}]: low must be below high"
            )
        return self


class OutputSpec(Strict):
    """One measured output of every run."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.]*$", max_length=80)
    indicator: str | None = Field(default=None, description="An indicator id (`izsim indicators`).")
    at: str | None = Field(default=None, description="Month YYYY-MM of the indicator's value.")
    growth: tuple[str, str] | None = Field(
        default=None, description="[from, to] months: compound growth of the indicator, %/yr."
    )
    target: str | None = Field(default=None, description="A target id of the scenario.")
    measure: Literal["value", "met"] = Field(
        default="value", description="For a target: its measure at the deadline, or 1/0 met."
    )
    pattern: str | None = Field(
        default=None,
        description="A pattern id (izsim/data/patterns.yaml): its reading on the run (NaN"
        " where the run cannot show it).",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> OutputSpec:
        if self.pattern is not None:
            others = (self.target, self.indicator, self.at, self.growth)
            if any(x is not None for x in others):
                raise ValueError("a pattern output takes `pattern` only")
            return self
        if self.target is not None:
            if self.indicator is not None or self.at is not None or self.growth is not None:
                raise ValueError("a target output takes `target` and `measure` only")
            return self
        if self.indicator is None:
            raise ValueError("give `indicator` with `at` or `growth`, or `target`")
        if self.indicator not in INDICATOR_IDS:
            raise ValueError(f"indicator '{self.indicator}' is not one of `izsim indicators`")
        if (self.at is None) == (self.growth is None):
            raise ValueError("give either `at: YYYY-MM` or `growth: [from, to]`")
        for month in [self.at] if self.at else list(self.growth or ()):
            parse_month(month)
        if self.growth is not None and month_index(self.growth[1], self.growth[0]) <= 0:
            raise ValueError(f"growth {list(self.growth)}: `to` must come after `from`")
        return self


class SpaceBody(Strict):
    parameters: list[ParameterSpec] = Field(
        description="`all_ranged` or a list of parameter names or {name, range, distribution}."
    )

    @property
    def all_ranged(self) -> bool:
        """Whether the file says ``parameters: all_ranged``."""
        return [p.name for p in self.parameters] == [ALL_RANGED]

    @model_validator(mode="before")
    @classmethod
    def _keyword(cls, data: object) -> object:
        # the keyword is read here, not as a union with the list, so that an error in one item
        # of the list is not also reported as "should be 'all_ranged'"
        if isinstance(data, dict) and isinstance(data.get("parameters"), str):
            if data["parameters"] != ALL_RANGED:
                raise ValueError(
                    f"parameters: '{data['parameters']}': write {ALL_RANGED} or a list of"
                    " parameter names (`izsim params` lists them)"
                )
            # kept as one item of that name, which no parameter has (theirs hold a dot)
            return {**data, "parameters": [{"name": ALL_RANGED}]}
        if isinstance(data, dict) and isinstance(data.get("parameters"), list):
            # a bare name is short for {name: ...}: one item type, one message per item
            items = [{"name": x} if isinstance(x, str) else x for x in data["parameters"]]
            return {**data, "parameters": items}
        return data

    outputs: Literal["targets"] | list[OutputSpec] = Field(
        description="`targets` or a list of outputs."
    )
    dummies: int = Field(
        default=0,
        ge=0,
        le=10,
        description="Dummy parameters the model never reads (their indices must be 0).",
    )
    rest: bool = Field(
        default=False,
        description="With a list: every other ranged number varies too, as one group `rest`.",
    )

    @field_validator("rest")
    @classmethod
    def _rest_with_a_list(cls, rest: bool, info: ValidationInfo) -> bool:
        parameters = info.data.get("parameters")  # absent when the list itself is refused
        if rest and parameters is not None and [p.name for p in parameters] == [ALL_RANGED]:
            raise ValueError(
                f"`rest: true` goes with a list of parameters; {ALL_RANGED} leaves no rest"
            )
        if rest and parameters == []:
            # rest alone is one group, whose index is 1 by construction: nothing to learn
            raise ValueError("`rest: true` needs at least one parameter listed beside it")
        return rest


class SpaceFile(Strict):
    space: SpaceBody


@dataclass(frozen=True)
class Varied:
    """A parameter as the sweep varies it."""

    parameter: Parameter
    low: float
    high: float
    distribution: str
    group: str | None = None
    """``rest`` for the numbers a ``rest: true`` space varies without naming them."""


@dataclass(frozen=True)
class Space:
    """A read space file, checked against a scenario and policy."""

    varied: tuple[Varied, ...]
    outputs: tuple[OutputSpec, ...]
    dummies: int = 0

    @property
    def names(self) -> list[str]:
        """The varied parameters' names (the design's first columns)."""
        return [v.parameter.name for v in self.varied]

    @property
    def named(self) -> list[str]:
        """The parameters the file names (or all, with ``all_ranged``): not the ``rest``."""
        return [v.parameter.name for v in self.varied if v.group is None]

    @property
    def has_rest(self) -> bool:
        """Whether the numbers the file does not name vary as the group ``rest``."""
        return any(v.group == REST for v in self.varied)

    @property
    def dummy_names(self) -> list[str]:
        """The dummies' names (the design's last columns, never applied to a run)."""
        return [f"{DUMMY}{i + 1}" for i in range(self.dummies)]

    def factors(self) -> list[Factor]:
        """The varied parameters as a design's factors (distribution, a triangle's peak at the
        written value, the ``rest`` group), in the design's column order."""
        from izsim.experiments.sensitivity import Factor

        return [
            Factor(
                v.parameter.name,
                v.low,
                v.high,
                v.distribution,
                v.parameter.value if v.distribution == "triangular" else None,
                v.group,
            )
            for v in self.varied
        ]

    def measure(self, result: object) -> dict[str, float]:
        """Every output of one run (a :class:`izsim.result.RunResult`)."""
        return {spec.id: measure(spec, result) for spec in self.outputs}


def measure(spec: OutputSpec, result: object) -> float:
    """One output of a run; NaN where it is undefined (a growth from zero: the rule of
    :func:`izsim.targets.annual_growth_pct`)."""
    values: np.ndarray = result.values  # type: ignore[attr-defined]
    scenario: Scenario = result.scenario  # type: ignore[attr-defined]
    start = scenario.scenario.start
    if spec.target is not None:
        target = next(t for t in scenario.targets if t.id == spec.target)
        column = values[:, INDICATOR_IDS.index(target.indicator)]
        simulated = value_at_deadline(target, column, start)
        if spec.measure == "value":
            return float(simulated)
        return math.nan if math.isnan(simulated) else float(target.met(simulated))
    if spec.pattern is not None:
        from izsim.patterns import measure_values, shipped_patterns

        reading = measure_values(
            shipped_patterns().by_id()[spec.pattern], values, start, scenario.scenario.province_id
        )
        return math.nan if reading.value is None else reading.value
    column = values[:, INDICATOR_IDS.index(spec.indicator or "")]
    if spec.at is not None:
        return float(column[month_index(spec.at, start)])
    first, last = (month_index(m, start) for m in spec.growth or ())
    return annual_growth_pct(float(column[first]), float(column[last]), last - first)


def uncertain(params: list[Parameter]) -> list[Parameter]:
    """The parameters ``all_ranged`` (and ``rest``) vary: every number with a range but a
    policy's levers, which are decisions, not uncertainties."""
    return [p for p in params if p.range is not None and not p.name.startswith("levers.")]


def load_space(path: str | Path, scenario: Scenario, params: list[Parameter]) -> Space:
    """Read a space file and check it against the scenario's parameters and targets.

    Raises:
        InputError: the file is not a valid space, names a parameter or target the scenario
            lacks, a month outside the run, or a parameter without a range and without bounds.
    """
    path = Path(path)
    name = str(path)
    data, lines = read_yaml(path)
    try:
        body = SpaceFile.model_validate(data).space
    except ValidationError as exc:
        raise InputError(problems_of(name, exc, data, lines, SpaceFile)) from None
    problems: list[Problem] = []
    if body.all_ranged:
        chosen = uncertain(params)
        specs: list[ParameterSpec] = [ParameterSpec(name=p.name) for p in chosen]
    else:
        specs = list(body.parameters)
        if len({s.name for s in specs}) != len(specs):
            problems.append(Problem(name, "space.parameters", "names a parameter twice"))
        try:
            chosen = find(params, [s.name for s in specs], where=name)
        except InputError as error:
            raise InputError(error.problems + problems) from None
    varied = []
    for spec, parameter in zip(specs, chosen, strict=True):
        bounds = spec.range or (parameter.range and (parameter.low, parameter.high))
        if not bounds:
            problems.append(
                Problem(
                    name,
                    f"space.parameters ({spec.name})",
                    "has no range in the scenario: give `range: [low, high]`",
                )
            )
            continue
        distribution = spec.distribution or parameter.distribution or "uniform"
        if distribution == "loguniform" and bounds[0] <= 0:
            problems.append(
                Problem(name, f"space.parameters ({spec.name})", "a loguniform range needs low > 0")
            )
            continue
        if distribution == "triangular" and not bounds[0] <= parameter.value <= bounds[1]:
            problems.append(
                Problem(
                    name,
                    f"space.parameters ({spec.name})",
                    f"triangular needs its value {parameter.value:g} (the mode) inside"
                    f" [{bounds[0]:g}, {bounds[1]:g}]",
                )
            )
            continue
        Range(low=bounds[0], high=bounds[1], distribution=distribution)
        varied.append(Varied(parameter, float(bounds[0]), float(bounds[1]), distribution))
    if body.rest:  # with a list: SpaceBody refuses it with all_ranged
        listed = {p.name for p in chosen}
        others = [p for p in uncertain(params) if p.name not in listed]
        if not others:
            problems.append(
                Problem(name, "space.rest", "every ranged number is listed: no rest to vary")
            )
        varied += [Varied(p, p.range.low, p.range.high, p.range.distribution, REST) for p in others]
    if not varied and not problems:
        problems.append(Problem(name, "space.parameters", "varies no parameter"))
    outputs = _outputs(body, scenario, name, problems)
    if problems:
        raise InputError(problems)
    return Space(tuple(varied), tuple(outputs), body.dummies)


def pattern_outputs(pattern_ids: Sequence[str]) -> list[dict[str, str]]:
    """Each pattern as an output of its own id (``{id: p, pattern: p}``)."""
    return [{"id": p, "pattern": p} for p in pattern_ids]


def write_space(
    path: str | Path,
    parameters: Sequence[str] | Literal["all_ranged"],
    outputs: Sequence[Mapping[str, str]],
    *,
    rest: bool = False,
) -> Path:
    """Write the space file a script's sweep reads: ``parameters`` (names, or
    :data:`ALL_RANGED`), ``rest`` and ``outputs`` (each a mapping of :class:`OutputSpec`'s
    fields, written as one flow mapping a line). The file is replaced (whole) only when its text
    changes, so that a sweep's folder made from it resumes. Returns ``path``."""
    path = Path(path)
    lines = ["space:"]
    if isinstance(parameters, str):
        lines.append(f"  parameters: {parameters}")
    else:
        lines += ["  parameters:", *[f"    - {_scalar(name)}" for name in parameters]]
    if rest:
        lines.append("  rest: true")
    lines.append("  outputs:")
    for output in outputs:
        fields = ", ".join(f"{key}: {_scalar(value)}" for key, value in output.items())
        lines.append(f"    - {{{fields}}}")
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        from izsim.outputs import atomic_write

        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain where YAML reads it back as this string (an id, a
    dotted name), else single-quoted (a month ``'2025-12'``)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", text) and yaml.safe_load(text) == text:
        return text
    return "'" + text.replace("'", "''") + "'"


def _outputs(
    body: SpaceBody, scenario: Scenario, name: str, problems: list[Problem]
) -> list[OutputSpec]:
    modelled = [t for t in scenario.targets if t.not_modelled is None]
    if body.outputs == TARGETS:
        if not modelled:
            problems.append(Problem(name, "space.outputs", "`targets`: the scenario models none"))
        return [
            OutputSpec(id=f"{t.id}{suffix}", target=t.id, measure=kind)
            for t in modelled
            for suffix, kind in (("", "value"), (".met", "met"))
        ]
    outputs = list(body.outputs)
    ids = {t.id for t in modelled}
    months = scenario.months
    patterns = None
    for i, spec in enumerate(outputs):
        where = f"space.outputs[{i}] ({spec.id})"
        if spec.pattern is not None:
            from izsim.patterns import shipped_patterns

            patterns = patterns or shipped_patterns().by_id()
            found = patterns.get(spec.pattern)
            if found is None:
                close = difflib.get_close_matches(spec.pattern, list(patterns), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(
                    Problem(name, where, f"pattern '{spec.pattern}' is not a pattern{hint}")
                )
            elif not found.read_on(scenario.scenario.province_id):
                problems.append(
                    Problem(
                        name,
                        where,
                        f"pattern '{spec.pattern}' is read on {', '.join(found.provinces())},"
                        f" not on {scenario.scenario.province_id}",
                    )
                )
        if spec.target is not None and spec.target not in ids:
            problems.append(
                Problem(
                    name,
                    where,
                    f"target '{spec.target}' is not a modelled target of the"
                    f" scenario: {', '.join(sorted(ids)) or 'none'}",
                )
            )
        for month in [spec.at] if spec.at else list(spec.growth or ()):
            row = month_index(month, scenario.scenario.start)
            if not 0 <= row < months:
                problems.append(
                    Problem(
                        name,
                        where,
                        f"month {month} is outside the run"
                        f" ({scenario.scenario.start} to {scenario.scenario.horizon})",
                    )
                )
    if len({o.id for o in outputs}) != len(outputs):
        problems.append(Problem(name, "space.outputs", "two outputs share an id"))
    return outputs
