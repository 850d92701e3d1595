"""``compare``: the planners' question, as one function and one command.

"If we choose this package, how likely are we to meet each target of our plan, at what public
cost, compared with doing nothing new?" Replicate ``i`` runs every policy with the same seed;
runs are written as they finish; the tables are computed from what is on disk.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape

import izsim
from izsim.errors import InputError, Problem
from izsim.experiments import analysis
from izsim.experiments.budget import MAX_FACTOR, BudgetFit, fit_to_budget
from izsim.experiments.design import RunTask, design, replicate_seeds
from izsim.experiments.ensemble import find_ensemble, load_ensemble, stale
from izsim.experiments.runner import execute
from izsim.experiments.store import ResultStore
from izsim.experiments.uncertainty import DESIGN as UNCERTAINTY_DESIGN
from izsim.experiments.uncertainty import draw, drivers, drivers_text
from izsim.fingerprint import code_fingerprint
from izsim.outputs import atomic_write, copy_inputs, environment, json_text, write_csv
from izsim.scenario.load import file_sha256, find_policy, load_policy, load_scenario
from izsim.scenario.parameters import parameters
from izsim.scenario.policy import Policy

TABLES = ("scorecard", "comparison", "cost_effectiveness", "convergence")
FIT_SEEDS = 3


@dataclass
class CompareResult:
    """The tables of a comparison (also written as CSV files in ``out``)."""

    out: Path
    scorecard: pd.DataFrame
    comparison: pd.DataFrame
    cost_effectiveness: pd.DataFrame
    convergence: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    scale_factors: dict[str, float] = field(default_factory=dict)
    scaling: dict[str, BudgetFit] = field(default_factory=dict)
    """How each scaled package was fitted to the budget: factor, spending, levers at limit."""
    without_success: list[str] = field(default_factory=list)
    """Policies none of whose runs succeeded (their rows in the tables are empty)."""
    rerun: list[str] = field(default_factory=list)
    """Saved runs found damaged or not belonging to this comparison, each with the reason;
    they were run again."""
    outcomes: analysis.Outcomes | None = None
    """Every run's values at the targets' deadlines and at the horizon, by policy (what the
    tables are computed from), for analyses beyond them (``izsim levers``)."""
    extended_from: int | None = None
    """The replicates the folder held before this command extended it to more, if it did."""
    drivers: pd.DataFrame | None = None
    """With ``uncertainty``: per target and policy, how much each drawn parameter moves the
    probability of meeting it (:func:`izsim.experiments.uncertainty.drivers`)."""


def compare(
    scenario_file: str | Path,
    policies: list[str],
    *,
    replicates: int = 20,
    seed: int = 1,
    workers: int | None = None,
    out: str | Path | None = None,
    quiet: bool = False,
    reference: str | None = None,
    budget_bn_vnd_per_year: float | None = None,
    console: Console | None = None,
    on_done: Callable[[RunTask, str], None] | None = None,
    uncertainty: bool = False,
    calibrated: bool = True,
) -> CompareResult:
    """Compare policy packages on one scenario, with replicates and common random numbers.

    Args:
        scenario_file: the scenario YAML.
        policies: policy ids (files in ``policies/`` beside the scenario) or paths.
        replicates: runs per policy.
        seed: the experiment's seed; replicate seeds are spawned from it.
        workers: local processes (default: all cores); results do not depend on it.
        out: results folder (default ``results/<scenario id>-compare``). Running again into the
            same folder completes what is missing, and with more replicates extends it (the
            runs it holds are kept); fewer replicates, other code or a different comparison
            there is refused.
        quiet: no progress bar.
        reference: the policy others are compared with (default ``baseline`` if given, else
            the first).
        budget_bn_vnd_per_year: if given, every policy but the reference is scaled to spend
            this much a year on average (equal-cost comparison).
        console: where progress goes.
        on_done: called after each run (for tests).
        uncertainty: replicate i also draws parameter set i of the scenario's ranged numbers,
            the same under every policy (:mod:`izsim.experiments.uncertainty`); the scorecard
            then names the parameters that move each target's probability most.
        calibrated: with ``uncertainty``, take the numbers a calibrated ensemble holds from it
            (``calibrated/<scenario id>.yaml`` or ``calibrated/shared.yaml`` beside the
            scenario, :mod:`izsim.experiments.ensemble`) when there is one; False draws every
            ranged number from its prior.

    Returns:
        The tables; they are also written to ``out`` as CSV files.
    """
    scenario_file = Path(scenario_file)
    if replicates < 1:
        raise InputError([Problem("--replicates", "", f"{replicates}: must be at least 1")])
    if budget_bn_vnd_per_year is not None and not (
        math.isfinite(budget_bn_vnd_per_year) and budget_bn_vnd_per_year >= 0
    ):
        raise InputError(
            [Problem("--budget", "", f"{budget_bn_vnd_per_year}: give a finite amount, >= 0")]
        )
    if not policies or len(set(policies)) != len(policies):
        raise InputError([Problem("--policies", "", f"{policies}: give distinct policies")])
    scenario = load_scenario(scenario_file)
    loaded: dict[str, Policy] = {}
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    for name in policies:
        try:
            files[name] = find_policy(name, scenario_file, option="--policies")
            loaded[name] = load_policy(files[name])
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    ids = [loaded[name].id for name in policies]
    if len(set(ids)) != len(ids):
        raise InputError([Problem("--policies", "", f"two files share a policy id: {ids}")])
    by_id = {loaded[name].id: loaded[name] for name in policies}
    reference = reference or ("baseline" if "baseline" in by_id else ids[0])
    if reference not in by_id:
        raise InputError([Problem("--reference", "", f"'{reference}' is not among {ids}")])
    scale: dict[str, float] = {}
    fits: dict[str, BudgetFit] = {}
    short: list[str] = []
    if budget_bn_vnd_per_year is not None:
        programme = scenario.agencies.budget_bn_vnd_per_year
        if budget_bn_vnd_per_year > programme:
            short.append(
                f"the {budget_bn_vnd_per_year:g} bn VND budget is above the scenario's programme"
                f" budget ({programme:g} bn VND a year, agencies.budget_bn_vnd_per_year): no"
                " package spends more than that on average, whatever its levers"
            )
        fit_seeds = replicate_seeds(seed, FIT_SEEDS)
        for pid in ids:
            if pid != reference:
                fit = fit_to_budget(
                    scenario, by_id[pid], budget_bn_vnd_per_year, fit_seeds, by_id[reference]
                )
                by_id[pid], scale[pid], fits[pid] = fit.policy, fit.factor, fit
                reached = fit.spending_bn_vnd_per_year
                if not fit.reached_budget:
                    held = ", ".join(fit.at_limit()) or "none"
                    short.append(
                        f"'{pid}' {fit.shortfall()}, short of the {budget_bn_vnd_per_year:g}"
                        f" budget (×{fit.factor:.3f}; levers at their limit: {held}): compare it"
                        " by cost-effectiveness, not at equal cost"
                    )
                elif abs(reached - budget_bn_vnd_per_year) > 0.01 * budget_bn_vnd_per_year:
                    # spending jumps with discrete events (a zone taken up or not), so the
                    # solver can only land near the budget
                    short.append(
                        f"'{pid}' spends {reached:.1f} bn VND a year at ×{scale[pid]:.3f}, not"
                        f" exactly the {budget_bn_vnd_per_year:g} budget (spending jumps there)"
                    )
                if fit.unstated():
                    short.append(
                        f"'{pid}': no range stated in the sources of {', '.join(fit.unstated())};"
                        " scaled within the schema's bounds"
                        + (f" and at most ×{MAX_FACTOR:g}" if fit.most_factor >= MAX_FACTOR else "")
                    )
    out = Path(out) if out is not None else Path("results") / f"{scenario.scenario.id}-compare"
    # a copy: the fingerprint is shared by every caller in the process
    code = {**code_fingerprint(), "files": dict(code_fingerprint()["files"])}
    ensemble = None
    if uncertainty and calibrated:
        found = find_ensemble(scenario_file, scenario.scenario.id)
        if found is not None:
            ensemble = load_ensemble(found, parameters(scenario))
            if ensemble.provenance.status != "calibrated":
                # the calibration scripts never install one: a hand copy put it there
                raise InputError(
                    [
                        Problem(
                            str(found),
                            "calibration.status",
                            f"'{ensemble.provenance.status}': only a calibrated ensemble is used"
                            " as one; the calibration scripts install no provisional ensemble"
                            " here (it was copied by hand): remove it, or give --prior-only",
                        )
                    ]
                )
            old = stale(ensemble)
            if old is not None:
                short.append(old)
    uncertainty_config: dict[str, object] = {"design": UNCERTAINTY_DESIGN}
    if ensemble is not None:
        # only with an ensemble, so that folders of prior-only comparisons keep their identity
        uncertainty_config["ensemble"] = {"file": ensemble.path.name, "sha256": ensemble.sha256}
    config = {
        "izsim_version": izsim.__version__,
        # The sources too: code edited under the same version number makes other runs, and a
        # folder must not mix them.
        "code": code,
        # Python, platform and package versions belong to what the comparison is: runs made
        # under other versions may differ, so resuming under them is refused like any change.
        **environment(),
        "scenario": {"id": scenario.scenario.id, "sha256": file_sha256(scenario_file)},
        "policies": [
            {
                "id": loaded[n].id,
                "sha256": file_sha256(files[n]),
                "scale": scale.get(loaded[n].id),
                **({"scaling": fits[loaded[n].id].record()} if loaded[n].id in fits else {}),
            }
            for n in policies
        ],
        "reference": reference,
        "replicates": replicates,
        "seed": seed,
        "budget_bn_vnd_per_year": budget_bn_vnd_per_year,
        # only when asked for, so that folders of plain comparisons keep their identity
        **({"uncertainty": uncertainty_config} if uncertainty else {}),
    }
    store = ResultStore(out, config, months=scenario.months)
    with store.locked():
        store.open()
        store.clear_leftovers()
        if console is not None and store.extended_from is not None:
            console.print(
                f"extending {escape(str(out))} from {store.extended_from} to {replicates}"
                " replicates (the runs it holds are kept)",
                highlight=False,
            )
        # the manifest marks a finished comparison: gone until this one finishes
        (out / "manifest.json").unlink(missing_ok=True)
        tasks = design(ids, replicates, seed)
        rerun = []
        for task in tasks:
            reason = store.damage(task)
            if reason is not None:
                rerun.append(f"runs/{task.policy}/{task.name}: {reason}; it is run again")
        if console is not None:
            for line in rerun:
                console.print(f"[yellow]rerun[/]: {escape(line)}", highlight=False)
        began = time.perf_counter()
        if console is not None and uncertainty:
            source = (
                f"the calibrated ensemble {escape(str(ensemble.path))} ({len(ensemble.values)}"
                f" sets) for {len(ensemble.parameters)} numbers, priors for the rest"
                if ensemble is not None
                else "every ranged number from its prior (no calibrated ensemble used)"
            )
            console.print(f"uncertainty: {source}", highlight=False)
        sets = draw(scenario, replicates, seed, ensemble) if uncertainty else None
        counts = execute(
            tasks,
            scenario,
            by_id,
            store,
            workers=workers or os.cpu_count() or 1,
            quiet=quiet,
            console=console,
            on_done=on_done,
            parameter_sets=sets,
        )
        outcomes = analysis.collect(store, tasks, scenario)
        table = analysis.scorecard(scenario, ids, outcomes)
        moved = None
        if sets is not None:
            moved = drivers(
                sets, analysis.met_by_replicate(scenario, outcomes), outcomes.replicates
            )
            table["moved_most_by"] = [
                drivers_text(moved, row.target, row.policy) if row.status == "modelled" else ""
                for row in table.itertuples()
            ]
            write_csv(out / "uncertainty_drivers.csv", moved)
            write_csv(out / "parameter_sets.csv", sets.frame())
        result = CompareResult(
            out=out,
            scorecard=table,
            comparison=analysis.comparison(scenario, ids, reference, outcomes),
            cost_effectiveness=analysis.cost_effectiveness(scenario, ids, reference, outcomes),
            convergence=analysis.convergence(scenario, ids, outcomes),
            warnings=short + analysis.warnings(scenario, ids, outcomes),
            counts=counts,
            scale_factors=scale,
            scaling=fits,
            without_success=[pid for pid in ids if not outcomes.replicates.get(pid)],
            rerun=rerun,
            outcomes=outcomes,
            extended_from=store.extended_from,
            drivers=moved,
        )
        for name in TABLES:
            write_csv(out / f"{name}.csv", getattr(result, name))
        store.write_combined(tasks)
        copies = copy_inputs(out, scenario_file, [files[n] for n in policies])
        scenario_entry = {
            "name": scenario.scenario.name,
            "file": str(scenario_file),
            "copy": copies.by_source[str(scenario_file)],
        }
        if copies.records is not None:  # records outside the scenario's folder
            scenario_entry["records_copy"] = copies.records
        manifest = {
            "kind": "compare",
            "config": config,
            "scenario": scenario_entry,
            "policies": {
                loaded[n].id: {
                    "name": loaded[n].name,
                    "file": str(files[n]),
                    "copy": copies.by_source[str(files[n])],
                }
                for n in policies
            },
            "runs": [
                {**store.record(t)} for t in sorted(tasks, key=lambda t: (t.policy, t.replicate))
            ],
            "this_invocation": {
                **counts,
                "wall_seconds": round(time.perf_counter() - began, 3),
                # only when it happened, so other manifests keep their keys
                **(
                    {"extended_from_replicates": store.extended_from}
                    if store.extended_from is not None
                    else {}
                ),
            },
            "warnings": result.warnings,
            "rerun": rerun,
        }
        text = json_text(manifest)
        atomic_write(out / "manifest.json", lambda p: p.write_text(text, encoding="utf-8"))
    return result
