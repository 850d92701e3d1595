"""Global sensitivity designs and analyses (SALib), independent of the model.

Every design is drawn on the unit cube by SALib and then mapped to each factor's distribution by
its inverse CDF (:func:`to_values`), so one sampler serves uniform, triangular and log-uniform
factors alike and SALib never sees a distribution it would parametrise differently.

The functions act on arrays and DataFrames only: a study designs the runs with :func:`design`,
runs the model however it likes (one output row per design row, in the same order), then hands
the outputs to :func:`analyse` or :func:`analyse_outputs`.

Prefix stability (whether a bigger study keeps the runs of a smaller one with the same seed, so a
study can be extended by running only the new rows):

* ``"sobol"``: prefix-stable. The base points are the first ``N`` points of one scrambled Sobol'
  sequence and SALib writes the ``D + 2`` rows of each base point together, so the design for
  ``2N`` begins with the design for ``N``.
* ``"morris"``: prefix-stable. Trajectories are drawn one after another from one generator, so
  more trajectories append rows.
* ``"lhs"``: not prefix-stable. A Latin hypercube cuts each axis into ``samples`` strata, so a
  different ``samples`` gives different strata and an entirely different design.
* ``"grid"``: not prefix-stable. The levels of each factor are spread over its range by
  ``samples``, so changing it moves every level.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

DesignKind = Literal["lhs", "grid", "morris", "sobol"]
Distribution = Literal["uniform", "triangular", "loguniform"]

DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "loguniform")
MAX_GRID_ROWS = 100_000
CONF_LEVEL = 0.95
TIDY_COLUMNS: tuple[str, ...] = ("factor", "index", "value", "conf")


@dataclass(frozen=True)
class Factor:
    """One uncertain input of a study and its distribution.

    Attributes:
        name: the factor's name, e.g. ``"economy.existing_output_growth_pct"``.
        low: the lowest value (the 0 quantile).
        high: the highest value (the 1 quantile).
        distribution: ``"uniform"`` on ``[low, high]``, ``"triangular"`` on ``[low, high]``
            with its mode at ``peak``, or ``"loguniform"`` (uniform in ``log``; needs
            ``low > 0``).
        peak: the mode of a triangular factor; must be ``None`` for the other distributions.
        group: the name of the group it moves in, in a Sobol' design (``None``: a group of
            its own, named after it). A group's factors are drawn each from its own
            distribution but switched from one base sample to the other together, and the
            indices are the group's: what all of them together decide.
    """

    name: str
    low: float
    high: float
    distribution: str = "uniform"
    peak: float | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"factor {self.name!r}: distribution {self.distribution!r} is not one of "
                f"{', '.join(DISTRIBUTIONS)}"
            )
        if not (np.isfinite(self.low) and np.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"factor {self.name!r}: needs finite low < high, got [{self.low}, {self.high}]"
            )
        if self.distribution == "triangular":
            if self.peak is None or not self.low <= self.peak <= self.high:
                raise ValueError(
                    f"factor {self.name!r}: a triangular factor needs a peak between low "
                    f"{self.low} and high {self.high}, got {self.peak}"
                )
        elif self.peak is not None:
            # A peak on another distribution would be silently ignored: refuse the mistake.
            raise ValueError(
                f"factor {self.name!r}: peak is only meaningful for a triangular factor, "
                f"not {self.distribution}"
            )
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"factor {self.name!r}: a log-uniform factor needs low > 0")

    def ppf(self, unit: np.ndarray) -> np.ndarray:
        """The factor's values at the quantiles ``unit`` (its inverse CDF)."""
        width = self.high - self.low
        match self.distribution:
            case "uniform":
                return stats.uniform.ppf(unit, loc=self.low, scale=width)
            case "triangular":
                assert self.peak is not None  # checked in __post_init__
                mode = (self.peak - self.low) / width
                return stats.triang.ppf(unit, mode, loc=self.low, scale=width)
            case _:
                return stats.loguniform.ppf(unit, self.low, self.high)


def _check_factors(factors: Sequence[Factor]) -> None:
    if not factors:
        raise ValueError("a study needs at least one factor")
    names = [factor.name for factor in factors]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"factor names must be unique; repeated: {', '.join(duplicates)}")


