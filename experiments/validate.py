"""Validation: the held-out patterns and each province's plan targets, prior against calibrated.

    .venv/bin/python experiments/validate.py [--draws 200] [--workers 2] [--seed 1]
        [--out results/validation]

Run once, after calibration (``experiments/calibrate_shared.py``, ``calibrate_province.py``);
docs/validation.md is written from what it prints and leaves in ``--out``. What it reads is
checked before anything runs: the shared calibration's ``accepted.csv`` and ``ensemble.yaml``,
and an ensemble for every province (none is a clear error, not a silent fall-back to priors);
an ensemble calibrated on a scenario that has changed since is run all the same, with a warning.

1. **National held-out patterns** on the typical back-cast: ``--draws`` parameter sets drawn
   as ``izsim compare --uncertainty`` draws them, from the priors and again with the shared
   calibration's accepted sets (``results/calibration/shared/accepted.csv``, which also holds
   the typical province's own fitted numbers), each run once with its own seed; a pattern's
   band is 5–95 % of the runs' readings. The accepted sets are taken as an ensemble
   (:func:`backcast_ensemble`) and drawn from as every ensemble is
   (:func:`izsim.experiments.uncertainty.draw`). The same runs read the checks added after
   fitting (:data:`ADDED_AFTER_FITTING`), each beside its record.
2. **Each province** (the five shipped scenarios, 2021–2030): the same draws from priors and
   with the province's calibrated ensemble (``scenarios/calibrated/``, as ``compare
   --uncertainty`` finds it, else the provisional one the calibration left in
   ``results/calibration/``); the held-out patterns the province can read, a few indicators
   at the end of 2025 and 2030 (:data:`OUTLOOK`), and every modelled target: its value's
   5–50–95 % at the deadline and the share of runs meeting it.

A pattern's *mean* over the runs is what a national figure is compared with on the typical
back-cast (the mean of many provinces' draws); on a province, a national pattern's band is
one province's, a noisy look.

Each set of runs is a sweep on given points (``OUT/<scenario>-<prior|calibrated>/``), so an
interrupted validation resumes; runs that failed are counted per study (printed, and in
``OUT/runs.csv``), the bands being over the others. Held-out patterns are read here and nowhere
before.
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import numpy as np
import pandas as pd

from izsim.errors import InputError, Problem, run_script
from izsim.experiments.ensemble import Ensemble, find_ensemble, load_ensemble, shown_path, stale
from izsim.experiments.packages import at_least, folder_or_absent
from izsim.experiments.space import ALL_RANGED, pattern_outputs, uncertain, write_space
from izsim.experiments.sweep import sweep
from izsim.experiments.uncertainty import draw
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import Parameter, parameters
from izsim.scenario.records import shipped_records
from izsim.scenario.schema import Scenario

_scenario = functools.cache(load_scenario)
"""A scenario file read once a run of the script (a study asks for it several times)."""

ROOT = Path(__file__).resolve().parents[1]
BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
CALIBRATIONS = ROOT / "results" / "calibration"
"""Where the calibration scripts leave their ensembles (``<name>/ensemble.yaml``), installed
or not, and the shared one its accepted sets (``shared/accepted.csv``)."""
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
OUTLOOK = (
    "industrial_output_bn_vnd",
    "jobs_industry",
    "zones_operating_kcn",
    "occupancy_rate_kcn",
    "zones_operating_ccn",
    "wwtp_share_kcn",
)
"""Indicators each province's baseline is read on at the end of 2025 and of 2030."""
YEARS = ("2025-12", "2030-12")
ADDED_AFTER_FITTING = (
    ("occupancy_established_kcn", "2016-06", "nat_kcn_2016_occ_all"),
    ("occupancy_established_kcn", "2019-11", "nat_kcn_2019nov_occ_all"),
    ("occupancy_established_kcn", "2022-06", "nat_kcn_2022_occ_all"),
    ("occupancy_established_kcn", "2023-10", "nat_kcn_2023oct_occ_all"),
    ("occupancy_established_kcn", "2023-12", "nat_kcn_2023_occ_all"),
)
"""National records read on the typical back-cast as checks added after the seventh
calibration (indicator, month, record): occupancy over all established KCN, which the patterns
leave out because no indicator measured it when the split was chosen (patterns.yaml,
``meta.left_out``). Nothing was fitted to them and no input cites them; each run's reading is
set beside the record, with no tolerance (none was set before the runs were seen). The 2022
record, published on 4 July 2022, is read as of June, as ``kcn_occupancy_2022_2023`` reads its
own."""


