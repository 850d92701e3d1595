"""The national figures themselves: each fitted pattern read on a synthetic nation of provinces,
before and after the shared calibration, against the record.

    PYTHONPATH=src:experiments .venv/bin/python experiments/national_check.py
        [--shared results/calibration/shared] [--sets 30] [--draws 3] [--provinces 63]
        [--workers 2] [--seed 1] [--out results/calibration/national]

A check of the calibration, not part of it (issue 11; docs/calibration.md, "The national
figures"): nothing is fitted or installed. The calibration compares a record with the mean of a
parameter set's 16 runs and lets the nation's chance in through a variance model (the spread of
a run over √63, the nation's numbers' whole). This script reads the nation directly: for each of
``--sets`` parameter sets, ``--draws`` draws of the nation's other numbers (from their priors,
once a draw), and under each draw ``--provinces`` runs of ``scenarios/backcast/typical_2016.yaml``
(baseline policy), each a province with its own seed and its own draw of the numbers the
calibration counts as a province's (``calibrate_shared.provincial``). A national figure is the
mean of a nation's provinces that read a value, as the calibration reads a set
(``Wave.set_means``); one whose run failed is not read.

Two ensembles, the same design and seeds: ``prior`` (the calibrated numbers from a Latin
hypercube over their ranges, as the first wave) and ``calibrated`` (sets drawn without
replacement from the shared calibration's accepted sets, ``SHARED/accepted.csv``).

For each ensemble and pattern it writes (``OUT/national.csv``, and prints):

- the national figures' 5, 50 and 95 % points and mean, and the share inside the tolerance;
- whether the record lies inside the 5–95 % band (``record_inside``) and where
  (``record_percentile``, the share of nations below it): the predictive check. A record
  given as a range (a level read over several dates) is read at its middle. The calibrated
  sets were chosen on these same records, so their check is biased towards passing;
- its power: the spread of a nation's figure about its set's mean (``chance_sd``, pooled),
  split into its provinces' part (``provinces_sd``: their spread over how many read a value)
  and the draw of the nation's other numbers (``draws_sd``); that spread as a function of the
  set's mean (a variance ``a + b·mean`` fitted over the sets, since a count's spread grows
  with its level), read at the record (``sd_at_record``); the expected values the check
  accepts, those within 1.645 such standard deviations of the record (``accepts_from``,
  ``accepts_to``), and the share of sets whose mean is one of them
  (``sets_consistent_share``). A pattern whose accepted range is wide cannot tell parameter
  sets apart, whatever its record.

A national figure is the mean of the provinces' readings, as the calibration reads a set, not
a ratio of national sums (the same for the pace, each province holding five KCN at the start;
not for occupancy). A synthetic nation is 63 draws of the typical province, and understates how
unevenly zones are spread among real provinces.

The status rule is not changed by this check (``calibration.verdict``: the ensemble's mean
inside the tolerance of every pattern it was cut on): it is reported beside it, for all the
fitted patterns alike. Each ensemble's runs are a sweep folder in ``OUT/<ensemble>/``
(interrupted? run it again with the same arguments: finished batches are kept).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from calibrate_shared import BACKCAST, TARGETS, provincial

from izsim.errors import InputError, Problem, run_script
from izsim.experiments.calibration import run_points
from izsim.experiments.packages import at_least
from izsim.experiments.sensitivity import Factor
from izsim.experiments.space import load_space
from izsim.experiments.sweep import sweep
from izsim.outputs import write_csv
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
BAND = (5, 95)
"""The predictive band's percentiles."""
Z_BAND = 1.645
"""Half-width of a 90 % normal band in standard deviations (the power figure)."""


def space_factors(shared: Path) -> tuple[Path, list[Factor], list[str]]:
    """The shared calibration's space (``SHARED/space.yaml``), its factors in the sweep's
    column order, and the calibrated numbers (its first columns, as ``accepted.csv`` holds
    them)."""
    space_file = shared / "space.yaml"
    accepted = shared / "accepted.csv"
    missing = [str(p) for p in (space_file, accepted) if not p.exists()]
    if missing:
        raise InputError(
            [
                Problem(
                    m,
                    "",
                    "not found: run experiments/calibrate_shared.py first (or give --shared)",
                )
                for m in missing
            ]
        )
    scenario = load_scenario(BACKCAST)
    params = parameters(scenario, load_policy(BACKCAST.parent / "policies" / "baseline.yaml"))
    factors = load_space(space_file, scenario, params).factors()
    names = {f.name for f in factors}
    calibrated = [c for c in pd.read_csv(accepted, nrows=0).columns if c in names]
    if [f.name for f in factors[: len(calibrated)]] != calibrated:
        raise InputError(
            [
                Problem(
                    str(accepted),
                    "columns",
                    "the accepted sets' numbers are not the first columns of"
                    f" {space_file}: the two files are from different calibrations",
                )
            ]
        )
    return space_file, factors, calibrated


