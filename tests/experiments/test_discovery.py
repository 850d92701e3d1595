"""Scenario discovery on synthetic runs whose region of interest is known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from izsim.experiments.discovery import COLUMNS, MIN_MASS, discover, rules_text

N_RUNS = 1000


@pytest.fixture(scope="module")
def inputs() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    return pd.DataFrame(rng.uniform(size=(N_RUNS, 3)), columns=["a", "b", "c"])


@pytest.fixture(scope="module")
def corner(inputs: pd.DataFrame) -> np.ndarray:
    """Runs miss exactly where a > 0.6 and b < 0.4; c plays no part."""
    return ((inputs["a"] > 0.6) & (inputs["b"] < 0.4)).to_numpy()


def _inside(inputs: pd.DataFrame, rule: pd.DataFrame, *, open_low: bool) -> np.ndarray:
    """Runs inside a rule's limits, from the reported numbers alone."""
    inside = np.ones(len(inputs), dtype=bool)
    for row in rule.itertuples():
        values = inputs[row.factor].to_numpy()
        above = values > row.low if open_low else values >= row.low
        inside &= above & (values <= row.high)
    return inside


def _check_reported_stats(
    inputs: pd.DataFrame, of_interest: np.ndarray, rule: pd.DataFrame, *, open_low: bool
) -> None:
    inside = _inside(inputs, rule, open_low=open_low)
    hits = int((inside & of_interest).sum())
    first = rule.iloc[0]
    assert first["n_cases"] == inside.sum()
    assert first["n_of_interest"] == hits
    assert first["coverage"] == pytest.approx(hits / of_interest.sum())
    assert first["density"] == pytest.approx(hits / inside.sum())
    assert first["mass"] == pytest.approx(inside.sum() / len(inputs))
    # The statistics and the sentence belong to the whole rule: the same on each of its rows.
    assert rule[["coverage", "density", "mass", "text"]].nunique().eq(1).all()


def _check_finds_corner(
    frame: pd.DataFrame, *, a_low: tuple[float, float], b_high: tuple[float, float]
) -> pd.DataFrame:
    """Rule 1 is a > (something in a_low) and b <= (something in b_high), nothing on c."""
    assert list(frame.columns) == list(COLUMNS)
    rule = frame[frame["rule"] == 1].set_index("factor", drop=False)
    assert set(rule["factor"]) == {"a", "b"}  # c is left free
    assert a_low[0] <= rule.loc["a", "low"] <= a_low[1]
    assert rule.loc["a", "high"] == np.inf
    assert rule.loc["b", "low"] == -np.inf
    assert b_high[0] <= rule.loc["b", "high"] <= b_high[1]
    assert (rule["coverage"] >= 0.8).all()
    assert (rule["density"] >= 0.8).all()
    assert rule["meets_threshold"].all()
    return rule


def test_prim_finds_the_box(inputs: pd.DataFrame, corner: np.ndarray) -> None:
    frame = discover(inputs, corner)
    # PRIM picks the widest box that is still 80 % dense: it holds the corner (0.16 of the
    # square) and may add up to a quarter of that area, i.e. up to ~0.1 on one side.
    rule = _check_finds_corner(frame, a_low=(0.45, 0.61), b_high=(0.39, 0.55))
    _check_reported_stats(inputs, corner, rule, open_low=False)
    (sentence,) = rules_text(frame)
    assert sentence.startswith("Missing the target is concentrated where a is above 0.")
    assert "and b is below 0." in sentence
    assert f"{100 * rule['coverage'].iloc[0]:.0f} % of the misses (coverage)" in sentence


def test_prim_chooses_highest_coverage_meeting_threshold(
    inputs: pd.DataFrame, corner: np.ndarray
) -> None:
    loose = discover(inputs, corner, threshold=0.6)
    strict = discover(inputs, corner, threshold=0.99)
    # A lower bar admits bigger boxes on the same trajectory: coverage cannot fall, and the
    # density of the chosen box must still clear its bar.
    assert loose["coverage"].iloc[0] >= strict["coverage"].iloc[0]
    assert loose["density"].iloc[0] >= 0.6
    assert strict["density"].iloc[0] >= 0.99
    assert loose["mass"].iloc[0] > strict["mass"].iloc[0]
    # A bar near 1 leaves little room around the corner: the limits close in on the true ones.
    _check_finds_corner(strict, a_low=(0.57, 0.63), b_high=(0.37, 0.43))


