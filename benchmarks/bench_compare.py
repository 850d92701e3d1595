"""Throughput and memory of ``izsim compare``: 4 provinces × 6 policies × 20 replicates.

For 1 and 2 workers it times a full comparison of every province with every policy package
(no budget scaling, so only the runs are timed) into a fresh folder, and prints runs per second
and the parallel efficiency (speed-up / workers). It then shows that the parent process's
memory does not grow with the number of runs (results go to disk, not into one table): the
tracemalloc peak of the parent for 5, 10 and 20 replicates.

    .venv/bin/python benchmarks/bench_compare.py [--replicates 20] [--repeats 3] [--quick]

Timings are medians over ``--repeats``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from izsim.experiments import compare
from izsim.experiments.packages import PACKAGES

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an")


def one_pass(replicates: int, workers: int, provinces: tuple[str, ...]) -> tuple[float, int]:
    """Wall time of comparing every province into fresh folders, and the number of runs."""
    folder = Path(tempfile.mkdtemp(prefix="izsim-bench-"))
    try:
        began = time.perf_counter()
        runs = 0
        for province in provinces:
            result = compare(
                ROOT / "scenarios" / f"{province}.yaml",
                list(PACKAGES),
                replicates=replicates,
                workers=workers,
                out=folder / province,
                quiet=True,
            )
            runs += result.counts["ok"] + result.counts["failed"]
        return time.perf_counter() - began, runs
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def parent_peak_mib(replicates: int) -> float:
    """tracemalloc peak of the parent process for one province's comparison (2 workers)."""
    folder = Path(tempfile.mkdtemp(prefix="izsim-bench-"))
    try:
        tracemalloc.start()
        compare(
            ROOT / "scenarios" / "tuyen_quang.yaml",
            list(PACKAGES),
            replicates=replicates,
            workers=2,
            out=folder / "tq",
            quiet=True,
        )
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak / 2**20
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one province, 5 replicates")
    args = parser.parse_args()
    provinces = PROVINCES[:1] if args.quick else PROVINCES
    replicates = 5 if args.quick else args.replicates
    print(
        f"izsim compare benchmark: {len(provinces)} provinces × {len(PACKAGES)} policies × "
        f"{replicates} replicates; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}"
    )
    rates = {}
    for workers in (1, 2):
        walls = []
        for _ in range(args.repeats):
            wall, runs = one_pass(replicates, workers, provinces)
            walls.append(wall)
        median = statistics.median(walls)
        rates[workers] = runs / median
        spread = ", ".join(f"{w:.1f}" for w in walls)
        print(
            f"  workers={workers}: median {median:.1f} s for {runs} runs ({spread})"
            f" -> {rates[workers]:.2f} runs/s"
        )
    efficiency = rates[2] / rates[1] / 2
    print(f"Parallel efficiency on 2 workers: {efficiency:.0%} (target >= 80 %)")
    print("Parent-process memory (tracemalloc peak, Tuyên Quang, 6 policies, 2 workers):")
    for count in (5, 10, 20):
        print(f"  {count:>3} replicates ({6 * count:>3} runs): {parent_peak_mib(count):.1f} MiB")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
