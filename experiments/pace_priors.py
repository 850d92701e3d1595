"""What holds the typical province's new-zone paces below the national record: the fitted
national patterns' means on the typical back-cast under different priors.

    PYTHONPATH=src .venv/bin/python experiments/pace_priors.py [--runs 600] [--alone-runs 100]
        [--workers 2] [--seed 1] [--out results/calibration/pace_priors]

A diagnosis of the prior, not a calibration (issue 11, docs/calibration.md "What must change"
item 5): nothing is fitted or installed. Each variant is a sweep of ``--runs`` runs of
``scenarios/backcast/typical_2016.yaml`` (baseline policy), every run its own seed and the
same seeds in every variant (``sweep(seeds_per_set=True)``, so variants differ by their numbers
and not by their chance), each reading the fitted national patterns
(``calibrate_shared.TARGETS``):

- ``prior``: every ranged number from its prior (what a calibration's first wave sees);
- ``written``: every number at its written value (the runs differ only by their seeds: the
  province's whole zones, prospects and chance);
- ``shared_written``: the numbers the shared calibration may fit
  (``calibrate_shared.behaviour``) at their written values, every other number from its prior;
- ``others_written``: the other way round;
- ``provinces``: as ``prior``, except the typical province's land market (clearance and
  infrastructure costs, every KCN and CCN rent, :data:`LAND_MARKET`) is drawn as one of the
  five shipped provinces: a province picked evenly, then each number from that province's
  own range (a rent from the median ends of its KCN's, or CCN's, rent ranges), clipped to the
  typical province's range. Costs and rents then rise and fall together as they do across the
  provinces, instead of independently over the union of the provinces' ranges;
- ``alone:<name>`` (with ``--alone-runs`` > 0): every number at its written value except
  ``<name>``, from its prior: what that number's prior alone does to each pattern's mean, and
  where its written value lies in its prior (``written_quantile``; a value written at an end of
  its range moves the mean one way only).

Writes ``OUT/means.csv`` (variant, pattern, mean, standard error, runs with a value),
``OUT/alone.csv`` (each number's shift from the ``written`` runs of the same seeds, and that
shift in standard errors of the paired differences) and prints both;
each variant's runs are a sweep folder in ``OUT/runs/`` (interrupted? run it again with the
same arguments: finished batches are kept).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from calibrate_shared import BACKCAST, PROVINCES, TARGETS, behaviour

from izsim.errors import run_script
from izsim.experiments.packages import at_least
from izsim.experiments.sensitivity import Factor, to_values
from izsim.experiments.space import load_space, pattern_outputs, write_space
from izsim.experiments.sweep import sweep
from izsim.outputs import write_csv
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import Parameter, parameters

ROOT = Path(__file__).resolve().parents[1]
COSTS = (
    "developers.clearance_cost_bn_vnd_per_ha",
    "developers.infrastructure_cost_bn_vnd_per_ha_kcn",
    "developers.infrastructure_cost_bn_vnd_per_ha_ccn",
)
RENT = ".rent_usd_m2"
LAND_MARKET = "the typical province's COSTS and every zone's and candidate site's rent"
"""What the ``provinces`` variant draws as one of the shipped provinces."""
PROVINCE_STREAM = 21
"""Keeps the ``provinces`` variant's picks apart from the priors' draws."""


def _ranged(scenario_file: Path) -> list[Parameter]:
    scenario = load_scenario(scenario_file)
    policy = load_policy(scenario_file.parent / "policies" / "baseline.yaml")
    return [p for p in parameters(scenario, policy) if p.range is not None]


def _varied(space_file: Path) -> list[Parameter]:
    """The numbers a sweep of ``space_file`` varies, in its columns' order."""
    scenario = load_scenario(BACKCAST)
    params = parameters(scenario, load_policy(BACKCAST.parent / "policies" / "baseline.yaml"))
    return [v.parameter for v in load_space(space_file, scenario, params).varied]


def _kinds(scenario_file: Path) -> dict[str, str]:
    """``zones[id]`` / ``candidate_sites[id]`` → ``kcn`` or ``ccn``."""
    scenario = load_scenario(scenario_file)
    kinds = {f"zones[{z.id}]": z.kind for z in scenario.zones}
    kinds |= {f"candidate_sites[{c.id}]": c.kind for c in scenario.candidate_sites}
    return kinds


def _rent_kind(name: str, kinds: dict[str, str]) -> str | None:
    if not name.endswith(RENT):
        return None
    return kinds.get(name.removesuffix(RENT))


def province_ranges() -> dict[str, dict[str, tuple[float, float]]]:
    """Each shipped province's range of each cost, and of a KCN and a CCN rent (the median
    low and median high of its zones' and sites' rent ranges of that kind)."""
    found: dict[str, dict[str, tuple[float, float]]] = {}
    for province in PROVINCES:
        file = ROOT / "scenarios" / f"{province}.yaml"
        ranged = _ranged(file)
        kinds = _kinds(file)
        own = {p.name: (p.low, p.high) for p in ranged if p.name in COSTS}
        for kind in ("kcn", "ccn"):
            rents = [p for p in ranged if _rent_kind(p.name, kinds) == kind]
            if rents:
                own[kind] = (
                    float(np.median([p.low for p in rents])),
                    float(np.median([p.high for p in rents])),
                )
        found[province] = own
    return found


