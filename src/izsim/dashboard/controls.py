"""The dashboard's lever controls, made from the policy schema.

Each control's kind, bounds and unit come from :class:`izsim.scenario.policy.Levers` (its JSON
Schema, the one ``izsim schema policy`` prints and validation applies) and, where the schema
sets no upper bound, from the same limits :func:`izsim.scenario.policy.lever_limit` uses; a
slider is never wider than what validation accepts, and every value set is validated again
(:func:`changed_levers`) before the model sees it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from izsim.errors import InputError, Problem
from izsim.model.model import SET_UP_LEVERS
from izsim.scenario.policy import (
    LEVER_GROUPS,
    MULTIPLIER_BOUNDS,
    MULTIPLIER_LEVERS,
    Levers,
    lever_group_of,
    stated_range,
)

DASHBOARD_SOURCE = "assumption: set in the izsim dashboard during a workshop"
"""The source a lever set in the page is given (every lever value needs one)."""
MONEY_FLOOR = 100.0
"""Smallest upper end of a money slider (bn VND a year): room to try a measure a package leaves
at zero."""
NOT_LEVERS = ("source", "sources", "ranges")


@dataclass(frozen=True)
class Control:
    """One lever as a control in the page.

    Attributes:
        name: the lever's field in :class:`Levers`.
        group: its measure (:data:`LEVER_GROUPS`).
        kind: ``number`` (a slider), ``integer``, ``switch`` or ``choice``.
        low: the slider's lower end (numbers).
        high: the slider's upper end (numbers).
        step: the slider's step.
        unit: the unit shown beside the value.
        choices: the allowed values (``choice``).
        set_up: the lever sizes what a run builds at its start: it changes only on reset.
        optional: the lever may be unset (``None``).
        help: the schema's description.
    """

    name: str
    group: str
    kind: Literal["number", "integer", "switch", "choice"]
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    unit: str = ""
    choices: tuple[str, ...] = ()
    set_up: bool = False
    optional: bool = False
    help: str = ""


def _nice_ceiling(value: float) -> float:
    """``value`` rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _unit(name: str, schema: dict[str, Any]) -> str:
    if "unit" in schema:
        return str(schema["unit"])
    if name.endswith("_bn_vnd_per_year"):
        return "bn VND/yr"
    if name.endswith("_multiplier"):
        return "×"
    if name.endswith("_years"):
        return "years"
    return ""


def controls(packages: Iterable[Levers] = ()) -> list[Control]:
    """Every lever as a control, in the schema's order.

    Args:
        packages: the levers of the policy packages the page offers; a money slider reaches
            twice the largest amount any of them (or its stated range) asks for.

    Returns:
        One :class:`Control` per lever.
    """
    packages = list(packages)
    properties = Levers.model_json_schema()["properties"]
    found = []
    for name, schema in properties.items():
        if name in NOT_LEVERS:
            continue
        optional = "anyOf" in schema
        if optional:
            schema = {**schema, **next(s for s in schema["anyOf"] if s.get("type") != "null")}
        common = {
            "name": name,
            "group": lever_group_of(name),
            "unit": _unit(name, schema),
            "set_up": name in SET_UP_LEVERS,
            "optional": optional,
            "help": str(schema.get("description", "")),
        }
        if schema.get("type") == "boolean":
            found.append(Control(kind="switch", **common))
        elif "enum" in schema:
            found.append(Control(kind="choice", choices=tuple(schema["enum"]), **common))
        elif schema.get("type") == "integer":
            found.append(
                Control(
                    kind="integer",
                    low=float(schema.get("minimum", 0)),
                    high=float(schema.get("maximum", 10)),
                    **common,
                )
            )
        else:
            low, high, step = _bounds(name, schema, packages)
            found.append(Control(kind="number", low=low, high=high, step=step, **common))
    return found


def _bounds(
    name: str, schema: dict[str, Any], packages: list[Levers]
) -> tuple[float, float, float]:
    """A number lever's slider: the schema's bounds; a multiplier's, the range scaling keeps
    multipliers in (MULTIPLIER_BOUNDS); money, up to twice what any package asks."""
    if "maximum" in schema:
        return float(schema["minimum"]), float(schema["maximum"]), 1.0
    if name in MULTIPLIER_LEVERS:
        low = 0.0 if "minimum" in schema else MULTIPLIER_BOUNDS[0]
        return low, MULTIPLIER_BOUNDS[1], 0.05
    asked = [float(getattr(levers, name)) for levers in packages]
    stated = [r[1] for levers in packages if (r := stated_range(levers, name)) is not None]
    high = _nice_ceiling(max([MONEY_FLOOR, *(2 * a for a in asked), *stated]))
    return float(schema.get("minimum", 0)), high, _nice_ceiling(high / 200)


def changed_levers(levers: Levers, name: str, value: object, where: str = "dashboard") -> Levers:
    """``levers`` with lever ``name`` set to ``value``, validated as a policy file's levers are.

    The new value's source is :data:`DASHBOARD_SOURCE`.

    Raises:
        InputError: the lever is unknown, or the value (or the combination it makes with the
            other levers) is refused; the problems name the lever, the value and what is
            allowed.
    """
    if name not in Levers.model_fields or name in NOT_LEVERS:
        known = ", ".join(f for group in LEVER_GROUPS.values() for f in group)
        raise InputError([Problem(where, name, f"is not a lever (levers: {known})")])
    from izsim.scenario.load import problems_of

    data = levers.model_dump(exclude_unset=True, exclude_none=True)
    data[name] = value
    if value is None:
        del data[name]
    sources = dict(data.get("sources", {}))
    sources[name] = DASHBOARD_SOURCE
    data["sources"] = sources
    try:
        return Levers.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(where, exc, data, {}, Levers, prefix=("levers",))) from None
