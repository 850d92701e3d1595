"""History matching (izsim.experiments.calibration): the pieces on known functions, the whole on
the typical back-cast at a small budget."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from izsim.experiments.calibration import (
    PROVINCES_IN_NATION,
    HistoryMatch,
    Target,
    Wave,
    distance,
    fit_emulator,
    history_match,
    ruled_out,
    targets,
)
from izsim.patterns import shipped_patterns
from tests.conftest import ROOT

BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"


def test_distance_is_zero_inside_the_band_and_grows_outside() -> None:
    assert distance(np.array([1.0, 2.0, 3.0, 5.0, 7.0]), 2.0, 5.0).tolist() == [1, 0, 0, 0, 2]


def test_targets_are_fitted_patterns_with_their_draws() -> None:
    found = targets(shipped_patterns(), ["kcn_occupancy_2018_2020", "tq_projects_2015_2020"])
    assert found[0] == Target("kcn_occupancy_2018_2020", 72.0, 77.0, PROVINCES_IN_NATION)
    assert found[1].draws == 1
    with pytest.raises(ValueError, match="held out"):
        targets(shipped_patterns(), ["kcn_occupancy_2022_2023"])
    with pytest.raises(ValueError, match="not a pattern"):
        targets(shipped_patterns(), ["nothing"])


def test_an_emulator_of_a_known_function_rules_out_where_it_misses_the_band() -> None:
    """y = 100 x0 + noise, band [40, 60]: points with x0 well outside [0.4, 0.6] are ruled out,
    points inside are not, and x1 (which does nothing) does not matter."""
    rng = np.random.default_rng(0)
    unit = rng.random((60, 2))
    replicates = 3
    runs = pd.DataFrame(
        {
            "set": np.repeat(np.arange(60), replicates),
            "value": np.repeat(100 * unit[:, 0], replicates) + rng.normal(0, 2, 60 * replicates),
        }
    )
    means = runs.groupby("set")["value"].mean().to_numpy()
    target = Target("y", 40.0, 60.0, 1)
    emulator = fit_emulator(target, unit, means, runs, seed=0)
    assert 2.0 < emulator.run_variance < 8.0  # the noise's variance, 4
    grid = np.array([[x, x1] for x in (0.05, 0.2, 0.45, 0.5, 0.55, 0.8, 0.95) for x1 in (0.1, 0.9)])
    out = ruled_out([emulator], grid).reshape(7, 2)
    assert out[:, 0].tolist() == out[:, 1].tolist()
    assert out[:, 0].tolist() == [True, True, False, False, False, True, True]


def _draws_and_seeds(rng: np.random.Generator, unit: np.ndarray) -> pd.DataFrame:
    """y = 100 x0 + a draw's effect (sd 5, shared by its seeds) + a seed's (sd 2): 3 draws a
    set, 4 seeds a draw."""
    draws, seeds = 3, 4
    sets = len(unit)
    point = np.repeat(np.arange(sets * draws), seeds)
    effect = rng.normal(0, 5, sets * draws)[point]
    value = 100 * unit[point // draws, 0] + effect + rng.normal(0, 2, len(point))
    return pd.DataFrame({"set": point // draws, "point": point, "value": value})


def test_the_seeds_spread_is_told_from_the_draws() -> None:
    """A national figure averages 63 provinces' seeds but one draw of the other numbers
    (taken as common to the nation): the draws' variance (25) stays whole, the seeds' (4) is
    divided by 63."""
    rng = np.random.default_rng(1)
    unit = rng.random((80, 2))
    runs = _draws_and_seeds(rng, unit)
    means = runs.groupby("set")["value"].mean().to_numpy()
    national = fit_emulator(Target("y", 40.0, 60.0, PROVINCES_IN_NATION), unit, means, runs, seed=0)
    assert 3.0 < national.seed_variance < 5.2
    assert 15.0 < national.draw_variance < 40.0
    at = np.array([[0.7, 0.5]])
    mean, latent = national.predict(at)
    spread = latent + national.draw_variance + national.seed_variance / PROVINCES_IN_NATION
    expected = (mean - 60.0) / np.sqrt(spread)
    assert national.implausibility(at) == pytest.approx(expected)
    # dividing the whole run variance by 63 (each province drawing its own other numbers)
    # rules out much more: the other bound
    provincial = (mean[0] - 60.0) / np.sqrt(latent[0] + national.run_variance / PROVINCES_IN_NATION)
    assert national.implausibility(at)[0] < provincial
    national.others = "provincial"
    assert national.implausibility(at)[0] == pytest.approx(provincial)
    # split: the provinces' own numbers are in the seeds' part (drawn run by run), so the
    # formula is common's, the seeds' part over 63 and the draws' whole
    national.others = "split"
    assert national.implausibility(at) == pytest.approx(expected)
    # without several seeds a draw, the seeds' part is unknown and nothing is divided
    unknown = fit_emulator(
        Target("y", 40.0, 60.0, PROVINCES_IN_NATION),
        unit,
        means,
        runs.drop(columns="point"),
        seed=0,
    )
    assert np.isnan(unknown.seed_variance)
    assert unknown.draw_variance == unknown.run_variance


def test_leave_one_out_errors_match_refitting_without_each_set() -> None:
    """The closed form (Rasmussen & Williams eq. 5.12) against predicting each set from the
    others with the same kernel."""
    from sklearn.gaussian_process import GaussianProcessRegressor

    rng = np.random.default_rng(2)
    unit = rng.random((25, 2))
    runs = _draws_and_seeds(rng, unit)
    means = runs.groupby("set")["value"].mean().to_numpy()
    emulator = fit_emulator(Target("y", 40.0, 60.0, 1), unit, means, runs, seed=0)
    y = (means - emulator.centre) / emulator.scale
    for i in (0, 7, 24):
        others = np.arange(25) != i
        again = GaussianProcessRegressor(kernel=emulator.model.kernel_, optimizer=None)
        again.fit(unit[others], y[others])
        mean, sd = again.predict(unit[i : i + 1], return_std=True)
        assert emulator.loo_errors[i] == pytest.approx((y[i] - mean[0]) / sd[0], rel=1e-3)
    assert emulator.cuts  # a smooth function with honest noise passes


def test_an_emulator_that_fails_its_leave_one_out_check_rules_nothing_out() -> None:
    rng = np.random.default_rng(0)
    unit = rng.random((60, 2))
    runs = pd.DataFrame({"set": np.arange(60), "value": 100 * unit[:, 0] + rng.normal(0, 2, 60)})
    emulator = fit_emulator(
        Target("y", 40.0, 60.0, 1), unit, runs["value"].to_numpy(), runs, seed=0
    )
    far = np.array([[0.05, 0.5], [0.95, 0.5]])
    assert ruled_out([emulator], far).all()
    emulator.loo_errors = np.where(np.arange(60) < 6, 5.0, 0.5)  # 10 % of sets beyond 3 sd
    assert emulator.loo_failed == pytest.approx(0.1) and not emulator.cuts
    assert not ruled_out([emulator], far).any()


def tiny_match(tmp_path: Path, target_ids: list[str], **budget: int) -> HistoryMatch:
    """A one-wave history match of the back-cast's demand, one replicate a run, one worker."""
    return history_match(
        BACKCAST,
        calibrated=["investors.prospects_per_month"],
        target_ids=target_ids,
        patterns=shipped_patterns(),
        out=tmp_path,
        waves=1,
        replicates=1,
        workers=1,
        **budget,
    )


