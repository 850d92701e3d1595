"""Sweep throughput and memory: runs per second on 1 and 2 local workers and on a 2-worker local
Dask cluster; a 10,000-run Sobol' study of Tuyên Quang; peak memory of a summary sweep.

Issue 10's figures to reach (printed, never asserted):

- a 200-sample LHS sweep of Tuyên Quang (every ranged number, outputs: the targets): runs per
  second on 1 and 2 local processes and on a local Dask cluster of 2 single-threaded workers,
  already running (``--scheduler``) and started by the study (``--dask-workers 2``);
  parallel efficiency = (runs/s on 2) / (2 × runs/s on 1), target ≥ 80 % for both;
- a Sobol' study of 8 parameters with N = 1,024 (10,240 runs) in under 30 minutes on 2 cores;
- peak memory of that 10,000-run summary sweep under 500 MB: the largest resident set of this
  process and, separately, of any worker process (``resource.getrusage``).

What is timed: the whole ``sweep()`` call into a new folder (design, runs, writing, analysis,
discovery), with no figures; ``--repeats`` times for the throughput (median printed, with min
and max). Start-up costs (the pool, the cluster) are part of a sweep, so they are included.

    .venv/bin/python benchmarks/bench_sweep.py [--repeats 3] [--skip-study]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from _common import load_average

from izsim.experiments.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
TQ = ROOT / "scenarios" / "tuyen_quang.yaml"
ALL_RANGED = ROOT / "experiments" / "spaces" / "all_ranged.yaml"
EIGHT = (
    "economy.existing_output_growth_pct",
    "economy.industrial_output_base_bn_vnd",
    "economy.jobs_industry_base",
    "economy.grdp_base_bn_vnd",
    "economy.value_added_ratio_pct",
    "developers.infrastructure_cost_bn_vnd_per_ha_kcn",
    "developers.infrastructure_cost_bn_vnd_per_ha_ccn",
    "investors.prospects_per_month",
)


def timed(**options: object) -> tuple[float, float, int]:
    """Seconds until the last batch is written (start-up and runs), seconds of the whole call
    (with the analyses and discovery, which run in this process), and the number of runs."""
    last: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        result = sweep(
            TQ,
            out=Path(tmp) / "s",
            quiet=True,
            on_batch=lambda _batch: last.append(time.perf_counter()),
            **options,  # type: ignore[arg-type]
        )
        return last[-1] - began, time.perf_counter() - began, len(result.outputs)


def throughput(repeats: int) -> None:
    print("200-sample LHS sweep of Tuyên Quang, every ranged number, outputs: targets")
    print("runs/s: runs over the seconds until the last batch is written (start-up included);")
    print("whole: the whole call, with the analyses and discovery that follow in this process")
    print(f"{'backend':<26}{'runs/s':>8}{'min':>7}{'max':>7}{'whole s':>9}{'runs s':>8}")
    from dask.distributed import LocalCluster

    rates: dict[str, float] = {}
    # a cluster already running, as a researcher's would be (--scheduler): its start-up, a few
    # seconds, is not part of each study; --dask-workers starts one per study, start-up included
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    for label, options in (
        ("1 local process", {"workers": 1}),
        ("2 local processes", {"workers": 2}),
        ("Dask, running, 2 workers", {"scheduler": cluster.scheduler_address}),
        ("Dask, --dask-workers 2", {"dask_workers": 2}),
    ):
        runs_per_s, runs_s, wholes = [], [], []
        for _ in range(repeats):
            running, whole, runs = timed(
                space_file=ALL_RANGED, design="lhs", samples=200, **options
            )
            runs_per_s.append(runs / running)
            runs_s.append(running)
            wholes.append(whole)
        rates[label] = statistics.median(runs_per_s)
        print(
            f"{label:<26}{rates[label]:>8.1f}{min(runs_per_s):>7.1f}{max(runs_per_s):>7.1f}"
            f"{statistics.median(wholes):>9.1f}{statistics.median(runs_s):>8.1f}"
        )
    cluster.close()
    one = rates["1 local process"]
    for label in ("2 local processes", "Dask, running, 2 workers", "Dask, --dask-workers 2"):
        print(f"parallel efficiency, {label}: {rates[label] / (2 * one):.0%} (target >= 80 %)")


def study() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        space = Path(tmp) / "space.yaml"
        names = "".join(f"    - {name}\n" for name in EIGHT)
        space.write_text(f"space:\n  parameters:\n{names}  outputs: targets\n", encoding="utf-8")
        began = time.perf_counter()
        result = sweep(
            TQ,
            space_file=space,
            design="sobol",
            samples=1024,
            workers=2,
            out=Path(tmp) / "s",
            quiet=True,
        )
        wall = time.perf_counter() - began
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"Sobol' study, 8 parameters, N = 1024: {len(result.outputs)} runs on 2 local processes"
        f" in {wall / 60:.1f} min ({len(result.outputs) / wall:.1f} runs/s; target < 30 min)"
    )
    print(
        f"peak resident memory: this process {own:.0f} MB, the largest worker {children:.0f} MB"
        " (target < 500 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-study", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    throughput(args.repeats)
    if not args.skip_study:
        study()
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
