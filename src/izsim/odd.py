"""The tables of docs/ODD.md, generated from the code so that they cannot drift from it.

The ODD description (docs/ODD.md) lists, for each submodel, the parameters it reads: every
number :func:`izsim.scenario.parameters.parameters` finds in a reference scenario and policy
(Tuyên Quang with the baseline policy), grouped by the submodel that reads them
(:func:`table_of`), with the range of the same parameter over the shipped provinces. It also
lists the reference scenario's zones, the policy levers, the random streams and the model's
structural constants, read from the code, and the patterns the model is meant to reproduce,
read from the patterns file (:func:`pattern_list`, from :func:`izsim.patterns.shipped_patterns`).

Each table sits in docs/ODD.md between ``<!-- odd-table: NAME -->`` and ``<!-- /odd-table -->``.
Regenerate them with ``python -m izsim.odd --write docs/ODD.md``; ``--check`` (and
``tests/test_odd.py``) names the first table and row that differ.

It documents a source checkout: the shipped scenarios are read from ``scenarios/`` at the
repository's root, found from this file's place in ``src/izsim/`` (:data:`ROOT`), so it runs
from a checkout (``PYTHONPATH=src``), not from an installed package. A missing document, one
that cannot be read or written, and a root without the reference scenario are reported as
messages with exit code 2.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from izsim.errors import InputError, Problem, printable
from izsim.patterns import Pattern, PatternSet, shipped_patterns
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.parameters import Parameter, parameters, parse_name, tables, unit_of
from izsim.scenario.policy import Levers, Policy
from izsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
"""The repository root of the source checkout this file is in (``src/izsim/odd.py``)."""
REFERENCE = "tuyen_quang"
POLICY = "baseline"
SOURCE_CHARS = 120
"""Sources longer than this are cut at a word (the whole text: ``izsim params``)."""

TITLES: dict[str, str] = {
    "arrivals": "Prospect arrivals",
    "sectors": "Prospects' sectors",
    "site-choice": "Site choice",
    "tenants": "Tenant projects: approval, construction, ramp-up, stalling, revocation",
    "developers": "Developers: entry, phases, land market, sanctions, public fallback",
    "establishment": "Zone establishment: national approval and quota",
    "wastewater": "Wastewater plants: building and running",
    "inspections": "Inspections, fines and orders",
    "budget": "Budget, programmes and outside-the-fence works",
    "labour": "Labour pools",
    "economy": "Economy",
    "reinvestment": "Reinvestment by existing firms",
    "levers": "Policy levers written in the reference policy",
    "zones": "Zones and candidate sites (per field)",
}
"""Tables of parameters, in the order of docs/ODD.md §7 (and §5 for zones)."""

_BLOCKS: dict[str, str | None] = {
    "investors": "site-choice",
    "sectors": "sectors",
    "developers": "developers",
    "establishment": "establishment",
    "wastewater": "wastewater",
    "agencies": None,  # several submodels: every field is listed in _FIELDS
    "labour": "labour",
    "economy": "economy",
    "reinvestment": "reinvestment",
    "outside_fence_projects": "budget",
    "levers": "levers",
    "zones": "zones",
    "candidate_sites": "zones",
}
"""The table of each block's parameters, unless :data:`_FIELDS` names the field."""

_FIELDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "investors.prospects_per_month",
            "investors.promotion_reference_bn_vnd_per_year",
            "investors.promotion_elasticity",
            "investors.promotion_autonomous_effort",
            "investors.competitiveness_pci",
            "investors.pci_reference",
            "investors.pci_elasticity",
            "investors.track_record_weight",
            "investors.track_record_leases_per_year",
            "investors.track_record_cap",
        ),
        "arrivals",
    ),
    **dict.fromkeys(
        (
            "investors.approval_months",
            "investors.construction_months",
            "investors.rampup_months",
            "investors.stall_pct",
            "investors.anchor_capital_bn_vnd",
            "investors.outside_zone_output_share_pct",
            "investors.pipeline_projects",
            "agencies.approval_servers_kcn",
            "agencies.approval_servers_ccn",
            "agencies.grace_months",
            "agencies.revocation_pct",
        ),
        "tenants",
    ),
    **dict.fromkeys(
        (
            "agencies.clearance_ha_per_month",
            "agencies.compensation_agreement_months_kcn",
            "agencies.developer_schedule_months",
            "agencies.public_developer_after_months",
            "agencies.public_ccn_takeups_per_month",
        ),
        "developers",
    ),
    **dict.fromkeys(
        ("developers.zone_approval_months_kcn", "developers.zone_approval_months_ccn"),
        "establishment",
    ),
    **dict.fromkeys(
        (
            "developers.wwtp_build_months",
            "developers.wwtp_compliant_pct",
            "developers.wwtp_cost_bn_vnd_per_1000_m3_day",
            "developers.wwtp_cost_fixed_bn_vnd",
            "developers.wwtp_upgrade_months",
        ),
        "wastewater",
    ),
    **dict.fromkeys(
        (
            "agencies.inspection_pct_per_month",
            "wastewater.record_months",
            "wastewater.record_inspection_multiplier",
            "wastewater.complaint_pct_per_month_per_1000_m3_day",
            "wastewater.ccn_build_order_pct",
            "wastewater.repeat_fine_multiplier",
            "wastewater.fine_max_bn_vnd",
            "wastewater.suspension_after_repeat_findings",
            "wastewater.fine_band_floors_m3_day",
            "wastewater.fine_band_bn_vnd",
        ),
        "inspections",
    ),
    **dict.fromkeys(
        (
            "agencies.budget_bn_vnd_per_year",
            "agencies.budget_carry_over_pct",
            "agencies.investment_carry_over_pct",
            "agencies.access_gain_per_1000_bn_vnd",
        ),
        "budget",
    ),
}
"""Fields read by another submodel than their block's (``block.field``)."""


@dataclass(frozen=True)
class Row:
    """One row of a table: its cells and the parameters it stands for (names)."""

    cells: tuple[str, ...]
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One generated table of docs/ODD.md.

    Attributes:
        name: the marker's name (``<!-- odd-table: NAME -->``).
        header: the column titles.
        rows: the rows, in order.
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def lines(self) -> list[str]:
        """The table as markdown lines (header, rule, rows)."""
        out = [_line(self.header), _line(("---",) * len(self.header))]
        return out + [_line(row.cells) for row in self.rows]


