"""Levers' stated ranges and scaling that never passes them (issue 9, point 5)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from izsim.experiments.budget import MAX_FACTOR, describe_scaling, most_factor
from izsim.scenario.base import VALUES_IN_RANGE, Range
from izsim.scenario.load import load_policy
from izsim.scenario.policy import (
    INTENSITY_LEVERS,
    MONEY_LEVERS,
    MULTIPLIER_BOUNDS,
    MULTIPLIER_LEVERS,
    Levers,
    Policy,
    lever_limit,
    scale_levers,
    stated_range,
)

POLICIES = Path(__file__).resolve().parents[2] / "scenarios" / "policies"
SCALED = MONEY_LEVERS + INTENSITY_LEVERS + MULTIPLIER_LEVERS


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ([5, 30], (5, 30, "uniform")),
        ([-2, 0], (-2, 0, "uniform")),
        ({"range": [0.3, 0.8], "distribution": "triangular"}, (0.3, 0.8, "triangular")),
        ({"range": [1, 100], "distribution": "loguniform"}, (1, 100, "loguniform")),
        ({"low": 2, "high": 15}, (2, 15, "uniform")),
    ],
)
def test_a_range_is_read_in_each_written_form(
    written: object, expected: tuple[float, float, str]
) -> None:
    bounds = Range.model_validate(written)
    assert (bounds.low, bounds.high, bounds.distribution) == expected


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ([30, 5], "low must be below high"),
        ([5, 5], "low must be below high"),
        ([1, 2, 3], "two numbers"),
        ({"range": [0, 10], "distribution": "loguniform"}, "needs low > 0"),
        ({"range": [1, 10], "distribution": "normal"}, "uniform"),
        ([float("nan"), 1], "finite"),
    ],
)
def test_a_bad_range_is_refused(written: object, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Range.model_validate(written)


def test_a_value_outside_its_range_is_refused_naming_both() -> None:
    written = {
        "rent_support_pct": 40,
        "rent_support_years": 5,
        "source": "assumption: a level a planner would accept",
        "ranges": {"rent_support_pct": [5, 30]},
    }
    with pytest.raises(ValidationError, match=r"the value 40 lies outside its range \[5, 30\]"):
        Levers.model_validate(written, context={VALUES_IN_RANGE: True})
    # code building a variant on purpose (a test's extreme, a scaled package) is not held to it
    assert Levers.model_validate(written).rent_support_pct == 40
    with pytest.raises(ValidationError, match="a field this block does not have: rent_pct"):
        Levers(source="assumption: a field name with a typo in it", ranges={"rent_pct": [5, 30]})


def test_stated_range_is_the_lever_s_range_or_none() -> None:
    levers = Levers(
        promotion_bn_vnd_per_year=20,
        source="assumption: a level a planner would accept",
        ranges={"promotion_bn_vnd_per_year": [5, 80]},
    )
    assert stated_range(levers, "promotion_bn_vnd_per_year") == (5, 80)
    assert stated_range(levers, "training_bn_vnd_per_year") is None


def test_a_lever_without_a_range_falls_back_to_the_schema_bounds() -> None:
    levers = Levers(
        promotion_bn_vnd_per_year=20,
        rent_support_pct=40,
        rent_support_years=5,
        approval_time_multiplier=0.5,
        source="assumption: this package states no range",
    )
    assert lever_limit(levers, "promotion_bn_vnd_per_year") == (math.inf, None)
    assert lever_limit(levers, "rent_support_pct") == (100, None)
    assert lever_limit(levers, "approval_time_multiplier") == (MULTIPLIER_BOUNDS[0], None)
    # no lever states a range: the package is scaled at most MAX_FACTOR times
    assert most_factor(Policy(id="p", name="p", levers=levers)) == MAX_FACTOR
    # with every range stated, the ranges alone decide, even beyond MAX_FACTOR
    ranged = Levers.model_validate(
        {
            **levers.model_dump(exclude_unset=True),
            "ranges": {
                "promotion_bn_vnd_per_year": [0, 200],
                "rent_support_pct": [0, 100],
                "approval_time_multiplier": [0.25, 4],
            },
        }
    )
    assert most_factor(Policy(id="p", name="p", levers=ranged)) == pytest.approx(10)


def test_a_lever_stops_at_its_range_while_the_others_go_on() -> None:
    levers = Levers(
        promotion_bn_vnd_per_year=20,
        approval_time_multiplier=0.5,
        sources={
            "promotion_bn_vnd_per_year": "assumption: a level a planner would accept",
            "approval_time_multiplier": "assumption: a level a planner would accept",
        },
        ranges={"promotion_bn_vnd_per_year": [5, 80], "approval_time_multiplier": [0.3, 0.8]},
    )
    policy = Policy(id="p", name="p", levers=levers)
    # approval time reaches 0.3 at ×1.4, promotion 80 at ×4
    assert most_factor(policy) == pytest.approx(4.0)
    scaled = scale_levers(levers, 2.0)
    assert scaled.approval_time_multiplier == pytest.approx(0.3)
    assert scaled.promotion_bn_vnd_per_year == pytest.approx(40)
    assert "at its limit" in scaled.sources["approval_time_multiplier"]
    assert "at its limit" not in scaled.sources["promotion_bn_vnd_per_year"]
    items = {item.lever: item for item in describe_scaling(policy, 2.0)}
    assert items["approval_time_multiplier"].at_limit
    assert not items["promotion_bn_vnd_per_year"].at_limit
    assert items["approval_time_multiplier"].stated_range == (0.3, 0.8)
    # beyond the range's far end in the other direction nothing is cut: scaling down only
    # interpolates between the reference and the package
    assert scale_levers(levers, 0.5).promotion_bn_vnd_per_year == pytest.approx(10)


def test_a_package_at_the_end_of_its_own_range_is_not_scaled_past_it() -> None:
    levers = Levers(
        rent_support_pct=30,
        rent_support_years=5,
        source="assumption: a level a planner would accept",
        ranges={"rent_support_pct": [5, 30]},
    )
    assert lever_limit(levers, "rent_support_pct") == (30, (5, 30))
    assert scale_levers(levers, 1.0).rent_support_pct == 30
    assert scale_levers(levers, 3.0).rent_support_pct == 30
    # scaled down past the range's low end, the level is the experiment's: no range is kept
    scaled = scale_levers(levers, 0.1)
    assert scaled.rent_support_pct == pytest.approx(3)
    assert "rent_support_pct" not in scaled.ranges


def _rounded(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high).map(lambda x: round(x, 3)).filter(lambda x: x > 0 or low == 0)


_values = {
    "promotion_bn_vnd_per_year": _rounded(0, 200),
    "rent_support_pct": _rounded(0, 100),
    "credit_access_stall_reduction_pct": _rounded(0, 100),
    "approval_time_multiplier": _rounded(0.1, 3),
    "inspection_multiplier": _rounded(0.1, 5),
}


@st.composite
def _package(draw: st.DrawFn) -> tuple[Levers, Levers]:
    data: dict[str, object] = {}
    sources: dict[str, str] = {}
    ranges: dict[str, list[float]] = {}
    reference: dict[str, object] = {}
    for name, values in _values.items():
        data[name] = draw(values)
        reference[name] = draw(values)
        if draw(st.booleans()):
            low, high = sorted((draw(values), draw(values), data[name]))[::2]
            if low < high:
                ranges[name] = [low, high]
            sources[name] = "assumption: drawn for the test"
        else:
            sources[name] = "assumption: this lever states no range"
    # rent support says how many years it runs (not scaled)
    data["rent_support_years"] = reference["rent_support_years"] = 5
    sources["rent_support_years"] = "assumption: the years drawn packages rebate rent"
    return (
        Levers.model_validate({**data, "sources": sources, "ranges": ranges}),
        Levers.model_validate({**reference, "source": "assumption: the test's reference package"}),
    )


@given(_package(), st.floats(0, 20))
def test_scaling_never_passes_a_lever_s_range_or_the_schema(
    package: tuple[Levers, Levers], factor: float
) -> None:
    levers, reference = package
    scaled = scale_levers(levers, factor, reference)
    for name in _values:
        own, ref, value = (getattr(x, name) for x in (levers, reference, scaled))
        stated = stated_range(levers, name)
        upward = own >= ref
        # never past what the package or the reference asks for and its stated range,
        # on the side it is scaled to
        if upward:
            allowed = max(own, stated[1] if stated else math.inf)
            assert value <= allowed + 1e-9
            assert value >= min(own, ref) - 1e-9
        else:
            allowed = min(own, stated[0] if stated else -math.inf)
            assert value >= allowed - 1e-9
            assert value <= max(own, ref) + 1e-9
        # nor past the schema's bounds (unless the package or the reference itself is)
        if name in MULTIPLIER_LEVERS:
            assert min(MULTIPLIER_BOUNDS[0], own, ref) - 1e-9 <= value
            assert value <= max(MULTIPLIER_BOUNDS[1], own, ref) + 1e-9
        elif name.endswith("_pct"):
            assert 0 <= value <= 100
        else:
            assert value >= 0


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_lever_a_package_adds_states_its_range(path: Path) -> None:
    baseline = load_policy(POLICIES / "baseline.yaml")
    policy = load_policy(path)
    for name in SCALED:
        if getattr(policy.levers, name) != getattr(baseline.levers, name):
            assert stated_range(policy.levers, name) is not None, f"{path.name}: {name}"
