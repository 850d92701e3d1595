"""A parameter sweep: a design over a space of parameters, every run measured, then analysed.

The pipeline is SALib's (sample, evaluate, analyse) and the EMA Workbench's split of model,
sampler, evaluator and analysis:

1. **Design** (:mod:`izsim.experiments.sensitivity`): ``samples`` parameter sets drawn by LHS, a
   grid, Morris trajectories or Sobol' (Saltelli) over the space file's parameters.
2. **Evaluate**: each set runs ``replicates`` times, replicate ``r`` with the same seed for every
   set (common random numbers: differences between sets are the parameters', not the dice);
   runs go in batches to a backend (:mod:`izsim.experiments.backends`) and only their outputs
   come back (time series on request).
3. **Analyse**: the mean of each output over the replicates of a set goes to SALib (Morris μ*,
   σ; Sobol S1, ST with confidence intervals) or, for LHS and grids, Spearman rank
   correlations; runs that miss a target go to scenario discovery (PRIM).

```
DIR/
  config.json           the study (scenario, policy and space files with their hashes, design,
                        seed, izsim's code fingerprint); samples and replicates in size.json
  size.json             samples and replicates asked for; growing them extends the study
  batches/s0000000-0000016.r0003.json   the outputs of one batch of runs, written whole
  series/…parquet       (with --series) each batch's time series
  outputs.parquet       one row per run: sample, replicate, seed, status, parameters, outputs
  sensitivity.csv       output, factor, index, value, conf
  discovery.csv         for each target: where in the space runs miss it (PRIM)
  figures/              sensitivity figures (izsim.present.sensitivity)
```

A batch's file is written whole (temporary name, then renamed), so a killed sweep loses at most
the batches in flight; running the command again runs only what is missing.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from izsim.errors import InputError, Problem
from izsim.experiments.backends import backend
from izsim.experiments.design import replicate_seeds
from izsim.experiments.space import Space, load_space
from izsim.outputs import atomic_write, folder_lock, json_text, write_parquet
from izsim.scenario.load import file_sha256, find_policy, load_policy, load_scenario
from izsim.scenario.parameters import parameters, with_values

Design = Literal["lhs", "grid", "morris", "sobol"]
DESIGNS: tuple[str, ...] = ("lhs", "grid", "morris", "sobol")
GIVEN = "given"
"""The design of a sweep run on the caller's points (``sweep(points=...)``)."""
PREFIX_STABLE = ("morris", "sobol")
"""Designs whose first rows do not change when more samples are asked for (sensitivity.py)."""
BATCH = 16
"""Parameter sets per batch: enough to make a task's overhead small next to its runs (a run
takes 0.03–0.1 s), few enough that an interruption loses little. Results do not depend on it."""


@dataclass(frozen=True)
class Batch:
    """Runs of parameter sets ``start`` to ``end - 1`` at replicate ``replicate``."""

    start: int
    end: int
    replicate: int
    seed: int

    @property
    def name(self) -> str:
        return f"s{self.start:07d}-{self.end:07d}.r{self.replicate:04d}"


@dataclass
class SweepResult:
    """What a sweep leaves: its tables (also written to ``out``)."""

    out: Path
    outputs: pd.DataFrame
    sensitivity: pd.DataFrame
    discovery: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _context_work(context: dict[str, Any], batch: Batch) -> list[dict[str, Any]]:
    """Run one batch (in a worker): every parameter set of it at the batch's replicate."""
    from izsim.run import run

    scenario, policy, params = context["scenario"], context["policy"], context["params"]
    space: Space = context["space"]
    names = space.names
    records = []
    for sample in range(batch.start, batch.end):
        row = context["values"][sample]
        record: dict[str, Any] = {"sample": sample, "replicate": batch.replicate}
        try:
            # the dummies are the row's last columns, and nothing reads them
            values = dict(zip(names, map(float, row[: len(names)]), strict=True))
            varied, chosen = with_values(scenario, policy, values, params=params)
            seed = set_seed(batch.seed, sample) if context.get("seeds_per_set") else batch.seed
            record["seed"] = seed
            result = run(varied, chosen, seed)
            record["status"] = "ok"
            record["outputs"] = space.measure(result)
            if context["series"]:
                record["series"] = result.values.tolist()
        except Exception as exc:
            record["status"] = "failed"
            record["error"] = f"{type(exc).__name__}: {exc}"[:2000]
            record["outputs"] = {spec.id: math.nan for spec in space.outputs}
        records.append(record)
    return records


