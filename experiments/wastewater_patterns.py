"""Can the wastewater mechanism produce the national patterns with parameters inside their
stated ranges? Runs every province under current practice (the baseline policy) and prints,
per province, the share of operating KCN and CCN (counted in clusters) with a plant built, in
operation (running) and compliant in December 2021, 2025 and 2030, the untreated share of
industrial wastewater by kind, and the enforcement it took (fines, orders to operate,
suspensions), each as median [5–95 %] over the replicates, beside the national record: about
88 % of operating KCN (ref:nat_kcn_2019h1_wwtp, nat_kcn_2019q3_wwtp, nat_kcn_2020q1_wwtp,
nat_kcn_2020_monre_wwtp) and 17 % of operating CCN (ref:nat_ccn_2018_wwtp,
nat_ccn_2021_wwtp_share) had a plant in operation, 2018–2021 (the patterns kcn_wwtp_2019_2020,
ccn_wwtp_2018 and ccn_wwtp_2021 of izsim/data/patterns.yaml, whose figures it prints).

    PYTHONPATH=src .venv/bin/python experiments/wastewater_patterns.py \\
        [--replicates 10] [--workers 2] [--set block.field=value ...]

Aggregate rows of existing CCN count as the clusters their ``cluster_count`` gives (the
scenarios carry it). ``--set`` changes a number
of every province's scenario (e.g. ``--set
wastewater.fee_cap_vnd_per_m3=12000``) to show what values inside a field's stated range do.
This is a look at what the mechanism *can* do, not a calibration (that comes with the
calibration issue): nothing is written back into the scenarios, and no plan target is looked at.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from izsim.calendar import month_index
from izsim.experiments.design import replicate_seeds
from izsim.indicators import INDICATOR_IDS
from izsim.patterns import shipped_patterns
from izsim.run import run
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
YEARS = ("2021", "2025", "2030")
SHARES = (  # (row label, indicator) read in December of each year
    ("KCN with a plant built, %", "wwtp_built_share_kcn"),
    ("KCN with a plant running, %", "wwtp_share_kcn"),
    ("KCN with a compliant plant, %", "wwtp_compliance_kcn"),
    ("CCN with a plant built, %", "wwtp_built_share_ccn"),
    ("CCN with a plant running, %", "wwtp_share_ccn"),
    ("CCN with a compliant plant, %", "wwtp_compliance_ccn"),
    ("untreated wastewater, KCN, %", "wastewater_untreated_pct_kcn"),
    ("untreated wastewater, CCN, %", "wastewater_untreated_pct_ccn"),
    ("untreated wastewater, outside zones, %", "wastewater_untreated_pct_outside"),
    ("wastewater fines issued since start, bn VND", "wastewater_fines_bn_vnd"),
    ("orders to operate an idle plant since start", "wwtp_operate_orders"),
    ("zones suspended from admitting tenants since start", "admission_suspensions"),
)
PLANT_PATTERNS = (("KCN", "kcn_wwtp_2019_2020"), ("CCN", "ccn_wwtp_2018"), ("CCN", "ccn_wwtp_2021"))


def record_line() -> str:
    """The national plant patterns the shares are set beside, as izsim/data/patterns.yaml
    gives them (one place for the figures and their tolerances)."""
    patterns = shipped_patterns().by_id()
    parts = []
    for kind, pattern_id in PLANT_PATTERNS:
        p = patterns[pattern_id]
        value = p.value if isinstance(p.value, tuple) else (p.value,)
        shown = "–".join(f"{v:g}" for v in value)
        dates = ", ".join(p.dates)
        parts.append(f"{kind} {shown} % ({dates}; tolerance {p.tolerance[0]:g}–{p.tolerance[1]:g})")
    return "national patterns, operating zones with a plant running: " + "; ".join(parts)


def with_settings(scenario: Scenario, settings: list[tuple[str, str, float]]) -> Scenario:
    """The scenario with ``(block, field, value)`` changed, sourced as the variation it is."""
    if not settings:
        return scenario
    return scenario.varied(
        {(block, field): value for block, field, value in settings},
        source="assumption: a value inside the stated range, set by"
        " experiments/wastewater_patterns.py",
    )


def parse_setting(text: str) -> tuple[str, str, float]:
    """``block.field=value`` as (block, field, value)."""
    name, _, value = text.partition("=")
    block, _, field = name.partition(".")
    if not (block and field and value):
        raise argparse.ArgumentTypeError(f"{text!r}: give block.field=value")
    return block, field, float(value)


def one_run(job: tuple[str, list[tuple[str, str, float]], int]) -> np.ndarray:
    """Rows (years) × shown indicators of one replicate of one province."""
    province, settings, seed = job
    scenario = with_settings(load_scenario(ROOT / "scenarios" / f"{province}.yaml"), settings)
    policy = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
    values = run(scenario, policy, seed).values
    rows = [month_index(f"{year}-12", scenario.scenario.start) for year in YEARS]
    columns = [INDICATOR_IDS.index(name) for _, name in SHARES]
    return values[np.ix_(rows, columns)]


def band(values: np.ndarray) -> str:
    """Median [5–95 %] of the replicates' values (– where no zone of the kind operates)."""
    clean = values[~np.isnan(values)]
    if not len(clean):
        return "–"
    low, mid, high = np.quantile(clean, [0.05, 0.5, 0.95])
    digits = 1 if high < 10 else 0
    return f"{mid:.{digits}f} [{low:.{digits}f}–{high:.{digits}f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--set", dest="settings", type=parse_setting, action="append", default=[])
    args = parser.parse_args()
    seeds = replicate_seeds(1, args.replicates)
    jobs = [(province, args.settings, seed) for province in PROVINCES for seed in seeds]
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        results = list(pool.map(one_run, jobs))
    settings = ", ".join(f"{b}.{f}={v:g}" for b, f, v in args.settings) or "scenario values"
    print(f"baseline policy, {settings}; median [5–95 %] over {args.replicates} replicates")
    print(record_line())
    width = max(len(label) for label, _ in SHARES)
    for p, province in enumerate(PROVINCES):
        runs = np.array(results[p * len(seeds) : (p + 1) * len(seeds)])  # seeds × years × shown
        print(f"\n{province}")
        print(" " * width + "".join(f"  {year:>16s}" for year in YEARS))
        for j, (label, _) in enumerate(SHARES):
            cells = "".join(f"  {band(runs[:, y, j]):>16s}" for y in range(len(YEARS)))
            print(f"{label:<{width}s}{cells}")


if __name__ == "__main__":
    main()
