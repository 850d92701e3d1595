"""Start-up of the command line: ``izsim --help`` and a whole Tuyên Quang ``izsim run``.

What is measured:
    The wall time of the ``izsim`` command as a new process, from ``subprocess.run`` to its
    exit (``time.perf_counter()`` around it): Python starting, every import, and for the run
    reading and checking the scenario and policy, the 120-month simulation, printing the
    scorecard and writing every file into a fresh ``--out`` folder (made and removed outside
    the timing). This is what a planner waits for at a workshop.

    1. ``izsim --help``;
    2. ``izsim run scenarios/tuyen_quang.yaml --seed 1 --out DIR``;
    3. for reference, what no change to izsim's own code can remove: ``python -c pass`` (the
       interpreter) and importing the libraries a run uses (:data:`LIBRARIES`: Mesa's model
       classes as izsim imports them, without the rest of Mesa, see
       ``izsim.model.mesa_core``; pyarrow, which writes the Parquet files (a run does not
       import pandas); pydantic, which checks the scenario; typer and rich, the command line).

    When ``PYTHONDONTWRITEBYTECODE`` is set (it is in some sandboxes and CI images), Python
    keeps no bytecode of izsim's own sources (an editable install has none from pip), so every
    command compiles them again. The run is then also timed with a bytecode cache, in a
    temporary ``PYTHONPYCACHEPREFIX`` (nothing is written into the repository), as on an
    ordinary installation (its untimed first run fills the cache); the verdict uses the
    figure without it.

    Each command runs once first, untimed (the operating system's file cache), then
    ``--repeats`` times. Beside wall time the script prints the CPU time of each child
    (``resource.getrusage(RUSAGE_CHILDREN)``, user + system), which other work on the
    machine inflates much less; the load average is printed at the start and the end.

    The process is pinned to one CPU with ``os.sched_setaffinity`` where the platform has it
    (Linux), and the commands it starts inherit the pinning: CPU 0 unless ``--cpu N``
    (``--no-pin`` to skip).

    The script prints figures and compares the medians with the targets of the issue (13):
    ``--help`` in at most 0.3 s, the run in at most 0.5 s; it never fails on a timing.

How to run (from the repository root; the ``izsim`` script beside this Python is used, or
its entry point when there is none)::

    .venv/bin/python benchmarks/bench_startup.py
    .venv/bin/python benchmarks/bench_startup.py --repeats 15
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load_average, parsed, pin_to_one_core, timing_parser

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "tuyen_quang.yaml"
HELP_TARGET_SECONDS = 0.3
RUN_TARGET_SECONDS = 0.5
MIN_REPEATS = 5
LIBRARIES = "import izsim.model.mesa_core, pyarrow.parquet, pydantic, typer, rich.table"
"""What a run imports besides izsim's own modules (their cost is measured as one command)."""


def izsim_command() -> list[str]:
    """The ``izsim`` script installed beside this Python, or its entry point."""
    script = shutil.which("izsim", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from izsim.cli import main; main()"]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``command`` (its output discarded); its wall time and CPU time in seconds.

    Raises:
        SystemExit: the command failed (its standard error is printed).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {done.returncode}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(
    name: str,
    command: list[str],
    repeats: int,
    fresh_out: bool,
    env: dict[str, str] | None = None,
) -> float:
    """Time ``command`` ``repeats`` times after one untimed run; print and return the median.

    Args:
        name: what to call it in the output.
        command: the command; with ``fresh_out`` ``--out`` and a new empty folder are added.
        repeats: timed runs.
        fresh_out: give each run its own new ``--out`` folder (made and removed untimed).
        env: the commands' environment (default: this process's).
    """
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(repeats + 1):
        with tempfile.TemporaryDirectory(prefix="izsim-bench-") as folder:
            args = [*command, "--out", str(Path(folder) / "out")] if fresh_out else command
            wall, cpu = timed(args, env)
        if i:  # the first run only warms the file cache
            walls.append(wall)
            cpus.append(cpu)
    median = statistics.median(walls)
    print(f"{name}:")
    print("  wall " + "  ".join(f"{w:.3f}" for w in walls) + "  s")
    print(
        f"  median {median:.3f} s (min {min(walls):.3f}, max {max(walls):.3f}, n = {len(walls)});"
        f" CPU time median {statistics.median(cpus):.3f} s (min {min(cpus):.3f})"
    )
    return median


def verdict(name: str, median: float, target: float) -> str:
    """One line comparing a median with its target."""
    word = "within target" if median <= target else "ABOVE target"
    return (
        f"Target: {name} <= {target:.1f} s;  measured median {median:.3f} s "
        f"= {median / target:.0%} of target ({word})"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = timing_parser(
        "Median wall time of `izsim --help` and a whole Tuyên Quang `izsim run`.",
        repeats_help=f"timed runs of each command (at least {MIN_REPEATS}; default 7)",
    )
    return parsed(parser, argv, min_repeats=MIN_REPEATS)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    began = time.perf_counter()
    pinning = "not pinned (--no-pin)" if args.no_pin else pin_to_one_core(args.cpu)
    izsim = izsim_command()
    where = subprocess.run(
        [sys.executable, "-c", "import izsim; print(izsim.__file__, izsim.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print("izsim start-up benchmark: `izsim --help` and `izsim run` as new processes")
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"izsim: {' '.join(izsim)} (package {where})")
    print(f"CPU: {pinning}; load average at start {load_average()}")

    python = [sys.executable, "-c"]
    floor = measure("python -c pass (the interpreter)", [*python, "pass"], args.repeats, False)
    libraries = measure(
        "python -c 'import <the libraries a run uses>'", [*python, LIBRARIES], args.repeats, False
    )
    help_median = measure("izsim --help", [*izsim, "--help"], args.repeats, False)
    run_command = [*izsim, "run", str(SCENARIO.relative_to(REPO)), "--seed", "1"]
    run_median = measure(
        "izsim run scenarios/tuyen_quang.yaml --seed 1 --out DIR", run_command, args.repeats, True
    )
    cached = None
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        with tempfile.TemporaryDirectory(prefix="izsim-pycache-") as prefix:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            cached = measure(
                "the same run with a bytecode cache (PYTHONDONTWRITEBYTECODE is set here)",
                run_command,
                args.repeats,
                True,
                env={**env, "PYTHONPYCACHEPREFIX": prefix},
            )
    print(verdict("izsim --help", help_median, HELP_TARGET_SECONDS))
    print(verdict("izsim run (Tuyên Quang, end to end)", run_median, RUN_TARGET_SECONDS))
    if cached is not None:
        print(
            f"  with a bytecode cache: {cached:.3f} s = {cached / RUN_TARGET_SECONDS:.0%} of target"
        )
    print(
        f"Of the run, importing the libraries it uses takes {libraries - floor:.3f} s beyond the"
        f" interpreter (medians); izsim's own modules and work {run_median - libraries:.3f} s"
    )
    print(f"Load average at the end: {load_average()}")
    print(f"Benchmark total time: {time.perf_counter() - began:.1f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