def set_seed(replicate_seed: int, sample: int) -> int:
    """The seed of set ``sample`` at the replicate whose shared seed is ``replicate_seed``,
    when each set has its own (``sweep(seeds_per_set=True)``)."""
    state = np.random.SeedSequence([replicate_seed, sample]).generate_state(1, dtype=np.uint32)
    return int(state[0])


def sweep(
    scenario_file: str | Path,
    *,
    space_file: str | Path,
    design: str = "lhs",
    samples: int = 64,
    replicates: int = 1,
    policy: str | None = None,
    seed: int = 1,
    levels: int = 4,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    out: str | Path | None = None,
    series: bool = False,
    quiet: bool = False,
    console: Console | None = None,
    on_batch: Callable[[Batch], None] | None = None,
    points: np.ndarray | None = None,
    seeds_per_set: bool = False,
) -> SweepResult:
    """Sweep a scenario's parameters: design, run, analyse; see the module docstring.

    Args:
        scenario_file: the scenario YAML.
        space_file: the space YAML (:mod:`izsim.experiments.space`).
        design: ``lhs``, ``grid``, ``morris`` or ``sobol``.
        samples: LHS rows, grid points per parameter, Morris trajectories, or Sobol' base
            samples N (a power of 2; N × (parameters + 2) sets).
        replicates: runs per parameter set (seeds shared by all sets).
        policy: policy id or file (default: baseline beside the scenario).
        seed: the study's seed (design and replicate seeds).
        levels: Morris grid levels.
        workers: local processes (default: all cores); ignored with a Dask option.
        scheduler: a Dask scheduler's address.
        dask_workers: start a local Dask cluster of this many workers.
        out: results folder (default ``results/<scenario>-sweep-<design>``).
        series: also keep every run's monthly indicators.
        quiet: no progress bar.
        console: where progress goes.
        on_batch: called after each batch is written (for tests).
        points: parameter sets chosen by the caller (one row per set, one column per varied
            parameter of the space, each inside its range), run instead of a design: a
            calibration's wave. ``design`` and ``samples`` are then ignored, the folder
            records the points' hash, and no sensitivity or discovery is computed.
        seeds_per_set: give each set its own seeds (:func:`set_seed`) instead of the seeds
            every set shares. Shared seeds (common random numbers) make two sets' difference
            the parameters' alone, which a design's analysis wants; they also give every set
            the same chance, which an emulator of set means cannot tell from the parameters'
            effect, and the same provinces where a seed draws the province
            (``presence_pct``): a calibration's waves want their own.
    """
    from izsim.experiments.sensitivity import Factor
    from izsim.experiments.sensitivity import design as make_design

    scenario_file = Path(scenario_file)
    problems = []
    if points is not None:
        design, samples = GIVEN, len(points)
    elif design not in DESIGNS:
        problems.append(Problem("--design", "", f"'{design}': give one of {', '.join(DESIGNS)}"))
    if samples < 1:
        problems.append(Problem("--samples", "", f"{samples}: must be at least 1"))
    if replicates < 1:
        problems.append(Problem("--replicates", "", f"{replicates}: must be at least 1"))
    if design == "sobol" and samples & (samples - 1):
        problems.append(Problem("--samples", "", f"{samples}: Sobol' needs a power of 2"))
    if design == "morris" and levels < 2:
        problems.append(Problem("--levels", "", f"{levels}: Morris needs at least 2 levels"))
    if problems:
        raise InputError(problems)
    scenario = load_scenario(scenario_file)
    policy_file = find_policy(policy, scenario_file)
    chosen = load_policy(policy_file)
    params = parameters(scenario, chosen)
    space = load_space(space_file, scenario, params)
    if space.has_rest and design in ("grid", "morris"):
        raise InputError(
            [
                Problem(
                    str(space_file),
                    "space.rest",
                    f"a {design} design moves every parameter on its own: `rest: true` is for"
                    " sobol and lhs (list the parameters, or use all_ranged)",
                )
            ]
        )
    if points is not None and space.dummies:
        # given points hold the varied parameters only: a dummy is a design's column (for its
        # analysis, which given points do not get), and the runs' table would have none
        raise InputError(
            [
                Problem(
                    str(space_file),
                    "space.dummies",
                    f"{space.dummies}: a sweep on given points takes no dummies (they are for"
                    " a design's sensitivity analysis); remove `dummies` from the space",
                )
            ]
        )
    factors = space.factors() + [Factor(name, 0.0, 1.0) for name in space.dummy_names]
    if points is not None:
        values = _given(points, space)
    else:
        try:
            values = make_design(factors, design, samples, seed=seed, levels=levels)  # type: ignore[arg-type]
        except ValueError as exc:
            raise InputError([Problem("--samples", "", str(exc))]) from None
    out = (
        Path(out) if out is not None else Path("results") / f"{scenario.scenario.id}-sweep-{design}"
    )
    config = _config(scenario_file, policy_file, Path(space_file), design, seed, levels, series)
    if seeds_per_set:
        config["seeds"] = "per_set"  # absent (shared) in folders written before the option
    if points is not None:
        config["points_sha256"] = hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()
    size = {"samples": samples, "replicates": replicates, "runs": len(values) * replicates}
    seeds = replicate_seeds(seed, replicates)
    batches = [
        Batch(start, min(start + BATCH, len(values)), r, seeds[r])
        for r in range(replicates)
        for start in range(0, len(values), BATCH)
    ]
    console = console or Console(stderr=True)
    with _Folder(out, config, size, design) as folder:
        todo = [b for b in batches if not _done(folder, b)]
        context = {
            "scenario": scenario,
            "policy": chosen,
            "params": params,
            "space": space,
            "values": values,
            "seeds_per_set": seeds_per_set,
            "series": series,
        }
        runs_todo = sum(b.end - b.start for b in todo)
        if todo:
            _execute(
                folder,
                context,
                todo,
                runs_todo,
                size["runs"],
                workers,
                scheduler,
                dask_workers,
                quiet,
                console,
                on_batch,
            )
        table = _outputs_table(folder, batches, space, values)
        write_parquet(folder / "outputs.parquet", table)
        notes: list[str] = []
        if design == GIVEN:
            notes.append("given points: no sensitivity or discovery (the points are no design)")
            sensitivity = pd.DataFrame(columns=["output", "factor", "index", "value", "conf"])
            discovery = _discovery(table.iloc[:0], space, factors, "morris", [])
            for name, frame in (("sensitivity.csv", sensitivity), ("discovery.csv", discovery)):
                atomic_write(folder / name, lambda p, f=frame: f.to_csv(p, index=False))
            atomic_write(folder / "notes.txt", lambda p: p.write_text(f"{notes[0]}\n"))
            return SweepResult(out, table, sensitivity, discovery, notes)
        sensitivity = _sensitivity(table, factors, space, design, seed, levels, notes)
        atomic_write(folder / "sensitivity.csv", lambda p: sensitivity.to_csv(p, index=False))
        discovery = _discovery(table, space, factors, design, notes)
        atomic_write(folder / "discovery.csv", lambda p: discovery.to_csv(p, index=False))
        atomic_write(folder / "notes.txt", lambda p: p.write_text("".join(f"{n}\n" for n in notes)))
    return SweepResult(out, table, sensitivity, discovery, notes)