def held_out(scenario: Scenario) -> list[str]:
    """Held-out patterns a run of ``scenario`` may read: national ones, and its province's
    (``province_id``: a back-cast's patterns are read on its province, as a space reads them)."""
    province = scenario.scenario.province_id
    return [p.id for p in shipped_patterns().patterns if p.split == "test" and p.read_on(province)]


def space_file(out: Path, scenario_file: Path, patterns: list[str], targets: bool) -> Path:
    """A space of every ranged number (the draws set them all) with the outputs to read."""
    scenario = _scenario(scenario_file)
    outputs = pattern_outputs(patterns)
    if scenario_file == BACKCAST:
        outputs += [
            {"id": check_id(name, month), "indicator": name, "at": month}
            for name, month, _ in ADDED_AFTER_FITTING
        ]
    if targets:
        outputs += [
            {"id": f"{name}.{month[:4]}", "indicator": name, "at": month}
            for name in OUTLOOK
            for month in YEARS
        ]
        for t in scenario.targets:
            if t.not_modelled is None:
                outputs.append({"id": t.id, "target": t.id})
                outputs.append({"id": f"{t.id}.met", "target": t.id, "measure": "met"})
    return write_space(out / f"{scenario.scenario.id}.space.yaml", ALL_RANGED, outputs)


def check_id(indicator: str, month: str) -> str:
    """The output id of a check added after fitting (a space's ids hold no hyphen)."""
    return f"{indicator}.m{month.replace('-', '_')}"


def params_of(scenario_file: Path) -> list[Parameter]:
    scenario = _scenario(scenario_file)
    return parameters(scenario, load_policy(scenario_file.parent / "policies" / "baseline.yaml"))


def points(scenario_file: Path, draws: int, seed: int, ensemble: Ensemble | None) -> np.ndarray:
    """``draws`` sets over every ranged number, as ``compare --uncertainty`` draws them
    (:func:`draw`: from the priors, with ``ensemble``'s sets for the numbers it holds)."""
    sets = draw(_scenario(scenario_file), draws, seed, ensemble)
    frame = pd.DataFrame(sets.values, columns=sets.names)
    return frame[[p.name for p in uncertain(params_of(scenario_file))]].to_numpy()


def province_ensemble(scenario_file: Path) -> Ensemble:
    """The ensemble a province's calibrated runs draw from: the installed one (as ``compare
    --uncertainty`` finds it), else the one a calibration left, provisional, in
    :data:`CALIBRATIONS` (the province's own, else the shared one). Validation reads a
    provisional one all the same: how it fares is what says why it is not installed.

    Raises:
        InputError: there is none (run the shared calibration first).
    """
    scenario_id = _scenario(scenario_file).scenario.id
    left = [CALIBRATIONS / name / "ensemble.yaml" for name in (scenario_id, "shared")]
    found = find_ensemble(scenario_file, scenario_id) or next(
        (path for path in left if path.is_file()), None
    )
    if found is None:
        installed = scenario_file.parent / "calibrated"
        raise InputError(
            [
                Problem(
                    str(scenario_file),
                    "",
                    f"no ensemble for {scenario_id}: none installed in {installed}/ and none"
                    f" left by a calibration ({left[0]}, {left[1]}); run"
                    " experiments/calibrate_shared.py first (its ensemble serves every"
                    " province), then this again",
                )
            ]
        )
    return load_ensemble(found, params_of(scenario_file))


