"""Trial values for the experiment scripts' ``--set``."""

from __future__ import annotations

import pytest

from izsim.experiments.trials import with_trial_values
from izsim.scenario import Scenario


def test_a_trial_value_is_set_and_sourced_as_a_trial(scenario: Scenario) -> None:
    tried = with_trial_values(scenario, ["developers.hurdle_ratio=1.2"], script="x.py")
    assert tried.developers.hurdle_ratio == 1.2
    assert tried.developers.sources["hurdle_ratio"] == "assumption: a trial value set by x.py --set"
    assert with_trial_values(scenario, [], script="x.py") is scenario


@pytest.mark.parametrize(
    ("setting", "blocks", "message"),
    [
        ("developers.no_such_field=1", None, r"write <block>\.<field>=<number>"),
        ("developers.sources=1", None, r"write <block>\.<field>=<number>"),
        ("developers.hurdle_ratio=1", ("investors",), "a number of the scenario's investors"),
        ("developers.hurdle_ratio=high", None, "'high' is not a number"),
        ("developers.hurdle_ratio=-1", None, r"developers.hurdle_ratio=-1: .*hurdle_ratio"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(
    scenario: Scenario, setting: str, blocks: tuple[str, ...] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        with_trial_values(scenario, [setting], script="x.py", blocks=blocks)
