"""The numbers of a scenario and a policy as parameters: value, unit, source and range.

A parameter is named by where its number is written: ``economy.existing_output_growth_pct``,
``zones[kcn_tan_dan].rent_usd_m2``, ``levers.promotion_bn_vnd_per_year``.

**Shared assumptions are one parameter.** Numbers of the items of a list (zones, sectors,
candidate sites, outside-the-fence works) that share one source text and one range are one
assumption written once (often a YAML anchor: "district roads [0.4–0.65]" for every cluster);
they are one parameter, named after the first with the count of the others
(``zones[ccn_south_1+6].access_index``), and move together: each keeps its own value when the
parameter is at the first one's value and reaches the range's ends with it (piecewise
linear). Varying them one by one would treat one uncertain belief as many independent ones, whose
effects cancel in a province's totals.

**Rows whose clusters all have a plant** (``clusters_with_wwtp`` equal to ``cluster_count``)
keep them all with one when their count is drawn.

**Shares that add up.** Sectors' ``prospect_share_pct`` must add up to 100: after values are set,
the shares are scaled back to 100 in proportion, so a drawn share is the sector's weight relative
to the others.

This module is the one place parameters are named, listed and set: ``izsim params``, the sweep
and ``compare --uncertainty`` all use it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from izsim.errors import InputError, Problem
from izsim.scenario.base import Range, Sourced
from izsim.scenario.policy import Levers, Policy
from izsim.scenario.schema import Scenario

_UNITS = (
    ("_bn_vnd_per_1000_m3_day", "bn VND per 1,000 m³/day"),
    ("_pct_per_month_per_1000_m3_day", "%/month per 1,000 m³/day"),
    ("_per_1000_bn_vnd", "index per 1,000 bn VND"),
    ("_bn_vnd_per_year", "bn VND/yr"),
    ("_bn_vnd_per_ha", "bn VND/ha"),
    ("_bn_vnd_per_worker", "bn VND/worker"),
    ("_bn_vnd_per_place", "bn VND/place"),
    ("_bn_vnd", "bn VND"),
    ("_vnd_per_m3", "VND/m³"),
    ("_m3_per_ha_day", "m³/ha/day"),
    ("_musd", "million USD"),
    ("_usd_m2", "USD/m²"),
    ("_pct_per_year", "%/yr"),
    ("_pct_per_month", "%/month"),
    ("_pct", "%"),
    ("_ha_per_year", "ha/yr"),
    ("_ha_per_month", "ha/month"),
    ("jobs_per_ha", "jobs/ha"),
    ("_ha", "ha"),
    ("_m3_day", "m³/day"),
    ("_months", "months"),
    ("_years", "years"),
    ("_per_month", "per month"),
    ("_per_year", "per year"),
    ("_index", "index 0–1"),
    ("_multiplier", "×"),
    ("_elasticity", "elasticity"),
    ("vnd_per_usd", "VND/USD"),
)
"""Units by the end of a field's name, longest first where one ends another."""
_NAMED_UNITS = {
    "operating_cost_fixed_pct_per_year": "% of capital/yr",
    "value_added_ratio_change_pct_per_year": "points/yr",
    "jobs_industry_base": "persons",
    "workforce_base": "persons",
    "cluster_count": "clusters",
    "clusters_with_wwtp": "clusters",
    "count": "sites",
    "pipeline_projects": "projects",
    "approval_servers": "desks",
    "suspension_after_repeat_findings": "findings",
}
"""Fields whose unit their name's ending does not say (counts, and two rates in other terms)."""
_LISTS = ("sectors", "zones", "candidate_sites", "outside_fence_projects")
_NAME = re.compile(
    r"^(?P<block>[a-z_]+)(?:\[(?P<item>[^\]+]+)(?:\+(?P<more>\d+))?\])?\.(?P<field>\w+)$"
)