def test_a_target_the_scenario_never_reads_is_named_as_left_out_not_fitted(
    tmp_path: Path,
) -> None:
    """kcn_occupancy_2016 lies within a year of the back-cast's start: no run has a value, so
    no emulator can be fitted to it (scikit-learn refused 0 samples); it is left out, named."""
    match = tiny_match(tmp_path, ["kcn_occupancy_2016", "ccn_wwtp_2018"], sets=8, candidates=100)
    assert "kcn_occupancy_2016" in match.unreachable
    assert match.accepted["kcn_occupancy_2016"].isna().all()
    assert any(
        n.startswith("kcn_occupancy_2016: no run of the first wave has a value")
        for n in match.notes
    )
    assert "kcn_occupancy_2016" not in {e.target.id for e in match.waves[0].emulators}


def test_a_set_mean_reads_the_runs_with_a_value_and_none_where_a_run_failed() -> None:
    """A run without a value (a province holding no operating KCN, for an occupancy) holds
    none of the nation's denominator and is left out; a failed run leaves the set unread."""
    runs = pd.DataFrame(
        {
            "set": [0, 0, 0, 1, 1, 2, 2],
            "status": ["ok", "ok", "ok", "ok", "failed", "ok", "ok"],
            "x": [70.0, 74.0, math.nan, 60.0, math.nan, math.nan, math.nan],
        }
    )
    wave = Wave(index=1, unit=np.zeros((4, 1)), values=np.zeros((4, 1)), runs=runs)
    means = wave.set_means("x")
    assert means[0] == pytest.approx(72.0)
    assert math.isnan(means[1])  # one run failed
    assert math.isnan(means[2])  # no run reads a value
    assert math.isnan(means[3])  # no run at all


def test_each_set_is_run_with_its_own_draws_of_the_other_numbers(tmp_path: Path) -> None:
    """draws=3: a set's three points share the calibrated numbers and differ in the others;
    its reading is the mean over them; the accepted table has one row per set."""
    match = tiny_match(tmp_path, ["ccn_wwtp_2018"], sets=4, draws=3, candidates=100)
    wave = match.waves[0]
    assert wave.draws == 3 and wave.values.shape[0] == 4 * 3
    for s in range(4):
        rows = wave.values[3 * s : 3 * s + 3]
        assert np.all(rows[:, 0] == rows[0, 0])  # the calibrated number, the set's own
        assert len({tuple(r[1:]) for r in rows}) == 3  # three draws of the others
    runs = wave.runs[wave.runs["status"] == "ok"]
    assert sorted(runs["set"].unique()) == [0, 1, 2, 3]
    assert (runs.groupby("set")["point"].nunique() == 3).all()
    first = runs[runs["set"] == 0]["ccn_wwtp_2018"].mean()
    assert wave.set_means("ccn_wwtp_2018")[0] == pytest.approx(first)
    assert len(match.accepted) == len(match.ensemble.unit)
    assert np.allclose(
        match.accepted["investors.prospects_per_month"].to_numpy(),
        match.ensemble.values[::3, 0],
    )


