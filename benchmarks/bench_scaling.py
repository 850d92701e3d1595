"""How the cost of an izsim run grows with the number of prospects and of zones.

Scaled variants of Tuyên Quang 2021–2030 under the baseline policy are run on a grid of
*prospect factors* (``investors.prospects_per_month`` multiplied by P) and *zone factors*
(every zone replicated Z times). The headline case of the performance issue is P = 10, Z = 5;
the other grid points show how the cost grows on the way there.

Zone replication: replicate 1 keeps the scenario's zones as they are; replicate r ≥ 2 adds a
copy of every zone with id ``<id>_r<r>`` (and name ``<name> [r<r>]``), and a copy that expands
a zone (``expands``) expands the copy in its own replicate. Copies keep their ``sources``, so
the variant passes the same validation as a scenario file (``Scenario.model_validate``).

What is measured, per grid point:
    wall       ``time.perf_counter()`` around ``izsim.run.run(...)``: median, min and max of
               ``--repeats`` runs (seeds 0..N-1, the same seeds at every point), after one
               discarded warm-up run (seed 10000) of that variant.
    prospects  total prospects of a run: the ``prospects`` indicator (investors who
               considered the province in a month) summed over the 120 months; median over
               the timed runs. It is a drawn count, so it is not exactly P × the base case.
    us/prosp   microseconds of wall time per prospect: median over runs of
               ``1e6 · wall / prospects`` (a prospect is considered in exactly one month, so
               this is also the cost per prospect-month).
    us/(p·z)   microseconds per prospect × zone: ``us/prosp`` divided by the number of zones.
               If a run cost c · prospects · zones, this column would be flat; if it falls
               as the grid grows, cost grows at most linearly in prospects × zones.
    traced     peak of Python allocations during one extra run (seed 0) under ``tracemalloc``
               (not timed: tracing slows the run several-fold).
    maxrss     peak resident memory of the whole process so far (``resource.getrusage``);
               it only grows, so it is the high-water mark up to and including this point.

The process is pinned to one CPU with ``os.sched_setaffinity`` where available (CPU 0 unless
``--cpu N``; ``--no-pin`` to skip); the load average is printed, as other work on the machine
inflates timings. The script prints a table, a verdict computed from the data and local growth
exponents (``d log wall / d log x`` between neighbouring grid points); it never fails on a
timing.

How to run (from the repository root)::

    .venv/bin/python benchmarks/bench_scaling.py            # grid P × Z = {1,2,5,10} × {1,2,5,10}
    .venv/bin/python benchmarks/bench_scaling.py --quick    # P × Z = {1,10} × {1,5}
    .venv/bin/python benchmarks/bench_scaling.py --prospects 1 10 --zones 1 5 20 --repeats 5
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _common import load_average, pin_to_one_core

if TYPE_CHECKING:
    from izsim.scenario import Policy, Scenario

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = REPO / "scenarios" / "tuyen_quang.yaml"
DEFAULT_POLICY = REPO / "scenarios" / "policies" / "baseline.yaml"
DEFAULT_PROSPECTS = (1.0, 2.0, 5.0, 10.0)
DEFAULT_ZONES = (1, 2, 5, 10)
QUICK_PROSPECTS = (1.0, 10.0)
QUICK_ZONES = (1, 5)
HEADLINE = (10.0, 5)
"""The scaled case of the performance issue: 10× prospects, 5× zones."""
WARMUP_SEED = 10_000
MIN_REPEATS = 3
SUPERLINEAR_EXPONENT = 1.15
"""A local growth exponent above this is reported as super-linear (leaves room for noise)."""
MIB = 1024 * 1024


@dataclass
class Point:
    """Measurements at one grid point.

    Attributes:
        prospect_factor: multiplier of ``investors.prospects_per_month``.
        zone_factor: number of replicates of the zone list.
        zones: number of zones in the variant.
        walls: wall seconds of the timed runs.
        prospects: total prospects of each timed run.
        traced_peak: peak bytes traced by ``tracemalloc`` during one run, if measured.
        maxrss: process peak resident bytes after this point, if known.
    """

    prospect_factor: float
    zone_factor: int
    zones: int
    walls: list[float] = field(default_factory=list)
    prospects: list[float] = field(default_factory=list)
    traced_peak: int | None = None
    maxrss: int | None = None

    @property
    def wall(self) -> float:
        """Median wall seconds."""
        return statistics.median(self.walls)

    @property
    def prospects_total(self) -> float:
        """Median total prospects of a run."""
        return statistics.median(self.prospects)

    @property
    def us_per_prospect(self) -> float:
        """Median over runs of microseconds per prospect."""
        return statistics.median(
            1e6 * w / p for w, p in zip(self.walls, self.prospects, strict=True)
        )

    @property
    def us_per_prospect_zone(self) -> float:
        """Microseconds per prospect × zone."""
        return self.us_per_prospect / self.zones


def process_maxrss() -> int | None:
    """Peak resident set size of this process in bytes, or None where unknown."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; Linux: KiB


