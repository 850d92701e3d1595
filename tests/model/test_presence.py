"""Zones held in only some runs (``presence_pct``, izsim.model.presence): the typical
province's whole zones around a fractional national average."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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


def held(scenario: Scenario, seed: int) -> set[str]:
    return {z.id for z in province_of_run(scenario, Streams(seed)["presence"]).zones}


def test_the_typical_province_has_zones_held_in_some_runs() -> None:
    assert PARTIAL == {"kcn_operating_4": 46, "kcn_waiting_2": 51}


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


def test_the_draws_are_independent_of_each_other() -> None:
    both = [held(TYPICAL, seed) >= set(PARTIAL) for seed in range(600)]
    assert abs(np.mean(both) - 0.46 * 0.51) < 0.07


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
    assert len({frozenset(held(TYPICAL, seed)) for seed in range(40)}) == 4