def unit_of(field_name: str) -> str:
    """The unit a field's name gives (``_pct`` → %, ``beta_`` → utility), or "" if none.

    A trailing ``_kcn`` or ``_ccn`` (the same number for each kind of zone) is not part of it.
    """
    if field_name.startswith("beta_") or field_name.endswith("_utility"):
        return "utility"
    name = re.sub(r"_(kcn|ccn)$", "", field_name)
    if name in _NAMED_UNITS:
        return _NAMED_UNITS[name]
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


@dataclass(frozen=True)
class Parameter:
    """One number of a scenario or policy (or one shared assumption), as a parameter.

    Attributes:
        name: where it is written, e.g. ``investors.beta_access``; a shared assumption is
            named after its first place with the count of the others, ``zones[a+3].rent_usd_m2``.
        value: the value written (the first place's, for a shared one).
        unit: from the field's name ("" when the name gives none).
        source: the source string.
        kind: ``plan``, ``ref``, ``derived`` or ``assumption``.
        range: the plausible range, or None.
        members: every place it sets, with the value written there.
        description: the schema's description of the field.
    """

    name: str
    value: float
    unit: str
    source: str | None
    kind: str | None
    range: Range | None
    members: tuple[tuple[str, float], ...]
    description: str = ""
    integer: bool = field(default=False)

    @property
    def low(self) -> float | None:
        """Low end of the range (None: no range)."""
        return None if self.range is None else self.range.low

    @property
    def high(self) -> float | None:
        """High end of the range (None: no range)."""
        return None if self.range is None else self.range.high

    @property
    def distribution(self) -> str | None:
        """How it is drawn within its range (None: no range)."""
        return None if self.range is None else self.range.distribution

    def member_values(self, value: float) -> dict[str, float]:
        """The value of each place when the parameter takes ``value``."""
        out: dict[str, float] = {}
        for place, own in self.members:
            out[place] = (
                _moved(own, self.value, value, self.range) if len(self.members) > 1 else value
            )
            if self.integer:
                out[place] = float(round(out[place]))
        return out


def _moved(own: float, anchor: float, value: float, bounds: Range | None) -> float:
    """``own`` moved as a shared parameter moves from ``anchor`` to ``value``: both ends of the
    range are common, each place keeps its own value at the anchor (piecewise linear)."""
    if bounds is None or value == anchor:
        return own
    if value > anchor:
        span = bounds.high - anchor
        return own if span <= 0 else own + (value - anchor) / span * (bounds.high - own)
    span = anchor - bounds.low
    return own if span <= 0 else own - (anchor - value) / span * (own - bounds.low)


def _kind(source: str | None) -> str | None:
    if source is None:
        return None
    head = source.split(":", 1)[0].strip().lower()
    return head if head in ("plan", "ref", "derived", "assumption") else None


def _numbers(
    block: BaseModel, place: str, *, tables: bool = False
) -> Iterator[tuple[str, str, Sourced]]:
    """(place of the block, field, block) for every single number (or, with ``tables``, every
    number written as a list, e.g. fine bands) of a sourced block, nested blocks and list items
    included."""
    if isinstance(block, Sourced):
        for name in block.numeric_fields():
            if isinstance(getattr(block, name), list | tuple) == tables:
                yield place, name, block
    for name in type(block).model_fields:
        value = getattr(block, name)
        if isinstance(value, BaseModel) and not isinstance(value, Range):
            yield from _numbers(value, f"{place}.{name}" if place else name, tables=tables)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    key = getattr(item, "id", None) or str(i)
                    here = f"{place}.{name}[{key}]" if place else f"{name}[{key}]"
                    yield from _numbers(item, here, tables=tables)


