"""Reference records: the shipped ones, a scenario's own, and what is wrong with a bad one."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.present.provenance import sourced_numbers
from izsim.scenario import load_scenario
from izsim.scenario.records import ReferenceRecord, listed_records, shipped_records
from tests.conftest import SCENARIO_FILE
from tests.scenario.test_load_errors import GOOD_SCENARIO, write_yaml
from tests.scenario.test_one_pass import SITE

runner = CliRunner()
RECORD = {
    "id": "hd_kcn_occ_2023",
    "scope": "Hải Dương",
    "indicator": "KCN occupancy (operating)",
    "value": 65.66,
    "unit": "%",
    "date": "2023-12",
    "source": "BQL các KCN Hải Dương, báo cáo năm 2023, bảng 2",
}


def scenario_with_records(folder: Path, records: list, cite: str = RECORD["id"]) -> Path:
    """The good scenario naming a file of its own records, one number citing ``cite``."""
    write_yaml(folder / "references", {"records": records}, "hai_duong.yaml")
    data = copy.deepcopy(GOOD_SCENARIO)
    data["scenario"]["references"] = "references/hai_duong.yaml"
    data["economy"]["sources"]["vnd_per_usd"] = f"ref:{cite} (a test's citation)"
    return write_yaml(folder, data)


def problems(path: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value.problems


def test_the_shipped_records_are_valid_and_have_years() -> None:
    records = shipped_records()
    assert len(records) > 100
    assert all(isinstance(r, ReferenceRecord) for r in records.values())
    assert records["nat_kcn_2023_occ_op"].year == "2023"


def test_a_scenario_cites_its_own_records(tmp_path: Path) -> None:
    spec = load_scenario(scenario_with_records(tmp_path, [RECORD]))
    assert spec.economy.sources["vnd_per_usd"].startswith("ref:hd_kcn_occ_2023")
    # the province's records are the scenario's only: the next file does not see them
    with pytest.raises(InputError):
        load_scenario(write_yaml(tmp_path / "other", _citing(RECORD["id"])))


def test_own_records_cited_by_candidate_sites_and_read_after_loading(tmp_path: Path) -> None:
    """The sites expand into zones on first use, after loading; their citations of the
    scenario's own records still hold there, and the report's provenance reads them."""
    path = scenario_with_records(tmp_path, [RECORD])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["candidate_sites"] = [
        {**SITE, "region": data["zones"][0]["region"]}
        | {"sources": {"rent_usd_m2": f"ref:{RECORD['id']}"}}
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    spec = load_scenario(path)
    sites = [z for z in spec.all_zones if z.id.startswith("kcn_later_")]
    assert [z.sources["rent_usd_m2"] for z in sites] == [f"ref:{RECORD['id']}"] * 2
    kinds = {(n.block, n.field): n.kind for n in sourced_numbers(spec)}
    assert kinds[("economy", "vnd_per_usd")] == "ref"


def _citing(record_id: str) -> dict:
    data = copy.deepcopy(GOOD_SCENARIO)
    data["economy"]["sources"]["vnd_per_usd"] = f"ref:{record_id}"
    return data


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"value": "sáu mươi"}, None, None),  # words are a value too (a study's finding)
        ({"unit": ""}, "records[0].unit", ["at least 1 character"]),
        ({"id": "hd kcn"}, "records[0].id", ["'hd kcn'", "pattern"]),
        ({"value": [1, "x"]}, "records[0].value", ["[1, x] is not a list of finite numbers"]),
        ({"where": "p. 3"}, "records[0].where", ["unknown field 'where'", "allowed:", "notes"]),
        (
            {"id": "nat_kcn_2023_occ_op"},
            "records[0].id",
            ["'nat_kcn_2023_occ_op'", "shipped record", "izsim refs"],
        ),
    ],
)
def test_a_bad_record(tmp_path: Path, change: dict, field: str | None, says: list | None) -> None:
    record = {**RECORD, **change}
    path = scenario_with_records(tmp_path, [record], record["id"])
    if field is None:
        load_scenario(path)
        return
    found = [p for p in problems(path) if p.field == field]
    assert len(found) == 1, problems(path)
    (problem,) = found
    assert problem.file.endswith("hai_duong.yaml") and problem.line is not None
    for fragment in says:
        assert fragment in problem.message


def test_a_range_inside_named_numbers_is_one_clear_problem(tmp_path: Path) -> None:
    """Issue 13: `value: {growth_pct: [2.0, 2.2]}` gave two problems in pydantic's words
    ("a valid number; or a valid list; or a valid string (got a mapping)", then "a valid
    number (got a list)"); one problem names the file, the field, the value and what is
    allowed, and the command exits 2 without a traceback."""
    record = {**RECORD, "value": {"area_ha": 120, "growth_pct": [2.0, 2.2]}}
    path = scenario_with_records(tmp_path, [record])
    records_file = str(tmp_path / "references" / "hai_duong.yaml")
    # the other problem is the scenario's citation of the refused record
    (problem,) = [p for p in problems(path) if p.file == records_file]
    assert problem.field == "records[0].value" and problem.line is not None
    for fragment in (
        "'growth_pct' is [2.0, 2.2], a range inside named numbers",
        "write growth_pct_low: 2.0 and growth_pct_high: 2.2",
        "a value is a number, a range [low, high], named numbers {name: number, ...} or words",
    ):
        assert fragment in problem.message
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "hai_duong.yaml" in result.output and "records[0].value" in result.output


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (None, "is empty; a value is a number"),
        (float("inf"), "is not a finite number; a value is a number"),
        ({"area_ha": "120 ha"}, "'area_ha' is '120 ha': named numbers take one finite number"),
        ({2020: 5}, "the name 2020 in {2020: 5} is not text"),
    ],
    ids=["empty", "infinite", "text-in-mapping", "number-as-name"],
)
def test_a_bad_value_says_what_a_value_may_be(tmp_path: Path, value: object, says: str) -> None:
    path = scenario_with_records(tmp_path, [{**RECORD, "value": value}])
    (problem,) = [p for p in problems(path) if p.file.endswith("hai_duong.yaml")]
    assert problem.field == "records[0].value" and says in problem.message


def test_a_missing_field_and_a_duplicate_id_in_one_pass(tmp_path: Path) -> None:
    no_source = {k: v for k, v in RECORD.items() if k != "source"}
    path = scenario_with_records(tmp_path, [RECORD, RECORD, no_source | {"id": "x2"}])
    by_field = {p.field: p.message for p in problems(path)}
    assert "already an earlier record's in this file" in by_field["records[1].id"]
    assert "required" in by_field["records[2].source"]


def test_records_file_not_there_or_not_records(tmp_path: Path) -> None:
    data = copy.deepcopy(GOOD_SCENARIO)
    data["scenario"]["references"] = "references/none.yaml"
    (problem,) = problems(write_yaml(tmp_path, data))
    assert problem.field == "scenario.references" and "'references/none.yaml' is not there" in (
        problem.message
    )
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "none.yaml").write_text("- a list\n", encoding="utf-8")
    found = problems(write_yaml(tmp_path, data))
    assert any(p.field == "records" and "`records:`" in p.message for p in found)
    result = runner.invoke(app, ["validate", str(tmp_path / "case.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_search_ignores_case_and_accents() -> None:
    found = {record.id for record in listed_records("pho noi", None)}
    assert "hy_kcn_Phố_Nối_A" in found
    assert "nat_kcn_2023_occ_op" not in found
    assert listed_records("zzzz nothing", None) == []


def test_refs_lists_a_scenarios_own_records(tmp_path: Path) -> None:
    path = scenario_with_records(tmp_path, [RECORD])
    result = runner.invoke(app, ["refs", "--scenario", str(path), "--search", "Hải Dương"])
    assert result.exit_code == 0, result.output
    assert "hd_kcn_occ_2023" in result.output and "65.66 %" in result.output


def test_refs_search_finds_a_known_record() -> None:
    result = runner.invoke(app, ["refs", "--search", "nat_kcn_2023_occ_op"])
    assert result.exit_code == 0, result.output
    record = shipped_records()["nat_kcn_2023_occ_op"]
    for text in ("nat_kcn_2023_occ_op", record.year, f"{record.value:g}"):
        assert text in result.output


def test_refs_of_a_scenario_with_bad_records(tmp_path: Path) -> None:
    path = scenario_with_records(tmp_path, [{**RECORD, "unit": ""}])
    result = runner.invoke(app, ["refs", "--scenario", str(path)])
    assert result.exit_code == 2
    assert "records[0].unit" in result.output and "Traceback" not in result.output


def test_the_records_form_is_the_shipped_files() -> None:
    """A user copies the shipped file's form: `records:` holding mappings of these fields."""
    text = Path(__file__).resolve().parents[2] / "src/izsim/data/vn_zones_reference.yaml"
    data = yaml.safe_load(text.read_text(encoding="utf-8"))
    assert set(data) == {"meta", "records"}
    assert set(RECORD) <= set(ReferenceRecord.model_fields)


def test_a_run_copies_the_records_and_plan_texts_beside_its_scenario(tmp_path: Path) -> None:
    """`izsim report` reads the scenario from the results' inputs/: it must load there too."""
    path = scenario_with_records(tmp_path, [RECORD])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (tmp_path / "plans").mkdir()
    plan = Path(data["scenario"]["documents"][0]["file"])
    (tmp_path / "plans" / plan.name).write_bytes(plan.read_bytes())
    data["scenario"]["documents"][0]["file"] = f"plans/{plan.name}"
    path = write_yaml(tmp_path, data)
    out = tmp_path / "out"
    baseline = SCENARIO_FILE.parent / "policies" / "baseline.yaml"  # none beside the copy
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--policy", str(baseline)])
    assert result.exit_code == 0, result.output
    copy = out / "inputs" / path.name
    assert (out / "inputs" / "references" / "hai_duong.yaml").is_file()
    assert (out / "inputs" / "plans" / plan.name).read_bytes() == plan.read_bytes()
    assert load_scenario(copy).scenario.references == "references/hai_duong.yaml"
    checked = runner.invoke(app, ["validate", "--strict", str(copy)])
    assert checked.exit_code == 0, checked.output


def test_a_run_keeps_records_that_lie_outside_the_scenarios_folder(tmp_path: Path) -> None:
    """Issue 13: records named as `../shared/hd.yaml` were not copied into inputs/, so the
    results could not be read without the original. They go to inputs/records/, the manifest
    says so, and the results load from the copies after the original is gone."""
    from izsim.present.results import load_results

    write_yaml(tmp_path / "shared", {"records": [RECORD]}, "hd.yaml")
    data = copy.deepcopy(GOOD_SCENARIO)
    data["scenario"]["references"] = "../shared/hd.yaml"
    data["economy"]["sources"]["vnd_per_usd"] = f"ref:{RECORD['id']}"
    path = write_yaml(tmp_path / "province", data)
    out = tmp_path / "out"
    baseline = SCENARIO_FILE.parent / "policies" / "baseline.yaml"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--policy", str(baseline)])
    assert result.exit_code == 0, result.output
    original = tmp_path / "shared" / "hd.yaml"
    kept = out / "inputs" / "records" / "hd.yaml"
    assert kept.read_bytes() == original.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["records_copy"] == "inputs/records/hd.yaml"
    assert "inputs/records/hd.yaml" in manifest["files"]
    original.unlink()
    assert load_results(out).scenario.economy.sources["vnd_per_usd"] == f"ref:{RECORD['id']}"


def test_records_inside_the_folder_need_no_note_in_the_manifest(tmp_path: Path) -> None:
    """The records beside the scenario are copied beside its copy, as before: the manifest of
    such a run (and of every shipped scenario's) has no `records_copy`."""
    path = scenario_with_records(tmp_path, [RECORD])
    out = tmp_path / "out"
    baseline = SCENARIO_FILE.parent / "policies" / "baseline.yaml"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--policy", str(baseline)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "records_copy" not in manifest["scenario"]
    assert not (out / "inputs" / "records").exists()
