"""Zones held in only some runs (``presence_pct``, izsim.model.presence): the typical
province's whole zones around a fractional national average."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from izsim.model.model import IZModel
from izsim.model.presence import province_of_run
from izsim.model.streams import Streams
from izsim.run import run
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.schema import Scenario
from tests.conftest import with_levers

FOLDER = Path(__file__).resolve().parents[2] / "scenarios" / "backcast"
TYPICAL = load_scenario(FOLDER / "typical_2016.yaml")
BASELINE = load_policy(FOLDER / "policies" / "baseline.yaml")
PARTIAL = {z.id: z.presence_pct for z in TYPICAL.zones if z.presence_pct < 100}


def free_zones(scenario: Scenario) -> tuple[dict, list[dict]]:
    """``scenario``'s data without outside-the-fence projects, and its zones no expansion
    names or is: those a test may hold in only some runs."""
    data = scenario.model_dump(exclude_unset=True)
    data["outside_fence_projects"] = []
    named = {zone.get("expands") for zone in data["zones"]}
    free = [z for z in data["zones"] if z["id"] not in named and not z.get("expands")]
    return data, free


def held(scenario: Scenario, seed: int) -> set[str]:
    return {z.id for z in province_of_run(scenario, Streams(seed)["presence"]).zones}


def test_the_typical_province_has_five_places_each_a_kcn_operating_or_waiting() -> None:
    assert {
        **{f"kcn_operating_{n}": 69.6 for n in range(1, 6)},
        **{f"kcn_waiting_{n}": 30.4 for n in range(1, 6)},
    } == PARTIAL
    groups = {z.id: z.presence_group for z in TYPICAL.zones if z.presence_pct < 100}
    assert all(groups[f"kcn_operating_{n}"] == groups[f"kcn_waiting_{n}"] for n in range(1, 6))
    assert len(set(groups.values())) == 5


def test_a_scenario_whose_zones_are_all_held_is_itself(scenario: Scenario) -> None:
    rng = Streams(1)["presence"]
    assert province_of_run(scenario, rng) is scenario
    # no draw was made: the stream is where it started
    assert rng.random() == Streams(1)["presence"].random()


def test_each_zone_is_held_in_its_share_of_runs() -> None:
    seeds = range(600)
    for zone_id, pct in PARTIAL.items():
        share = np.mean([zone_id in held(TYPICAL, seed) for seed in seeds])
        # binomial sd at 600 runs is about 2 points: 4 sd either side
        assert abs(share - pct / 100) < 0.08, (zone_id, share)
    always = {z.id for z in TYPICAL.zones if z.presence_pct >= 100}
    assert all(always <= held(TYPICAL, seed) for seed in range(50))


def test_a_place_holds_one_of_its_alternatives_and_places_are_drawn_independently() -> None:
    provinces = [held(TYPICAL, seed) for seed in range(600)]
    for zones in provinces:
        for n in range(1, 6):
            assert (f"kcn_operating_{n}" in zones) != (f"kcn_waiting_{n}" in zones)
    both = [{"kcn_operating_1", "kcn_operating_2"} <= zones for zones in provinces]
    assert abs(np.mean(both) - 0.696**2) < 0.07


def test_a_group_holds_each_zone_in_its_share_and_none_past_their_sum(
    scenario: Scenario,
) -> None:
    """Two alternatives at 30 % and 50 %: the first, the second or (20 %) neither."""
    data, free = free_zones(scenario)
    first, second = free[0], free[1]
    for zone, pct in ((first, 30), (second, 50)):
        zone.update(presence_pct=pct, presence_group="one_place")
        zone.setdefault("sources", {})["presence_pct"] = "assumption: a test of groups"
    grouped = scenario.revalidated(data)
    a, b = first["id"], second["id"]
    provinces = [held(grouped, seed) for seed in range(800)]
    assert not any({a, b} <= zones for zones in provinces)
    assert abs(np.mean([a in zones for zones in provinces]) - 0.3) < 0.07
    assert abs(np.mean([b in zones for zones in provinces]) - 0.5) < 0.07
    others = {z.id for z in grouped.zones} - {a, b}
    assert all(others <= zones for zones in provinces)


def test_zones_without_a_group_are_drawn_one_uniform_each_in_order(scenario: Scenario) -> None:
    """The draw a scenario without groups made before groups existed."""
    data, free = free_zones(scenario)
    for zone, pct in zip(free[:3], (20, 50, 80), strict=True):
        zone["presence_pct"] = pct
        zone.setdefault("sources", {})["presence_pct"] = "assumption: a test of presence"
    partial = scenario.revalidated(data)
    for seed in range(30):
        u = Streams(seed)["presence"].random(len(partial.zones))
        expected = {z.id for z, x in zip(partial.zones, u, strict=True) if x * 100 < z.presence_pct}
        assert held(partial, seed) == expected


def test_a_run_holds_the_same_zones_whatever_the_policy() -> None:
    other = with_levers(BASELINE, promotion_bn_vnd_per_year=20)
    for seed in range(5):
        a = IZModel(TYPICAL, BASELINE, seed)
        b = IZModel(TYPICAL, other, seed)
        assert [z.key for z in a.zones] == [z.key for z in b.zones]


def test_the_model_and_its_result_know_only_the_zones_held() -> None:
    seed = next(s for s in range(100) if "kcn_operating_4" not in held(TYPICAL, s))
    model = IZModel(TYPICAL, BASELINE, seed)
    ids = [z.key for z in model.zones]
    assert "kcn_operating_4" not in ids
    # the copy's zone list is worked out anew, not the full scenario's cached one
    assert ids == [z.id for z in model.scenario.all_zones]
    assert len(TYPICAL.all_zones) > len(model.scenario.all_zones)
    result = run(TYPICAL, BASELINE, seed)
    assert "kcn_operating_4" not in set(result.zones["zone"])
    assert set(result.zone_states()["zone"]) == set(ids)
    assert result.scenario.zones == model.scenario.zones


def test_the_same_seed_gives_the_same_province() -> None:
    assert all(held(TYPICAL, seed) == held(TYPICAL, seed) for seed in range(20))
    assert len({frozenset(held(TYPICAL, seed)) for seed in range(200)}) > 16


def test_a_scenario_whose_places_are_always_held_is_not_refused_for_holding_none(
    scenario: Scenario,
) -> None:
    """Every zone below 100 % but each in a group whose shares add up to 100: every run holds
    one zone of each place, so the province is never empty; at 90 % it could be."""
    data, _ = free_zones(scenario)
    data["zones"] = [z for z in data["zones"] if not z.get("expands")][:2]
    for zone, pct in zip(data["zones"], (60, 40), strict=True):
        zone.update(presence_pct=pct, presence_group="one_place")
        zone.setdefault("sources", {})["presence_pct"] = "assumption: a test of groups"
    data["candidate_sites"] = []
    data["targets"] = []
    always = scenario.revalidated(data)
    assert all(len(held(always, seed)) == 1 for seed in range(20))
    data["zones"][1]["presence_pct"] = 30
    with pytest.raises(ValueError, match="a run could hold no zone at all"):
        scenario.revalidated(data)
