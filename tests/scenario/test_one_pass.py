"""All problems of a file come in one pass (issue 12).

A check across fields (shares that add up to 100, a cycle of expansions, ids that collide)
runs in validation only once every field it could read is valid; before, a file with a bad
field and such a problem named the second only after the first was fixed. The loader now runs
the checks across fields on the valid part of the file; a check that reads a refused field
is skipped, never evaluated on a default.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from izsim.cli import app
from izsim.scenario import load_policy, load_scenario
from tests.scenario.test_load_errors import (
    GOOD_SCENARIO,
    bad_policy,
    bad_scenario,
    both,
    problems_of,
    put,
)

runner = CliRunner()
BAD_FIELD = put(("economy", "workforce_growth_pct"), "fast")
"""A field error in one block, with a problem across fields elsewhere in each test."""
SITE = {
    "id": "kcn_later",
    "name": "KCN site of the next plan period",
    "kind": "kcn",
    "count": 2,
    "region": "south",
    "area_ha": [200, 300],
    "leasable_pct": 70,
    "access_index": 0.6,
    "labour_index": 0.6,
    "rent_usd_m2": 60,
    "source": "assumption: a site of the next plan period, for the test",
}


def _by_field(path: Path) -> dict[str, str]:
    return {p.field: p.message for p in problems_of(load_scenario, path)}


def _run_reports(path: Path, *fragments: str) -> None:
    """``izsim run`` refuses the file with exit 2, every fragment in its one message."""
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)


def test_a_bad_field_and_region_shares_not_adding_up(tmp_path: Path) -> None:
    path = bad_scenario(
        tmp_path,
        both(
            put(("labour", "inflow_max_pct"), 500),  # in the block whose check it is
            put(("labour", "region_workforce_pct"), {"south": 60}),
        ),
    )
    by_field = _by_field(path)
    assert "less than or equal to 100" in by_field["labour.inflow_max_pct"]
    assert by_field["labour"] == "region_workforce_pct add up to 60, not 100"
    _run_reports(path, "labour.inflow_max_pct", "add up to 60, not 100")


def test_a_bad_field_and_a_cycle_of_expansions(tmp_path: Path) -> None:
    path = bad_scenario(
        tmp_path, both(BAD_FIELD, put(("zones", 0, "expands"), "long_binh_an_expansion"))
    )
    by_field = _by_field(path)
    assert set(by_field) == {"economy.workforce_growth_pct", "zones[0].expands"}
    assert "expansions form a cycle" in by_field["zones[0].expands"]
    _run_reports(path, "economy.workforce_growth_pct", "expansions form a cycle")


def test_a_bad_field_and_a_site_id_colliding_with_a_zone(tmp_path: Path) -> None:
    zone = GOOD_SCENARIO["zones"][3]["id"]
    path = bad_scenario(
        tmp_path,
        both(
            BAD_FIELD,
            put(("zones", 3, "id"), "kcn_later_2"),
            put(("zones", 0, "area_ha"), "large"),  # a bad field in the same list, too
            put(("candidate_sites",), [SITE]),
        ),
    )
    assert zone != "kcn_later_2"
    by_field = _by_field(path)
    assert "has the id of zones[3]" in by_field["candidate_sites[0].id"]
    assert "valid number" in by_field["zones[0].area_ha"]
    _run_reports(path, "economy.workforce_growth_pct", "site 'kcn_later_2' has the id of zones[3]")


def test_a_bad_field_in_a_zone_and_a_duplicate_id_and_shares(tmp_path: Path) -> None:
    share = GOOD_SCENARIO["sectors"][0]["prospect_share_pct"]
    path = bad_scenario(
        tmp_path,
        both(
            put(("zones", 2, "rent_usd_m2"), -5),
            put(("zones", 4, "id"), GOOD_SCENARIO["zones"][2]["id"]),
            put(("sectors", 0, "prospect_share_pct"), share + 10),
            put(("sectors", 1, "land_need_ha"), 0),
        ),
    )
    by_field = _by_field(path)
    assert set(by_field) == {
        "zones[2].rent_usd_m2",
        "zones[4].id",
        "sectors",
        "sectors[1].land_need_ha",
        # the outside-the-fence work serving the zone whose id was overwritten
        *(
            f"outside_fence_projects[{i}].serves[{j}]"
            for i, work in enumerate(GOOD_SCENARIO["outside_fence_projects"])
            for j, zone in enumerate(work["serves"])
            if zone == GOOD_SCENARIO["zones"][4]["id"]
        ),
    }
    assert "already the id of zones[2]" in by_field["zones[4].id"]
    assert "not 100" in by_field["sectors"]


def test_a_check_of_a_block_with_a_bad_field_runs_on_its_other_fields(tmp_path: Path) -> None:
    """The zone's check of occupancy against serviced land reads two valid fields."""
    path = bad_scenario(
        tmp_path,
        both(put(("zones", 0, "access_index"), 7), put(("zones", 0, "occupancy_pct"), 100)),
    )
    by_field = _by_field(path)
    assert "less than or equal to 1" in by_field["zones[0].access_index"]
    assert "exceeds serviced_pct" in by_field["zones[0]"]