def _unit_problem(factors: Sequence[Factor], *, grouped: bool = False) -> dict[str, Any]:
    """SALib's problem on the unit cube (a fresh dict: SALib writes into the ones it gets),
    with the factors' groups when ``grouped`` and any factor has one."""
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": [factor.name for factor in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }
    if grouped and any(factor.group is not None for factor in factors):
        problem["groups"] = [factor.group or factor.name for factor in factors]
    return problem


def groups(factors: Sequence[Factor]) -> list[str]:
    """The Sobol' groups of ``factors`` in order of first appearance (a factor without a group
    is a group of its own, named after it): the ``factor`` column of a Sobol' analysis."""
    return list(dict.fromkeys(factor.group or factor.name for factor in factors))


def saltelli_block(factors: Sequence[Factor]) -> int:
    """Rows a Sobol' (Saltelli) design has per base point: A, A with one group's columns from B
    for each group, and B (``G + 2``; first-order and total indices only)."""
    return len(groups(factors)) + 2


def _check_groups(factors: Sequence[Factor], kind: str) -> None:
    if kind in ("morris", "grid") and any(factor.group is not None for factor in factors):
        raise ValueError(
            f"groups are for sobol (and lhs) designs; a {kind} design moves every factor on its own"
        )
    names = {factor.name for factor in factors}
    clashes = sorted({f.group for f in factors if f.group in names and f.group != f.name})
    if clashes:
        raise ValueError(f"a group may not be named after another factor: {', '.join(clashes)}")


def to_values(factors: Sequence[Factor], unit: np.ndarray) -> np.ndarray:
    """Map points of the unit cube to factor values by each factor's inverse CDF.

    Args:
        factors: the study's factors, one per column of ``unit``.
        unit: an ``(n_runs, n_factors)`` array of quantiles in ``[0, 1]``.

    Returns:
        An array of the same shape holding the factors' values.

    Raises:
        ValueError: if ``unit`` has the wrong shape or a quantile outside ``[0, 1]``.
    """
    _check_factors(factors)
    unit = np.asarray(unit, dtype=float)
    if unit.ndim != 2 or unit.shape[1] != len(factors):
        raise ValueError(f"unit must be an (n_runs, {len(factors)}) array, got shape {unit.shape}")
    if not np.all((unit >= 0.0) & (unit <= 1.0)):
        raise ValueError("unit points must lie in [0, 1] (they are quantiles)")
    values = np.empty_like(unit)
    for j, factor in enumerate(factors):
        values[:, j] = factor.ppf(unit[:, j])
    return values


def unit_design(
    factors: Sequence[Factor],
    kind: DesignKind,
    samples: int,
    *,
    seed: int,
    levels: int = 4,
) -> np.ndarray:
    """The design of :func:`design` on the unit cube (quantiles), before the transform.

    Args and raises as :func:`design`.

    Returns:
        An ``(n_runs, n_factors)`` array of quantiles in ``[0, 1]``.
    """
    # SALib is imported here so that importing the experiments package stays light.
    from SALib.sample import latin, morris, sobol

    _check_factors(factors)
    _check_groups(factors, kind)
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    problem = _unit_problem(factors, grouped=kind == "sobol")
    match kind:
        case "lhs":
            return latin.sample(problem, samples, seed=seed)
        case "grid":
            rows = samples ** len(factors)
            if rows > MAX_GRID_ROWS:
                raise ValueError(
                    f"a full grid of {samples} points on each of {len(factors)} factors has "
                    f"{rows:,} rows, more than the {MAX_GRID_ROWS:,} allowed; use fewer points "
                    f"or an lhs design"
                )
            # One point sits at the median; more points include both ends of the range.
            axis = np.linspace(0.0, 1.0, samples) if samples > 1 else np.array([0.5])
            return np.array(list(itertools.product(axis, repeat=len(factors))), dtype=float)
        case "morris":
            return morris.sample(problem, samples, num_levels=levels, seed=seed)
        case "sobol":
            if samples & (samples - 1):
                raise ValueError(
                    f"a Sobol (Saltelli) design needs N a power of 2 to keep the Sobol' "
                    f"sequence's balance, got {samples}"
                )
            # with groups, SALib swaps a whole group's columns between the two base samples
            return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
        case _:
            raise ValueError(f"unknown design kind {kind!r}; use lhs, grid, morris or sobol")


