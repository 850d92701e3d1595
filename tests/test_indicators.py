"""The indicator catalogue: complete rows, unique ids, and exactly the ids the model fills."""

from __future__ import annotations

import math
import unicodedata
from importlib.resources import files

import numpy as np
import pytest
import yaml

from izsim.indicators import CATALOGUE, INDICATOR_IDS, Indicator, range_violations
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario

FIELDS = ("id", "unit", "label_en", "label_vi", "definition")
OPTIONAL = ("undefined",)  # text: when the indicator has no value
# Letters of Vietnamese that ASCII lacks (lower case; labels are compared case-folded).
VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
# Ids set directly in IZModel._collect (the rest come from the zone and economy accounts).
COLLECTED_DIRECTLY = {
    "investment_state_bn_vnd",
    "investment_nonstate_bn_vnd",
    "investment_fdi_bn_vnd",
    "public_spending_bn_vnd",
    "budget_available_bn_vnd",
    "budget_lapsed_bn_vnd",
    "budget_unspent_bn_vnd",
    "budget_unallocated_bn_vnd",
    "budget_unfunded_bn_vnd",
    "budget_committed_bn_vnd",
    "projects_revoked",
    "developers_sanctioned",
    "zones_sold",
    "outside_fence_finished",
    "wastewater_fines_bn_vnd",
    "wwtp_operate_orders",
    "admission_suspensions",
    "land_outside_zones_ha",
    "prospects",
    "tenants_located",
}


def raw_rows() -> list[dict]:
    text = files("izsim").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_every_row_has_the_text_fields_all_non_empty_and_a_range() -> None:
    rows = raw_rows()
    assert len(rows) == len(CATALOGUE)
    for row in rows:
        assert set(row) - set(OPTIONAL) == {*FIELDS, "range"}, row.get("id")
        for field in (*FIELDS, *(f for f in OPTIONAL if f in row)):
            assert isinstance(row[field], str), (row["id"], field)
            assert row[field].strip(), (row["id"], field)
        low, high = row["range"]
        assert isinstance(low, int | float) and isinstance(high, int | float), row["id"]
        assert math.isfinite(low) and low < high, row["id"]


def test_ranges_follow_the_units() -> None:
    """Shares lie in 0-100, growth cannot fall below -100 %, and stocks, counts and money
    are never negative."""
    for item in CATALOGUE.values():
        if item.unit == "%" and "growth" not in item.id:
            assert item.range == (0, 100), item.id
        elif "growth" in item.id:
            assert item.range == (-100, math.inf), item.id
        else:
            assert item.range == (0, math.inf), item.id


def test_a_value_outside_its_range_is_named_with_the_month() -> None:
    values = np.full((3, len(INDICATOR_IDS)), 1.0)
    months = ["2021-01", "2021-02", "2021-03"]
    assert range_violations(values, months) == []
    share = INDICATOR_IDS.index("industry_labour_share")
    values[1:, share] = 130.0
    occupancy = INDICATOR_IDS.index("occupancy_rate")
    values[0, occupancy] = np.nan  # no zone operates yet: allowed
    jobs = INDICATOR_IDS.index("jobs_industry")
    values[2, jobs] = np.nan  # always defined: not allowed
    output = INDICATOR_IDS.index("industrial_output_bn_vnd")
    values[0, output] = np.inf
    assert sorted(range_violations(values, months)) == [
        "industrial_output_bn_vnd is infinite (inf) (bn VND (2010 prices)) in 2021-01",
        "industry_labour_share = 130 is outside its range [0, 100] (%) in 2021-02",
        "jobs_industry has no value (NaN) but is always defined (persons) in 2021-03",
    ]
    values[:] = 1.0
    values[0, jobs] = -1e-12  # rounding when sums are taken in another order
    assert range_violations(values, months) == []


def test_ids_are_unique_slugs_in_file_order() -> None:
    ids = [row["id"] for row in raw_rows()]
    assert len(set(ids)) == len(ids)  # the dict behind CATALOGUE would hide a duplicate
    assert list(INDICATOR_IDS) == ids
    for name in ids:
        assert name == name.strip().lower() and " " not in name and name.isascii(), name


def test_catalogue_entries_are_indicators_keyed_by_their_id() -> None:
    for key, indicator in CATALOGUE.items():
        assert isinstance(indicator, Indicator)
        assert indicator.id == key
    with pytest.raises(AttributeError):
        CATALOGUE["prospects"].unit = "x"  # type: ignore[misc]


