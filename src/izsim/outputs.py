"""Writing a run's files into ``--out``.

| file | what |
|---|---|
| ``timeseries.parquet`` | tidy: ``month, indicator, value`` |
| ``timeseries.csv`` | the same, wide: one row per month, one column per indicator |
| ``zones.csv`` | each zone at the end: kind, developer, stage, dates, land, occupancy, plant |
| ``zone_states.parquet`` | each zone's stage and plant state in every month |
| ``events.csv`` | developers taking up zones, stage and plant changes, by month |
| ``scorecard.csv`` | each plan target against the simulated value at its deadline |
| ``inputs/`` | copies of the scenario and policy files the run used |
| ``manifest.json`` | versions, file hashes, seed, wall time |

Files are written to a temporary name and renamed, so an interrupted write never leaves a
half-written file behind; the manifest is written last. Only the manifest holds anything that
changes between identical runs (the wall time), so every other file is byte-identical for the
same inputs. CSV files are UTF-8 with a byte-order mark, so that Excel shows Vietnamese
correctly.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

import izsim
from izsim.errors import InputError, Problem
from izsim.result import RunResult
from izsim.scenario.load import file_sha256
from izsim.scorecard import scorecard

PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic")
CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel reads Vietnamese correctly; pandas and csv skip it."""
INPUTS = "inputs"


LOCK_NAME = ".izsim.lock"


@contextlib.contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold ``root`` for this command; another izsim command writing into it is refused.

    The lock is an OS file lock (``filelock``), so it goes when the process does, however it
    ends: a killed command leaves no stale lock behind.
    """
    lock = FileLock(root / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(
            [Problem(str(root), "", "another izsim command is writing into this folder")]
        ) from None
    except OSError as exc:  # a read-only or missing folder: say so, not a traceback
        raise InputError([Problem(str(root), "", f"cannot be written: {exc.strerror}")]) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path`` only when it succeeded (the temporary
    name carries the process id, so two writers never share one)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(path: Path, frame: pd.DataFrame, *, index: bool = False) -> None:
    """Write ``frame`` as a CSV file a spreadsheet opens correctly (BOM, ``\\n`` line ends)."""
    atomic_write(
        path,
        lambda p: frame.to_csv(p, index=index, lineterminator="\n", encoding=CSV_ENCODING),
    )


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as a zstd-compressed Parquet file (no index)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def copy_inputs(out: Path, scenario_file: Path, policy_files: list[Path]) -> dict[str, str]:
    """Copy the input files into ``out/inputs/`` (policies in ``inputs/policies/``, as beside a
    scenario, so ``izsim run inputs/<scenario>.yaml`` finds them), so that the results can be
    read, and the run repeated, without the originals. Returns each copy's path relative to
    ``out``, by original path."""
    copies = {}
    for source, folder in [(scenario_file, out / INPUTS)] + [
        (path, out / INPUTS / "policies") for path in policy_files
    ]:
        folder.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        target = folder / source.name
        atomic_write(target, lambda p, d=data: p.write_bytes(d))
        copies[str(source)] = target.relative_to(out).as_posix()
    return copies


def write_run(
    result: RunResult,
    out: Path,
    *,
    scenario_file: Path,
    policy_file: Path | None,
    card: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write a run's files into ``out``; returns their paths by name. ``card`` is the run's
    scorecard when the caller has it already."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "timeseries": out / "timeseries.parquet",
        "timeseries_csv": out / "timeseries.csv",
        "zones": out / "zones.csv",
        "zone_states": out / "zone_states.parquet",
        "events": out / "events.csv",
        "scorecard": out / "scorecard.csv",
        "manifest": out / "manifest.json",
    }
    write_parquet(paths["timeseries"], result.timeseries)
    write_csv(paths["timeseries_csv"], result.wide(), index=True)
    write_csv(paths["zones"], result.zones)
    write_parquet(paths["zone_states"], result.zone_states())
    write_csv(paths["events"], result.events)
    write_csv(paths["scorecard"], scorecard(result) if card is None else card)
    copies = copy_inputs(out, scenario_file, [] if policy_file is None else [policy_file])
    manifest = {
        "izsim_version": izsim.__version__,
        "kind": "run",
        "scenario": {
            "id": result.scenario.scenario.id,
            "name": result.scenario.scenario.name,
            "file": str(scenario_file),
            "copy": copies[str(scenario_file)],
            "sha256": file_sha256(scenario_file),
        },
        "policy": {
            "id": result.policy.id,
            "name": result.policy.name,
            "file": None if policy_file is None else str(policy_file),
            "copy": None if policy_file is None else copies[str(policy_file)],
            "sha256": None if policy_file is None else file_sha256(policy_file),
        },
        "seed": result.seed,
        "months": int(result.values.shape[0]),
        "wall_seconds": round(result.wall_seconds, 4),
        "python": platform.python_version(),
        "packages": {name: version(name) for name in PACKAGES},
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write(paths["manifest"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