def design(
    factors: list[Factor],
    calibrated: np.ndarray | None,
    *,
    k: int,
    fresh: list[int],
    sets: int,
    draws: int,
    provinces: int,
    seed: int,
) -> np.ndarray:
    """The runs' points: ``sets`` × ``draws`` × ``provinces`` rows, in that order.

    Each set's first ``k`` columns are its calibrated numbers: ``calibrated`` (one row a set),
    or a Latin hypercube over their ranges when None. The other columns are drawn once a draw,
    except the ``fresh`` ones (indexes among the other columns), drawn for every run. The
    other numbers are drawn alike for both ensembles (the same ``seed``)."""
    from scipy.stats import qmc

    pool = qmc.LatinHypercube(d=k, seed=np.random.default_rng([seed, 8])).random(sets)
    rng = np.random.default_rng([seed, 7])
    values = run_points(factors, pool, rng, draws=draws, runs=provinces, fresh=fresh)
    if calibrated is not None:
        values[:, :k] = calibrated[np.repeat(np.arange(sets), draws * provinces)]
    return values


def national_figures(
    outputs: pd.DataFrame, targets: list[str], *, draws: int, provinces: int
) -> pd.DataFrame:
    """One row a nation (set, draw): each target's mean over the provinces that read it, and
    (``<target>:spread``) the variance of that mean from its provinces' own spread, their
    variance over how many read it; NaN where a province's run failed."""
    runs = outputs.copy()
    runs["nation"] = runs["sample"] // provinces
    failed = (runs["status"] != "ok").groupby(runs["nation"]).any()
    grouped = runs.groupby("nation")[targets]
    figures = grouped.mean()
    spread = (grouped.var(ddof=1) / grouped.count()).add_suffix(":spread")
    figures = pd.concat([figures, spread], axis=1)
    figures[failed.reindex(figures.index, fill_value=False).to_numpy()] = np.nan
    figures.insert(0, "set", figures.index // draws)
    return figures.reset_index()


def variance_at(means: np.ndarray, variances: np.ndarray) -> tuple[float, float]:
    """``(a, b)`` of a nation's variance about its set's mean as ``a + b·mean``, fitted over
    the sets by least squares: a count's spread grows with its level (the KCN pace's nations
    are a few new KCN each), so one pooled figure would be too wide at low levels and too
    narrow at high ones. A constant when the means do not vary."""
    ok = np.isfinite(means) & np.isfinite(variances)
    if ok.sum() < 3 or np.ptp(means[ok]) == 0:
        return float(np.nanmean(variances)), 0.0
    b, a = np.polyfit(means[ok], variances[ok], 1)
    return float(a), float(b)


def summary(figures: pd.DataFrame, ensemble: str, targets: list[str]) -> list[dict[str, object]]:
    """Each target's predictive band over the nations, against its record and tolerance, and
    the check's power (module docstring)."""
    patterns = shipped_patterns().by_id()
    rows = []
    for target in targets:
        pattern = patterns[target]
        low, high = pattern.tolerance
        # a record given as a range (a level over several dates) is read at its middle, as a
        # run's reading is the mean over the months
        first, last = (
            pattern.value if isinstance(pattern.value, tuple) else (pattern.value, pattern.value)
        )
        record = (first + last) / 2
        values = figures[target].dropna()
        by_set = figures.groupby("set")[target]
        set_means = by_set.mean()
        # a nation's spread about its own set's mean, pooled over the sets: its provinces'
        # chance and own numbers, and the draw of the nation's other numbers
        deviations = figures[target] - by_set.transform("mean")
        per_set = by_set.count()
        freedom = int((per_set[per_set > 0] - 1).sum())
        chance_var = float(np.nansum(deviations**2) / freedom) if freedom > 0 else float("nan")
        provinces_var = float(figures[f"{target}:spread"].mean())
        a, b = variance_at(set_means.to_numpy(), by_set.var(ddof=1).to_numpy())

        def sd(mean: np.ndarray, a: float = a, b: float = b) -> np.ndarray:
            # (a variance fitted below 0 at some level is read as none there)
            return np.sqrt(np.clip(a + b * mean, 0, None))

        consistent = np.abs(record - set_means.to_numpy()) <= Z_BAND * sd(set_means.to_numpy())
        grid = np.linspace(
            record - 10 * np.sqrt(chance_var), record + 10 * np.sqrt(chance_var), 2001
        )
        accepted = grid[np.abs(record - grid) <= Z_BAND * sd(grid)]
        band = np.percentile(values, BAND) if len(values) else [np.nan, np.nan]
        median = float(np.median(values)) if len(values) else float("nan")
        rows.append(
            {
                "ensemble": ensemble,
                "pattern": target,
                "record_low": first,
                "record_high": last,
                "record": record,
                "tolerance_low": low,
                "tolerance_high": high,
                "nations": len(values),
                "mean": float(values.mean()) if len(values) else float("nan"),
                "p5": float(band[0]),
                "p50": median,
                "p95": float(band[1]),
                "inside_tolerance_share": float(values.between(low, high).mean())
                if len(values)
                else float("nan"),
                "record_inside": bool(band[0] <= record <= band[1]),
                "record_percentile": float(100 * (values < record).mean())
                if len(values)
                else float("nan"),
                "chance_sd": float(np.sqrt(chance_var)),
                "provinces_sd": float(np.sqrt(provinces_var)),
                "draws_sd": float(np.sqrt(max(0.0, chance_var - provinces_var))),
                "sd_at_record": float(sd(np.array(record))),
                "accepts_from": float(accepted.min()) if len(accepted) else float("nan"),
                "accepts_to": float(accepted.max()) if len(accepted) else float("nan"),
                "sets_consistent_share": float(consistent[np.isfinite(set_means)].mean()),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT / "results/calibration/shared")
    parser.add_argument("--out", type=Path, default=ROOT / "results/calibration/national")
    # 30 × 3 nations an ensemble (90 figures for a 5–95 % band, 3 draws for a set's spread)
    # keep both ensembles to about 5 minutes on 2 cores; 63 provinces make the nation
    parser.add_argument("--sets", type=at_least(1), default=30)
    parser.add_argument("--draws", type=at_least(2), default=3)
    parser.add_argument("--provinces", type=at_least(1), default=63)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--seed", type=at_least(0), default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    space_file, factors, calibrated = space_factors(args.shared)
    accepted = pd.read_csv(args.shared / "accepted.csv")
    if len(accepted) < args.sets:
        raise InputError(
            [
                Problem(
                    str(args.shared / "accepted.csv"),
                    "--sets",
                    f"{args.sets}: more than the {len(accepted)} accepted sets; give at most"
                    f" {len(accepted)}",
                )
            ]
        )
    k = len(calibrated)
    wanted = set(provincial(BACKCAST))
    fresh = [j for j, f in enumerate(factors[k:]) if f.name in wanted]
    rows = np.random.default_rng([args.seed, 9]).choice(len(accepted), args.sets, replace=False)
    picked = accepted[calibrated].to_numpy()[np.sort(rows)]
    targets = list(TARGETS)
    found: list[dict[str, object]] = []
    for ensemble, values in (("prior", None), ("calibrated", picked)):
        points = design(
            factors,
            values,
            k=k,
            fresh=fresh,
            sets=args.sets,
            draws=args.draws,
            provinces=args.provinces,
            seed=args.seed,
        )
        print(f"{ensemble}: {len(points)} runs …", flush=True)
        result = sweep(
            BACKCAST,
            space_file=space_file,
            points=points,
            replicates=1,
            seed=args.seed,
            workers=args.workers,
            out=args.out / ensemble,
            quiet=True,
            seeds_per_set=True,
        )
        figures = national_figures(
            result.outputs, targets, draws=args.draws, provinces=args.provinces
        )
        found += summary(figures, ensemble, targets)
    table = pd.DataFrame(found)
    write_csv(args.out / "national.csv", table)
    minutes = (time.perf_counter() - began) / 60
    runs = 2 * args.sets * args.draws * args.provinces
    print(f"\n{runs} runs in {minutes:.1f} minutes; a nation is {args.provinces} provinces")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(
            table[
                [
                    "ensemble",
                    "pattern",
                    "record",
                    "tolerance_low",
                    "tolerance_high",
                    "p5",
                    "p50",
                    "p95",
                    "record_inside",
                    "record_percentile",
                    "chance_sd",
                    "provinces_sd",
                    "draws_sd",
                    "accepts_from",
                    "accepts_to",
                    "sets_consistent_share",
                ]
            ].round(2)
        )


if __name__ == "__main__":
    run_script(main)