def _given(points: np.ndarray, space: Space) -> np.ndarray:
    """The caller's points, checked: one column per varied parameter, each inside its range."""
    values = np.asarray(points, dtype=float)
    width = len(space.names)
    if values.ndim != 2 or values.shape[1] != width or len(values) == 0:
        raise InputError(
            [Problem("points", "", f"shape {values.shape}: give sets × {width} parameters")]
        )
    for j, varied in enumerate(space.varied):
        column = values[:, j]
        outside = np.flatnonzero(~((column >= varied.low) & (column <= varied.high)))
        if len(outside):
            i = int(outside[0])
            raise InputError(
                [
                    Problem(
                        "points",
                        f"[{i}, {j}] ({varied.parameter.name})",
                        f"{column[i]:g} is outside its range [{varied.low:g}, {varied.high:g}]",
                    )
                ]
            )
    return values


def _config(
    scenario_file: Path,
    policy_file: Path,
    space_file: Path,
    design: str,
    seed: int,
    levels: int,
    series: bool,
) -> dict[str, Any]:
    from izsim.fingerprint import code_fingerprint

    return {
        "kind": "sweep",
        "scenario": {"file": str(scenario_file), "sha256": file_sha256(scenario_file)},
        "policy": {"file": str(policy_file), "sha256": file_sha256(policy_file)},
        "space": {"file": str(space_file), "sha256": file_sha256(space_file)},
        "design": design,
        "seed": seed,
        "levels": levels if design == "morris" else None,
        "batch": BATCH,
        "series": series,
        "code": code_fingerprint(),
    }


