"""Time ``izsim report`` on a saved comparison (default: Tuyên Quang, 6 policies × 50
replicates, the issue's yardstick), both languages, every format, on one core.

    .venv/bin/python benchmarks/bench_report.py [--replicates 50] [--repeats 3]

The comparison is made once into a temporary folder (its time is not counted); each repeat
then writes the whole report into a fresh copy. Prints each repeat and the median, in wall
seconds and in CPU seconds of this process (which other work on a shared machine disturbs
less); also the time to read the results alone and the size of each file kind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from izsim.experiments import compare
from izsim.experiments.packages import PACKAGES
from izsim.present.report import write_report
from izsim.present.results import load_results

ROOT = Path(__file__).resolve().parents[1]
POLICIES = list(PACKAGES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "tuyen_quang.yaml"))
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the issue asks
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cmp"
        began = time.perf_counter()
        compare(
            args.scenario,
            POLICIES,
            replicates=args.replicates,
            seed=1,
            workers=1,
            out=source,
            quiet=True,
        )
        print(
            f"comparison: {len(POLICIES)} policies × {args.replicates} replicates made in"
            f" {time.perf_counter() - began:.1f} s (not counted)"
        )
        loads = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            load_results(source)
            loads.append(time.perf_counter() - began)
        print(f"read results alone: median {statistics.median(loads):.2f} s")
        walls, cpus = [], []
        for i in range(args.repeats):
            copy = Path(tmp) / f"r{i}"
            shutil.copytree(source, copy)
            began, began_cpu = time.perf_counter(), time.process_time()
            written = write_report(copy)
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - began_cpu)
            print(f"repeat {i + 1}: {walls[-1]:.1f} s ({cpus[-1]:.1f} s CPU), {len(written)} files")
        sizes: dict[str, int] = {}
        for path in written:
            sizes[path.suffix] = sizes.get(path.suffix, 0) + path.stat().st_size
        print("sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
        print(
            f"izsim report, both languages, html+pdf+png+svg: median {statistics.median(walls):.1f}"
            f" s (min {min(walls):.1f}, max {max(walls):.1f}) — target < 30 s on one core"
        )
        print(f"CPU seconds: median {statistics.median(cpus):.1f} (min {min(cpus):.1f})")


if __name__ == "__main__":
    main()
