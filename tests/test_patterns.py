"""The patterns file (izsim/data/patterns.yaml) and how patterns are measured on a run."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from izsim.calendar import month_index
from izsim.errors import InputError
from izsim.indicators import INDICATOR_IDS
from izsim.patterns import (
    LEVEL_LEAD_MONTHS,
    MIN_HELD_OUT,
    SCENARIOS_DIR,
    Pattern,
    load_patterns,
    measure,
    measure_values,
    scenarios_citing,
    shipped_patterns,
)
from izsim.run import run
from izsim.scenario.records import load_records, shipped_records

SHIPPED_FILE = Path(__file__).resolve().parents[1] / "src" / "izsim" / "data" / "patterns.yaml"


def shipped_data() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))


def problems_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    path = tmp_path / "patterns.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_patterns(path)
    return [str(p) for p in caught.value.problems]


def index_of(data: dict[str, Any], pattern_id: str) -> int:
    return next(i for i, p in enumerate(data["patterns"]) if p["id"] == pattern_id)


# ------------------------------------------------------------------ the shipped file
def test_the_shipped_file_validates_and_holds_out_at_least_a_quarter() -> None:
    patterns = shipped_patterns()
    assert len(patterns.patterns) >= 12
    assert patterns.held_out_share() >= MIN_HELD_OUT
    assert {p.split for p in patterns.patterns} == {"fit", "test"}


def test_every_record_id_exists() -> None:
    # shipped records, or the own records of the provinces a pattern names
    own: dict[str, set[str]] = {}
    for pattern in shipped_patterns().patterns:
        known = set(shipped_records())
        for province in pattern.provinces():
            if province not in own:
                data = yaml.safe_load((SCENARIOS_DIR / f"{province}.yaml").read_text("utf-8"))
                file = data["scenario"].get("references")
                records = load_records(SCENARIOS_DIR / file)[0] if file else {}
                own[province] = set(records)
            known |= own[province]
        assert pattern.records or pattern.plan_clauses, pattern.id
        assert set(pattern.records) <= known, (pattern.id, set(pattern.records) - known)


def test_the_split_follows_the_written_rule() -> None:
    patterns = shipped_patterns()
    for pattern in patterns.patterns:
        assert pattern.split == patterns.rule_split(pattern), pattern.id


def test_no_held_out_pattern_is_the_only_one_on_what_it_measures() -> None:
    """Each held-out pattern has a fitted one of its family, or its notes name the fitted
    pattern that identifies what it depends on."""
    patterns = shipped_patterns()
    fitted = {p.family for p in patterns.patterns if p.split == "fit"}
    fit_ids = {p.id for p in patterns.patterns if p.split == "fit"}
    for pattern in patterns.patterns:
        if pattern.split == "test":
            named = any(i in (pattern.notes or "") for i in fit_ids)
            assert pattern.family in fitted or named, pattern.id


def test_scenarios_citing_names_the_records_a_scenario_cites(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1  # ref:nat_kcn_2016_occ_op\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x: ref:nat_kcn_2016_occ_op_extra\n", encoding="utf-8")
    cited = scenarios_citing(shipped_patterns(), [tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert cited["kcn_occupancy_2016"] == {"a": ["nat_kcn_2016_occ_op"]}
    assert cited["kcn_occupancy_2022_2023"] == {}


# ------------------------------------------------------------------ bad files
def test_an_unknown_record_is_named_with_the_field_and_a_suggestion(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["records"] = ["nat_kcn_2016_occ_opp"]
    (problem,) = problems_of(tmp_path, data)
    assert "patterns.yaml:" in problem
    assert "patterns[0].records[0] (pattern kcn_occupancy_2016)" in problem
    assert "'nat_kcn_2016_occ_opp'" in problem
    assert "did you mean 'nat_kcn_2016_occ_op'" in problem


def test_a_national_pattern_cannot_cite_a_provinces_own_record(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["records"] = ["hd_kcn_2021_05"]
    (problem,) = problems_of(tmp_path, data)
    assert "'hd_kcn_2021_05'" in problem
    assert "a pattern of any province cites only those" in problem


def test_a_value_outside_its_tolerance_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["tolerance"] = [71, 73]
    (problem,) = problems_of(tmp_path, data)
    assert "patterns[0]" in problem
    assert "value (70) lies outside its own tolerance [71, 73]" in problem


def test_an_unknown_indicator_and_a_bad_month_are_named(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["measure"]["indicator"] = "occupancy_kcn"
    data["patterns"][1]["measure"]["months"][0] = "2018-13"
    problems = problems_of(tmp_path, data)
    assert any(
        "patterns[0].measure.indicator" in p and "'occupancy_kcn' is not an indicator" in p
        for p in problems
    )
    assert any(
        "patterns[1].measure.months[0]" in p and "'2018-13' is not a month" in p for p in problems
    )


def test_an_unknown_field_is_named(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["tolerence"] = [60, 80]
    (problem,) = problems_of(tmp_path, data)
    assert "patterns[0].tolerence" in problem
    assert "unknown field" in problem


def test_a_source_without_a_reason_or_record_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    data["patterns"][0]["tolerance_source"] = "assumption: ok"
    data["patterns"][1]["value_source"] = "ref:no_such_record"
    problems = problems_of(tmp_path, data)
    assert any("patterns[0].tolerance_source" in p and "needs a reason" in p for p in problems)
    assert any("patterns[1].value_source" in p and "'no_such_record'" in p for p in problems)


def test_a_plan_must_be_a_document_of_the_provinces_scenarios(tmp_path: Path) -> None:
    data = shipped_data()
    i = index_of(data, "tq_projects_2015_2020")
    data["patterns"][i]["plan_clauses"] = ["plan:hn_kh_nq11 §I"]
    (problem,) = problems_of(tmp_path, data)
    assert f"patterns[{i}].plan_clauses[0]" in problem
    assert "'plan:hn_kh_nq11' is not a document" in problem
    assert "tq_nq_2021" in problem


def test_a_split_against_the_rule_and_too_few_held_out_are_refused(tmp_path: Path) -> None:
    data = shipped_data()
    for pattern in data["patterns"]:
        pattern["split"] = "fit"
    problems = problems_of(tmp_path, data)
    i = index_of(data, "kcn_occupancy_2022_2023")
    assert any(
        f"patterns[{i}].split" in p and "breaks the split rule" in p and "so it is 'test'" in p
        for p in problems
    )
    assert any("0 of 22 patterns (0 %) are held out" in p for p in problems)


def test_an_unknown_province_is_named(tmp_path: Path) -> None:
    data = shipped_data()
    i = index_of(data, "hn_output_growth_2020")
    data["patterns"][i]["applies_to"] = ["ha_nam", "thai_binh"]
    (problem,) = problems_of(tmp_path, data)
    assert f"patterns[{i}].applies_to[1]" in problem
    assert "'thai_binh' is not a scenario" in problem


# ------------------------------------------------------------------ measuring
START = "2021-01"
COLUMN = {name: i for i, name in enumerate(INDICATOR_IDS)}


def values(months: int = 48, **columns: np.ndarray | float) -> np.ndarray:
    out = np.full((months, len(INDICATOR_IDS)), math.nan)
    for name, column in columns.items():
        out[:, COLUMN[name]] = column
    return out


def window(kind: str, indicator: str, since: str, until: str) -> dict[str, str]:
    return {"kind": kind, "indicator": indicator, "since": since, "until": until}


def pattern(
    measure: dict[str, Any], tolerance: tuple[float, float] = (0, 100), **fields: Any
) -> Pattern:
    base = {
        "id": "p",
        "what": "a pattern for tests",
        "family": "f",
        "scope": "national",
        "applies_to": "any",
        "split": "fit",
        "records": ["nat_kcn_2016_occ_op"],
        "dates": ["2016-06"],
        "value": (tolerance[0] + tolerance[1]) / 2,
        "unit": "%",
        "value_source": "ref:nat_kcn_2016_occ_op",
        "tolerance": tolerance,
        "tolerance_source": "assumption: a band for the tests",
        "measure": measure,
    }
    return Pattern.model_validate({**base, **fields})


def test_a_level_is_the_mean_of_its_months_and_holds_when_each_is_in_the_band() -> None:
    occupancy = np.linspace(60, 83.5, 48)  # +0.5 a month from 2021-01
    p = pattern(
        {"kind": "level", "indicator": "occupancy_rate_kcn", "months": ["2022-06", "2023-12"]},
        tolerance=(70, 80),
    )
    m = measure_values(p, values(occupancy_rate_kcn=occupancy), START, "ha_nam")
    assert m.values == {"2022-06": pytest.approx(68.5), "2023-12": pytest.approx(77.5)}
    assert m.value == pytest.approx(73.0)
    assert m.within is False  # 2022-06 is below 70 though the mean is inside
    assert m.reason is None


def test_a_level_too_close_to_the_start_or_outside_the_run_has_no_value() -> None:
    data = values(occupancy_rate_kcn=np.full(48, 70.0))
    early = pattern({"kind": "level", "indicator": "occupancy_rate_kcn", "months": ["2021-03"]})
    m = measure_values(early, data, START, "ha_nam")
    assert m.value is None and m.within is None
    assert "3 months into the run" in m.reason and "starting by 2020-03" in m.reason
    assert month_index("2021-03", "2020-03") == LEVEL_LEAD_MONTHS
    before = pattern({"kind": "level", "indicator": "occupancy_rate_kcn", "months": ["2016-06"]})
    m = measure_values(before, data, START, "ha_nam")
    assert m.value is None and "the run covers 2021-01–2024-12" in m.reason


def test_an_undefined_indicator_gives_no_value_with_the_catalogues_reason() -> None:
    p = pattern({"kind": "level", "indicator": "occupancy_rate_ccn", "months": ["2023-12"]})
    m = measure_values(p, values(), START, "ha_nam")
    assert m.value is None and "no CCN operates" in m.reason


def test_a_ratio_is_a_percentage_of_its_denominator() -> None:
    data = values(zones_operating_kcn=3.0, zones_established_kcn=4.0)
    p = pattern(
        {
            "kind": "ratio",
            "indicator": "zones_operating_kcn",
            "denominator": "zones_established_kcn",
            "months": ["2023-07"],
        },
        tolerance=(70, 80),
    )
    m = measure_values(p, data, START, "ha_nam")
    assert m.value == pytest.approx(75.0) and m.within is True


def test_growth_is_average_annual_growth_between_the_window_ends() -> None:
    rent = 100 * 1.05 ** (np.arange(48) / 12)
    p = pattern(
        window("growth", "rent_usd_m2", "2021-01", "2023-01"),
        tolerance=(3, 7),
    )
    m = measure_values(p, values(rent_usd_m2=rent), START, "ha_nam")
    assert m.value == pytest.approx(5.0)
    assert m.values == {"2021-01–2023-01": pytest.approx(5.0)}
    assert m.within is True


def test_an_increase_from_the_month_before_the_start_counts_from_zero() -> None:
    located = np.arange(1, 49, dtype=float)  # one tenant a month since the start
    p = pattern(
        window("increase", "tenants_located", "2020-12", "2021-12"),
        tolerance=(12, 34),
    )
    m = measure_values(p, values(tenants_located=located), START, "ha_nam")
    assert m.value == 12.0 and m.within is True
    later = pattern(window("increase", "tenants_located", "2021-12", "2022-12"))
    assert measure_values(later, values(tenants_located=located), START, "ha_nam").value == 12.0


def test_a_pace_is_new_zones_a_year_per_zone_at_the_start_of_the_window() -> None:
    # 4 KCN at the start; one more in 2021-06 and one in 2023-03: 2 in 3 years on 4
    new = np.zeros(48)
    new[5:] += 1
    new[26:] += 1
    p = pattern(
        window("pace", "zones_established_kcn", "2020-12", "2023-12"),
        tolerance=(2.7, 6.5),
    )
    m = measure_values(p, values(zones_established_kcn=4 + new, new_zones_kcn=new), START, "x")
    assert m.value == pytest.approx(100 * 2 / 4 / 3)
    assert m.within is False  # 16.7 %/yr is above the band
    inside = pattern(window("pace", "zones_established_kcn", "2021-06", "2023-06"))
    m = measure_values(inside, values(zones_established_kcn=4 + new, new_zones_kcn=new), START, "x")
    assert m.value == pytest.approx(100 * 1 / 5 / 2)


def test_a_pattern_of_another_province_is_not_read() -> None:
    p = pattern(
        {"kind": "level", "indicator": "zones_operating_kcn", "months": ["2023-06"]},
        applies_to=["hai_duong"],
    )
    m = measure_values(p, values(zones_operating_kcn=12.0), START, "ha_nam")
    assert m.value is None and "a pattern of hai_duong; this run is of ha_nam" in m.reason


def test_measure_kinds_refuse_fields_of_other_kinds() -> None:
    with pytest.raises(ValueError, match="needs `since` and `until`"):
        pattern({"kind": "growth", "indicator": "rent_usd_m2", "until": "2022-01"})
    with pytest.raises(ValueError, match="not one"):
        pattern(window("increase", "rent_usd_m2", "2021-01", "2022-01"))
    with pytest.raises(ValueError, match="`denominator` is given with kind 'ratio'"):
        pattern({"kind": "ratio", "indicator": "zones_operating_kcn", "months": ["2023-01"]})


def test_a_real_tuyen_quang_run_measures_its_2021_projects_and_national_levels(
    scenario: Any, baseline: Any
) -> None:
    result = run(scenario, baseline, 1)
    by_id = shipped_patterns().by_id()
    projects = measure(by_id["tq_projects_2021"], result)
    assert projects.reason is None
    assert projects.value == result.value("tenants_located", "2021-12")
    occupancy = measure(by_id["kcn_occupancy_2022_2023"], result)
    assert occupancy.values == {
        month: result.value("occupancy_rate_kcn", month)
        for month in ("2022-06", "2023-10", "2023-12")
    }
    assert measure(by_id["kcn_occupancy_2016"], result).value is None  # needs a back-cast
    assert measure(by_id["hd_kcn_operating_2023"], result).value is None  # another province


def test_copying_the_shipped_data_leaves_it_valid(tmp_path: Path) -> None:
    path = tmp_path / "patterns.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(shipped_data()), allow_unicode=True), "utf-8")
    assert len(load_patterns(path).patterns) == len(shipped_patterns().patterns)


def test_every_held_out_pattern_a_scenario_cites_is_declared_informed_or_apart() -> None:
    """A scenario citing a held-out pattern's record makes the test depend on an input: the
    file must say so (meta.informed) or why not (meta.cited_apart)."""
    patterns = shipped_patterns()
    files = sorted(SCENARIOS_DIR.glob("*.yaml")) + sorted(SCENARIOS_DIR.glob("backcast/*.yaml"))
    cited = scenarios_citing(patterns, files)
    declared = set(patterns.meta.informed) | set(patterns.meta.cited_apart)
    for pattern in patterns.patterns:
        readers = set(cited[pattern.id]) & (set(pattern.provinces()) or set(cited[pattern.id]))
        if pattern.split == "test" and readers:
            assert pattern.id in declared, (pattern.id, cited[pattern.id])
    # kcn_operating_share_2023 was spent on 2026-11-29 (the structure changed because it failed)
    assert {p.id for p in patterns.independent_tests()} == {
        "ccn_wwtp_2021",
    }


def test_informed_must_name_a_held_out_pattern(tmp_path: Path) -> None:
    text = SHIPPED_FILE.read_text("utf-8").replace(
        "  informed:\n", "  informed:\n    kcn_pace_2016_2020: fitted, so this is refused\n", 1
    )
    path = tmp_path / "patterns.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        load_patterns(path)
    assert any(
        p.field == "meta.informed.kcn_pace_2016_2020" and "is fitted" in p.message
        for p in caught.value.problems
    )


def test_installed_without_the_checkout_s_scenarios_the_patterns_still_load_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """izsim installed as a package has no scenarios/ beside it: the provinces' own records
    go unchecked, every other check is made (here: the split)."""
    import izsim.patterns as patterns_module

    monkeypatch.setattr(patterns_module, "SCENARIOS_DIR", tmp_path / "nowhere")
    assert len(load_patterns().patterns) == len(shipped_patterns().patterns)
    text = SHIPPED_FILE.read_text("utf-8").replace(
        "    split: fit\n    records: [hd_rent_savills_2020",
        "    split: test\n    records: [hd_rent_savills_2020",
        1,
    )
    assert text != SHIPPED_FILE.read_text("utf-8")
    path = tmp_path / "patterns.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match="breaks the split rule"):
        load_patterns(path)


def test_without_the_scenarios_only_what_needs_a_provinces_own_files_goes_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's own record ids and plan documents cannot be read without its scenario;
    a bad source of a province's pattern and a national pattern's unknown record still can."""
    import izsim.patterns as patterns_module

    monkeypatch.setattr(patterns_module, "SCENARIOS_DIR", tmp_path / "nowhere")
    data = shipped_data()
    i = index_of(data, "hd_kcn_operating_2023")
    data["patterns"][i]["records"].append("hd_not_read_here")  # might be Hải Dương's own
    data["patterns"][i]["tolerance_source"] = "assumption: ok"
    data["patterns"][0]["records"] = ["nat_kcn_2016_occ_opp"]
    problems = problems_of(tmp_path, data)
    assert len(problems) == 2, problems
    assert any(f"patterns[{i}].tolerance_source" in p and "needs a reason" in p for p in problems)
    assert any("patterns[0].records[0]" in p and "did you mean" in p for p in problems)