class _Folder:
    """The study's folder, checked and locked for this command."""

    def __init__(self, root: Path, config: dict[str, Any], size: dict[str, int], design: str):
        self.root, self.config, self.size, self.design = root, config, size, design

    def __enter__(self) -> Path:
        root = self.root
        if root.exists() and not root.is_dir():
            raise InputError([Problem(str(root), "--out", "exists and is not a folder")])
        saved = root / "config.json"
        if root.is_dir() and not saved.exists() and any(root.iterdir()):
            raise InputError(
                [Problem(str(root), "--out", "is not empty and is not a sweep folder")]
            )
        if saved.exists():
            _same_study(root, _read_json(saved), self.config)
            old = _read_json(root / "size.json", missing={})
            if self.design not in PREFIX_STABLE and old.get("samples") is None:
                raise InputError(
                    [
                        Problem(
                            str(root / "size.json"),
                            "--out",
                            f"is missing or damaged: the saved runs of this {self.design} design"
                            " cannot be matched to a number of samples; use a new --out",
                        )
                    ]
                )
            if self.size["samples"] != old.get("samples") and self.design not in PREFIX_STABLE:
                raise InputError(
                    [
                        Problem(
                            str(root),
                            "--samples",
                            f"{self.size['samples']}: the folder holds {old['samples']} samples of"
                            f" a {self.design} design, which does not keep its first samples when"
                            " their number changes (only morris and sobol do): use a new --out",
                        )
                    ]
                )
        try:
            (root / "batches").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                [Problem(str(root), "--out", f"cannot be created: {exc.strerror}")]
            ) from None
        self.lock = folder_lock(root)
        self.lock.__enter__()
        if not saved.exists():
            atomic_write(saved, lambda p: p.write_text(json_text(self.config), encoding="utf-8"))
        atomic_write(
            root / "size.json", lambda p: p.write_text(json_text(self.size), encoding="utf-8")
        )
        for leftover in root.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        return root

    def __exit__(self, *exc: object) -> None:
        self.lock.__exit__(*exc)


