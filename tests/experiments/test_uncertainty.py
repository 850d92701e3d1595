"""compare --uncertainty: replicate i draws parameter set i, the same under every policy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from izsim.errors import InputError
from izsim.experiments import compare
from izsim.experiments import runner as runner_module
from izsim.experiments.uncertainty import ParameterSets, draw, drivers, drivers_text
from izsim.scenario.load import load_scenario
from izsim.scenario.parameters import Parameter

ROOT = Path(__file__).resolve().parents[2]
TQ = ROOT / "scenarios" / "tuyen_quang.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TQ)


def test_sets_are_prefix_stable_and_within_ranges(scenario) -> None:
    few, more = draw(scenario, 3, seed=5), draw(scenario, 7, seed=5)
    assert np.array_equal(few.values, more.values[:3])
    assert not np.array_equal(draw(scenario, 3, seed=6).values, few.values)
    for j, param in enumerate(more.ranged):
        assert (more.values[:, j] >= param.low).all() and (more.values[:, j] <= param.high).all()
    assert more.values.shape == (7, len(more.ranged)) and len(more.ranged) > 150


def test_a_set_gives_a_valid_scenario_with_its_values(scenario) -> None:
    sets = draw(scenario, 2, seed=1)
    varied = sets.scenario(scenario, 1)
    name = "economy.existing_output_growth_pct"
    j = sets.names.index(name)
    assert varied.economy.existing_output_growth_pct == pytest.approx(sets.values[1, j])
    assert varied.economy.existing_output_growth_pct != scenario.economy.existing_output_growth_pct


def test_replicate_i_runs_the_same_set_under_every_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[tuple[str, int], tuple[float, int]] = {}
    real = runner_module.run

    def spy(scenario, policy, seed):
        seen[(policy.id, seed)] = (scenario.economy.existing_output_growth_pct, seed)
        return real(scenario, policy, seed)

    monkeypatch.setattr(runner_module, "run", spy)
    result = compare(
        TQ,
        ["baseline", "infrastructure_first"],
        replicates=3,
        seed=2,
        workers=1,
        out=tmp_path / "u",
        quiet=True,
        uncertainty=True,
    )
    seeds = sorted({seed for _, seed in seen})
    assert len(seeds) == 3
    for seed in seeds:
        assert seen[("baseline", seed)] == seen[("infrastructure_first", seed)]
    growths = {seen[("baseline", seed)][0] for seed in seeds}
    assert len(growths) == 3  # each replicate its own draw
    sets = pd.read_csv(tmp_path / "u" / "parameter_sets.csv")
    assert sorted(growths) == sorted(sets["economy.existing_output_growth_pct"])
    assert "moved_most_by" in result.scorecard.columns
    assert (tmp_path / "u" / "uncertainty_drivers.csv").exists()


def test_extending_an_uncertain_comparison_equals_running_it_at_once(tmp_path: Path) -> None:
    common = {"seed": 3, "workers": 1, "quiet": True, "uncertainty": True}
    compare(TQ, ["baseline"], replicates=2, out=tmp_path / "grown", **common)
    compare(TQ, ["baseline"], replicates=4, out=tmp_path / "grown", **common)
    compare(TQ, ["baseline"], replicates=4, out=tmp_path / "once", **common)
    for name in ("scorecard.csv", "parameter_sets.csv", "uncertainty_drivers.csv"):
        assert (tmp_path / "grown" / name).read_bytes() == (tmp_path / "once" / name).read_bytes()


def test_a_folder_of_a_plain_comparison_is_not_reused_for_an_uncertain_one(tmp_path: Path) -> None:
    compare(TQ, ["baseline"], replicates=1, seed=1, workers=1, out=tmp_path / "f", quiet=True)
    with pytest.raises(InputError, match="uncertainty"):
        compare(
            TQ,
            ["baseline"],
            replicates=1,
            seed=1,
            workers=1,
            out=tmp_path / "f",
            quiet=True,
            uncertainty=True,
        )


def _sets(values: np.ndarray) -> ParameterSets:
    from izsim.scenario.base import Range

    ranged = [
        Parameter(
            f"p{j}",
            0.5,
            "",
            "assumption: test",
            "assumption",
            Range(low=0, high=1),
            ((f"p{j}", 0.5),),
        )
        for j in range(values.shape[1])
    ]
    return ParameterSets(ranged, ranged, values)


def test_drivers_name_a_parameter_that_decides_and_not_chance() -> None:
    rng = np.random.default_rng(0)
    values = rng.random((200, 30))
    sets = _sets(values)
    decided = (values[:, 7] > 0.5).astype(float)
    noise = rng.integers(0, 2, 200).astype(float)
    frame = drivers(
        sets, {"t": {"a": decided, "b": noise}}, {"a": list(range(200)), "b": list(range(200))}
    )
    top = frame[(frame["policy"] == "a")].iloc[0]
    assert top["parameter"] == "p7" and top["stands_out"] and top["effect"] == pytest.approx(1)
    assert frame.loc[frame["policy"] == "a", "stands_out"].sum() == 1
    assert not frame.loc[frame["policy"] == "b", "stands_out"].any()
    assert drivers_text(frame, "t", "a").startswith("p7 (+100 points, ρ +0.8")
    assert drivers_text(frame, "t", "b") == "none stands out from chance at 200 replicates"


SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "backcast").glob("*.yaml")
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_prior_draw_of_a_shipped_scenario_is_a_valid_scenario(path: Path) -> None:
    """Ranges drawn apart must not make a scenario the schema refuses (the typical back-cast's
    GRDP below industry's value added lost a fifth of a calibration's runs): 32 draws each."""
    base = load_scenario(path)
    sets = draw(base, 32, seed=11)
    refused = []
    for i in range(32):
        try:
            sets.scenario(base, i)
        except Exception as error:  # any refusal is the finding
            refused.append(f"draw {i}: {str(error)[:200]}")
    assert refused == []