def _line(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    """Text safe in a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def number(value: float) -> str:
    """A value as the tables write it: whole numbers with thousands separators, else 4 digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _span(values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    return number(low) if low == high else f"{number(low)}–{number(high)}"


def short_source(source: str | None, *, chars: int = SOURCE_CHARS) -> str:
    """A source without its kind (``assumption:``, shown in its own column), cut at a word to
    at most ``chars`` characters with " …" (the full text: ``izsim params``)."""
    if not source:
        return ""
    text = " ".join(source.split())
    head, sep, rest = text.partition(":")
    if sep and head.strip().lower() in ("derived", "assumption"):
        text = rest.strip()  # plan: and ref: stay: they are the citation
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return _cell(text)


def _range(param: Parameter) -> str:
    if param.range is None:
        return "none"
    text = f"{number(param.range.low)}–{number(param.range.high)}"
    if param.range.distribution != "uniform":
        text += f" {param.range.distribution}"
    return text


def table_of(name: str) -> str:
    """The table (submodel) a parameter or table-number belongs to, by its name.

    Raises:
        KeyError: a block or field no table claims (add it to ``_FIELDS`` or ``_BLOCKS``).
    """
    parsed = parse_name(name)
    if parsed is None:
        raise KeyError(f"{name}: not a parameter name")
    block, _, _, field = parsed
    table = _FIELDS.get(f"{block}.{field}", _BLOCKS.get(block))
    if table is None:
        raise KeyError(f"{name}: no ODD table reads {block}.{field}; add it to izsim.odd._FIELDS")
    return table


# ---- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The reference scenario and policy, and the shipped provinces (by id) and policies."""

    scenario: Scenario
    policy: Policy
    provinces: dict[str, Scenario]
    policies: dict[str, Policy]


@cache
def inputs(root: Path = ROOT) -> Inputs:
    """Load the shipped scenarios (``scenarios/*.yaml``) and policies under ``root``.

    Raises:
        InputError: ``root`` has no reference scenario or policy (not a source checkout), or a
            scenario or policy there is invalid.
    """
    wanted = (
        root / "scenarios" / f"{REFERENCE}.yaml",
        root / "scenarios" / "policies" / f"{POLICY}.yaml",
    )
    for path in wanted:
        if not path.is_file():
            raise InputError(
                [
                    Problem(
                        str(path),
                        "",
                        "not found: python -m izsim.odd works in a source checkout only. It"
                        f" reads the shipped scenarios from {root / 'scenarios'}, the repository"
                        f" root being found from the place of this module ({Path(__file__)});"
                        " run it from a git checkout of izsim with PYTHONPATH=src, not from an"
                        " installed package",
                    )
                ]
            )
    provinces = {p.stem: load_scenario(p) for p in sorted((root / "scenarios").glob("*.yaml"))}
    policies = {
        p.stem: load_policy(p) for p in sorted((root / "scenarios" / "policies").glob("*.yaml"))
    }
    return Inputs(provinces[REFERENCE], policies[POLICY], provinces, policies)


def _field(param_name: str) -> str:
    parsed = parse_name(param_name)
    assert parsed is not None
    return parsed[3]


def _across(data: Inputs) -> dict[str, list[float]]:
    """Values of each parameter name over the shipped provinces (baseline policy)."""
    out: dict[str, list[float]] = {}
    for scenario in data.provinces.values():
        for p in parameters(scenario, data.policy):
            out.setdefault(p.name, []).append(p.value)
    return out


def _provinces_cell(values: list[float], count: int) -> str:
    if len(values) == 1:
        return "this province only"
    text = _span(values)
    return text if len(values) == count else f"{text} ({len(values)} of {count})"


# ---- tables ---------------------------------------------------------------------------------

PARAMETER_HEADER = ("parameter", "value", "unit", "kind", "range", "five provinces", "source")


def parameter_tables(data: Inputs) -> list[Table]:
    """One table per submodel of the reference scenario's parameters (zones per field)."""
    params = parameters(data.scenario, data.policy)
    across = _across(data)
    count = len(data.provinces)
    rows: dict[str, list[Row]] = {name: [] for name in TITLES}
    zone_params: list[Parameter] = []
    for p in params:
        table = table_of(p.name)
        if table == "zones":
            zone_params.append(p)
            continue
        cells = (
            f"`{p.name}`",
            number(p.value),
            p.unit,
            p.kind or "",
            _range(p),
            _provinces_cell(across[p.name], count),
            short_source(p.source),
        )
        rows[table].append(Row(cells, (p.name,)))
    for place, source in tables(data.scenario):
        table = table_of(place)
        if table == "zones":
            continue  # a candidate site's area range: in the zone list
        value = ", ".join(number(v) for v in _at(data.scenario, place))
        kind = (source or "").split(":", 1)[0].strip()
        cells = (f"`{place}`", f"[{value}]", unit_of(_field(place)), kind, "table, not varied")
        rows[table].append(Row((*cells, "", short_source(source))))
    out = [
        Table(name, PARAMETER_HEADER, tuple(found))
        for name, found in rows.items()
        if name != "zones"
    ]
    out.append(_zone_fields(zone_params, data))
    return out


def _at(scenario: Scenario, place: str) -> list[float]:
    """The list written at ``place`` (``wastewater.fine_band_bn_vnd``)."""
    here: object = scenario
    for part in place.split("."):
        name, _, key = part.partition("[")
        here = getattr(here, name)
        if key:
            here = next(x for x in here if x.id == key.rstrip("]"))  # type: ignore[attr-defined]
    return [float(v) for v in here]  # type: ignore[attr-defined]


ZONE_FIELD_HEADER = (
    "field",
    "unit",
    "parameters (places)",
    "values",
    "ranges",
    "kinds",
    "five provinces",
)


def _zone_fields(params: list[Parameter], data: Inputs) -> Table:
    """Zones' and candidate sites' parameters summarised per field: how many parameters (and
    places: zones a shared assumption sets), their values, the span of their ranges, the kinds
    of source, and the values over every place of the shipped provinces."""
    groups: dict[str, list[Parameter]] = {}
    for p in params:
        parsed = parse_name(p.name)
        assert parsed is not None
        groups.setdefault(f"{parsed[0]}[*].{parsed[3]}", []).append(p)
    everywhere: dict[str, list[float]] = {}
    for scenario in data.provinces.values():
        for p in parameters(scenario, data.policy):
            parsed = parse_name(p.name)
            assert parsed is not None
            if table_of(p.name) == "zones":
                key = f"{parsed[0]}[*].{parsed[3]}"
                everywhere.setdefault(key, []).extend(v for _, v in p.members)
    rows = []
    for key, found in groups.items():
        values = [v for p in found for _, v in p.members]
        ranged = [p.range for p in found if p.range is not None]
        unranged = len(found) - len(ranged)
        bounds = (
            f"{number(min(r.low for r in ranged))}–{number(max(r.high for r in ranged))}"
            if ranged
            else ""
        )
        if unranged:
            bounds = f"{bounds}; {unranged} without" if bounds else "none"
        kinds: dict[str, int] = {}
        for p in found:
            kinds[p.kind or "none"] = kinds.get(p.kind or "none", 0) + 1
        cells = (
            f"`{key}`",
            found[0].unit,
            f"{len(found)} ({len(values)})",
            _span(values),
            bounds,
            ", ".join(f"{k} {n}" for k, n in kinds.items()),
            _span(everywhere[key]),
        )
        rows.append(Row(cells, tuple(p.name for p in found)))
    return Table("zones", ZONE_FIELD_HEADER, tuple(rows))


def zone_list(scenario: Scenario) -> Table:
    """The reference scenario's zones at the start, and its candidate sites."""
    header = (
        "id",
        "kind",
        "region",
        "stage",
        "area ha",
        "leasable %",
        "serviced %",
        "occupancy %",
        "WWTP",
        "developer",
        "clusters",
    )
    rows = []
    for z in scenario.zones:
        cells = (
            f"`{z.id}`" + (f" (expands `{z.expands}`)" if z.expands else ""),
            z.kind,
            z.region,
            z.stage,
            number(z.area_ha),
            number(z.leasable_pct),
            number(z.serviced_pct),
            number(z.occupancy_pct),
            z.wwtp,
            z.developer,
            number(z.cluster_count),
        )
        rows.append(Row(cells))
    for c in scenario.candidate_sites:
        first = f"`{c.id}_1`" + (f" … `{c.id}_{c.count}`" if c.count > 1 else "")
        since = f", from {c.available_from}" if c.available_from else ""
        cells = (
            f"{first} (candidate sites{since})",
            c.kind,
            c.region,
            "planned",
            _span(list(c.area_ha)),
            number(c.leasable_pct),
            "0",
            "0",
            "none",
            "none",
            number(c.count),
        )
        rows.append(Row(cells))
    return Table("zone-list", header, tuple(rows))


def lever_list(data: Inputs) -> Table:
    """Every policy lever: default, the reference policy's value, the shipped packages' values."""
    header = ("lever", "default", POLICY, "shipped packages", "what it is")
    rows = []
    for name, info in Levers.model_fields.items():
        if name in ("source", "sources", "ranges"):
            continue
        shown = [_lever_value(getattr(p.levers, name)) for p in data.policies.values()]
        numeric = [getattr(p.levers, name) for p in data.policies.values()]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in numeric):
            packages = _span([float(v) for v in numeric])
        else:
            packages = ", ".join(sorted(set(shown)))
        cells = (
            f"`{name}`",
            _lever_value(info.default),
            _lever_value(getattr(data.policy.levers, name)),
            packages,
            short_source(info.description or ""),
        )
        rows.append(Row(cells))
    return Table("lever-list", header, tuple(rows))


def _lever_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return number(float(value))
    return str(value)


_CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
STRUCTURAL_MODULES = (
    *(f"izsim.model.{p.stem}" for p in sorted((ROOT / "src/izsim/model").glob("*.py"))),
    "izsim.scenario.parameters",
)


def structural_constants(modules: Sequence[str] = STRUCTURAL_MODULES) -> Table:
    """Module-level numeric constants of the model's code, with what the code says of them
    (the docstring below the assignment, else its comment)."""
    rows = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        path = Path(module.__file__ or "")
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        body = ast.parse(text).body
        for i, node in enumerate(body):
            target = _assigned(node)
            if target is None or not _CONSTANT.match(target):
                continue
            value = getattr(module, target)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            says = ""
            after = body[i + 1] if i + 1 < len(body) else None
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                says = str(after.value.value)
            elif "#" in lines[node.lineno - 1]:
                says = lines[node.lineno - 1].split("#", 1)[1]
            where = f"{module_name.removeprefix('izsim.').replace('.', '/')}.py"
            cells = (f"`{target}`", f"`{where}`", number(value), short_source(says) or "—")
            rows.append(Row(cells))
    return Table("structural", ("constant", "module", "value", "what the code says"), tuple(rows))


def _assigned(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign):
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def streams() -> Table:
    """The named random streams (``streams.PURPOSES``), in spawning order, with their comments."""
    from izsim.model import streams as module

    text = Path(module.__file__ or "").read_text(encoding="utf-8")
    said = dict(re.findall(r'^\s*"(\w+)",\s*#\s*(.*)$', text, flags=re.MULTILINE))
    rows = [
        Row((str(i), f"`{name}`", _cell(said.get(name, "—"))))
        for i, name in enumerate(module.PURPOSES)
    ]
    return Table("streams", ("#", "stream", "what it draws"), tuple(rows))


PATTERN_HEADER = (
    "pattern",
    "what",
    "value",
    "tolerance",
    "split",
    "scope; read on",
    "measure",
    "records",
)


def pattern_list(patterns: PatternSet) -> Table:
    """The patterns the model is meant to reproduce (ODD §1), in the file's order: what each is,
    its value and tolerance in its unit, its split (``fit``, or ``test``: held out), where the
    records hold and the scenarios it is read on, what it reads of a run, and what it cites."""
    rows = [
        Row(
            (
                f"`{p.id}`",
                _cell(p.what),
                _with_unit(p.value, p.unit),
                _with_unit(p.tolerance, p.unit),
                p.split,
                _cell(f"{p.scope}; {', '.join(p.provinces()) or 'any province'}"),
                _measured(p),
                ", ".join([f"`{r}`" for r in p.records] + [_cell(c) for c in p.plan_clauses]),
            )
        )
        for p in patterns.patterns
    ]
    return Table("patterns", PATTERN_HEADER, tuple(rows))


def _with_unit(value: float | tuple[float, float], unit: str) -> str:
    text = _span(list(value)) if isinstance(value, tuple) else number(value)
    return _cell(f"{text} {unit}")


def _measured(pattern: Pattern) -> str:
    m = pattern.measure
    if m.denominator is not None:
        return f"{m.kind}: 100 × `{m.indicator}` / `{m.denominator}`"
    return f"{m.kind} of `{m.indicator}`"


def all_tables(root: Path = ROOT) -> list[Table]:
    """Every generated table of docs/ODD.md."""
    data = inputs(root)
    return [
        pattern_list(shipped_patterns()),
        *parameter_tables(data),
        zone_list(data.scenario),
        lever_list(data),
        structural_constants(),
        streams(),
    ]


# ---- the document ---------------------------------------------------------------------------

_BLOCK = re.compile(
    r"(<!-- odd-table: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /odd-table -->)", re.DOTALL
)


def written(text: str) -> dict[str, list[str]]:
    """The tables written in a document, by marker name (their lines, blank lines dropped)."""
    return {
        m["name"]: [line for line in m["body"].splitlines() if line.strip()]
        for m in _BLOCK.finditer(text)
    }


def differences(text: str, generated: Sequence[Table]) -> list[str]:
    """How the document's tables differ from ``generated``: for each table, missing, extra or
    the first row that differs (both versions quoted)."""
    found = written(text)
    problems = []
    for table in generated:
        if table.name not in found:
            problems.append(f"table {table.name}: no <!-- odd-table: {table.name} --> marker")
            continue
        want, have = table.lines(), found[table.name]
        for i, (a, b) in enumerate(zip(want, have, strict=False)):
            if a != b:
                problems.append(
                    f"table {table.name}, line {i + 1}:\n  code:     {a}\n  document: {b}"
                )
                break
        else:
            if len(want) != len(have):
                problems.append(
                    f"table {table.name}: the code gives {len(want)} lines, the document has"
                    f" {len(have)}; first unmatched: {(want + have)[min(len(want), len(have))]}"
                )
    names = {t.name for t in generated}
    problems += [f"table {n}: a marker no generated table fills" for n in found if n not in names]
    return problems


def update(text: str, generated: Sequence[Table]) -> str:
    """The document with every marked table replaced by the generated one.

    Raises:
        KeyError: a marker names no generated table.
    """
    by_name = {t.name: t for t in generated}

    def fill(m: re.Match[str]) -> str:
        return m[1] + "\n".join(by_name[m["name"]].lines()) + "\n" + m[4]

    return _BLOCK.sub(fill, text)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m izsim.odd --write docs/ODD.md`` or ``--check docs/ODD.md``."""
    parser = argparse.ArgumentParser(prog="python -m izsim.odd", description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="rewrite the tables of this document")
    group.add_argument("--check", type=Path, help="exit 1 if this document's tables are stale")
    args = parser.parse_args(argv)
    path: Path = args.write or args.check
    try:
        text = _read(path)
        generated = all_tables(ROOT)
        if args.write:
            new = update(text, generated)
            _write(path, new)
    except InputError as error:
        for problem in error.problems:
            print(f"python -m izsim.odd: error: {problem}", file=sys.stderr)
        return 2
    if args.write:
        missing = [p for p in differences(new, generated) if "marker" in p]
        for problem in missing:
            print(problem, file=sys.stderr)
        return 1 if missing else 0
    problems = differences(text, generated)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _read(path: Path) -> str:
    """The document's text.

    Raises:
        InputError: it does not exist, is a folder, cannot be read, or is not UTF-8 text.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        reason = "no such file"
    except IsADirectoryError:
        reason = "is a folder, not a document"
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except OSError as exc:
        reason = f"cannot be read: {exc.strerror or exc}"
    raise InputError([Problem(printable(str(path)), "", reason)])


def _write(path: Path, text: str) -> None:
    """Write the document back.

    Raises:
        InputError: it cannot be written (no permission, a read-only or full disk).
    """
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = f"cannot be written: {exc.strerror or exc}"
        raise InputError([Problem(printable(str(path)), "", reason)]) from None


if __name__ == "__main__":
    raise SystemExit(main())
