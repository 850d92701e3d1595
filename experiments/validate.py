"""Validation: the held-out patterns and each province's plan targets, prior against calibrated.

    .venv/bin/python experiments/validate.py [--draws 200] [--workers 2] [--seed 1]
        [--out results/validation]

Run once, after calibration (``experiments/calibrate_shared.py``, ``calibrate_province.py``);
docs/validation.md is written from what it prints and leaves in ``--out``.

1. **National held-out patterns** on the typical back-cast: ``--draws`` parameter sets drawn
   as ``izsim compare --uncertainty`` draws them, from the priors and again with the shared
   calibration's accepted sets (``results/calibration/shared/accepted.csv``, which also holds
   the typical province's own fitted numbers), each run once; a pattern's band is 5–95 % of
   the runs' readings.
2. **Each province** (the five shipped scenarios, 2021–2030): the same draws from priors and
   with the province's calibrated ensemble (``scenarios/calibrated/``, as ``compare
   --uncertainty`` finds it, else the provisional one the calibration left in
   ``results/calibration/``); the held-out patterns the province can read, a few indicators
   at the end of 2025 and 2030 (:data:`OUTLOOK`), and every modelled target: its value's
   5–50–95 % at the deadline and the share of runs meeting it.

A pattern's *mean* over the runs is what a national figure is compared with on the typical
back-cast (the mean of many provinces' draws); on a province, a national pattern's band is
one province's, a noisy look.

Each set of runs is a sweep on given points (``OUT/<scenario>-<prior|calibrated>/``), so an
interrupted validation resumes. Held-out patterns are read here and nowhere before.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from izsim.errors import run_script
from izsim.experiments.ensemble import find_ensemble, load_ensemble
from izsim.experiments.packages import at_least, folder_or_absent
from izsim.experiments.space import ALL_RANGED, pattern_outputs, uncertain, write_space
from izsim.experiments.sweep import sweep
from izsim.experiments.uncertainty import draw
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
ACCEPTED = ROOT / "results" / "calibration" / "shared" / "accepted.csv"
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
OUTLOOK = (
    "industrial_output_bn_vnd",
    "jobs_industry",
    "zones_operating_kcn",
    "occupancy_rate_kcn",
    "zones_operating_ccn",
    "wwtp_share_kcn",
)
"""Indicators each province's baseline is read on at the end of 2025 and of 2030."""
YEARS = ("2025-12", "2030-12")


def held_out(scenario_id: str) -> list[str]:
    """Held-out patterns a run of ``scenario_id`` may read (of any province, or its own)."""
    return [
        p.id
        for p in shipped_patterns().patterns
        if p.split == "test" and (not p.provinces() or scenario_id in p.provinces())
    ]


def space_file(out: Path, scenario_file: Path, patterns: list[str], targets: bool) -> Path:
    """A space of every ranged number (the draws set them all) with the outputs to read."""
    scenario = load_scenario(scenario_file)
    outputs = pattern_outputs(patterns)
    if targets:
        outputs += [
            {"id": f"{name}.{month[:4]}", "indicator": name, "at": month}
            for name in OUTLOOK
            for month in YEARS
        ]
        for t in scenario.targets:
            if t.not_modelled is None:
                outputs.append({"id": t.id, "target": t.id})
                outputs.append({"id": f"{t.id}.met", "target": t.id, "measure": "met"})
    return write_space(out / f"{scenario.scenario.id}.space.yaml", ALL_RANGED, outputs)


def points(scenario_file: Path, draws: int, seed: int, calibrated: bool) -> np.ndarray:
    """``draws`` sets over every ranged number, as ``compare --uncertainty`` draws them; for
    the back-cast, calibrated sets come from the shared calibration's accepted sets."""
    scenario = load_scenario(scenario_file)
    policy = load_policy(scenario_file.parent / "policies" / "baseline.yaml")
    params = parameters(scenario, policy)
    ensemble = None
    if calibrated and scenario_file != BACKCAST:
        found = find_ensemble(scenario_file, scenario.scenario.id) or provisional(
            scenario.scenario.id
        )
        ensemble = load_ensemble(found, params) if found is not None else None
    sets = draw(scenario, draws, seed, ensemble)
    frame = pd.DataFrame(sets.values, columns=sets.names)
    if calibrated and scenario_file == BACKCAST:
        accepted = pd.read_csv(ACCEPTED)
        names = [c for c in accepted.columns if c in frame.columns]
        rows = np.random.default_rng([seed, 12]).integers(len(accepted), size=draws)
        frame[names] = accepted[names].to_numpy()[rows]
    return frame[[p.name for p in uncertain(params)]].to_numpy()


