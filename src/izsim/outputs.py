"""Writing a run's files: ``timeseries.parquet``, ``scorecard.csv`` and ``manifest.json``.

Files are written to a temporary name and renamed, so an interrupted write never leaves a
half-written file behind. Only the manifest holds anything that changes between identical runs
(the wall time), so the parquet and CSV files are byte-identical for the same inputs.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import izsim
from izsim.result import RunResult
from izsim.scenario.load import file_sha256
from izsim.scorecard import scorecard

PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path`` only when it succeeded."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_run(
    result: RunResult,
    out: Path,
    *,
    scenario_file: Path,
    policy_file: Path | None,
    card: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write the three files of a run into ``out``; returns their paths. ``card`` is the
    run's scorecard when the caller has it already."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "timeseries": out / "timeseries.parquet",
        "scorecard": out / "scorecard.csv",
        "manifest": out / "manifest.json",
    }
    table = pa.Table.from_pandas(result.timeseries, preserve_index=False)
    atomic_write(paths["timeseries"], lambda p: pq.write_table(table, p, compression="zstd"))
    card = scorecard(result) if card is None else card
    atomic_write(paths["scorecard"], lambda p: card.to_csv(p, index=False, lineterminator="\n"))
    manifest = {
        "izsim_version": izsim.__version__,
        "scenario": {
            "id": result.scenario.scenario.id,
            "file": str(scenario_file),
            "sha256": file_sha256(scenario_file),
        },
        "policy": {
            "id": result.policy.id,
            "file": None if policy_file is None else str(policy_file),
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