def test_vietnamese_labels_are_vietnamese() -> None:
    for indicator in CATALOGUE.values():
        label = indicator.label_vi
        assert VIETNAMESE & set(label.casefold()), (indicator.id, label)
        assert unicodedata.is_normalized("NFC", label), indicator.id
        assert label != indicator.label_en


def test_english_labels_and_definitions_are_english() -> None:
    for indicator in CATALOGUE.values():
        assert not VIETNAMESE & set(indicator.label_en.casefold()), indicator.id
        assert indicator.definition.rstrip().endswith("."), indicator.id


def test_units_of_known_indicators() -> None:
    expected = {
        "occupancy_rate": "%",
        "industrial_output_bn_vnd": "bn VND (2010 prices)",
        "industrial_output_growth_avg": "%/yr",
        "jobs_industry": "persons",
        "exports_musd": "million USD",
        "land_leased_ha": "ha",
        "projects_revoked": "count",
        "public_spending_bn_vnd": "bn VND",
    }
    assert {name: CATALOGUE[name].unit for name in expected} == expected


def filled_ids(scenario: Scenario, policy: Policy) -> set[str]:
    """Ids the model writes in a month: zone accounts, economy, and the totals of _collect."""
    model = IZModel(scenario, policy, 0)
    zone_ids = set(model._zone_indicators())
    economy_ids = set(model.economy.close_month(0, 1.0))
    assert not zone_ids & economy_ids  # no indicator is written twice
    return zone_ids | economy_ids | COLLECTED_DIRECTLY


def test_the_model_fills_exactly_the_catalogue(scenario: Scenario, baseline: Policy) -> None:
    filled = filled_ids(scenario, baseline)
    assert filled - set(INDICATOR_IDS) == set()  # nothing outside the catalogue
    assert set(INDICATOR_IDS) - filled == set()  # every catalogue id has a writer


def test_collect_writes_the_direct_totals(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(scenario, baseline, 0)
    model.agencies.budget.available = 12.5
    model.agencies.projects_revoked = 3
    model.tenants_located = 7
    model.agencies.developers_sanctioned = 1
    model.zones_sold = 4
    model.outside_zone_leased_ha = 6.5
    model.prospects_this_month = 2
    model.economy.capital_fdi = 40.0
    model.economy.capital_domestic = 10.0
    model.economy.private_developer_spending = 5.0
    model._collect(0)
    row = dict(zip(INDICATOR_IDS, model.values[0], strict=True))
    assert row["budget_available_bn_vnd"] == 12.5
    assert row["projects_revoked"] == 3
    assert row["tenants_located"] == 7
    assert (row["developers_sanctioned"], row["zones_sold"]) == (1, 4)
    assert row["land_outside_zones_ha"] == 6.5
    assert row["prospects"] == 2
    assert row["investment_fdi_bn_vnd"] == 40.0
    assert row["investment_nonstate_bn_vnd"] == 15.0
    assert not np.isnan(row["industrial_output_bn_vnd"])
    assert np.isnan(model.values[1]).all()  # only the month collected is written


def test_every_indicator_has_a_value_in_a_tuyen_quang_run(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, baseline, 1)
    model.run()
    assert model.values.shape == (scenario.months, len(INDICATOR_IDS))
    empty = [name for j, name in enumerate(INDICATOR_IDS) if np.isnan(model.values[:, j]).all()]
    assert empty == []
    # Only shares of nothing may be undefined: per-operating-zone shares while no zone of the
    # kind operates (Tuyên Quang has an operating KCN and CCN from the start), untreated shares
    # of wastewater while nothing is discharged (no project outside zones yet).
    values = model.values
    for j, name in enumerate(INDICATOR_IDS):
        if name.startswith("wastewater_untreated_pct_"):
            kind = name.removeprefix("wastewater_untreated_pct_")
            nothing = values[:, INDICATOR_IDS.index(f"wastewater_generated_{kind}")] == 0
            assert (np.isnan(values[:, j]) == nothing).all(), name
        else:
            assert not np.isnan(values[:, j]).any(), name


def test_the_table_in_docs_model_md_is_the_catalogue() -> None:
    from izsim.indicators import markdown_table
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate the table in docs/model.md §7 from indicators.yaml"