def provisional(scenario_id: str) -> Path | None:
    """An ensemble the calibration left provisional (not installed in scenarios/calibrated/):
    the province's own, else the shared one. Validation reads it all the same: how a
    provisional ensemble fares is what says why it is not installed."""
    for name in (scenario_id, "shared"):
        path = ROOT / "results" / "calibration" / name / "ensemble.yaml"
        if path.is_file():
            return path
    return None


def band(values: pd.Series) -> str:
    found = values.dropna()
    if found.empty:
        return "no value"
    low, mid, high = np.quantile(found, [0.05, 0.5, 0.95])
    return f"{mid:.3g} [{low:.3g}–{high:.3g}]"


def study(scenario_file: Path, args: argparse.Namespace, *, targets: bool) -> pd.DataFrame:
    """Prior and calibrated runs of a scenario: one row per output and kind."""
    scenario_id = load_scenario(scenario_file).scenario.id
    patterns = held_out(scenario_id)
    space = space_file(args.out, scenario_file, patterns, targets)
    tolerance = {p.id: p.tolerance for p in shipped_patterns().patterns}
    informed = shipped_patterns().meta.informed
    rows = []
    for kind in ("prior", "calibrated"):
        result = sweep(
            scenario_file,
            space_file=space,
            points=points(scenario_file, args.draws, args.seed, kind == "calibrated"),
            seed=args.seed,
            workers=args.workers,
            out=args.out / f"{scenario_id}-{kind}",
            quiet=True,
        )
        table = result.outputs[result.outputs["status"] == "ok"]
        for pattern in patterns:
            low, high = tolerance[pattern]
            values = table[pattern].dropna()
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": pattern,
                    "kind": kind,
                    "what": "held-out pattern" + (" (informed)" if pattern in informed else ""),
                    "band": band(values),
                    "tolerance": f"[{low:g}, {high:g}]",
                    "mean": values.mean() if len(values) else np.nan,
                    "p5": values.quantile(0.05) if len(values) else np.nan,
                    "p95": values.quantile(0.95) if len(values) else np.nan,
                    "within_pct": 100 * ((values >= low) & (values <= high)).mean()
                    if len(values)
                    else np.nan,
                    "runs": len(values),
                }
            )
        outlook = [f"{name}.{month[:4]}" for name in OUTLOOK for month in YEARS]
        for column in [c for c in outlook if c in table.columns]:
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": column,
                    "kind": kind,
                    "what": "baseline",
                    "band": band(table[column]),
                    "mean": table[column].mean(),
                    "runs": int(table[column].notna().sum()),
                }
            )
        for column in [c for c in table.columns if c.endswith(".met")]:
            target = column.removesuffix(".met")
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": target,
                    "kind": kind,
                    "what": "plan target",
                    "band": band(table[target]),
                    "met_pct": 100 * table[column].mean(),
                    "runs": int(table[column].notna().sum()),
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=at_least(1), default=200)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--seed", type=at_least(0), default=1)
    parser.add_argument("--out", type=folder_or_absent, default=ROOT / "results" / "validation")
    parser.add_argument("--province", choices=PROVINCES, action="append")
    args = parser.parse_args()
    frames = [study(BACKCAST, args, targets=False)]
    for province in args.province or PROVINCES:
        frames.append(study(ROOT / "scenarios" / f"{province}.yaml", args, targets=True))
    table = pd.concat(frames, ignore_index=True)
    table.to_csv(args.out / "validation.csv", index=False)
    pd.set_option("display.width", 200)
    for scenario_id, group in table.groupby("scenario", sort=False):
        print(f"\n{scenario_id}")
        index = ["what", "output"]
        wide = group.pivot_table(index=index, columns="kind", values="band", aggfunc="first")
        wide = wide[["prior", "calibrated"]]
        for column in ("mean", "met_pct"):
            if group[column].notna().any():
                values = group.pivot_table(index=index, columns="kind", values=column)
                for kind in ("prior", "calibrated"):
                    wide[f"{column} {kind}"] = values[kind].round(1)
        wide["tolerance"] = group.groupby(index)["tolerance"].first()
        print(wide.fillna("").to_string())


if __name__ == "__main__":
    run_script(main)
