"""The results folder of a comparison, written as runs finish.

```
DIR/
  config.json            what was asked (scenario and policies with their hashes, seed, R)
  runs/<policy>/r0007.parquet   one run's indicators, months × indicators
  runs/<policy>/r0007.json      its seed, status, wall time, and the error if it failed
  manifest.json          every run's record, written at the end
  scorecard.csv  comparison.csv  cost_effectiveness.csv  convergence.csv
```

Every file is written to a temporary name and renamed, so an interrupted command leaves only
whole files. A run counts as done when its ``.json`` says ``ok`` and its ``.parquet`` exists.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from izsim.errors import InputError, Problem
from izsim.experiments.design import RunTask
from izsim.indicators import INDICATOR_IDS
from izsim.outputs import atomic_write

LOCK_NAME = ".izsim.lock"


class ResultStore:
    """A comparison's folder.

    Args:
        root: the folder (``--out``).
        config: what the comparison is; a folder made for another config is refused.
    """

    def __init__(self, root: Path, config: dict[str, Any]) -> None:
        self.root = root
        self.config = config
        self.runs = root / "runs"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder for this command; another command writing into it is refused.

        The lock is an OS file lock (``filelock``), so it goes when the process does, however
        it ends: a killed command leaves no stale lock behind.
        """
        self._check_folder()  # before the lock file: a refused folder is left as it was
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                [Problem(str(self.root), "--out", f"cannot be created: {exc.strerror}")]
            ) from None
        lock = FileLock(self.root / LOCK_NAME, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise InputError(
                [Problem(str(self.root), "", "another izsim command is writing into this folder")]
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _check_folder(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise InputError([Problem(str(self.root), "", "exists and is not a folder")])
        if (
            self.root.is_dir()
            and not (self.root / "config.json").exists()
            and any(p.name != LOCK_NAME for p in self.root.iterdir())
        ):
            raise InputError(
                [Problem(str(self.root), "", "is not empty and is not a comparison folder")]
            )

    def open(self) -> None:
        """Create the folder, or check that an existing one holds the same comparison."""
        self._check_folder()
        path = self.root / "config.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old != self.config:
                changed = sorted(
                    k for k in set(old) | set(self.config) if old.get(k) != self.config.get(k)
                )
                raise InputError(
                    [
                        Problem(
                            str(self.root),
                            "",
                            "holds results of a different comparison (changed: "
                            f"{', '.join(changed)}); use a new --out folder, or delete this one",
                        )
                    ]
                )
            return
        self.runs.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.config, indent=2, ensure_ascii=False) + "\n"
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))

    def _paths(self, task: RunTask) -> tuple[Path, Path]:
        folder = self.runs / task.policy
        return folder / f"{task.name}.parquet", folder / f"{task.name}.json"

    def done(self, task: RunTask) -> bool:
        """The run finished successfully before (it will not be run again)."""
        return self._paths(task)[0].exists() and self.record(task).get("status") == "ok"

    def record(self, task: RunTask) -> dict[str, Any]:
        """The run's record, or an empty one."""
        path = self._paths(task)[1]
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def write_ok(self, task: RunTask, values: np.ndarray, months: list[str], wall: float) -> None:
        """Store a finished run: its values first, then the record that marks it done."""
        data = self._paths(task)[0]
        data.parent.mkdir(parents=True, exist_ok=True)
        columns = {"month": pa.array(months)}
        columns.update({name: pa.array(values[:, i]) for i, name in enumerate(INDICATOR_IDS)})
        table = pa.table(columns)
        atomic_write(data, lambda p: pq.write_table(table, p, compression="zstd"))
        self._write_record(task, "ok", wall, None)

    def write_failed(self, task: RunTask, error: str, wall: float) -> None:
        """Store the error of a run that failed."""
        self._paths(task)[1].parent.mkdir(parents=True, exist_ok=True)
        self._write_record(task, "failed", wall, error)

    def _write_record(self, task: RunTask, status: str, wall: float, error: str | None) -> None:
        record = {
            "policy": task.policy,
            "replicate": task.replicate,
            "seed": task.seed,
            "status": status,
            "wall_seconds": round(wall, 4),
            "error": error,
        }
        text = json.dumps(record, ensure_ascii=False) + "\n"
        atomic_write(self._paths(task)[1], lambda p: p.write_text(text, encoding="utf-8"))

    def columns(self, task: RunTask, names: list[str]) -> dict[str, np.ndarray]:
        """Some indicators of a finished run, as arrays by month (only these columns are read)."""
        table = pq.read_table(self._paths(task)[0], columns=names)
        return {name: table.column(name).to_numpy() for name in names}
