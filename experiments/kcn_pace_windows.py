"""Where the typical back-cast's KCN pace is lost: the pace read over the records' two
sub-periods and after, year by year, and by how many of the province's KCN wait for their land
at the start.

    PYTHONPATH=src .venv/bin/python experiments/kcn_pace_windows.py [--runs 400] [--workers 2]
        [--seed 1] [--set establishment.national_kcn_approvals_per_year=1.0 …]
        [--what-if occupancy_operating …] [--out results/calibration/kcn_pace]

A diagnosis, not a calibration (issue 11; docs/calibration.md, "Where the KCN pace is lost"):
``--runs`` runs of ``scenarios/backcast/typical_2016.yaml`` (baseline policy) at its written
numbers, each its own seed (``replicate_seeds``), and the same runs with each ``--set`` number
changed alone, and under each ``--what-if`` alone (:mod:`izsim.experiments.what_ifs`: the
occupancy condition read over operating KCN or serviced land, a year of enquiries in
developers' view at the start), the same seeds. Each window is read as the fitted pattern
``kcn_pace_2016_2020`` reads its own (``patterns.measure_values``, its dates replaced), and a
window's pace is the mean of the runs' (as the calibration reads a set). Writes
``OUT/windows.csv`` (variant, window, runs, pace, its standard error, the record's pace),
``OUT/years.csv`` (variant, year, new KCN a province) and ``OUT/by_waiting.csv`` (variant, KCN
waiting at the start: 0, 1, 2 or more, runs, pace over the fitted window), and prints them.
"""

from __future__ import annotations

import argparse
import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic

from izsim.calendar import month_index
from izsim.errors import InputError, Problem, run_script
from izsim.experiments.design import replicate_seeds
from izsim.experiments.packages import at_least
from izsim.experiments.what_ifs import WHAT_IFS, what_if
from izsim.indicators import INDICATOR_IDS
from izsim.outputs import write_csv
from izsim.patterns import PACE_STOCKS, Pattern, measure_values, shipped_patterns
from izsim.run import run
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.parameters import parameters, with_values
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
POLICY = BACKCAST.parent / "policies" / "baseline.yaml"
PATTERN = "kcn_pace_2016_2020"
WINDOWS = (
    ("2016-06", "2018-12", 1.66),  # the records' first sub-period (its tolerance's low end)
    ("2018-12", "2020-03", 2.21),  # the second (its high end)
    ("2016-06", "2020-03", 1.87),  # the fitted pattern
    ("2020-03", "2023-12", None),  # after it (kcn_pace_2020_2023 reads 2.7–6.5 from 2021)
)
"""Each window and the record's pace over it (patterns.yaml, kcn_pace_2016_2020's sources)."""
FITTED = 2
"""The fitted pattern's own window among :data:`WINDOWS`."""
WAITING = "kcn_waiting_"
"""Ids of the typical province's KCN still waiting for their land at the start."""


def window_pattern(since: str, until: str) -> Pattern:
    """The fitted KCN pace pattern read over ``since`` → ``until`` instead."""
    pattern = shipped_patterns().by_id()[PATTERN]
    measure = pattern.measure.model_copy(update={"since": since, "until": until})
    return pattern.model_copy(update={"measure": measure})


def variant(scenario: Scenario, policy: Policy, setting: str | None) -> Scenario:
    """``scenario`` with one ``name=value`` changed (``name`` as `izsim params` lists it;
    None: as written)."""
    if setting is None:
        return scenario
    name, _, text = setting.partition("=")
    params = parameters(scenario, policy)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    problem = None
    if name not in {p.name for p in params} or not math.isfinite(value):
        problem = "give name=value: a number `izsim params` lists for the back-cast, and a value"
    else:
        try:
            return with_values(scenario, policy, {name: value}, params=params)[0]
        except pydantic.ValidationError as error:
            problem = f"the scenario refuses it: {error.errors()[0]['msg']}"
    raise InputError([Problem("--set", setting, problem)])