def test_a_measure_off_the_records_dates_needs_a_source(tmp_path: Path) -> None:
    """A measure reads the records' own months (a window from the first to the last), or its
    `source` says why not: a month left out, or a year read at some month."""
    data = shipped_data()
    one_of_two = index_of(data, "hd_kcn_operating_2023")  # dates 2023-05 and -06, reads -06
    a_year = index_of(data, "hn_kcn_occupancy_2020")  # dates "2020", reads 2020-12
    for i in (one_of_two, a_year):
        del data["patterns"][i]["measure"]["source"]
    problems = problems_of(tmp_path, data)
    assert len(problems) == 2, problems
    (left_out,) = [p for p in problems if f"patterns[{one_of_two}].measure" in p]
    assert "reads 2023-06, not the records' dates (2023-05, 2023-06)" in left_out
    assert "give `measure.source` saying why" in left_out
    (year,) = [p for p in problems if f"patterns[{a_year}].measure" in p]
    assert "reads 2020-12, not the records' dates (2020)" in year


def test_a_measure_on_the_records_months_needs_no_source() -> None:
    patterns = shipped_patterns().by_id()
    # a level on every month of its records, a pace from the first to the last
    for pattern_id in ("kcn_occupancy_2018_2020", "kcn_pace_2016_2020"):
        assert patterns[pattern_id].measure.source is None
