"""Diagnostic what-ifs: the occupancy condition read another way, and a year of enquiries in
developers' view at the start; each undone when its block ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from izsim.experiments import what_ifs
from izsim.experiments.design import replicate_seeds
from izsim.model import establishment, spin_up
from izsim.model import model as model_module
from izsim.model.model import IZModel
from izsim.scenario import load_policy, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED = replicate_seeds(1, 1)[0]
BASELINE = ROOT / "scenarios" / "policies" / "baseline.yaml"


def test_occupancy_readings_and_their_patch_is_undone() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "hai_duong.yaml")
    model = IZModel(scenario, load_policy(BASELINE), SEED)
    own = establishment.established_kcn_occupancy(model)
    operating = what_ifs.operating_kcn_occupancy(model)
    serviced = what_ifs.serviced_kcn_occupancy(model)
    # An Phát 1 (535 ha clearing), Quốc Tuấn (approved) and two expansions lease nothing: the
    # model's reading over every established KCN is the lowest
    assert own < operating < serviced <= 1
    original = establishment.established_kcn_occupancy
    with what_ifs.what_if("occupancy_serviced"):
        # every module that reads the condition, the spin-up's too
        for module in (establishment, model_module, spin_up):
            assert module.established_kcn_occupancy(model) == serviced
    for module in (establishment, model_module, spin_up):
        assert module.established_kcn_occupancy is original
    with what_ifs.what_if(None):
        assert establishment.established_kcn_occupancy is original


def test_warm_enquiries_give_the_start_a_year_of_enquiries() -> None:
    """Within the block a model starts with twelve months of enquiries dated before the start
    (a pre-run's first year), so its developers' first view is not the prior alone; outside
    it, none; the same seed warms alike."""
    scenario = load_scenario(ROOT / "scenarios" / "backcast" / "typical_2016.yaml")
    policy = load_policy(ROOT / "scenarios" / "backcast" / "policies" / "baseline.yaml")
    cold = IZModel(scenario, policy, SEED)
    assert not cold.recent_demand
    with what_ifs.what_if("warm_enquiries"):
        warm = IZModel(scenario, policy, SEED)
        again = IZModel(scenario, policy, SEED)
    assert [m for m, _ in warm.recent_demand] == list(range(-12, 0))
    assert sum(ha for _, ha in warm.recent_demand) > 0
    assert list(warm.recent_demand) == list(again.recent_demand)
    assert not IZModel(scenario, policy, SEED).recent_demand  # undone
    # the run's own draws are untouched: the same zones, the same start
    assert [z.key for z in warm.zones] == [z.key for z in cold.zones]


def test_an_unknown_what_if_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown what-if"), what_ifs.what_if("no_such"):
        pass
