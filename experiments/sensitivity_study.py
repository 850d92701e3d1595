"""Which assumptions decide which targets: Morris screening of every ranged number of each
province, then Sobol' indices of the eight that matter most, with all the rest varying too.

    .venv/bin/python experiments/sensitivity_study.py [--provinces tuyen_quang ha_nam ...]
        [--trajectories 20] [--replicates 2] [--sobol-samples 512] [--workers 2] [--seed 1]

For each province, under its baseline policy:

1. ``results/sensitivity/<province>/morris/``: a Morris sweep (``--trajectories`` trajectories,
   4 levels, each point the mean of ``--replicates`` seeds) over
   ``experiments/spaces/all_ranged.yaml`` (every number with a range; outputs: each modelled
   target's measure at its deadline and whether it is met).
2. The eight that matter most (:func:`most_important`: μ* in units of each output's spread,
   counted only where it clears the noise floor of 20 runs at the written values; targets'
   measures with at least 20 distinct values, not met/missed flags; never a number that sets
   how many zones there are, :data:`ZONE_COUNTS`) are written to
   ``results/sensitivity/<province>/space_sobol.yaml``, the scores to ``screening.csv``.
3. ``results/sensitivity/<province>/sobol/``: a Sobol' sweep (N = ``--sobol-samples``) over those
   eight and ``rest``, every other ranged number moving together as one group, so the eight's
   indices are not conditional on the rest held at its written values.

Each folder holds outputs.parquet, sensitivity.csv, discovery.csv (Sobol' only) and figures in
English and Vietnamese; ``results/sensitivity/summary.csv`` gathers the top parameters per
province and target. Interrupted? Run it again: finished batches are kept. docs/sensitivity.md
says what the results mean.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from izsim.errors import InputError, Problem, run_script
from izsim.experiments.packages import at_least
from izsim.experiments.sweep import sweep
from izsim.present.sensitivity import write_study_figures

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
TOP = 8


MIN_DISTINCT = 20
"""Outputs with fewer distinct values over the Morris runs (counts of zones, met/missed flags)
are not used to choose: their μ* only counts how often a step flips them."""
NOISE_SEEDS = 20
"""Runs at the written values, seeds 0–19: the spread of an output from chance alone."""
ZONE_COUNTS = ("count", "cluster_count")
"""Fields that set how many zones (candidate sites, clusters of a CCN row) the run has. Another
count means other zones drawing from the streams, so the whole run's chance is drawn anew:
common random numbers no longer hold and the parameter's indices measure chance (the first
study found Nghệ An's candidate-CCN count "deciding" jobs in 2024, which went 4,785, 3,086,
3,895 … as the count went 1, 2, 3 …). Screened by Morris, never chosen for Sobol'; they vary
in ``rest``."""


def sets_zone_count(name: str) -> bool:
    """Whether the parameter ``name`` sets how many zones there are (:data:`ZONE_COUNTS`)."""
    return name.rsplit(".", 1)[-1] in ZONE_COUNTS


def noise_floor(scenario_file: Path, space: Path, replicates: int) -> dict[str, float]:
    """μ* that chance alone gives each output: a Morris step that changes the model's draws
    moves an output by the difference of two chance values, E|ε₁ − ε₂| = 2σ/√π, over the step
    Δ = 2/3 of the unit range (4 levels): 1.69 σ, with σ from runs at the written values, over
    √replicates when each point is the mean of that many seeds."""
    from izsim.experiments.space import load_space
    from izsim.run import run
    from izsim.scenario.load import find_policy, load_policy, load_scenario
    from izsim.scenario.parameters import parameters

    scenario = load_scenario(scenario_file)
    policy = load_policy(find_policy(None, scenario_file))
    outputs = load_space(space, scenario, parameters(scenario, policy))
    runs = pd.DataFrame(
        [outputs.measure(run(scenario, policy, seed)) for seed in range(NOISE_SEEDS)]
    )
    delta = 4 / (2 * (4 - 1))
    spread = runs.std() / np.sqrt(replicates)
    return {name: float(2 * spread[name] / np.sqrt(np.pi) / delta) for name in runs.columns}


def most_important(
    sensitivity: pd.DataFrame, outputs: pd.DataFrame, floor: dict[str, float], top: int = TOP
) -> tuple[list[str], pd.DataFrame]:
    """The ``top`` parameters that matter most, and the score table behind the choice.

    Per output (targets' measures with at least ``MIN_DISTINCT`` distinct values), μ* in units
    of the output's standard deviation over the Morris runs; a parameter counts for an output
    only if its μ* less its 95 % half-width clears the output's noise floor. Ranked by the best
    score over outputs, then the second best (not by name: ties are common at the top). The
    numbers of zones (:func:`sets_zone_count`) are scored but never chosen.
    """
    mu = sensitivity[sensitivity["index"] == "mu_star"]
    usable = [
        o
        for o in mu["output"].unique()
        if not o.endswith(".met") and outputs[o].nunique() >= MIN_DISTINCT and outputs[o].std() > 0
    ]
    mu = mu[mu["output"].isin(usable)].copy()
    mu["score"] = mu["value"] / mu["output"].map(outputs[usable].std())
    mu["clears_noise"] = (mu["value"] - mu["conf"].fillna(0)) > mu["output"].map(floor)
    counted = mu[mu["clears_noise"]]
    ranks = counted.groupby("factor")["score"].apply(lambda s: [*sorted(s, reverse=True), 0.0])
    table = pd.DataFrame(
        {"best": ranks.map(lambda s: s[0]), "second": ranks.map(lambda s: s[1])}
    ).reset_index()
    table = table.sort_values(["best", "second", "factor"], ascending=[False, False, True])
    table["zone_count"] = table["factor"].map(sets_zone_count)
    return list(table.loc[~table["zone_count"], "factor"].head(top)), table


def study(province: str, args: argparse.Namespace) -> pd.DataFrame:
    scenario = ROOT / "scenarios" / f"{province}.yaml"
    folder = ROOT / "results" / "sensitivity" / province
    morris = sweep(
        scenario,
        space_file=ROOT / "experiments" / "spaces" / "all_ranged.yaml",
        design="morris",
        samples=args.trajectories,
        replicates=args.replicates,
        levels=4,
        seed=args.seed,
        workers=args.workers,
        out=folder / "morris",
    )
    failed = morris.outputs[morris.outputs["status"] != "ok"]
    if len(failed):
        # a trajectory with a failed run has no elementary effect: no output can be ranked,
        # and a Sobol' study chosen from nothing would vary every number alone
        first = str(failed["error"].iloc[0]).splitlines()[0][:300]
        raise InputError(
            [
                Problem(
                    str(scenario),
                    "ranges",
                    f"{len(failed)} of {len(morris.outputs)} screening runs failed (first:"
                    f" {first}): the screening cannot rank; make every draw of the ranges a"
                    " valid scenario, then run again (finished batches are kept)",
                )
            ]
        )
    write_study_figures(morris.out)
    floor = noise_floor(
        scenario, ROOT / "experiments" / "spaces" / "all_ranged.yaml", args.replicates
    )
    chosen, scores = most_important(morris.sensitivity, morris.outputs, floor)
    scores.to_csv(folder / "screening.csv", index=False, float_format="%.4f")
    pd.Series(floor, name="noise_floor_mu_star").to_csv(folder / "noise_floor.csv")
    if not chosen:
        print(f"{province}: no parameter clears the noise floor; no Sobol' study")
        return pd.DataFrame(columns=["province", "output", "rank", "parameter", "ST", "S1"])
    space = folder / "space_sobol.yaml"
    text = yaml.safe_dump(
        {"space": {"parameters": chosen, "rest": True, "outputs": "targets"}},
        allow_unicode=True,
        sort_keys=False,
    )
    space.write_text(
        f"# The {TOP} parameters that matter most after Morris screening (screening.csv: mu* in"
        " units of each output's spread, clearing the noise floor; numbers of zones left to"
        " rest), every other ranged number varying as the group rest; written by"
        " experiments/sensitivity_study.py\n" + text,
        encoding="utf-8",
    )
    sobol = sweep(
        scenario,
        space_file=space,
        design="sobol",
        samples=args.sobol_samples,
        seed=args.seed,
        workers=args.workers,
        out=folder / "sobol",
    )
    write_study_figures(sobol.out)
    rows = []
    st = sobol.sensitivity[sobol.sensitivity["index"].isin(["S1", "ST"])]
    for output, group in st.groupby("output"):
        wide = group.pivot_table(index="factor", columns="index", values="value")
        for rank, (factor, row) in enumerate(wide.sort_values("ST", ascending=False).iterrows()):
            rows.append(
                {
                    "province": province,
                    "output": output,
                    "rank": rank + 1,
                    "parameter": factor,
                    "ST": row["ST"],
                    "S1": row["S1"],
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", nargs="+", choices=PROVINCES, default=list(PROVINCES))
    # 20: 8,520–10,040 runs a province, enough to separate the economy's trends and bases from
    # chance (docs/sensitivity.md, "Resolution"; naming zone behaviour would need about 30)
    parser.add_argument("--trajectories", type=at_least(1), default=20)
    # 2 seeds a point: the noise floor falls from 1.69 σ to 1.69 σ/√2 (noise_floor), for twice
    # the runs; 3–5 would be needed to resolve the zone behaviour inside `rest`
    parser.add_argument("--replicates", type=at_least(1), default=2)
    parser.add_argument("--sobol-samples", type=at_least(1), default=512)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--seed", type=at_least(0), default=1)
    args = parser.parse_args()
    frames = [study(province, args) for province in args.provinces]
    summary = pd.concat(frames, ignore_index=True)
    out = ROOT / "results" / "sensitivity" / "summary.csv"
    summary.to_csv(out, index=False, float_format="%.4f")
    top = summary[summary["rank"] <= 3]
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(top.to_string(index=False))
    print(f"wrote {out}")


if __name__ == "__main__":
    run_script(main)
