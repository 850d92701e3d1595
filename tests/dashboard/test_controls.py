"""Lever controls come from the policy schema, and every value set is validated by it."""

from __future__ import annotations

import pytest

from izsim.dashboard.controls import DASHBOARD_SOURCE, changed_levers, controls
from izsim.errors import InputError
from izsim.model.model import SET_UP_LEVERS
from izsim.scenario.policy import LEVER_GROUPS, MULTIPLIER_BOUNDS, Levers

SOURCE = "assumption: values a test of the dashboard sets"


def test_every_lever_has_a_control_of_its_kind() -> None:
    found = {c.name: c for c in controls()}
    assert set(found) == {f for group in LEVER_GROUPS.values() for f in group}
    assert found["wwtp_before_tenants"].kind == "switch"
    assert found["promotion_target_origin"].choices == ("any", "fdi", "domestic")
    assert found["rent_support_years"].kind == "integer"
    assert (found["rent_support_years"].low, found["rent_support_years"].high) == (1, 10)
    assert (found["rent_support_pct"].low, found["rent_support_pct"].high) == (0, 100)
    assert found["rent_support_pct"].unit == "%"
    assert found["approval_time_multiplier"].high == MULTIPLIER_BOUNDS[1]
    assert {n for n, c in found.items() if c.set_up} == set(SET_UP_LEVERS)


def test_every_slider_end_is_a_valid_value() -> None:
    base = Levers(source=SOURCE)
    for control in controls([base]):
        if control.kind != "number":
            continue
        for end in (control.low, control.high):
            try:
                changed_levers(base, control.name, end)
            except InputError as error:
                # only a combination with other levers may be refused (targeted promotion
                # without an audience), never the value itself
                assert [p.field for p in error.problems] == ["levers"], error


def test_money_sliders_reach_twice_what_a_package_asks() -> None:
    rich = Levers(source=SOURCE, promotion_bn_vnd_per_year=900)
    found = {c.name: c for c in controls([rich])}
    assert found["promotion_bn_vnd_per_year"].high >= 1800


def test_a_change_is_sourced_and_validated() -> None:
    base = Levers(source=SOURCE)
    new = changed_levers(base, "promotion_bn_vnd_per_year", 40)
    assert new.promotion_bn_vnd_per_year == 40
    assert new.sources["promotion_bn_vnd_per_year"] == DASHBOARD_SOURCE
    with pytest.raises(InputError, match="inspection_multiplier"):
        changed_levers(base, "inspection_multiplier", -1)
    with pytest.raises(InputError, match="rent_support_years"):  # a combination refused
        changed_levers(base, "rent_support_pct", 20)
    with pytest.raises(InputError, match="is not a lever"):
        changed_levers(base, "free_land", True)