def design(
    factors: Sequence[Factor],
    kind: DesignKind,
    samples: int,
    *,
    seed: int,
    levels: int = 4,
) -> np.ndarray:
    """The runs of a study: an ``(n_runs, n_factors)`` array of factor values.

    The same arguments always give the same array. Whether a bigger ``samples`` keeps the first
    rows is listed in the module docstring: ``sobol`` and ``morris`` do, ``lhs`` and ``grid``
    do not.

    Args:
        factors: the study's factors (the columns, in order).
        kind: ``"lhs"``: a Latin hypercube of ``samples`` rows. ``"grid"``: a full factorial
            of ``samples`` points per factor, equally spaced in quantile (``samples ** D``
            rows; ``seed`` is unused). ``"morris"``: ``samples`` Morris trajectories on a grid
            of ``levels`` levels (``samples * (D + 1)`` rows). ``"sobol"``: Saltelli's scheme
            for first-order and total indices with ``N = samples`` base points, a power of 2
            (``samples * (G + 2)`` rows for ``G`` groups; ``G = D`` without groups).
        samples: rows, points per factor, trajectories or base points, as above.
        seed: the seed of SALib's generator.
        levels: the number of grid levels of a Morris design (even).

    Returns:
        The factor values of each run, one row per run.

    Raises:
        ValueError: on an unknown kind, a grid of more than 100,000 rows, a Sobol ``N``
            that is not a power of 2, or groups in a morris or grid design.
    """
    unit = unit_design(factors, kind, samples, seed=seed, levels=levels)
    return to_values(factors, unit)


def _describe_rows(rows: np.ndarray, limit: int = 20) -> str:
    shown = ", ".join(str(int(row)) for row in rows[:limit])
    return f"{shown}, … ({len(rows)} in all)" if len(rows) > limit else shown


def _check_outputs(factors: Sequence[Factor], kind: str, x: np.ndarray, y: np.ndarray) -> None:
    """Refuse incomplete or misshapen samples: indices from them would be silently wrong."""
    n_factors = len(factors)
    if x.ndim != 2 or x.shape[1] != n_factors:
        raise ValueError(f"x must be an (n_runs, {n_factors}) array, got shape {x.shape}")
    if y.ndim != 1:
        raise ValueError(
            f"y must be 1-D (one output); got shape {y.shape}; use analyse_outputs for several"
        )
    block = saltelli_block(factors) if kind == "sobol" else n_factors + 1
    unit_name = "base point" if kind == "sobol" else "trajectory"
    if len(x) == 0 or len(x) % block:
        what = f"{n_factors} factors" if kind != "sobol" else f"{block - 2} groups"
        raise ValueError(
            f"a {kind} design on {what} has a multiple of {block} rows "
            f"({block} per {unit_name}), but x has {len(x)}"
        )
    if len(y) != len(x):
        raise ValueError(
            f"{kind} analysis needs one output per design row: expected {len(x)} rows "
            f"({len(x) // block} × {block}), got {len(y)}"
        )
    missing = np.flatnonzero(~np.isfinite(y))
    if len(missing):
        raise ValueError(
            f"{kind} analysis needs every run's output, but {len(missing)} of {len(y)} rows "
            f"are NaN or infinite (rows {_describe_rows(missing)}); rerun them before analysing"
        )