def test_one_draw_a_set_gives_the_points_it_gave_before_draws_existed(tmp_path: Path) -> None:
    """draws=1 draws the same numbers in the same order as before the option (saved wave
    folders resume): the other numbers come right after the design from the wave's stream."""
    from scipy.stats import qmc

    from izsim.experiments.sensitivity import to_values
    from izsim.experiments.space import load_space
    from izsim.scenario import load_policy, load_scenario
    from izsim.scenario.parameters import parameters

    match = tiny_match(tmp_path, ["ccn_wwtp_2018"], sets=5, candidates=50)
    scenario = load_scenario(BACKCAST)
    params = parameters(scenario, load_policy(BACKCAST.parent / "policies" / "baseline.yaml"))
    factors = load_space(tmp_path / "space.yaml", scenario, params).factors()
    rng = np.random.default_rng([1, 1])
    pool = qmc.LatinHypercube(d=1, seed=rng).random(5)
    expected = to_values(factors, np.hstack([pool, rng.random((5, len(factors) - 1))]))
    assert np.array_equal(match.waves[0].values, expected)


def test_split_draws_the_provincial_numbers_run_by_run_and_the_rest_once_a_draw(
    tmp_path: Path,
) -> None:
    """others="split": each of a draw's runs is a point of its own whose provincial numbers are
    fresh and whose national ones are the draw's; the runs of a draw share its point label, so
    that the seeds' part of the spread (within a draw) holds the provincial numbers' too."""
    from izsim.experiments.space import load_space
    from izsim.scenario import load_policy, load_scenario
    from izsim.scenario.parameters import parameters

    provincial = ["developers.clearance_cost_bn_vnd_per_ha", "candidate_sites[ccn_site].count"]
    match = history_match(
        BACKCAST,
        calibrated=["investors.prospects_per_month"],
        target_ids=["ccn_wwtp_2018"],
        patterns=shipped_patterns(),
        out=tmp_path,
        waves=1,
        sets=3,
        draws=2,
        replicates=3,
        candidates=50,
        workers=1,
        others="split",
        provincial=provincial,
    )
    wave = match.waves[0]
    assert wave.points == 2 * 3 and wave.values.shape[0] == 3 * 2 * 3
    scenario = load_scenario(BACKCAST)
    params = parameters(scenario, load_policy(BACKCAST.parent / "policies" / "baseline.yaml"))
    names = [f.name for f in load_space(tmp_path / "space.yaml", scenario, params).factors()]
    fresh = [names.index(n) for n in provincial]
    national = [j for j in range(1, len(names)) if j not in fresh]
    for draw in range(3 * 2):
        rows = wave.values[3 * draw : 3 * draw + 3]
        assert np.all(rows[:, 0] == wave.values[(draw // 2) * 6, 0])  # the set's own
        assert np.all(rows[:, national] == rows[0, national])  # the draw's, shared
        assert len({tuple(r[fresh]) for r in rows}) == 3  # afresh for every run
    runs = wave.runs
    assert len(runs) == 3 * 2 * 3 and (runs.groupby("point").size() == 3).all()
    # the runs of a draw share its national numbers and differ in the provincial ones (the
    # parameter columns the sweep writes beside each run), each with a seed of its own
    by_draw = runs.groupby("point")
    assert (by_draw["developers.discount_rate_pct"].nunique() == 1).all()
    assert (by_draw["developers.clearance_cost_bn_vnd_per_ha"].nunique() == 3).all()
    assert runs["seed"].is_unique
    assert sorted(runs["replicate"].unique()) == [0, 1, 2]
    assert (runs.groupby("set")["point"].nunique() == 2).all()
    assert (runs["set"] == runs["point"] // 2).all()
    assert len(match.accepted) == len(match.ensemble.unit)
    assert np.allclose(
        match.accepted["investors.prospects_per_month"].to_numpy(), match.ensemble.values[::6, 0]
    )


def test_split_refuses_a_provincial_number_the_scenario_does_not_range(tmp_path: Path) -> None:
    from izsim.errors import InputError

    with pytest.raises(InputError, match=r"developers\.no_such_number"):
        history_match(
            BACKCAST,
            calibrated=["investors.prospects_per_month"],
            target_ids=["ccn_wwtp_2018"],
            patterns=shipped_patterns(),
            out=tmp_path,
            others="split",
            provincial=["developers.no_such_number"],
        )