def backcast_ensemble() -> Ensemble:
    """The shared calibration's accepted sets (``CALIBRATIONS/shared/accepted.csv``) as an
    ensemble of the typical back-cast: its shared numbers and the typical province's own (its
    demand and outside options, fitted alongside but not saved in ``ensemble.yaml``), with
    that ``ensemble.yaml``'s provenance.

    Raises:
        InputError: either file is missing, or the table is not the ensemble's.
    """
    folder = CALIBRATIONS / "shared"
    accepted, saved = folder / "accepted.csv", folder / "ensemble.yaml"
    run = "run experiments/calibrate_shared.py first (validation reads its accepted sets)"
    missing = [
        Problem(str(path), "", f"no such file: {run}")
        for path in (accepted, saved)
        if not path.is_file()
    ]
    if missing:
        raise InputError(missing)
    params = params_of(BACKCAST)
    shared = load_ensemble(saved, params)
    try:
        table = pd.read_csv(accepted)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(accepted), "", f"is not a CSV table: {error}")]) from None
    ranged = {p.name for p in params if p.range is not None}
    names = [c for c in table.columns if c in ranged]
    absent = [n for n in shared.parameters if n not in names]
    if absent or table.empty:
        what = f"lacks the columns {', '.join(absent)}" if absent else "has no accepted set"
        raise InputError([Problem(str(accepted), "", f"{what}, which {saved} holds: {run}")])
    return Ensemble(accepted, names, table[names].to_numpy(dtype=float), shared.provenance)


def inputs(provinces: list[str]) -> dict[Path, Ensemble]:
    """Every scenario validated, with the ensemble its calibrated runs draw from; every
    problem at once, before anything runs. An ensemble calibrated on a scenario that has
    changed since is used, with a warning."""
    found: dict[Path, Ensemble] = {}
    problems: list[Problem] = []
    for scenario_file in [BACKCAST, *[ROOT / "scenarios" / f"{p}.yaml" for p in provinces]]:
        try:
            found[scenario_file] = (
                backcast_ensemble()
                if scenario_file == BACKCAST
                else province_ensemble(scenario_file)
            )
        except InputError as error:
            problems += [p for p in error.problems if p not in problems]
    if problems:
        raise InputError(problems)
    warned = set()
    for ensemble in found.values():
        old = stale(ensemble, ROOT)
        if old is not None and old not in warned:
            warned.add(old)
            print(f"warning: {old}")
    return found


def shown(path: Path) -> str:
    """``path`` relative to the repository where it lies inside it (as the tables name it)."""
    return shown_path(path, ROOT)


def band(values: pd.Series) -> str:
    found = values.dropna()
    if found.empty:
        return "no value"
    low, mid, high = np.quantile(found, [0.05, 0.5, 0.95])
    return f"{mid:.3g} [{low:.3g}–{high:.3g}]"


def spread(values: pd.Series) -> dict[str, float]:
    """Mean and 5 and 95 % quantiles of a reading's runs (NaN with none)."""
    if not len(values):
        return {"mean": np.nan, "p5": np.nan, "p95": np.nan}
    return {"mean": values.mean(), "p5": values.quantile(0.05), "p95": values.quantile(0.95)}


