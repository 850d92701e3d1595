"""Changing levers mid-run (IZModel.change_levers): recorded, applied from the next month,
and nothing changes when nothing is changed."""

from __future__ import annotations

import numpy as np
import pytest

from izsim.model.model import SET_UP_LEVERS, IZModel
from izsim.scenario.load import load_policy, load_scenario
from tests.conftest import BASELINE_FILE, SCENARIO_FILE


@pytest.fixture(scope="module")
def inputs():
    return load_scenario(SCENARIO_FILE), load_policy(BASELINE_FILE)


def _stepped(scenario, policy, months: int) -> IZModel:
    model = IZModel(scenario, policy, 3)
    for _ in range(months):
        model.step()
    return model


def test_unchanged_levers_leave_the_run_as_it_was(inputs) -> None:
    scenario, policy = inputs
    plain = _stepped(scenario, policy, 24)
    touched = _stepped(scenario, policy, 12)
    assert touched.change_levers(policy.levers) == []  # the same values: no change
    for _ in range(12):
        touched.step()
    np.testing.assert_array_equal(plain.values[:24], touched.values[:24])
    assert touched.lever_changes == []


def test_a_change_applies_from_the_next_month_and_is_recorded(inputs) -> None:
    scenario, policy = inputs
    plain = _stepped(scenario, policy, 36)
    changed = _stepped(scenario, policy, 12)
    levers = policy.levers.model_copy(
        update={"promotion_bn_vnd_per_year": policy.levers.promotion_bn_vnd_per_year + 200}
    )
    changes = changed.change_levers(levers)
    assert [(c.month, c.lever) for c in changes] == [(13, "promotion_bn_vnd_per_year")]
    assert changed.lever_changes == changes
    assert changed.levers.promotion_bn_vnd_per_year == changes[0].new
    assert changed.policy.levers is changed.levers
    for _ in range(24):
        changed.step()
    # the months already simulated are as they were; the later ones differ
    np.testing.assert_array_equal(plain.values[:12], changed.values[:12])
    assert not np.array_equal(plain.values[:36], changed.values[:36], equal_nan=True)


@pytest.mark.parametrize("lever", sorted(SET_UP_LEVERS))
def test_set_up_levers_are_refused(inputs, lever: str) -> None:
    scenario, policy = inputs
    model = _stepped(scenario, policy, 1)
    value = getattr(policy.levers, lever)
    levers = policy.levers.model_copy(update={lever: (value or 1) * 2})
    with pytest.raises(ValueError, match=lever):
        model.change_levers(levers)
    assert model.lever_changes == []


def test_advancing_in_steps_is_the_run(inputs) -> None:
    scenario, policy = inputs
    whole = IZModel(scenario, policy, 5)
    whole.run()
    stepped = IZModel(scenario, policy, 5)
    assert stepped.advance(1) == 1
    assert stepped.advance(12) == 12
    while stepped.advance(12):
        pass
    assert not stepped.running
    assert stepped.months_collected == scenario.months
    np.testing.assert_array_equal(whole.values, stepped.values)
