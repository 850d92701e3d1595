"""Move one scenario number at a time and see what it does: every province under one policy
(the baseline by default) with the number at each value given, on the same replicate seeds
(paired), against its own value.

    .venv/bin/python experiments/one_at_a_time.py developers.target_vacancy_pct 10 35
    .venv/bin/python experiments/one_at_a_time.py investors.track_record_cap 2 5 --replicates 10
    .venv/bin/python experiments/one_at_a_time.py agencies.public_ccn_takeups_per_month 0 3 \
        --policy infrastructure_first

Prints, per province and value, the median over replicates of the paired difference from the
scenario's own value in a few indicators at the horizon (and the median level at the own value).
Nothing is written. Measure each lever or constant alone before believing a package's effect.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from izsim.experiments.design import replicate_seeds
from izsim.indicators import INDICATOR_IDS
from izsim.run import run
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
SHOWN = (
    "occupancy_rate_kcn",
    "occupancy_rate_ccn",
    "new_zones_kcn",
    "new_zones_ccn",
    "wwtp_share_ccn",
    "wastewater_untreated_pct",
    "rent_usd_m2",
    "jobs_industry",
    "industrial_output_bn_vnd",
)


def varied(scenario: Scenario, block: str, field: str, value: float) -> Scenario:
    """The scenario with one number changed, sourced as the variation it is."""
    return scenario.varied(
        {(block, field): value},
        source="assumption: one-at-a-time variation by experiments/one_at_a_time.py",
    )


def horizon(scenario: Scenario, policy: Policy, seeds: list[int]) -> np.ndarray:
    """Runs × shown indicators at the last month."""
    columns = [INDICATOR_IDS.index(name) for name in SHOWN]
    return np.array([run(scenario, policy, seed).values[-1, columns] for seed in seeds])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("number", help="block.field, e.g. developers.target_vacancy_pct")
    parser.add_argument("values", type=float, nargs="+")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--policy", default="baseline", help="a package in scenarios/policies/")
    args = parser.parse_args()
    policy = load_policy(ROOT / "scenarios" / "policies" / f"{args.policy}.yaml")
    block, field = args.number.split(".", 1)
    seeds = replicate_seeds(1, args.replicates)
    print(
        f"{args.number} under '{args.policy}': median paired difference at the horizon,"
        f" {args.replicates} replicates"
    )
    print(f"{'':24}" + "".join(f"{name[:22]:>24}" for name in SHOWN))
    for province in PROVINCES:
        scenario = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
        own = getattr(getattr(scenario, block), field)
        base = horizon(scenario, policy, seeds)
        levels = np.nanmedian(base, axis=0)
        print(f"{province} at {own:g}".ljust(24) + "".join(f"{v:>24,.1f}" for v in levels))
        for value in args.values:
            other = horizon(varied(scenario, block, field, value), policy, seeds)
            diff = np.nanmedian(other - base, axis=0)
            print(f"  {value:g}".ljust(24) + "".join(f"{v:>+24,.1f}" for v in diff))


if __name__ == "__main__":
    main()