def study(
    scenario_file: Path, ensemble: Ensemble, args: argparse.Namespace, *, targets: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prior and calibrated (from ``ensemble``) runs of a scenario: one row per output and
    kind; and one row per kind counting the runs and those that failed (with the first
    error), which the bands leave out."""
    scenario = _scenario(scenario_file)
    scenario_id = scenario.scenario.id
    patterns = held_out(scenario)
    space = space_file(args.out, scenario_file, patterns, targets)
    tolerance = {p.id: p.tolerance for p in shipped_patterns().patterns}
    informed = shipped_patterns().meta.informed
    rows, counts = [], []
    for kind, drawn_from in (("prior", None), ("calibrated", ensemble)):
        result = sweep(
            scenario_file,
            space_file=space,
            points=points(scenario_file, args.draws, args.seed, drawn_from),
            seed=args.seed,
            workers=args.workers,
            out=args.out / f"{scenario_id}-{kind}",
            quiet=True,
            # each draw its own seed, as each replicate of `compare --uncertainty` has: with
            # the sweep's shared seed, all the draws had one run's chance (and, on the typical
            # back-cast, one province's zones: presence_pct)
            seeds_per_set=True,
        )
        failed = result.outputs[result.outputs["status"] != "ok"]
        counts.append(
            {
                "scenario": scenario_id,
                "kind": kind,
                "runs": len(result.outputs),
                "failed": len(failed),
                "first_error": failed["error"].iloc[0] if len(failed) else "",
                "ensemble": shown(drawn_from.path) if drawn_from is not None else "",
            }
        )
        table = result.outputs[result.outputs["status"] == "ok"]
        for pattern in patterns:
            low, high = tolerance[pattern]
            values = table[pattern].dropna()
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": pattern,
                    "kind": kind,
                    "what": "held-out pattern" + (" (informed)" if pattern in informed else ""),
                    "band": band(values),
                    "tolerance": f"[{low:g}, {high:g}]",
                    **spread(values),
                    "within_pct": 100 * ((values >= low) & (values <= high)).mean()
                    if len(values)
                    else np.nan,
                    "runs": len(values),
                }
            )
        records = shipped_records()
        for name, month, record in ADDED_AFTER_FITTING:
            column = check_id(name, month)
            if column not in table.columns:
                continue
            values = table[column].dropna()
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": column,
                    "kind": kind,
                    "what": f"check added after fitting (ref:{record})",
                    "band": band(values),
                    "record": records[record].value,
                    **spread(values),
                    "runs": len(values),
                }
            )
        outlook = [f"{name}.{month[:4]}" for name in OUTLOOK for month in YEARS]
        for column in [c for c in outlook if c in table.columns]:
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": column,
                    "kind": kind,
                    "what": "baseline",
                    "band": band(table[column]),
                    "mean": table[column].mean(),
                    "runs": int(table[column].notna().sum()),
                }
            )
        for column in [c for c in table.columns if c.endswith(".met")]:
            target = column.removesuffix(".met")
            rows.append(
                {
                    "scenario": scenario_id,
                    "output": target,
                    "kind": kind,
                    "what": "plan target",
                    "band": band(table[target]),
                    "met_pct": 100 * table[column].mean(),
                    "runs": int(table[column].notna().sum()),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=at_least(1), default=200)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--seed", type=at_least(0), default=1)
    parser.add_argument("--out", type=folder_or_absent, default=ROOT / "results" / "validation")
    parser.add_argument("--province", choices=PROVINCES, action="append")
    args = parser.parse_args()
    ensembles = inputs(list(dict.fromkeys(args.province or PROVINCES)))  # before any run
    frames, counts = [], []
    for scenario_file, ensemble in ensembles.items():
        rows, runs = study(scenario_file, ensemble, args, targets=scenario_file != BACKCAST)
        frames.append(rows)
        counts.append(runs)
    table = pd.concat(frames, ignore_index=True)
    table.to_csv(args.out / "validation.csv", index=False)
    runs = pd.concat(counts, ignore_index=True)
    runs.to_csv(args.out / "runs.csv", index=False)
    pd.set_option("display.width", 200)
    for scenario_id, group in table.groupby("scenario", sort=False):
        print(f"\n{scenario_id}")
        for count in runs[runs["scenario"] == scenario_id].itertuples():
            error = f" (first: {count.first_error[:200]})" if count.failed else ""
            print(f"{count.kind}: {count.runs} runs, {count.failed} failed{error}")
        index = ["what", "output"]
        wide = group.pivot_table(index=index, columns="kind", values="band", aggfunc="first")
        wide = wide[["prior", "calibrated"]]
        for column in ("mean", "met_pct"):
            if group[column].notna().any():
                values = group.pivot_table(index=index, columns="kind", values=column)
                for kind in ("prior", "calibrated"):
                    wide[f"{column} {kind}"] = values[kind].round(1)
        wide["tolerance"] = group.groupby(index)["tolerance"].first()
        if group["record"].notna().any():
            wide["record"] = group.groupby(index)["record"].first()
        # blanks without fillna(""): text in float columns, which pandas warns of (to raise)
        print(wide.to_string(na_rep=""))


if __name__ == "__main__":
    run_script(main)
