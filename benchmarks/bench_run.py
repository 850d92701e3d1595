"""Wall time of one izsim run: Tuyên Quang 2021–2030 under the baseline policy, on one core.

What is measured:
    ``time.perf_counter()`` around ``izsim.run.run(scenario, policy, seed)`` only: building the
    model, simulating the 120 months and assembling the :class:`~izsim.result.RunResult`.
    Importing izsim and loading the YAML files happen before and are reported separately; one
    warm-up run (seed 10000) is made and discarded, so caches, lazy imports and first-call
    costs are not counted. The timed runs use seeds 0, 1, …, N-1 (one per repeat), with a
    garbage collection before each (outside the timing).

    The process is pinned to one CPU with ``os.sched_setaffinity`` where the platform has it
    (Linux): CPU 0 unless ``--cpu N`` (``--no-pin`` to skip); the output says whether it was,
    and prints the load average, since other work on the machine inflates the timings.

    Beside wall time it prints the process's CPU time (``time.process_time()``) per run, which
    other work on the machine inflates much less.

    The script prints figures and compares the median with the targets of the issues (≤ 0.5 s
    per run from the performance issue; ≤ 0.1 s from the behaviour issue, 8); it never fails on
    a timing.

How to run (from the repository root)::

    .venv/bin/python benchmarks/bench_run.py
    .venv/bin/python benchmarks/bench_run.py --repeats 15
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from _common import load_average, parsed, pin_to_one_core, timing_parser

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = REPO / "scenarios" / "tuyen_quang.yaml"
DEFAULT_POLICY = REPO / "scenarios" / "policies" / "baseline.yaml"
TARGET_SECONDS = 0.5
"""Target of the performance issue: one Tuyên Quang 2021–2030 run in at most 0.5 s."""
BEHAVIOUR_TARGET_SECONDS = 0.1
"""Target of the behaviour issue (8): the richer model keeps a Tuyên Quang run at most 0.1 s."""
WARMUP_SEED = 10_000
MIN_REPEATS = 5


def package_versions(names: list[str]) -> str:
    """Installed versions of ``names``, as ``name x.y.z`` joined by commas."""
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = timing_parser(
        "Median wall time of one Tuyên Quang 2021–2030 baseline run on one core.",
        repeats_help=f"timed runs, seeds 0..N-1 (at least {MIN_REPEATS}; default 7)",
    )
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario file")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="policy file")
    return parsed(parser, argv, min_repeats=MIN_REPEATS)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    began = time.perf_counter()
    pinning = "not pinned (--no-pin)" if args.no_pin else pin_to_one_core(args.cpu)

    t0 = time.perf_counter()
    from izsim.run import run
    from izsim.scenario import load_policy, load_scenario

    import_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    scenario = load_scenario(args.scenario)
    policy = load_policy(args.policy)
    load_seconds = time.perf_counter() - t0

    meta = scenario.scenario
    print(
        f"izsim run benchmark: {meta.name} {meta.start}..{meta.horizon} "
        f"({scenario.months} months, {len(scenario.zones)} zones), policy '{policy.id}'"
    )
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(
        f"Packages: {package_versions(['izsim', 'mesa', 'simpy', 'numpy', 'pandas', 'pydantic'])}"
    )
    print(f"CPU: {pinning}; load average at start {load_average()}")
    print(
        f"Not timed: import izsim {import_seconds:.3f} s; "
        f"load scenario + policy {load_seconds:.3f} s"
    )

    gc.collect()
    t0 = time.perf_counter()
    run(scenario, policy, WARMUP_SEED)
    print(f"Warm-up run (seed {WARMUP_SEED}, discarded): {time.perf_counter() - t0:.4f} s")

    walls: list[float] = []
    cpus: list[float] = []
    for seed in range(args.repeats):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        run(scenario, policy, seed)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)

    print(f"Timed runs (perf_counter around run(...), seeds 0..{args.repeats - 1}):")
    print("  " + "  ".join(f"{w:.4f}" for w in walls) + "  s")
    median = statistics.median(walls)
    print(
        f"Median {median:.4f} s per run  (min {min(walls):.4f} s, max {max(walls):.4f} s, "
        f"n = {len(walls)})"
    )
    cpu = statistics.median(cpus)
    print(f"CPU time per run: median {cpu:.4f} s (min {min(cpus):.4f} s, max {max(cpus):.4f} s)")
    for target, which in (
        (TARGET_SECONDS, "performance issue"),
        (BEHAVIOUR_TARGET_SECONDS, "behaviour issue 8"),
    ):
        verdict = "within target" if median <= target else "ABOVE target"
        print(
            f"Target ({which}): <= {target:.1f} s per run;  measured median {median:.4f} s "
            f"= {median / target:.0%} of target ({verdict})"
        )
    print(f"Throughput: {1 / median:.1f} runs/s on one core (1 / median)")
    print(f"Load average at the end: {load_average()}")
    print(f"Benchmark total time: {time.perf_counter() - began:.1f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
