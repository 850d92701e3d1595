"""Which assumptions decide which targets: Morris screening of every ranged number of each
province, then Sobol' indices of the eight that matter most.

    .venv/bin/python experiments/sensitivity_study.py [--provinces tuyen_quang ha_nam ...]
        [--trajectories 10] [--sobol-samples 512] [--workers 2] [--seed 1]

For each province, under its baseline policy:

1. ``results/sensitivity/<province>/morris/``: a Morris sweep (``--trajectories`` trajectories,
   4 levels) over ``experiments/spaces/all_ranged.yaml`` (every number with a range; outputs:
   each modelled target's measure at its deadline and whether it is met).
2. The eight parameters with the largest μ* relative to the largest μ* of the same output, over
   the targets' measures (not the met/missed flags, which are too coarse for one run per set),
   are written to ``results/sensitivity/<province>/space_sobol.yaml``.
3. ``results/sensitivity/<province>/sobol/``: a Sobol' sweep (N = ``--sobol-samples``) over those
   eight, the others at their written values.

Each folder holds outputs.parquet, sensitivity.csv, discovery.csv (Sobol' only) and figures in
English and Vietnamese; ``results/sensitivity/summary.csv`` gathers the top parameters per
province and target. Interrupted? Run it again: finished batches are kept. docs/sensitivity.md
says what the results mean.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import yaml

from izsim.experiments.sweep import sweep
from izsim.present.sensitivity import write_study_figures

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
TOP = 8


def most_important(sensitivity: pd.DataFrame, top: int = TOP) -> list[str]:
    """The ``top`` parameters by μ* relative to each output's largest, over the targets'
    measures (outputs without ``.met``); ties broken by name, so the choice is reproducible."""
    mu = sensitivity[
        (sensitivity["index"] == "mu_star") & ~sensitivity["output"].str.endswith(".met")
    ]
    largest = mu.groupby("output")["value"].transform("max")
    mu = mu.assign(relative=mu["value"] / largest.where(largest > 0))
    score = mu.groupby("factor")["relative"].max().fillna(0)
    ranked = score.reset_index().sort_values(["relative", "factor"], ascending=[False, True])
    return list(ranked["factor"].head(top))


def study(province: str, args: argparse.Namespace) -> pd.DataFrame:
    scenario = ROOT / "scenarios" / f"{province}.yaml"
    folder = ROOT / "results" / "sensitivity" / province
    morris = sweep(
        scenario,
        space_file=ROOT / "experiments" / "spaces" / "all_ranged.yaml",
        design="morris",
        samples=args.trajectories,
        levels=4,
        seed=args.seed,
        workers=args.workers,
        out=folder / "morris",
    )
    write_study_figures(morris.out)
    chosen = most_important(morris.sensitivity)
    space = folder / "space_sobol.yaml"
    text = yaml.safe_dump(
        {"space": {"parameters": chosen, "outputs": "targets"}}, allow_unicode=True, sort_keys=False
    )
    space.write_text(
        f"# The {TOP} parameters with the largest relative Morris mu* (morris/sensitivity.csv),"
        " written by experiments/sensitivity_study.py\n" + text,
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
    parser.add_argument("--provinces", nargs="+", default=list(PROVINCES))
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--sobol-samples", type=int, default=512)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
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
    main()