def test_tree_finds_the_same_region(inputs: pd.DataFrame, corner: np.ndarray) -> None:
    frame = discover(inputs, corner, method="tree")
    # A split falls midway between neighbouring runs, so the limits are within a gap or two.
    rule = _check_finds_corner(frame, a_low=(0.58, 0.62), b_high=(0.38, 0.42))
    _check_reported_stats(inputs, corner, rule, open_low=True)
    assert rules_text(frame)[0].startswith("Missing the target is concentrated where a is above")


def test_tree_rules_each_match_the_data(inputs: pd.DataFrame) -> None:
    # Two separate regions of interest: the tree needs two rules.
    of_interest = ((inputs["a"] < 0.2) | (inputs["c"] > 0.85)).to_numpy()
    frame = discover(inputs, of_interest, method="tree")
    assert frame["rule"].nunique() >= 2
    assert frame.drop_duplicates("rule")["coverage"].is_monotonic_decreasing
    for _, rule in frame.groupby("rule"):
        _check_reported_stats(inputs, of_interest, rule, open_low=True)
        assert rule["density"].iloc[0] > 0.5
    assert len(rules_text(frame)) == frame["rule"].nunique()


def test_prim_flags_an_unreachable_threshold(inputs: pd.DataFrame) -> None:
    # Only 60 % of runs with a > 0.5 miss, at random: no box can be 95 % dense.
    noise = np.random.default_rng(7).uniform(size=N_RUNS)
    of_interest = ((inputs["a"] > 0.5) & (noise < 0.6)).to_numpy()
    frame = discover(inputs, of_interest, threshold=0.95)
    assert not frame["meets_threshold"].any()
    assert (frame["density"] < 0.95).all()
    assert frame["note"].str.contains("reaches density 95 %").all()
    assert "a" in set(frame["factor"])
    _check_reported_stats(inputs, of_interest, frame, open_low=False)


@pytest.mark.parametrize("method", ["prim", "tree"])
@pytest.mark.parametrize(("flag", "reason"), [(False, "no run"), (True, "every run")])
def test_degenerate_outcomes_give_an_empty_frame_with_a_note(
    inputs: pd.DataFrame, method: str, flag: bool, reason: str
) -> None:
    frame = discover(inputs, np.full(N_RUNS, flag), method=method)
    assert frame.empty
    assert list(frame.columns) == list(COLUMNS)
    assert frame.attrs["note"].startswith(reason)
    assert rules_text(frame) == [frame.attrs["note"]]


def test_refuses_misaligned_or_non_boolean_flags(inputs: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="one flag per run"):
        discover(inputs, np.zeros(N_RUNS - 1, dtype=bool))
    with pytest.raises(ValueError, match="booleans"):
        discover(inputs, np.full(N_RUNS, 0.5))
    with pytest.raises(ValueError, match="unknown method"):
        discover(inputs, np.arange(N_RUNS) % 2 == 0, method="forest")  # type: ignore[arg-type]


def test_no_rule_describes_a_sliver_of_the_runs(inputs: pd.DataFrame) -> None:
    """A handful of runs of interest in a tiny corner, the rest at random: a tree leaf or a
    PRIM box around the corner alone would be "dense" but hold almost no runs."""
    noise = np.random.default_rng(11).uniform(size=N_RUNS)
    corner = (inputs["a"] > 0.97) & (inputs["b"] > 0.5)  # about 1.5 % of the runs
    of_interest = (corner | (noise < 0.3)).to_numpy()
    for method in ("tree", "prim", "auto"):
        frame = discover(inputs, of_interest, method=method)  # type: ignore[arg-type]
        if not frame.empty and frame["factor"].iloc[0] != "":
            assert (frame["mass"] >= MIN_MASS - 1e-9).all(), (method, frame)
