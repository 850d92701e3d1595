"""Plausible slips are warnings that name the field and the likely intent; --strict fails.

Before issue 12 each of these passed without a word.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError, Problem
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.plausibility import policy_warnings, scenario_warnings
from tests.scenario.test_load_errors import (
    GOOD_SCENARIO,
    ROOT,
    Mutation,
    bad_policy,
    bad_scenario,
    both,
    put,
)

runner = CliRunner()
CCN = next(
    i
    for i, z in enumerate(GOOD_SCENARIO["zones"])
    if z["kind"] == "ccn" and z["stage"] == "planned"
)
PCT_TARGET = next(
    i
    for i, t in enumerate(GOOD_SCENARIO["targets"])
    if t["indicator"] == "occupancy_rate" and "growth_since" not in t
)
OTHER_PLAN = "003_7f81f80c4a81eaf2.txt"  # a seed file the Tuyên Quang scenario does not list


def warnings_of(tmp_path: Path, mutation: Mutation) -> list[Problem]:
    path = bad_scenario(tmp_path, mutation)
    return scenario_warnings(path, load_scenario(path))


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=str)
def test_the_shipped_scenarios_have_no_warnings(path: Path) -> None:
    assert scenario_warnings(path, load_scenario(path)) == []


def test_the_shipped_policies_have_no_warnings() -> None:
    for path in sorted((ROOT / "scenarios" / "policies").glob("*.yaml")):
        assert policy_warnings(path, load_policy(path)) == [], path


def test_a_percentage_written_as_a_fraction(tmp_path: Path) -> None:
    (warning,) = warnings_of(tmp_path, put(("economy", "value_added_ratio_pct"), 0.3))
    assert warning.field == "economy.value_added_ratio_pct"
    assert warning.line is not None
    assert "0.3 looks like a fraction" in warning.message and "write 30" in warning.message


def test_a_rate_per_month_below_one_percent_is_ordinary(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, put(("agencies", "inspection_pct_per_month"), 0.5)) == []
    assert warnings_of(tmp_path, put(("economy", "workforce_growth_pct"), 0.5)) == []


def test_a_lever_written_as_a_fraction(tmp_path: Path) -> None:
    path = bad_policy(
        tmp_path,
        both(
            put(("levers", "public_clearance_pct"), 0.2),
            put(("levers", "sources", "public_clearance_pct"), "assumption: a test's own number"),
        ),
    )
    (warning,) = policy_warnings(path, load_policy(path))
    assert warning.field == "levers.public_clearance_pct"


def test_a_tiny_percentage_target(tmp_path: Path) -> None:
    (warning,) = warnings_of(tmp_path, put(("targets", PCT_TARGET, "value"), 0.5))
    assert warning.field == f"targets[{PCT_TARGET}].value"
    assert "0.5 % is a very small target" in warning.message and "write 50" in warning.message


def test_a_region_no_zone_has(tmp_path: Path) -> None:
    (warning,) = warnings_of(tmp_path, put(("sectors", 0, "regions"), ["nowhere"]))
    assert warning.field == "sectors[0].regions[0]"
    assert "'nowhere' matches no zone's region" in warning.message


def test_a_new_ccn_above_the_legal_cap(tmp_path: Path) -> None:
    (warning,) = warnings_of(tmp_path, put(("zones", CCN, "area_ha"), 120))
    assert warning.field == f"zones[{CCN}].area_ha"
    assert "120 ha is above the 75 ha cap" in warning.message


def test_citations_of_seed_files_still_work_with_one_warning(tmp_path: Path) -> None:
    """The older form `plan:<seed file>` / `seed:` names the document whose file it is."""
    (document,) = GOOD_SCENARIO["scenario"]["documents"]
    seed = Path(document["file"]).name

    def older(data: dict) -> None:
        data["economy"]["sources"]["vnd_per_usd"] = f"plan:{seed} §II.2.2 the rate"
        for target in data["targets"]:
            del target["source"]["document"]
            target["source"]["seed"] = seed

    (warning,) = warnings_of(tmp_path, older)
    assert warning.field == "economy.sources.vnd_per_usd"
    assert seed in warning.message and f"plan:{document['id']}" in warning.message
    count = 1 + len(GOOD_SCENARIO["targets"])
    assert f"{count} such citations" in warning.message
    assert "tools/cite_documents.py" in warning.message


def test_a_seed_file_no_document_has_is_an_error(tmp_path: Path) -> None:
    """A province copied from another, citing the other's plan: refused, not only warned."""
    path = bad_scenario(tmp_path, put(("targets", 0, "source", "document"), OTHER_PLAN))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.field == "targets[0].source.document"
    assert OTHER_PLAN in problem.message and "scenario.documents does not list" in problem.message


