"""Sensitivity designs and analyses against SALib's own calls, Ishigami's analytic indices and
closed-form quantiles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris as salib_morris_analysis
from SALib.analyze import sobol as salib_sobol_analysis
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol
from SALib.test_functions import Ishigami

from izsim.experiments.sensitivity import (
    Factor,
    analyse,
    analyse_outputs,
    design,
    saltelli_block,
    to_values,
    unit_design,
)

ISHIGAMI = [Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)]
ISHIGAMI_PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
# Analytic indices of Ishigami with a = 7, b = 0.1 (Saltelli et al. 2008, table 4.2 / Sobol'
# & Levitan 1999).
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
SEED = 20261128


def _indices(frame: pd.DataFrame, index: str) -> pd.DataFrame:
    return frame[frame["index"] == index].set_index("factor")


@pytest.fixture(scope="module")
def sobol_run() -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    x = design(ISHIGAMI, "sobol", 1024, seed=SEED)
    y = Ishigami.evaluate(x)
    return x, y, analyse(ISHIGAMI, "sobol", x, y, seed=SEED)


def test_sobol_equals_salib_direct(sobol_run: tuple[np.ndarray, np.ndarray, pd.DataFrame]) -> None:
    x, _, ours = sobol_run
    problem = dict(ISHIGAMI_PROBLEM)
    x_direct = salib_sobol.sample(problem, 1024, calc_second_order=False, seed=SEED)
    np.testing.assert_allclose(x, x_direct, rtol=0, atol=1e-12)
    direct = salib_sobol_analysis.analyze(
        problem,
        Ishigami.evaluate(x_direct),
        calc_second_order=False,
        num_resamples=1000,
        conf_level=0.95,
        seed=SEED,
    )
    for index in ("S1", "ST"):
        got = _indices(ours, index).loc[["x1", "x2", "x3"]]
        np.testing.assert_allclose(got["value"], direct[index], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got["conf"], direct[f"{index}_conf"], rtol=0, atol=1e-12)


def test_sobol_near_analytic_ishigami(
    sobol_run: tuple[np.ndarray, np.ndarray, pd.DataFrame],
) -> None:
    _, _, ours = sobol_run
    assert list(ours.columns) == ["factor", "index", "value", "conf"]
    assert len(ours) == 6
    for index, truth in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        got = _indices(ours, index)
        for name, expected in truth.items():
            value, conf = got.loc[name, ["value", "conf"]]
            # The 95 % interval misses now and then by design; 1.5 half-widths keeps the test
            # meaningful (half-widths here are 0.03-0.09) without making it a coin toss.
            assert abs(value - expected) <= 1.5 * conf, (index, name, value, expected, conf)
            assert 0 < conf < 0.1


def test_morris_equals_salib_direct() -> None:
    x = design(ISHIGAMI, "morris", 40, seed=SEED, levels=6)
    problem = dict(ISHIGAMI_PROBLEM)
    x_direct = salib_morris.sample(problem, 40, num_levels=6, seed=SEED)
    np.testing.assert_allclose(x, x_direct, rtol=0, atol=1e-12)
    y = Ishigami.evaluate(x)
    ours = analyse(ISHIGAMI, "morris", x, y, seed=SEED, levels=6)
    direct = salib_morris_analysis.analyze(
        problem, x_direct, Ishigami.evaluate(x_direct), num_resamples=1000, num_levels=6, seed=SEED
    )
    assert set(ours["index"]) == {"mu_star", "sigma", "mu"}
    for index in ("mu_star", "sigma", "mu"):
        got = _indices(ours, index).loc[["x1", "x2", "x3"]]
        np.testing.assert_allclose(got["value"], direct[index], rtol=0, atol=1e-12)
    mu_star = _indices(ours, "mu_star").loc[["x1", "x2", "x3"]]
    np.testing.assert_allclose(mu_star["conf"], direct["mu_star_conf"], rtol=0, atol=1e-12)
    assert _indices(ours, "sigma")["conf"].isna().all()


def test_morris_same_indices_from_unit_or_values() -> None:
    factors = [
        Factor("a", 1.0, 100.0, "loguniform"),
        Factor("b", 0.0, 10.0, "triangular", peak=2.0),
        Factor("c", -1.0, 1.0),
    ]
    unit = unit_design(factors, "morris", 10, seed=3)
    values = to_values(factors, unit)
    y = np.log(values[:, 0]) + values[:, 1] ** 2 - values[:, 2]
    from_unit = analyse(factors, "morris", unit, y, seed=1)
    from_values = analyse(factors, "morris", values, y, seed=1)
    pd.testing.assert_frame_equal(from_unit, from_values)


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_refuses_nan_outputs(kind: str) -> None:
    x = design(ISHIGAMI, kind, 8, seed=SEED)
    y = Ishigami.evaluate(x)
    y[[3, 17]] = np.nan
    with pytest.raises(ValueError, match=r"2 of \d+ rows are NaN.*rows 3, 17"):
        analyse(ISHIGAMI, kind, x, y, seed=SEED)


def test_sobol_refuses_missing_row() -> None:
    x = design(ISHIGAMI, "sobol", 8, seed=SEED)  # 8 × (3 + 2) = 40 rows
    y = Ishigami.evaluate(x)[:-1]
    with pytest.raises(ValueError, match=r"expected 40 rows .*got 39"):
        analyse(ISHIGAMI, "sobol", x, y, seed=SEED)
    # Dropping the row from x too breaks the Saltelli blocks: still refused.
    with pytest.raises(ValueError, match=r"multiple of 5 rows"):
        analyse(ISHIGAMI, "sobol", x[:-1], y, seed=SEED)


def test_sobol_refuses_n_not_power_of_two() -> None:
    with pytest.raises(ValueError, match="power of 2"):
        design(ISHIGAMI, "sobol", 100, seed=SEED)


def test_analyse_outputs_names_each_output(
    sobol_run: tuple[np.ndarray, np.ndarray, pd.DataFrame],
) -> None:
    x, y, single = sobol_run
    outputs = pd.DataFrame({"ishigami": y, "doubled": 2 * y + 1})
    frame = analyse_outputs(ISHIGAMI, "sobol", x, outputs, seed=SEED)
    assert list(frame.columns) == ["output", "factor", "index", "value", "conf"]
    first = frame[frame["output"] == "ishigami"].drop(columns="output").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, single)
    # Sobol indices are invariant to an affine change of the output.
    doubled = frame[frame["output"] == "doubled"]
    np.testing.assert_allclose(doubled["value"], single["value"], atol=1e-9)
    outputs.loc[5, "doubled"] = np.nan
    with pytest.raises(ValueError, match=r"output 'doubled'.*rows 5"):
        analyse_outputs(ISHIGAMI, "sobol", x, outputs, seed=SEED)


def test_triangular_and_loguniform_quantiles() -> None:
    low, peak, high = 2.0, 3.0, 10.0
    tri = Factor("t", low, high, "triangular", peak=peak)
    logu = Factor("l", 0.1, 1000.0, "loguniform")
    uni = Factor("u", -5.0, 5.0)
    q = np.array([0.0, 0.05, 0.125, 0.3, 0.5, 0.9, 1.0])
    values = to_values([tri, logu, uni], np.column_stack([q, q, q]))
    # Closed-form inverse CDFs, written out independently of scipy.
    mode_q = (peak - low) / (high - low)
    tri_expected = np.where(
        q < mode_q,
        low + np.sqrt(q * (high - low) * (peak - low)),
        high - np.sqrt((1 - q) * (high - low) * (high - peak)),
    )
    np.testing.assert_allclose(values[:, 0], tri_expected, rtol=1e-12)
    assert values[2, 0] == pytest.approx(peak)  # q = 0.125 is the mode's quantile
    np.testing.assert_allclose(values[:, 1], 0.1 * (1000.0 / 0.1) ** q, rtol=1e-10)
    np.testing.assert_allclose(values[:, 2], -5.0 + 10.0 * q, rtol=0, atol=1e-12)
    # An LHS design hits the distribution's quantiles: the log-uniform median is sqrt(lo * hi).
    sample = design([logu], "lhs", 2000, seed=SEED)[:, 0]
    assert np.median(sample) == pytest.approx(math.sqrt(0.1 * 1000.0), rel=0.02)


def test_factor_validation() -> None:
    with pytest.raises(ValueError, match="peak"):
        Factor("t", 0.0, 1.0, "triangular")
    with pytest.raises(ValueError, match="peak"):
        Factor("t", 0.0, 1.0, "triangular", peak=2.0)
    with pytest.raises(ValueError, match="low > 0"):
        Factor("l", 0.0, 1.0, "loguniform")
    with pytest.raises(ValueError, match="low < high"):
        Factor("u", 1.0, 1.0)
    with pytest.raises(ValueError, match="not one of"):
        Factor("n", 0.0, 1.0, "normal")
    with pytest.raises(ValueError, match="unique"):
        design([Factor("a", 0, 1), Factor("a", 0, 2)], "lhs", 4, seed=1)


@pytest.mark.parametrize("kind", ["lhs", "morris", "sobol", "grid"])
def test_designs_deterministic_for_a_seed(kind: str) -> None:
    factors = [*ISHIGAMI, Factor("t", 0.0, 1.0, "triangular", peak=0.2)]
    first = design(factors, kind, 8, seed=11)
    np.testing.assert_array_equal(first, design(factors, kind, 8, seed=11))
    lows = np.array([f.low for f in factors])
    highs = np.array([f.high for f in factors])
    assert np.all((first >= lows) & (first <= highs))
    if kind != "grid":  # the grid has no randomness
        assert not np.array_equal(first, design(factors, kind, 8, seed=12))


@pytest.mark.parametrize("kind", ["morris", "sobol"])
def test_prefix_stable_designs_keep_their_first_rows(kind: str) -> None:
    small = design(ISHIGAMI, kind, 8, seed=5)
    large = design(ISHIGAMI, kind, 16, seed=5)
    np.testing.assert_array_equal(large[: len(small)], small)


def test_grid_is_full_factorial_and_size_checked() -> None:
    factors = [Factor("a", 0.0, 1.0), Factor("b", 10.0, 20.0)]
    grid = design(factors, "grid", 3, seed=0)
    assert grid.shape == (9, 2)
    assert {tuple(row) for row in grid} == {
        (a, b) for a in (0.0, 0.5, 1.0) for b in (10.0, 15.0, 20.0)
    }
    many = [Factor(f"f{i}", 0.0, 1.0) for i in range(10)]
    assert design(many[:8], "grid", 4, seed=0).shape == (4**8, 8)  # 65,536 rows: allowed
    with pytest.raises(ValueError, match=r"1,048,576 rows, more than the 100,000"):
        design(many, "grid", 4, seed=0)


def test_a_group_has_the_indices_of_its_factors_together() -> None:
    """x2 and x3 moved as one group "rest": its first-order index is S2 + S3 + S23 = 0.4424
    (x2 and x3 do not interact) and its total is 1 - S1 = 0.6861, while x1 keeps its own."""
    grouped = [ISHIGAMI[0], *(Factor(f.name, f.low, f.high, group="rest") for f in ISHIGAMI[1:])]
    x = design(grouped, "sobol", 1024, seed=SEED)
    assert x.shape == (1024 * (2 + 2), 3)  # two groups: A, one swap per group, B
    assert saltelli_block(grouped) == 2 + 2 and saltelli_block(ISHIGAMI) == 3 + 2
    ours = analyse(grouped, "sobol", x, Ishigami.evaluate(x), seed=SEED)
    assert list(_indices(ours, "ST").index) == ["x1", "rest"]
    problem = {**ISHIGAMI_PROBLEM, "groups": ["x1", "rest", "rest"]}
    x_direct = salib_sobol.sample(problem, 1024, calc_second_order=False, seed=SEED)
    np.testing.assert_allclose(x, x_direct, rtol=0, atol=1e-12)
    for index, truth in (
        ("S1", {"x1": ISHIGAMI_S1["x1"], "rest": ISHIGAMI_S1["x2"]}),
        ("ST", {"x1": ISHIGAMI_ST["x1"], "rest": 1 - ISHIGAMI_S1["x1"]}),
    ):
        got = _indices(ours, index)
        for name, expected in truth.items():
            value, conf = got.loc[name, ["value", "conf"]]
            assert abs(value - expected) <= 1.5 * conf, (index, name, value, expected, conf)


def test_groups_are_refused_where_they_mean_nothing() -> None:
    grouped = [ISHIGAMI[0], *(Factor(f.name, f.low, f.high, group="rest") for f in ISHIGAMI[1:])]
    for kind in ("morris", "grid"):
        with pytest.raises(ValueError, match="groups are for sobol"):
            design(grouped, kind, 4, seed=SEED)
    clash = [ISHIGAMI[0], Factor("x2", -1, 1, group="x1")]
    with pytest.raises(ValueError, match="named after another factor: x1"):
        design(clash, "sobol", 8, seed=SEED)
    # an lhs design draws every factor on its own whatever its group
    assert design(grouped, "lhs", 8, seed=SEED).shape == (8, 3)