def parameters(scenario: Scenario, policy: Policy | None = None) -> list[Parameter]:
    """Every number written in ``scenario`` (and ``policy``'s levers), shared assumptions as one.

    Numbers written as tables (lists) are not parameters: :func:`tables` lists them.
    """
    groups: dict[tuple, list[tuple[str, str, Sourced]]] = {}
    blocks: list[tuple[str, BaseModel]] = [("", scenario)]
    if policy is not None:
        blocks.append(("levers", policy.levers))
    for place, block in blocks:
        for where, name, owner in _numbers(block, place):
            source = owner.sources.get(name, owner.source)
            bounds = owner.ranges.get(name)
            listed = where.split("[", 1)[0]
            if listed in _LISTS and bounds is not None and "." not in listed:
                key: tuple = (listed, name, source, bounds.low, bounds.high, bounds.distribution)
            else:
                key = (where, name)
            groups.setdefault(key, []).append((where, name, owner))
    out = []
    for members in groups.values():
        where, name, owner = members[0]
        source = owner.sources.get(name, owner.source)
        places = tuple((f"{w}.{n}", float(getattr(o, n))) for w, n, o in members)
        label = f"{where}.{name}"
        if len(members) > 1:
            label = f"{where[:-1]}+{len(members) - 1}].{name}"
        info = type(owner).model_fields[name]
        out.append(
            Parameter(
                name=label,
                value=float(getattr(owner, name)),
                unit=unit_of(name),
                source=source,
                kind=_kind(source),
                range=owner.ranges.get(name),
                members=places,
                description=(info.description or "").split(". ")[0],
                integer=isinstance(getattr(owner, name), int),
            )
        )
    return out


def tables(scenario: Scenario) -> list[tuple[str, str | None]]:
    """Numbers written as tables (place, source): part of the inputs, not varied."""
    return [
        (f"{where}.{name}", owner.sources.get(name, owner.source))
        for where, name, owner in _numbers(scenario, "", tables=True)
    ]


def unranged_assumptions(params: list[Parameter]) -> list[Parameter]:
    """Assumptions without a range: what ``izsim params`` flags."""
    return [p for p in params if p.kind == "assumption" and p.range is None]