def _read_json(path: Path, *, missing: dict[str, Any] | None = None) -> dict[str, Any]:
    """A study's JSON file; ``missing`` if it is absent (None: absent is damage too)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing is not None:
            return missing
        data = None
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    str(path),
                    "--out",
                    "is damaged: the saved runs cannot be matched to this study; delete the"
                    " folder (or use a new --out) and run again",
                )
            ]
        )
    return data


def _same_study(root: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Refuse a folder made for another study, naming what changed (the code's files too)."""
    if old == new:
        return
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    detail = ""
    if "code" in changed:
        from izsim.fingerprint import code_changes

        detail = f" ({code_changes(old.get('code') or {}, new.get('code') or {})})"
    raise InputError(
        [
            Problem(
                str(root),
                "--out",
                f"holds a different sweep (changed: {', '.join(changed)}){detail}; use a new"
                " --out, or delete this one",
            )
        ]
    )


def _done(root: Path, batch: Batch) -> bool:
    path = root / "batches" / f"{batch.name}.json"
    if not path.exists():
        return False
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved.get("seed") == batch.seed and [
        r.get("sample") for r in saved.get("runs", [])
    ] == list(range(batch.start, batch.end))


def _execute(
    root: Path,
    context: dict[str, Any],
    todo: list[Batch],
    runs_todo: int,
    runs_all: int,
    workers: int | None,
    scheduler: str | None,
    dask_workers: int | None,
    quiet: bool,
    console: Console,
    on_batch: Callable[[Batch], None] | None,
) -> None:
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    runner = backend(context, workers=workers, scheduler=scheduler, dask_workers=dask_workers)
    done_runs = 0
    try:
        with Progress(*columns, console=console, disable=quiet, transient=False) as progress:
            bar = progress.add_task(
                f"sweep ({runs_all - runs_todo} of {runs_all} runs already saved)", total=runs_todo
            )
            for batch, records in runner.run(_context_work, todo):
                _write_batch(root, batch, records, context["series"])
                done_runs += batch.end - batch.start
                progress.update(bar, advance=batch.end - batch.start)
                if on_batch is not None:
                    on_batch(batch)
    except KeyboardInterrupt:
        console.print(
            f"interrupted: {done_runs} of {runs_todo} runs saved in"
            f" {time.monotonic() - started:.0f} s; run the same command again to go on"
        )
        raise
    finally:
        runner.close()


def _write_batch(root: Path, batch: Batch, records: list[dict[str, Any]], series: bool) -> None:
    if series:
        rows = [
            pd.DataFrame(r.pop("series")).assign(sample=r["sample"], replicate=batch.replicate)
            for r in records
            if "series" in r
        ]
        if rows:
            (root / "series").mkdir(exist_ok=True)
            write_parquet(root / "series" / f"{batch.name}.parquet", pd.concat(rows))
    body = {"seed": batch.seed, "runs": records}
    text = json.dumps(body, sort_keys=True, allow_nan=True)
    atomic_write(root / "batches" / f"{batch.name}.json", lambda p: p.write_text(text))


def _outputs_table(
    root: Path, batches: list[Batch], space: Space, values: np.ndarray
) -> pd.DataFrame:
    rows = []
    for batch in batches:
        saved = json.loads((root / "batches" / f"{batch.name}.json").read_text(encoding="utf-8"))
        for record in saved["runs"]:
            rows.append(
                {
                    "sample": record["sample"],
                    "replicate": record["replicate"],
                    "seed": record.get("seed", batch.seed),
                    "status": record["status"],
                    "error": record.get("error", ""),
                    **dict(
                        zip(
                            space.names + space.dummy_names,
                            map(float, values[record["sample"]]),
                            strict=True,
                        )
                    ),
                    **{spec.id: float(record["outputs"][spec.id]) for spec in space.outputs},
                }
            )
    return pd.DataFrame(rows).sort_values(["sample", "replicate"], ignore_index=True)