def variants(ranged: list[Parameter], *, runs: int, alone_runs: int, seed: int) -> dict:
    """Each variant's points (one row a run, one column a ranged number)."""
    factors = [Factor(p.name, p.low, p.high, p.distribution or "uniform", _peak(p)) for p in ranged]
    names = [p.name for p in ranged]
    written = np.array([p.value for p in ranged], dtype=float)
    rng = np.random.default_rng([seed, 0])
    prior = to_values(factors, rng.random((runs, len(factors))))
    shared = np.isin(names, behaviour(BACKCAST))
    out = {
        "prior": prior,
        "written": np.tile(written, (runs, 1)),
        "shared_written": np.where(shared, written, prior),
        "others_written": np.where(shared, prior, written),
        "provinces": _provinces(prior, ranged, seed),
    }
    if alone_runs:
        alone = to_values(
            factors, np.random.default_rng([seed, 1]).random((alone_runs, len(names)))
        )
        for j, name in enumerate(names):
            points = np.tile(written, (alone_runs, 1))
            points[:, j] = alone[:, j]
            out[f"alone:{name}"] = points
    return out


def _peak(p: Parameter) -> float | None:
    return p.value if p.distribution == "triangular" else None


def _provinces(prior: np.ndarray, ranged: list[Parameter], seed: int) -> np.ndarray:
    points = prior.copy()
    ranges = province_ranges()
    kinds = _kinds(BACKCAST)
    rng = np.random.default_rng([seed, PROVINCE_STREAM])
    picks = rng.integers(len(PROVINCES), size=len(points))
    unit = rng.random(points.shape)
    for j, p in enumerate(ranged):
        key = p.name if p.name in COSTS else _rent_kind(p.name, kinds)
        if key is None:
            continue
        for row, pick in enumerate(picks):
            low, high = ranges[PROVINCES[pick]].get(key, (p.low, p.high))
            points[row, j] = np.clip(low + unit[row, j] * (high - low), p.low, p.high)
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=at_least(2), default=600)
    parser.add_argument("--alone-runs", type=at_least(0), default=100)
    parser.add_argument("--workers", type=at_least(1), default=2)
    parser.add_argument("--seed", type=at_least(0), default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "results/calibration/pace_priors")
    args = parser.parse_args()

    began = time.perf_counter()
    space = write_space(args.out / "space.yaml", "all_ranged", pattern_outputs(TARGETS))
    ranged = _varied(space)
    rows = []
    readings: dict[str, pd.DataFrame] = {}
    points_of = variants(ranged, runs=args.runs, alone_runs=args.alone_runs, seed=args.seed)
    for index, (variant, points) in enumerate(points_of.items()):
        folder = args.out / "runs" / variant.replace(":", "-").replace("[", "(").replace("]", ")")
        print(f"[{index + 1}/{len(points_of)}] {variant}: {len(points)} runs", flush=True)
        result = sweep(
            BACKCAST,
            space_file=space,
            points=points,
            seed=args.seed,
            workers=args.workers,
            out=folder,
            quiet=True,
            seeds_per_set=True,
        )
        readings[variant] = result.outputs.sort_values("sample").set_index("sample")[list(TARGETS)]
        for target in TARGETS:
            values = result.outputs[target].dropna().to_numpy(dtype=float)
            rows.append(
                {
                    "variant": variant,
                    "pattern": target,
                    "mean": values.mean() if len(values) else np.nan,
                    "se": values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan,
                    "runs": len(values),
                }
            )
    table = pd.DataFrame(rows)
    write_csv(args.out / "means.csv", table.round(4))
    main_table = table[~table["variant"].str.startswith("alone:")]
    pd.set_option("display.width", 200)
    print(main_table.pivot(index="variant", columns="pattern", values="mean").round(2).T)
    if args.alone_runs:
        alone = _alone(readings, ranged)
        write_csv(args.out / "alone.csv", alone.round(4))
        for target in ("kcn_pace_2016_2020", "ccn_pace_2018_2021"):
            shown = alone[alone["pattern"] == target].sort_values("shift_se").head(8)
            print(f"\n{target}: the numbers whose prior alone moves it most (from written)")
            print(shown.drop(columns="pattern").round(2).to_string(index=False))
    print(f"\n{sum(len(p) for p in points_of.values())} runs, {time.perf_counter() - began:.0f} s")


def _alone(readings: dict[str, pd.DataFrame], ranged: list[Parameter]) -> pd.DataFrame:
    """Each number's ``alone:`` runs against the ``written`` runs of the same seeds (run ``i``
    of every variant has set ``i``'s seed): the mean paired difference and its standard
    error (runs where both have a value)."""
    base = readings["written"]
    rows = []
    for p in ranged:
        mine = readings[f"alone:{p.name}"]
        for target in TARGETS:
            paired = pd.concat([mine[target], base[target]], axis=1, join="inner").dropna()
            diff = (paired.iloc[:, 0] - paired.iloc[:, 1]).to_numpy(dtype=float)
            se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
            shift = diff.mean() if len(diff) else np.nan
            rows.append(
                {
                    "number": p.name,
                    "pattern": target,
                    "written": p.value,
                    "low": p.low,
                    "high": p.high,
                    "written_quantile": _quantile(p),
                    "shift": shift,
                    "shift_se": shift / se if se > 0 else np.nan,
                    "pairs": len(diff),
                }
            )
    return pd.DataFrame(rows)


def _quantile(p: Parameter) -> float:
    factor = Factor(p.name, p.low, p.high, p.distribution or "uniform", _peak(p))
    grid = factor.ppf(np.linspace(0, 1, 1001))
    return float(np.searchsorted(grid, p.value) / 1000)


if __name__ == "__main__":
    run_script(main)