def one_run(job: tuple[str | None, str | None, int]) -> dict[str, object]:
    """One run's readings under one ``--set`` or one ``--what-if`` (or neither): each window's
    pace, new KCN by calendar year, KCN waiting."""
    setting, reading, seed = job
    policy = load_policy(POLICY)
    scenario = variant(load_scenario(BACKCAST), policy, setting)
    with what_if(reading):  # (in the worker: a patch made in the parent would not reach it)
        result = run(scenario, policy, seed)
    start = scenario.scenario.start
    paces = [
        measure_values(window_pattern(a, b), result.values, start, "typical").value
        for a, b, _ in WINDOWS
    ]
    established = result.values[:, INDICATOR_IDS.index("zones_established_kcn")]
    new = result.values[:, INDICATOR_IDS.index(PACE_STOCKS["zones_established_kcn"])]
    counted = float(established[0] - new[0])  # the stock before the start, as a pace reads it
    first = int(start[:4])
    years = {}
    for year in range(first, first + len(established) // 12):
        end = float(established[min(month_index(f"{year}-12", start), len(established) - 1)])
        years[year] = end - counted
        counted = end
    waiting = int(result.zones["zone"].str.startswith(WAITING).sum())
    return {"paces": paces, "years": years, "waiting": waiting}


def tables(
    readings: dict[str, list[dict[str, object]]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The windows', years' and waiting tables of every variant's runs."""
    windows, years, waiting = [], [], []
    for name, runs in readings.items():
        paces = np.array([r["paces"] for r in runs], dtype=float)
        for j, (since, until, record) in enumerate(WINDOWS):
            column = paces[:, j][np.isfinite(paces[:, j])]
            windows.append(
                {
                    "variant": name,
                    "window": f"{since} → {until}",
                    "runs": len(column),
                    "pace": column.mean(),
                    "standard_error": column.std(ddof=1) / np.sqrt(len(column)),
                    "record": record,
                }
            )
        for year in runs[0]["years"]:
            new = [r["years"][year] for r in runs]
            years.append({"variant": name, "year": year, "new_kcn_a_province": np.mean(new)})
        fitted = FITTED
        for label, match in (("0", (0,)), ("1", (1,)), ("2 or more", tuple(range(2, 99)))):
            mine = [r["paces"][fitted] for r in runs if r["waiting"] in match]
            waiting.append(
                {
                    "variant": name,
                    "waiting_at_start": label,
                    "runs": len(mine),
                    "pace": float(np.mean(mine)) if mine else float("nan"),
                }
            )
    return pd.DataFrame(windows), pd.DataFrame(years), pd.DataFrame(waiting)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # 400: a standard error of about 0.1 %/yr on the fitted window's pace (a tenth of the band)
    parser.add_argument("--runs", type=at_least(2), default=400)
    parser.add_argument("--workers", type=at_least(1), default=2)
    parser.add_argument("--seed", type=at_least(0), default=1)
    parser.add_argument("--set", action="append", default=[], dest="settings")
    parser.add_argument("--what-if", action="append", default=[], choices=WHAT_IFS)
    parser.add_argument("--out", type=Path, default=ROOT / "results/calibration/kcn_pace")
    args = parser.parse_args()
    for setting in args.settings:  # refused before any run
        variant(load_scenario(BACKCAST), load_policy(POLICY), setting)
    seeds = replicate_seeds(args.seed, args.runs)
    variants: list[tuple[str | None, str | None]] = [
        (None, None),
        *((setting, None) for setting in args.settings),
        *((None, name) for name in args.what_if),
    ]
    jobs = [(setting, reading, seed) for setting, reading in variants for seed in seeds]
    if args.workers == 1:  # (in this process: nothing to pickle, nothing to re-import)
        results = [one_run(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(one_run, jobs, chunksize=8))
    readings = {
        setting or (f"what-if {reading}" if reading else "written"): results[
            i * len(seeds) : (i + 1) * len(seeds)
        ]
        for i, (setting, reading) in enumerate(variants)
    }
    windows, years, waiting = tables(readings)
    args.out.mkdir(parents=True, exist_ok=True)
    for frame, file in (
        (windows, "windows.csv"),
        (years, "years.csv"),
        (waiting, "by_waiting.csv"),
    ):
        write_csv(args.out / file, frame)
    with pd.option_context("display.width", 160):
        print(windows.round(2).to_string(index=False))
        print()
        print(years.pivot(index="year", columns="variant", values="new_kcn_a_province").round(3))
        print()
        print(waiting.round(2).to_string(index=False))


if __name__ == "__main__":
    run_script(main)