def _per_sample(table: pd.DataFrame, space: Space) -> pd.DataFrame:
    """Each output's mean over the replicates of each parameter set."""
    ids = [spec.id for spec in space.outputs]
    # NaN stays NaN (a failed run spoils its set's mean): an analysis must not skip it silently
    return table.groupby("sample")[ids].agg(lambda x: x.mean(skipna=False)).sort_index()


def _sensitivity(
    table: pd.DataFrame,
    factors: list[Any],
    space: Space,
    design: str,
    seed: int,
    levels: int,
    notes: list[str],
) -> pd.DataFrame:
    from izsim.experiments.sensitivity import analyse

    means = _per_sample(table, space)
    columns = space.names + space.dummy_names
    x = table.drop_duplicates("sample").sort_values("sample")[columns].to_numpy()
    frames = []
    for output in means.columns:
        y = means[output].to_numpy()
        # a set without a value (a failed run) goes to the analysis, which refuses it: an
        # output the same in every other run is not "the same in every run"
        if not np.isnan(y).any() and np.std(y) == 0:
            notes.append(f"{output}: the same in every run; no sensitivity to report")
            continue
        try:
            if design in ("morris", "sobol"):
                frame = analyse(factors, design, x, y, seed=seed, levels=levels)  # type: ignore[arg-type]
            else:
                frame = _spearman(columns, x, y)
        except ValueError as exc:
            notes.append(f"{output}: not analysed: {exc}")
            continue
        frames.append(frame.assign(output=output))
    columns = ["output", "factor", "index", "value", "conf"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _spearman(names: list[str], x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Rank correlation of each parameter with the output (an LHS or grid study's measure of
    what matters), refused like the SALib analyses when an output is missing."""
    from scipy.stats import spearmanr

    missing = np.flatnonzero(np.isnan(y))
    if len(missing):
        raise ValueError(
            f"{len(missing)} of {len(y)} parameter sets have no value (failed runs, e.g. set"
            f" {int(missing[0])}); rank correlations of the rest would be biased"
        )
    rows = []
    for i, name in enumerate(names):
        value = math.nan if np.ptp(x[:, i]) == 0 else float(spearmanr(x[:, i], y).statistic)
        rows.append({"factor": name, "index": "spearman", "value": value, "conf": math.nan})
    return pd.DataFrame(rows)


def _discovery(
    table: pd.DataFrame, space: Space, factors: list[Any], design: str, notes: list[str]
) -> pd.DataFrame:
    from izsim.experiments.discovery import COLUMNS, discover
    from izsim.experiments.sensitivity import saltelli_block

    met = [spec.id for spec in space.outputs if spec.target is not None and spec.measure == "met"]
    columns = ["output", *COLUMNS]
    if design == "morris" or not met:
        if met:
            notes.append(
                "discovery: not run on Morris trajectories (one-at-a-time steps cover"
                " the space too unevenly to outline regions); use lhs or sobol"
            )
        return pd.DataFrame(columns=columns)
    frames = []
    ok = table[table["status"] == "ok"]
    if design == "sobol":
        # Saltelli's rows come in blocks of A, A with one column of B each, and B: rows of a
        # block share coordinates, so only A and B are independent points of the space
        block = saltelli_block(factors)
        ok = ok[ok["sample"].mod(block).isin([0, block - 1])]
    if space.has_rest:
        notes.append(
            f"discovery: over the {len(space.named)} parameters named; the"
            f" {len(space.names) - len(space.named)} of `rest` vary but are not searched"
            " (rules over hundreds of numbers from a thousand points would fit chance)"
        )
    for output in met:
        known = ok[ok[output].notna()]  # a target undefined in a run says nothing of the space
        missed = (known[output] == 0).to_numpy()
        found = discover(known[space.named].reset_index(drop=True), missed, method="auto")
        if found.empty:
            notes.append(f"discovery {output}: {found.attrs.get('note', 'no rule')}")
            continue
        frames.append(found.assign(output=output))
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