def scaled_scenario(base: Scenario, prospect_factor: float, zone_factor: int) -> Scenario:
    """A variant of ``base`` with more prospects and replicated zones.

    Args:
        base: the scenario to scale.
        prospect_factor: multiplier of ``investors.prospects_per_month``.
        zone_factor: number of copies of the zone list (1 keeps it as it is).

    Returns:
        The validated variant.
    """

    data: dict[str, Any] = base.model_dump(exclude_unset=True)
    data["investors"]["prospects_per_month"] *= prospect_factor
    zones: list[dict[str, Any]] = []
    for replicate in range(1, zone_factor + 1):
        for zone in data["zones"]:
            copy = dict(zone)
            if replicate > 1:
                suffix = f"_r{replicate}"
                copy["id"] = f"{zone['id']}{suffix}"
                copy["name"] = f"{zone['name']} [r{replicate}]"
                if zone.get("expands"):
                    copy["expands"] = f"{zone['expands']}{suffix}"
            zones.append(copy)
    data["zones"] = zones
    data["scenario"]["id"] = f"{base.scenario.id}_p{prospect_factor:g}_z{zone_factor}".replace(
        ".", "_"
    )
    return base.revalidated(data)


def measure(
    scenario: Scenario,
    policy: Policy,
    point: Point,
    repeats: int,
    *,
    trace: bool,
) -> None:
    """Time ``repeats`` runs of ``scenario`` and fill ``point`` in.

    Args:
        scenario: the scaled scenario.
        policy: the policy.
        point: where the measurements go.
        repeats: number of timed runs (seeds 0..repeats-1).
        trace: also measure peak traced memory in one more run.
    """
    from izsim.indicators import INDICATOR_IDS
    from izsim.run import run

    column = INDICATOR_IDS.index("prospects")
    gc.collect()
    run(scenario, policy, WARMUP_SEED)
    for seed in range(repeats):
        gc.collect()
        began = time.perf_counter()
        result = run(scenario, policy, seed)
        point.walls.append(time.perf_counter() - began)
        point.prospects.append(float(result.values[:, column].sum()))
    if trace:
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        run(scenario, policy, 0)
        point.traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    point.maxrss = process_maxrss()


def exponent(x1: float, y1: float, x2: float, y2: float) -> float:
    """Local growth exponent k of y ∝ x^k between two points."""
    return math.log(y2 / y1) / math.log(x2 / x1)


