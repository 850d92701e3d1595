"""What the benchmark scripts share: pinning to one core and reporting the machine's load.

The scripts run as ``python benchmarks/<script>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import argparse
import os
import platform


def pin_to_one_core(cpu: int = 0) -> str:
    """Pin this process to a single CPU where the OS allows it.

    Args:
        cpu: the CPU to run on; the lowest allowed one if ``cpu`` is not allowed.

    Returns:
        A sentence saying what was done, for the report.
    """
    if not hasattr(os, "sched_setaffinity"):
        return f"not pinned (os.sched_setaffinity is not available on {platform.system()})"
    try:
        allowed = os.sched_getaffinity(0)
        core = cpu if cpu in allowed else min(allowed)
        os.sched_setaffinity(0, {core})
    except OSError as exc:
        return f"not pinned (os.sched_setaffinity failed: {exc})"
    return f"pinned to CPU {core} with os.sched_setaffinity (of {len(allowed)} allowed)"


def load_average() -> str:
    """The system's 1-minute load average (other work on the machine inflates timings)."""
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return f"{os.getloadavg()[0]:.2f} (1-min, {os.cpu_count()} CPUs)"


def timing_parser(
    description: str, *, repeats_help: str, default: int = 7
) -> argparse.ArgumentParser:
    """A parser with the options every timing benchmark shares: ``--repeats`` (checked by
    :func:`parsed`), ``--no-pin`` and ``--cpu``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=default, help=repeats_help)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the process to (default 0)")
    return parser


def parsed(
    parser: argparse.ArgumentParser, argv: list[str] | None, *, min_repeats: int
) -> argparse.Namespace:
    """The options, refusing fewer repeats than a median needs."""
    args = parser.parse_args(argv)
    if args.repeats < min_repeats:
        parser.error(f"--repeats must be at least {min_repeats}")
    return args