def analyse(
    factors: Sequence[Factor],
    kind: Literal["morris", "sobol"],
    x: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    levels: int = 4,
    num_resamples: int = 1000,
) -> pd.DataFrame:
    """Sensitivity indices of one output, as a tidy frame.

    Morris gives ``mu_star`` (with SALib's ``mu_star_conf`` as its ``conf``), ``sigma`` and
    ``mu``; elementary effects are output changes per step of the unit-cube grid, as in SALib.
    Sobol gives first-order ``S1`` and total ``ST`` indices, one row per group (the ``factor``
    column holds the group's name; a factor without a group is its own). ``conf`` is the
    half-width of SALib's 95 % bootstrap interval (``NaN`` for ``sigma`` and ``mu``, which
    have none).

    Args:
        factors: the study's factors, as given to :func:`design`.
        kind: ``"morris"`` or ``"sobol"``: the design the runs came from.
        x: the design's rows, as :func:`design` (values) or :func:`unit_design` (quantiles)
            returned them, in order. Morris reads which factor moved, and which way, between
            consecutive rows; the transform is increasing, so values and quantiles give the
            same indices. Sobol uses it only to check the number of rows.
        y: the output of each run, 1-D, in the order of ``x``.
        seed: the seed of the bootstrap.
        levels: the number of Morris levels, as given to :func:`design`.
        num_resamples: bootstrap resamples for the confidence intervals.

    Returns:
        A frame with columns ``factor``, ``index``, ``value``, ``conf``.

    Raises:
        ValueError: if ``kind`` is not ``morris`` or ``sobol``, or if ``y`` does not hold one
            finite output per row of ``x`` (the message says how many rows were expected and
            given, and which are NaN): indices from an incomplete design would be wrong.
    """
    from SALib.analyze import morris as morris_analysis
    from SALib.analyze import sobol as sobol_analysis

    _check_factors(factors)
    if kind not in ("morris", "sobol"):
        raise ValueError(f"analyse supports the morris and sobol designs, not {kind!r}")
    _check_groups(factors, kind)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    _check_outputs(factors, kind, x, y)
    problem = _unit_problem(factors, grouped=kind == "sobol")
    names = groups(factors) if kind == "sobol" else [factor.name for factor in factors]
    no_conf = np.full(len(names), np.nan)
    if kind == "morris":
        result = morris_analysis.analyze(
            problem,
            x,
            y,
            num_resamples=num_resamples,
            conf_level=CONF_LEVEL,
            num_levels=levels,
            seed=seed,
        )
        pieces = [
            ("mu_star", result["mu_star"], result["mu_star_conf"]),
            ("sigma", result["sigma"], no_conf),
            ("mu", result["mu"], no_conf),
        ]
    else:
        result = sobol_analysis.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=num_resamples,
            conf_level=CONF_LEVEL,
            seed=seed,
        )
        pieces = [
            ("S1", result["S1"], result["S1_conf"]),
            ("ST", result["ST"], result["ST_conf"]),
        ]
    frames = [
        pd.DataFrame(
            {
                "factor": names,
                "index": index,
                "value": np.asarray(value, dtype=float),
                "conf": np.asarray(conf, dtype=float),
            }
        )
        for index, value, conf in pieces
    ]
    return pd.concat(frames, ignore_index=True)


def analyse_outputs(
    factors: Sequence[Factor],
    kind: Literal["morris", "sobol"],
    x: np.ndarray,
    outputs: pd.DataFrame,
    *,
    seed: int,
    levels: int = 4,
    num_resamples: int = 1000,
) -> pd.DataFrame:
    """:func:`analyse` for each column of ``outputs``, stacked with an ``output`` column.

    Every output is bootstrapped with the same ``seed``, so their intervals come from the same
    resamples of the runs.

    Args:
        factors: the study's factors.
        kind: ``"morris"`` or ``"sobol"``.
        x: the design's rows.
        outputs: one column per output, one row per row of ``x``, in order.
        seed: the seed of the bootstrap.
        levels: the number of Morris levels.
        num_resamples: bootstrap resamples.

    Returns:
        A frame with columns ``output``, ``factor``, ``index``, ``value``, ``conf``.

    Raises:
        ValueError: as :func:`analyse`, naming the output at fault.
    """
    frames = []
    for column in outputs.columns:
        try:
            frame = analyse(
                factors,
                kind,
                x,
                outputs[column].to_numpy(dtype=float),
                seed=seed,
                levels=levels,
                num_resamples=num_resamples,
            )
        except ValueError as error:
            raise ValueError(f"output {column!r}: {error}") from error
        frame.insert(0, "output", column)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["output", *TIDY_COLUMNS])
    return pd.concat(frames, ignore_index=True)