def find(params: list[Parameter], names: list[str], *, where: str) -> list[Parameter]:
    """The parameters named ``names``, in that order.

    Raises:
        InputError: a name that is none of them (naming ``where`` and the closest names).
    """
    import difflib

    by_name = {p.name: p for p in params}
    problems = []
    for name in names:
        if name not in by_name:
            close = difflib.get_close_matches(name, list(by_name), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(
                Problem(
                    where,
                    name,
                    f"is not a parameter of this scenario and policy (`izsim params` lists"
                    f" them){hint}",
                )
            )
    if problems:
        raise InputError(problems)
    return [by_name[name] for name in names]


def with_values(
    scenario: Scenario,
    policy: Policy,
    values: Mapping[str, float],
    *,
    params: list[Parameter] | None = None,
) -> tuple[Scenario, Policy]:
    """The scenario and policy with parameters set to ``values`` (by parameter name).

    Sources and ranges stay: a value drawn from a range is still that assumption. Integer
    fields are rounded; sectors' prospect shares are scaled back to add up to 100.

    Raises:
        KeyError: a name that is not a parameter.
        pydantic.ValidationError: a combination the schema refuses (its cross-field checks).
    """
    if not values:
        return scenario, policy
    params = params if params is not None else parameters(scenario, policy)
    by_name = {p.name: p for p in params}
    places: dict[str, float] = {}
    for name, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{name}: {value} is not a finite number")
        places.update(by_name[name].member_values(float(value)))
    data = scenario.model_dump(exclude_unset=True)
    levers: dict[str, Any] = {}
    # rows whose clusters all have a plant keep them all with one, whatever their count
    all_with_plant = {
        id(zone)
        for zone in data["zones"]
        if zone.get("clusters_with_wwtp") is not None
        and zone.get("clusters_with_wwtp") == zone.get("cluster_count")
    }
    shares_changed = False
    for place, value in places.items():
        head, _, field_name = place.rpartition(".")
        if head == "levers":
            levers[field_name] = value
            continue
        _block(data, head)[field_name] = value
        shares_changed |= field_name == "prospect_share_pct"
    for zone in data["zones"]:
        if id(zone) in all_with_plant:
            zone["clusters_with_wwtp"] = zone["cluster_count"]
    repair(data)
    if shares_changed:
        total = sum(sector["prospect_share_pct"] for sector in data["sectors"])
        for sector in data["sectors"]:
            sector["prospect_share_pct"] = sector["prospect_share_pct"] * 100 / total
    new_policy = policy
    if levers:
        written = {**policy.levers.model_dump(exclude_unset=True), **levers}
        new_policy = policy.model_copy(update={"levers": Levers.model_validate(written)})
    return scenario.revalidated(data), new_policy


RATE_GAP_PCT = 0.01
"""How far below the cost of capital a repaired cap on expected rent growth is put: one basis
point, the smallest step of a rate written in a scenario (structural: the schema asks for the
cap to be strictly below)."""


SHARE_GAP_PCT = 0.01
"""How far above industry's base-year share of the workforce a repaired ceiling on local
industry jobs is put (structural, for the same reason as ``RATE_GAP_PCT``)."""


def repair(data: dict[str, Any]) -> list[str]:
    """Make numbers drawn independently agree where the schema ties them; returns what changed.

    Each rule keeps the firmer figure and moves the other, and is documented in
    docs/sensitivity.md: leased land is serviced land (serviced share raised to the occupancy,
    the leases being the better recorded); a fee cap is at least the fee (the cap raised); the
    expected growth of rents stays below the cost of capital (the cap put ``RATE_GAP_PCT``
    below it); the ceiling on local industry jobs stays above industry's base-year share of
    the workforce (raised to ``SHARE_GAP_PCT`` above it). Only values that conflict change, so
    a file's own values never do.
    """
    changed = []
    for listed in ("zones", "candidate_sites"):
        for item in data.get(listed, []):
            occupancy, serviced = item.get("occupancy_pct"), item.get("serviced_pct", 0)
            if occupancy is not None and occupancy > serviced:
                item["serviced_pct"] = occupancy
                changed.append(f"{listed}[{item.get('id')}].serviced_pct")
    water = data.get("wastewater", {})
    if water.get("fee_cap_vnd_per_m3", math.inf) < water.get("fee_vnd_per_m3", 0):
        water["fee_cap_vnd_per_m3"] = water["fee_vnd_per_m3"]
        changed.append("wastewater.fee_cap_vnd_per_m3")
    developers = data.get("developers", {})
    cap = developers.get("expected_rent_growth_cap_pct_per_year")
    rate = developers.get("discount_rate_pct")
    if cap is not None and rate is not None and cap >= rate:
        developers["expected_rent_growth_cap_pct_per_year"] = rate - RATE_GAP_PCT
        changed.append("developers.expected_rent_growth_cap_pct_per_year")
    economy, labour = data.get("economy", {}), data.get("labour", {})
    jobs, workforce = economy.get("jobs_industry_base"), economy.get("workforce_base")
    most = labour.get("max_local_industry_share_pct")
    if jobs is not None and workforce and most is not None and jobs < workforce:
        share = jobs / workforce * 100
        if most <= share:
            labour["max_local_industry_share_pct"] = min(share + SHARE_GAP_PCT, 100)
            changed.append("labour.max_local_industry_share_pct")
    return changed


def _block(data: dict[str, Any], head: str) -> dict[str, Any]:
    """The dict of block ``head`` (``economy``, ``zones[kcn_a]``) in a scenario's dump."""
    here: Any = data
    for part in head.split("."):
        name, _, item = part.partition("[")
        here = here[name]
        if item:
            key = item.rstrip("]")
            matches = [x for i, x in enumerate(here) if str(x.get("id", i)) == key]
            here = matches[0]
    return here


def parse_name(name: str) -> tuple[str, str | None, int, str] | None:
    """(block, first item, others, field) of a parameter name, or None if it is not one."""
    found = _NAME.match(name)
    if found is None:
        return None
    return found["block"], found["item"], int(found["more"] or 0), found["field"]
