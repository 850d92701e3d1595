"""The patterns (izsim/data/patterns.yaml) read on today's runs: which a shipped scenario can
measure, what the model gives there, and why the others need another run (most need a
back-cast: a scenario that starts before 2021).

    PYTHONPATH=src .venv/bin/python experiments/pattern_readings.py [--replicates 20]
        [--province P ...] [--policy baseline]

    --province typical_2016 reads the typical-province back-cast (2016–2023);
    --province tuyen_quang_2015 the back-cast of Tuyên Quang (2015–2023), on which Tuyên
    Quang's patterns are read (its scenario.province).

For each province and pattern: the split (fit or test), the tolerance, the model's median
[5–95 %] over the replicates (seeds ``replicate_seeds(1, N)``, as experiments/baselines.py)
and the share of replicates whose every reading lies in the tolerance; or the reason it has no
value. A held-out (test) pattern's reading is not printed unless ``--show-held-out`` is given:
that it can be measured is shown, but its value is for the validation after fitting, and a
number seen before fitting would steer it. A national pattern is read on each province as on
a draw of a typical province, so one province's reading of a national average is a noisy
look, not a verdict.

A look, not a calibration (issue 11): nothing is tuned or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from izsim.errors import InputError
from izsim.experiments.design import replicate_seeds
from izsim.experiments.packages import at_least
from izsim.patterns import Measurement, measure_all, shipped_patterns
from izsim.run import run
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.load import find_policy

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
BACKCASTS = {
    name: ROOT / "scenarios" / "backcast" / f"{name}.yaml"
    for name in ("typical_2016", "tuyen_quang_2015")
}
"""Back-cast scenarios, read only when named with --province (each with its policies beside
it): the typical province of 2016–2023 and Tuyên Quang of 2015–2023
(scenarios/backcast/README.md)."""


def summary(readings: list[Measurement], *, hidden: bool = False) -> str:
    """Median [5–95 %] of the replicates' values and the share within the tolerance, or the
    first replicate's reason for having none; ``hidden``: only how many have a value."""
    found = [m for m in readings if m.value is not None]
    if not found:
        return f"no value: {readings[0].reason}"
    if hidden:
        return f"measurable in {len(found)} of {len(readings)} replicates (held out: not shown)"
    low, mid, high = np.quantile([m.value for m in found], [0.05, 0.5, 0.95])
    within = 100 * np.mean([bool(m.within) for m in found])
    missing = len(readings) - len(found)
    extra = f"; {missing} replicates without a value" if missing else ""
    return f"{mid:.2f} [{low:.2f}–{high:.2f}], within in {within:.0f} %{extra}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=at_least(1), default=20)
    parser.add_argument(
        "--policy", default="baseline", help="a policy id (policies/ beside the scenario) or file"
    )
    parser.add_argument(
        "--province",
        choices=(*PROVINCES, *BACKCASTS),
        action="append",
        help="default: the shipped provinces (a back-cast only when named)",
    )
    parser.add_argument(
        "--show-held-out", action="store_true", help="print held-out readings (validation only)"
    )
    args = parser.parse_args()
    inputs = {}
    problems = []
    for province in args.province or PROVINCES:  # every input checked before any run
        path = BACKCASTS.get(province, ROOT / "scenarios" / f"{province}.yaml")
        try:
            inputs[province] = (load_scenario(path), load_policy(find_policy(args.policy, path)))
        except InputError as error:
            problems += error.problems
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    patterns = shipped_patterns()
    seeds = replicate_seeds(1, args.replicates)
    print(f"{args.policy} policy, {args.replicates} replicates; median [5–95 %] of the readings")
    for province, (scenario, policy) in inputs.items():
        runs = [measure_all(patterns, run(scenario, policy, seed)) for seed in seeds]
        print(f"\n{province} ({scenario.scenario.start} to {scenario.scenario.horizon})")
        for i, pattern in enumerate(patterns.patterns):
            # a back-cast is read on its province's patterns (scenario.province)
            if not pattern.read_on(scenario.scenario.province_id):
                continue
            low, high = pattern.tolerance
            hidden = pattern.split == "test" and not args.show_held_out
            tolerance = f"[{low:g}–{high:g}]"
            print(
                f"  {pattern.id:30} {pattern.split:4} {tolerance:12} {pattern.unit:9}"
                f" {summary([r[i] for r in runs], hidden=hidden)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
