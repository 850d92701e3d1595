"""Plausibility checks: numbers that are allowed but are probably a slip.

Validation refuses what cannot be (a share above 100 %, a negative area); these checks flag
what can be but rarely is, as **warnings**: a run goes on, and ``--strict`` turns them into
errors. Each names the file, the field and its line, the value and the likely slip:

- a percentage written as a fraction (``0.6566`` for 65.66 %);
- a percentage target below 1 % (``0.5`` meaning 50 %);
- a sector's region that matches no zone's region (the region term then never applies);
- a new CCN larger than the 75 ha cap of the CCN decree, which the shipped scenarios cite
  (clusters that already operate may be several existing ones summed into one zone);
- a plan document whose ``file`` is not there or is not text: its quotes cannot be checked;
- plans cited by seed file name (``plan:004_….txt``), the older form of ``plan:<document id>``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from izsim.calendar import month_index
from izsim.errors import Problem
from izsim.indicators import CATALOGUE
from izsim.scenario.documents import unreadable
from izsim.scenario.load import dotted, item_ids, nearest_line, one_per_shared_value, read_yaml
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario, source_strings
from izsim.scenario.sources import SEED_FILE, cited_documents

CCN_MAX_HA = 75
"""Largest area of one industrial cluster (CCN) under the CCN decree."""
FRACTION_EXEMPT_SUFFIXES = ("_per_month", "_per_year")
"""Percent fields that are rates per month or year, where below 1 % is ordinary."""


def scenario_warnings(path: str | Path, scenario: Scenario) -> list[Problem]:
    """Plausibility warnings of a validated scenario read from ``path``."""
    found: list[tuple[tuple, str]] = []
    blocks: list[tuple[tuple, BaseModel]] = [
        (("economy",), scenario.economy),
        (("investors",), scenario.investors),
        (("developers",), scenario.developers),
        (("agencies",), scenario.agencies),
        (("labour",), scenario.labour),
        (("wastewater",), scenario.wastewater),
        (("establishment",), scenario.establishment),
    ]
    if scenario.reinvestment is not None:
        blocks.append((("reinvestment",), scenario.reinvestment))
    blocks += [(("sectors", i), s) for i, s in enumerate(scenario.sectors)]
    blocks += [(("candidate_sites", i), c) for i, c in enumerate(scenario.candidate_sites)]
    blocks += [(("zones", i), z) for i, z in enumerate(scenario.zones)]
    for loc, block in blocks:
        found += _fractions(loc, block)
    regions = {zone.region for zone in scenario.all_zones}
    for region in scenario.labour.region_workforce_pct:
        if region not in regions:
            found.append(
                (
                    ("labour", "region_workforce_pct", region),
                    f"region '{region}' matches no zone's region ({', '.join(sorted(regions))});"
                    " its workers reach zones only by commuting",
                )
            )
    for i, sector in enumerate(scenario.sectors):
        for j, region in enumerate(sector.regions):
            if region not in regions:
                found.append(
                    (
                        ("sectors", i, "regions", j),
                        f"region '{region}' matches no zone's region ({', '.join(sorted(regions))})"
                        "; the sector's region preference never applies",
                    )
                )
    for i, zone in enumerate(scenario.zones):
        if zone.kind == "ccn" and zone.stage != "operating" and zone.area_ha > CCN_MAX_HA:
            found.append(
                (
                    ("zones", i, "area_ha"),
                    f"{zone.area_ha:g} ha is above the {CCN_MAX_HA} ha cap of one CCN under the"
                    " CCN decree; split it, or make it a KCN",
                )
            )
    for i, sites in enumerate(scenario.candidate_sites):
        if (
            sites.available_from is not None
            and month_index(sites.available_from, scenario.scenario.start) >= scenario.months
        ):
            found.append(
                (
                    ("candidate_sites", i, "available_from"),
                    f"{sites.available_from} is after the horizon"
                    f" {scenario.scenario.horizon}: these sites are never offered in this run",
                )
            )
        if sites.kind == "ccn" and sites.area_ha[1] > CCN_MAX_HA:
            found.append(
                (
                    ("candidate_sites", i, "area_ha"),
                    f"{sites.area_ha[1]:g} ha is above the {CCN_MAX_HA} ha cap of one CCN under"
                    " the CCN decree; lower the range, or make them KCN",
                )
            )
    for i, target in enumerate(scenario.targets):
        if target.not_modelled is None and target.growth_since is None:
            unit = CATALOGUE[target.indicator].unit
            values = target.value if isinstance(target.value, tuple) else (target.value,)
            if unit == "%" and any(0 < abs(v) < 1 for v in values):
                shown = " and ".join(f"{v:g}" for v in values)
                found.append(
                    (
                        ("targets", i, "value"),
                        f"{shown} % is a very small target for {target.indicator}, which is in"
                        f" percent; for {100 * values[0]:g} % write {100 * values[0]:g}",
                    )
                )
    found += _documents(Path(path), scenario)
    return _problems(path, found)


def policy_warnings(path: str | Path, policy: Policy) -> list[Problem]:
    """Plausibility warnings of a validated policy read from ``path``."""
    return _problems(path, _fractions(("levers",), policy.levers))


def _fractions(loc: tuple, block: BaseModel) -> list[tuple[tuple, str]]:
    """Shares in percent written as if they were fractions (0 < value < 1)."""
    found = []
    for name in type(block).model_fields:
        if (
            not name.endswith("_pct")
            or "growth" in name
            or name.endswith(FRACTION_EXEMPT_SUFFIXES)
            or name not in block.model_fields_set
        ):
            continue
        value = getattr(block, name)
        if isinstance(value, float | int) and 0 < value < 1:
            found.append(
                (
                    (*loc, name),
                    f"{value:g} looks like a fraction, but the field is in percent (0-100):"
                    f" {value:g} means {value:g} %; for {100 * value:g} % write {100 * value:g}",
                )
            )
    return found


def _documents(path: Path, scenario: Scenario) -> list[tuple[tuple, str]]:
    """Document files that cannot be checked, and citations in the older seed-file form."""
    found: list[tuple[tuple, str]] = []
    for i, document in enumerate(scenario.scenario.documents):
        why = None if document.file is None else unreadable(path, document.file)
        if why is not None:
            found.append((("scenario", "documents", i, "file"), why))
    # One warning for the whole file: a file of the older form cites its plans this way
    # dozens of times, and tools/cite_documents.py rewrites them all at once.
    older: list[tuple[tuple, str]] = [
        (loc, cited)
        for loc, text in source_strings(scenario)
        for cited in cited_documents(text)
        if SEED_FILE.fullmatch(cited)
    ]
    older += [
        (("targets", i, "source", "document"), target.source.document)
        for i, target in enumerate(scenario.targets)
        if SEED_FILE.fullmatch(target.source.document)
    ]
    if older:
        loc, cited = older[0]
        document = scenario.scenario.document(cited)
        instead = f"plan:{document.id}" if document is not None else "plan:<document id>"
        found.append(
            (
                loc,
                f"cites a plan by its seed file name ({cited}), an older form ({len(older)}"
                f" such citations in the file, this is the first): write {instead} (and"
                " `document: <id>` in targets); tools/cite_documents.py rewrites them all",
            )
        )
    return found


def _problems(path: str | Path, found: list[tuple[tuple, str]]) -> list[Problem]:
    if not found:
        return []
    data, lines = read_yaml(Path(path))
    return one_per_shared_value(
        [
            Problem(str(path), dotted(loc), message, nearest_line(loc, lines), item_ids(loc, data))
            for loc, message in found
        ]
    )