def test_a_document_file_that_is_not_there(tmp_path: Path) -> None:
    missing = put(("scenario", "documents", 0, "file"), "plans/missing.txt")
    (warning,) = warnings_of(tmp_path, missing)
    assert warning.field == "scenario.documents[0].file"
    assert "'plans/missing.txt' is not there" in warning.message
    assert "not checked" in warning.message
    path = bad_scenario(tmp_path, missing)
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2, strict.output
    assert "plans/missing.txt" in strict.output and "Traceback" not in strict.output


def test_a_document_file_that_is_not_text(tmp_path: Path) -> None:
    (tmp_path / "decision.pdf").write_bytes(b"%PDF-1.4 a scanned decision")
    (warning,) = warnings_of(tmp_path, put(("scenario", "documents", 0, "file"), "decision.pdf"))
    assert warning.field == "scenario.documents[0].file"
    assert "not a text file" in warning.message and "decision.pdf" in warning.message


def test_warnings_do_not_stop_a_run_and_strict_makes_them_errors(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, put(("economy", "value_added_ratio_pct"), 0.3))
    policy = ROOT / "scenarios" / "policies" / "baseline.yaml"
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "warning" in checked.output and "economy.value_added_ratio_pct" in checked.output
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2
    assert "error" in strict.output and "looks like a fraction" in strict.output
    refused = runner.invoke(app, ["run", str(path), "--policy", str(policy), "--strict"])
    assert refused.exit_code == 2 and "looks like a fraction" in refused.output
    assert "Traceback" not in refused.output
    out = tmp_path / "out"
    refused = runner.invoke(
        app, ["compare", str(path), "--policies", str(policy), "--strict", "--out", str(out)]
    )
    assert refused.exit_code == 2 and "looks like a fraction" in refused.output
    assert not out.exists()


def test_candidate_ccn_sites_above_the_legal_cap(tmp_path: Path) -> None:
    sites = {
        "id": "ccn_generic",
        "name": "CCN site of the plan",
        "kind": "ccn",
        "count": 2,
        "region": "south",
        "area_ha": [50, 90],
        "leasable_pct": 70,
        "access_index": 0.5,
        "labour_index": 0.5,
        "rent_usd_m2": 30,
        "source": "assumption: a test's own candidate sites",
    }
    (warning,) = warnings_of(tmp_path, put(("candidate_sites",), [sites]))
    assert warning.field == "candidate_sites[0].area_ha"
    assert "90 ha is above the 75 ha cap" in warning.message


def test_candidate_sites_offered_after_the_horizon(tmp_path: Path) -> None:
    """Allowed (a run cut short keeps its plan's later sites) but said: never offered."""
    sites = {
        "id": "ccn_generic",
        "name": "CCN site of the plan",
        "kind": "ccn",
        "count": 2,
        "region": "south",
        "area_ha": [30, 40],
        "leasable_pct": 70,
        "access_index": 0.5,
        "labour_index": 0.5,
        "rent_usd_m2": 30,
        "available_from": "2040-01",
        "source": "assumption: a test's own candidate sites",
    }
    (warning,) = warnings_of(tmp_path, put(("candidate_sites",), [sites]))
    assert warning.field == "candidate_sites[0].available_from"
    assert "after the horizon" in warning.message and "never offered" in warning.message


def test_a_fraction_in_the_establishment_block_is_seen_too(tmp_path: Path) -> None:
    mutation = put(("establishment", "min_kcn_occupancy_for_new_kcn_pct"), 0.6)
    (warning,) = warnings_of(tmp_path, mutation)
    assert warning.field == "establishment.min_kcn_occupancy_for_new_kcn_pct"
