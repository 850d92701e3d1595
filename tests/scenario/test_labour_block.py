"""Validation of the scenario's labour block (docs/model.md §6.1)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from izsim.scenario import Scenario

SOURCE = "assumption: a variant made by a test of the labour block"


def with_labour(scenario: Scenario, *, sourced: bool = True, **changes: object) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data["labour"].update(changes)
    for name in changes:  # a changed value's range went with its old source
        data["labour"].get("ranges", {}).pop(name, None)
    if sourced:
        data["labour"]["sources"].update(dict.fromkeys(changes, SOURCE))
    else:
        for name in changes:
            data["labour"]["sources"].pop(name, None)
    return Scenario.model_validate(data)


def test_region_shares_must_add_up_to_100(scenario: Scenario) -> None:
    with pytest.raises(ValidationError, match="add up to 90"):
        with_labour(scenario, region_workforce_pct={"south": 50, "north": 40})


def test_region_shares_need_a_source(scenario: Scenario) -> None:
    with pytest.raises(ValidationError, match="region_workforce_pct"):
        with_labour(scenario, sourced=False, region_workforce_pct={"south": 55, "north": 45})


def test_no_regions_is_one_pool(scenario: Scenario) -> None:
    assert with_labour(scenario, region_workforce_pct={}).labour.region_workforce_pct == {}


def test_industry_already_above_its_most_is_refused(scenario: Scenario) -> None:
    base = scenario.economy.jobs_industry_base / scenario.economy.workforce_base * 100
    with pytest.raises(ValidationError, match="industry already employs more than it can"):
        with_labour(scenario, max_local_industry_share_pct=base - 1)