def test_a_check_that_reads_a_refused_field_is_skipped(tmp_path: Path) -> None:
    """A refused field is not replaced by its default: serviced land of 'some' is not 0 %
    serviced land, so leased land is not said to exceed it. (This passed before the change
    too: it guards the new pass against problems that are not there.)"""
    path = bad_scenario(
        tmp_path,
        both(
            put(("zones", 0, "serviced_pct"), "some"),
            put(("zones", 1, "stage"), "dreaming"),
            put(("economy", "workforce_base"), "many"),
        ),
    )
    by_field = _by_field(path)
    assert set(by_field) == {
        "zones[0].serviced_pct",
        "zones[1].stage",
        "economy.workforce_base",
    }, by_field


def test_a_block_that_is_not_a_mapping_leaves_the_other_checks(tmp_path: Path) -> None:
    share = GOOD_SCENARIO["sectors"][0]["prospect_share_pct"]
    zones = [*GOOD_SCENARIO["zones"], 5]
    path = bad_scenario(
        tmp_path,
        both(
            put(("zones",), zones),
            put(("economy",), "none"),
            put(("sectors", 0, "prospect_share_pct"), share + 10),
        ),
    )
    by_field = _by_field(path)
    assert f"zones[{len(zones) - 1}]" in by_field
    assert "economy" in by_field
    assert "not 100" in by_field["sectors"]
    _run_reports(path, "not 100")


def test_a_policy_with_a_bad_lever_and_sources_of_unknown_levers(tmp_path: Path) -> None:
    path = bad_policy(
        tmp_path,
        both(
            put(("levers", "rent_support_pct"), 300),
            put(("levers", "sources", "no_such_lever"), "assumption: a lever no policy has at all"),
        ),
    )
    problems = [(p.field, p.message) for p in problems_of(load_policy, path)]
    assert [m for f, m in problems if f == "levers.rent_support_pct"] == [
        "Input should be less than or equal to 100 (got 300)"
    ]
    levers = [m for f, m in problems if f == "levers"]
    assert any("does not have: no_such_lever" in m for m in levers), problems
    assert any("no source" in m and "rent_support_pct" in m for m in levers), problems


def test_run_names_the_problems_of_the_scenario_and_the_policy_together(tmp_path: Path) -> None:
    """Before, a bad policy was named only once the scenario was fixed."""
    scenario = bad_scenario(tmp_path, BAD_FIELD)
    policy = bad_policy(tmp_path, put(("levers", "rent_support_pct"), "half"))
    result = runner.invoke(app, ["run", str(scenario), "--policy", str(policy)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{scenario}:" in result.output and "economy.workforce_growth_pct" in result.output
    assert f"{policy}:" in result.output and "levers.rent_support_pct" in result.output


def test_compare_names_the_problems_of_the_scenario_and_a_policy_together(
    tmp_path: Path,
) -> None:
    scenario = bad_scenario(tmp_path, BAD_FIELD)
    policy = bad_policy(tmp_path, put(("levers", "rent_support_pct"), "half"))
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["compare", str(scenario), "--policies", f"{policy}", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "economy.workforce_growth_pct" in result.output
    assert "levers.rent_support_pct" in result.output
    assert not out.exists()


def test_every_inconsistency_of_one_zone_in_one_pass(tmp_path: Path) -> None:
    """A zone's own checks do not stop at the first: all its inconsistencies come at once."""
    planned = next(i for i, z in enumerate(GOOD_SCENARIO["zones"]) if z["stage"] == "planned")
    path = bad_scenario(
        tmp_path,
        both(
            put(("zones", planned, "wwtp"), "operating"),  # a planned zone with a plant
            put(("zones", planned, "wwtp_compliant"), True),
            put(("zones", planned, "developer"), "private"),  # and a developer
        ),
    )
    message = _by_field(path)[f"zones[{planned}]"]
    assert "no serviced land and no developer yet" in message
    assert "no wastewater plant yet" in message


def test_both_checks_of_the_economy_in_one_pass(tmp_path: Path) -> None:
    economy = GOOD_SCENARIO["economy"]
    path = bad_scenario(
        tmp_path,
        both(
            put(("economy", "grdp_base_bn_vnd"), 1.0),  # below industry's value added
            put(("economy", "jobs_industry_base"), economy["workforce_base"] * 2),
        ),
    )
    message = _by_field(path)["economy"]
    assert "must exceed industry's value added" in message
    assert "cannot employ more than the workforce" in message


def test_two_candidate_sites_with_one_id_name_each_other(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, put(("candidate_sites",), [SITE, SITE]))
    assert "has the id of candidate_sites[0]" in _by_field(path)["candidate_sites[1].id"]