def print_table(points: list[Point]) -> None:
    """Print the measurements as an aligned plain-text table."""
    header = (
        "P×",
        "Z×",
        "zones",
        "prospects",
        "wall med s",
        "min s",
        "max s",
        "us/prosp",
        "us/(p·z)",
        "traced MiB",
        "maxrss MiB",
    )
    rows = [
        (
            f"{p.prospect_factor:g}",
            f"{p.zone_factor}",
            f"{p.zones}",
            f"{p.prospects_total:.0f}",
            f"{p.wall:.4f}",
            f"{min(p.walls):.4f}",
            f"{max(p.walls):.4f}",
            f"{p.us_per_prospect:.1f}",
            f"{p.us_per_prospect_zone:.3f}",
            "n/a" if p.traced_peak is None else f"{p.traced_peak / MIB:.1f}",
            "n/a" if p.maxrss is None else f"{p.maxrss / MIB:.0f}",
        )
        for p in points
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def growth_lines(points: list[Point]) -> tuple[list[str], list[tuple[float, str]]]:
    """Local exponents of wall time along each axis, at the extremes of the other axis.

    Returns:
        Lines to print, and (exponent, description) of every step measured.
    """
    grid = {(p.prospect_factor, p.zone_factor): p for p in points}
    p_levels = sorted({p.prospect_factor for p in points})
    z_levels = sorted({p.zone_factor for p in points})
    lines: list[str] = []
    steps: list[tuple[float, str]] = []
    if len(z_levels) > 1:
        for pf in sorted({p_levels[0], p_levels[-1]}):
            parts = []
            for z1, z2 in itertools.pairwise(z_levels):
                a, b = grid[(pf, z1)], grid[(pf, z2)]
                k = exponent(a.zones, a.wall, b.zones, b.wall)
                parts.append(f"{k:.2f} ({z1}→{z2}×)")
                steps.append((k, f"zones {z1}→{z2}× at {pf:g}× prospects"))
            lines.append(f"  wall ∝ zones^k      at {pf:g}× prospects: k = " + ", ".join(parts))
    if len(p_levels) > 1:
        for zf in sorted({z_levels[0], z_levels[-1]}):
            parts = []
            for p1, p2 in itertools.pairwise(p_levels):
                a, b = grid[(p1, zf)], grid[(p2, zf)]
                k = exponent(a.prospects_total, a.wall, b.prospects_total, b.wall)
                parts.append(f"{k:.2f} ({p1:g}→{p2:g}×)")
                steps.append((k, f"prospects {p1:g}→{p2:g}× at {zf}× zones"))
            lines.append(f"  wall ∝ prospects^k  at {zf}× zones: k = " + ", ".join(parts))
    return lines, steps


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Cost of an izsim run as prospects and zones grow (scaled Tuyên Quang)."
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help=f"timed runs per grid point (at least {MIN_REPEATS}; default 3)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small grid: prospects ×{1,10}, zones ×{1,5}",
    )
    parser.add_argument(
        "--prospects",
        type=float,
        nargs="+",
        metavar="P",
        help="prospect factors (default 1 2 5 10)",
    )
    parser.add_argument(
        "--zones", type=int, nargs="+", metavar="Z", help="zone factors (default 1 2 5 10)"
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the extra run under tracemalloc"
    )
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario file")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="policy file")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the process to (default 0)")
    args = parser.parse_args(argv)
    if args.repeats < MIN_REPEATS:
        parser.error(f"--repeats must be at least {MIN_REPEATS}")
    if args.prospects is None:
        args.prospects = list(QUICK_PROSPECTS if args.quick else DEFAULT_PROSPECTS)
    if args.zones is None:
        args.zones = list(QUICK_ZONES if args.quick else DEFAULT_ZONES)
    if any(p <= 0 for p in args.prospects) or any(z < 1 for z in args.zones):
        parser.error("prospect factors must be > 0 and zone factors >= 1")
    args.prospects = sorted(set(args.prospects))
    args.zones = sorted(set(args.zones))
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the grid and print the table, the verdict and the growth exponents."""
    args = parse_args(argv)
    began = time.perf_counter()
    pinning = "not pinned (--no-pin)" if args.no_pin else pin_to_one_core(args.cpu)

    from izsim.scenario import load_policy, load_scenario

    base = load_scenario(args.scenario)
    policy = load_policy(args.policy)
    meta = base.scenario
    print(
        f"izsim scaling benchmark: {meta.name} {meta.start}..{meta.horizon} "
        f"({base.months} months), policy '{policy.id}'"
    )
    p_grid = ", ".join(f"{p:g}" for p in args.prospects)
    z_grid = ", ".join(str(z) for z in args.zones)
    print(
        f"Base case: {base.investors.prospects_per_month:g} prospects/month, "
        f"{len(base.zones)} zones.  Grid: prospects × {{{p_grid}}}, zones × {{{z_grid}}}; "
        f"{args.repeats} timed runs per point (seeds 0..{args.repeats - 1}) after 1 warm-up"
    )
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"CPU: {pinning}; load average at start {load_average()}")
    print()

    points: list[Point] = []
    for zf in args.zones:
        for pf in args.prospects:
            scenario = scaled_scenario(base, pf, zf)
            point = Point(prospect_factor=pf, zone_factor=zf, zones=len(scenario.zones))
            measure(scenario, policy, point, args.repeats, trace=not args.no_tracemalloc)
            points.append(point)

    print_table(points)
    print()
    print(
        "us/prosp = 1e6 · wall / prospects of the run (median over runs); "
        "us/(p·z) = us/prosp / zones; traced = tracemalloc peak of one run; "
        "maxrss = process high-water mark so far."
    )
    headline = next(
        (p for p in points if (p.prospect_factor, p.zone_factor) == HEADLINE),
        None,
    )
    if headline is not None:
        print(
            f"Headline case (10× prospects, 5× zones = {headline.zones} zones): median "
            f"{headline.wall:.4f} s per run, {headline.prospects_total:.0f} prospects, "
            f"{headline.us_per_prospect:.1f} us/prospect"
        )

    smallest = min(points, key=lambda p: (p.prospect_factor * p.zone_factor, p.zones))
    largest = max(points, key=lambda p: (p.prospect_factor * p.zone_factor, p.zones))
    if smallest is not largest:
        ratio = largest.us_per_prospect_zone / smallest.us_per_prospect_zone
        wall_ratio = largest.wall / smallest.wall
        size_ratio = (largest.prospects_total * largest.zones) / (
            smallest.prospects_total * smallest.zones
        )
        growth = (
            "cost grows at most linearly in prospects × zones over this grid"
            if ratio <= 1
            else "cost grows FASTER than prospects × zones"
        )
        print(
            f"Verdict: us per prospect×zone at ({largest.prospect_factor:g}×, "
            f"{largest.zone_factor}×) is {ratio:.2f}× that at ({smallest.prospect_factor:g}×, "
            f"{smallest.zone_factor}×) (wall {wall_ratio:.1f}× for {size_ratio:.0f}× "
            f"prospects·zones): {growth}."
        )
        lines, steps = growth_lines(points)
        print("Local growth exponents k = d log(wall) / d log(x) between neighbouring points:")
        for line in lines:
            print(line)
        steep = [(k, what) for k, what in steps if k > SUPERLINEAR_EXPONENT]
        if steep:
            k, what = max(steep)
            print(
                f"Super-linear step: wall grows as x^{k:.2f} for {what} "
                f"(> {SUPERLINEAR_EXPONENT}); the ratio above can still fall, as fixed per-run "
                "overhead dominates the small cases."
            )
        else:
            print(
                f"No super-linear step: every local exponent is <= {SUPERLINEAR_EXPONENT} "
                "(fixed per-run overhead keeps them below 1 at small sizes)."
            )
    rss = process_maxrss()
    print(f"Process maxrss at the end: {'n/a' if rss is None else f'{rss / MIB:.0f} MiB'}")
    print(f"Load average at the end: {load_average()}")
    print(f"Benchmark total time: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
