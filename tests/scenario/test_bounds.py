"""Numbers a run cannot compute with are refused up front, with the bound in the message.

Before issue 12, `.inf` passed 54 fields and `.nan` 13 (every `beta_*`), then crashed
(OverflowError, ZeroDivisionError), hung, or wrote NaN into the results; cyclic expansions
were accepted; a block's missing sources were named only once its fields were fixed.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from izsim.scenario import Policy, Scenario, load_scenario
from izsim.scenario.schema import existing_jobs_exceed_workforce
from tests.scenario.test_load_errors import (
    GOOD_POLICY,
    GOOD_SCENARIO,
    bad_scenario,
    both,
    drop,
    problems_of,
    put,
)


def numeric_places(data: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every place of a number (not a boolean) in a YAML tree."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if isinstance(value, dict | list):
            yield from numeric_places(value, (*path, key))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield (*path, key)


def _locs(error: ValidationError) -> set[tuple]:
    return {tuple(str(p) for p in e["loc"]) for e in error.errors()}


@pytest.mark.parametrize("bad", [math.inf, math.nan], ids=["inf", "nan"])
def test_no_number_anywhere_may_be_infinite_or_nan(bad: float) -> None:
    """Every number of the shipped scenario and of a policy with every lever set."""
    for model, good in ((Scenario, GOOD_SCENARIO), (Policy, GOOD_POLICY)):
        places = list(numeric_places(good))
        assert len(places) > (100 if model is Scenario else 1)
        for place in places:
            data = copy.deepcopy(good)
            put(place, bad)(data)
            with pytest.raises(ValidationError) as caught:
                model.model_validate(data)
            messages = " ".join(e["msg"] for e in caught.value.errors())
            assert "finite number" in messages, place


def test_the_file_names_the_field_and_says_finite(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, put(("investors", "beta_access"), math.nan))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "investors.beta_access"
    assert "finite number (got nan)" in problem.message


def test_a_target_value_cannot_be_infinite(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, put(("targets", 0, "value"), math.inf))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "targets[0].value"
    assert "finite number" in problem.message


def test_the_arrival_rate_has_an_upper_bound(tmp_path: Path) -> None:
    """A million prospects a month grew memory by 100 MB/s and never finished."""
    path = bad_scenario(tmp_path, put(("investors", "prospects_per_month"), 1e6))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "investors.prospects_per_month"
    assert "less than or equal to 100" in problem.message and "1000000" in problem.message


def test_industry_cannot_employ_more_than_the_workforce(tmp_path: Path) -> None:
    """A workforce of 1 wrote an industry labour share of millions of percent."""
    path = bad_scenario(tmp_path, put(("economy", "workforce_base"), 1))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "economy"
    assert "must be below workforce_base 1" in problem.message


def test_jobs_outgrowing_the_workforce_within_the_horizon_are_refused(tmp_path: Path) -> None:
    path = bad_scenario(tmp_path, put(("economy", "existing_jobs_growth_pct"), 30))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "economy.existing_jobs_growth_pct"
    assert "outgrow the workforce" in problem.message and "year 7" in problem.message


def test_jobs_outgrowing_the_workforce_after_the_horizon_are_fine() -> None:
    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/tuyen_quang.yaml")
    # 21 % of the workforce, growing 2 %/yr against 0.5 %/yr: about a century to catch up
    assert existing_jobs_exceed_workforce(scenario.economy, scenario.months) is None
    assert existing_jobs_exceed_workforce(scenario.economy, 12 * 200) is not None


def test_cyclic_expansions_are_refused(tmp_path: Path) -> None:
    zones = GOOD_SCENARIO["zones"]
    expansion = next(i for i, z in enumerate(zones) if z.get("expands"))
    parent_id = zones[expansion]["expands"]
    parent = next(i for i, z in enumerate(zones) if z["id"] == parent_id)
    path = bad_scenario(tmp_path, put(("zones", parent, "expands"), zones[expansion]["id"]))
    problems = problems_of(load_scenario, path)
    (problem,) = [p for p in problems if "cycle" in p.message]
    assert problem.field in (f"zones[{parent}].expands", f"zones[{expansion}].expands")
    assert f"{parent_id} -> {zones[expansion]['id']} -> {parent_id}" in problem.message or (
        f"{zones[expansion]['id']} -> {parent_id} -> {zones[expansion]['id']}" in problem.message
    )


def test_a_longer_cycle_is_named_once(tmp_path: Path) -> None:
    zones = [z for z in GOOD_SCENARIO["zones"] if z["stage"] == "planned" and not z.get("expands")]
    a, b, c = (z["id"] for z in zones[:3])
    index = {z["id"]: i for i, z in enumerate(GOOD_SCENARIO["zones"])}
    path = bad_scenario(
        tmp_path,
        both(
            put(("zones", index[a], "expands"), b),
            put(("zones", index[b], "expands"), c),
            put(("zones", index[c], "expands"), a),
        ),
    )
    cycles = [p for p in problems_of(load_scenario, path) if "cycle" in p.message]
    assert len(cycles) == 1
    assert f"{a} -> {b} -> {c} -> {a}" in cycles[0].message


def test_schema_errors_and_missing_sources_come_in_one_pass(tmp_path: Path) -> None:
    """Before, the unsourced number was named only once the bad value was fixed."""
    sources = GOOD_SCENARIO["economy"]["sources"]
    path = bad_scenario(
        tmp_path,
        both(
            put(("economy", "workforce_base"), -5),
            drop(("economy", "sources", next(iter(sources)))),
            put(("investors", "beta_access"), "high"),
        ),
    )
    problems = problems_of(load_scenario, path)
    by_field = {p.field: p.message for p in problems}
    assert set(by_field) == {"economy.workforce_base", "economy", "investors.beta_access"}
    assert next(iter(sources)) in by_field["economy"]
    assert "no source" in by_field["economy"]
    # the same check after validation is not repeated when the block's fields are fine
    path = bad_scenario(tmp_path, drop(("economy", "sources", next(iter(sources)))))
    assert len(problems_of(load_scenario, path)) == 1


@pytest.mark.parametrize(
    ("place", "value", "says"),
    [
        (("sectors", 0, "land_need_cv"), 1e6, "less than or equal to 10"),
        (("economy", "vnd_per_usd"), 0.5, "greater than or equal to 1000"),
        (("investors", "beta_access"), 1e300, "1e+300 is beyond ±1e+12"),
        (("economy", "grdp_base_bn_vnd"), -1e13, "-1e+13 is beyond ±1e+12"),
        # found by the fuzz test: output growth from this base overflowed (OverflowError)
        (("economy", "industrial_output_base_bn_vnd"), 1e-300, "nearer 0 than 1e-09"),
    ],
)
def test_numbers_that_would_overflow_are_refused(
    tmp_path: Path, place: tuple, value: float, says: str
) -> None:
    """A land-need CV of 1e300 overflowed into NaN land needs and NaN output (found by the
    fuzz test); a tiny exchange rate or a huge coefficient overflows the same way."""
    path = bad_scenario(tmp_path, put(place, value))
    problems = problems_of(load_scenario, path)
    assert any(says in p.message for p in problems), problems


@pytest.mark.parametrize(
    "place", [("economy", "value_added_ratio_pct"), ("economy", "exports_base_musd")]
)
def test_a_base_that_leaves_a_growth_rate_undefined_is_refused(
    tmp_path: Path, place: tuple
) -> None:
    """A value-added ratio of 0 (found by the fuzz test) made average growth NaN in every
    month; zero exports did the same to export growth."""
    path = bad_scenario(tmp_path, put(place, 0))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == ".".join(place)
    assert "greater than 0" in problem.message


def test_a_list_where_a_number_belongs_is_refused(tmp_path: Path) -> None:
    """Found by the fuzz test: the magnitude check met a nested list and raised TypeError."""
    path = bad_scenario(tmp_path, put(("economy", "grdp_base_bn_vnd"), [[1, 2], [3, 4]]))
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "economy.grdp_base_bn_vnd"


@pytest.mark.parametrize("cap", [10, 12])
def test_expected_rent_growth_must_stay_below_the_cost_of_capital(
    tmp_path: Path, cap: float
) -> None:
    """At or above the discount rate, a pro forma would value slow filling as much or more."""
    path = bad_scenario(
        tmp_path,
        both(
            put(("developers", "discount_rate_pct"), 10),
            put(("developers", "expected_rent_growth_cap_pct_per_year"), cap),
        ),
    )
    (problem,) = problems_of(load_scenario, path)
    assert problem.field == "developers.expected_rent_growth_cap_pct_per_year"
    assert f"{cap} is not below discount_rate_pct 10" in problem.message


def test_expected_rent_growth_below_the_cost_of_capital_is_fine(tmp_path: Path) -> None:
    path = bad_scenario(
        tmp_path,
        both(
            put(("developers", "discount_rate_pct"), 10),
            put(("developers", "expected_rent_growth_cap_pct_per_year"), 9.9),
        ),
    )
    assert load_scenario(path).developers.expected_rent_growth_cap_pct_per_year == 9.9
