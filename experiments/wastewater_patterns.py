"""Can the wastewater mechanism produce the national pattern with parameters inside their
stated ranges? Runs every province under current practice (the baseline policy) over a small
grid of the plant-economics assumptions and prints, at the end of 2025, the share of operating
KCN and CCN with a plant in operation and with a compliant one, beside the national record
(about 88 % of operating KCN and 17 % of operating CCN had a plant in operation, 2018–2021).

    .venv/bin/python experiments/wastewater_patterns.py [--replicates 10]

This is a look at what the mechanism *can* do, not a calibration (that comes with the
calibration issue): nothing is written back into the scenarios. Nghệ An's existing CCN are three
aggregates of 120–245 ha (many clusters each), so their plants enjoy economies of scale no
single cluster has.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
from one_at_a_time import varied  # experiments/ is the script's folder

from izsim.calendar import month_index
from izsim.experiments.design import replicate_seeds
from izsim.indicators import INDICATOR_IDS
from izsim.run import run
from izsim.scenario.load import load_policy, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an")
# Each value inside the range its scenario source states.
GRID = {
    "fee_vnd_per_m3": (10_000, 14_000),
    "operating_cost_fixed_pct_per_year": (3.0, 2.0),
    "ccn_connected_pct": (60.0, 30.0),
}
SHOWN = ("wwtp_share_kcn", "wwtp_share_ccn", "wwtp_compliance_kcn", "wwtp_compliance_ccn")
MONTH = "2025-12"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=10)
    args = parser.parse_args()
    policy = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
    seeds = replicate_seeds(1, args.replicates)
    names = list(GRID)
    print(f"median over {args.replicates} replicates at {MONTH}, %: " + ", ".join(SHOWN))
    print("national record: KCN with a plant 88–89 (2019–20); CCN with a plant 17–18 (2018–21)\n")
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(names, values, strict=True))
        print(", ".join(f"{k} {v:g}" for k, v in setting.items()))
        for province in PROVINCES:
            scenario = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
            for name, value in setting.items():
                scenario = varied(scenario, "wastewater", name, value)
            at = month_index(MONTH, scenario.scenario.start)
            columns = [INDICATOR_IDS.index(name) for name in SHOWN]
            rows = [run(scenario, policy, seed).values[at, columns] for seed in seeds]
            medians = np.nanmedian(np.array(rows), axis=0)
            print(f"  {province:12s} " + "  ".join(f"{m:5.0f}" for m in medians))


if __name__ == "__main__":
    main()
