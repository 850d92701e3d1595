"""The results folder of a comparison, written as runs finish.

```
DIR/
  config.json            what was asked (scenario and policies with their hashes, seed, R)
                         and the code that answers it ("code": izsim's version, the SHA-256
                         of its sources, and a short digest of each source file)
  runs/<policy>/r0007.parquet        one run's indicators, months × indicators
  runs/<policy>/r0007.zones.parquet  its zones' stage and plant state by month
  runs/<policy>/r0007.json           its seed, status, wall time, and the error if it failed
  runs.parquet  zone_states.parquet  every run in one tidy table each, written at the end
  inputs/                the scenario and policy files, copied
  manifest.json          every run's record, written at the end
  scorecard.csv  comparison.csv  cost_effectiveness.csv  convergence.csv
```

Every file is written to a temporary name and renamed, so an interrupted command leaves only
whole files. A run counts as done when its ``.json`` says ``ok``, names the run's policy,
replicate and seed, and both its ``.parquet`` files have the checksums the record gives and the
columns and months of a run (the record is written last). Anything else saved for a run (a
damaged record, a file copied from another run, a truncated table) is damage: the run is made
again and the comparison says so.

A folder is reused only by the same comparison made by the same code (:mod:`izsim.fingerprint`):
a folder made by other code, or before folders recorded their code, is refused, naming the
version and the files that differ. The one difference accepted is more replicates: seeds are
spawned prefix-stably (:func:`izsim.experiments.design.replicate_seeds`), so the runs a folder
holds are the first runs of the larger comparison; its config records the new count, only the
new runs are made, and the combined tables are written again for all of them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from izsim.errors import InputError, Problem
from izsim.experiments.design import RunTask
from izsim.fingerprint import code_changes
from izsim.indicators import INDICATOR_IDS
from izsim.outputs import LOCK_NAME, atomic_write, folder_lock, json_text, write_parquet
from izsim.result import tidy_values
from izsim.scenario.load import file_sha256

__all__ = ["LOCK_NAME", "ResultStore"]
RUN_COLUMNS = ["policy", "replicate", "seed"]
ZONE_STATE_COLUMNS = ["month", "zone", "stage", "plant"]


class ResultStore:
    """A comparison's folder.

    Args:
        root: the folder (``--out``).
        config: what the comparison is; a folder made for another config is refused.
        months: months of each run, when known: a saved run of another length is damage.
    """

    def __init__(self, root: Path, config: dict[str, Any], months: int | None = None) -> None:
        self.root = root
        self.config = config
        self.months = months
        self.runs = root / "runs"
        self.extended_from: int | None = None
        """Replicates the folder was made for, when :meth:`open` extended it to more."""

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder for this command (:func:`izsim.outputs.folder_lock`)."""
        self._check_folder()  # before the lock file: a refused folder is left as it was
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                [Problem(str(self.root), "--out", f"cannot be created: {exc.strerror}")]
            ) from None
        with folder_lock(self.root):
            yield

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
        """Create the folder, or check that an existing one holds the same comparison.

        An existing folder is accepted when its ``config.json`` equals this comparison's, or
        differs only in asking for fewer replicates: the folder is then extended (its config
        records the new count; the runs it holds are kept, since replicate seeds do not depend
        on the count, and :attr:`extended_from` says how many it was made for).

        Raises:
            InputError: the folder holds another comparison, made with other code, made before
                izsim recorded its code, or with more replicates than asked for.
        """
        self._check_folder()
        path = self.root / "config.json"
        if path.exists():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(old, dict):
                    raise ValueError("it is not a JSON object")
            except (ValueError, OSError) as exc:
                # Without it nothing says which scenario, seed and policies the saved runs
                # belong to, so they cannot be reused safely.
                raise InputError(
                    [
                        Problem(
                            str(path),
                            "",
                            f"is damaged ({exc}): the saved runs cannot be matched to this"
                            " comparison; delete the folder (or use a new --out) and run again",
                        )
                    ]
                ) from None
            if old == self.config:
                return
            self.extended_from = self._extends(old)
        else:
            self.runs.mkdir(parents=True, exist_ok=True)
        text = json_text(self.config)
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))

    def _extends(self, old: dict[str, Any]) -> int:
        """The replicates of a folder this comparison extends; refuses any other difference.

        Fewer replicates than the folder was made for are refused rather than reported on the
        first ones: the folder's tables describe every run it holds, so tables of fewer runs
        would sit beside runs they leave out, and the next command asking for the larger count
        would find a folder whose tables disagree with its config. A researcher who wants the
        estimate at fewer replicates finds it in ``convergence.csv`` (or a new ``--out``: its
        first runs are the same).
        """
        new = self.config
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if "code" not in old:
            others = [k for k in changed if k != "code"]
            raise InputError(
                [
                    Problem(
                        str(self.root),
                        "",
                        "records no code fingerprint (it was made by an izsim from before"
                        " comparisons recorded their code), so its runs cannot be shown to"
                        " come from this code"
                        + (f" (also changed: {', '.join(others)})" if others else "")
                        + "; use a new --out folder, or delete this one",
                    )
                ]
            )
        was, asked = old.get("replicates"), new.get("replicates")
        counts = all(isinstance(n, int) and not isinstance(n, bool) for n in (was, asked))
        if changed == ["replicates"] and counts:
            assert isinstance(was, int) and isinstance(asked, int)
            if asked > was:
                return was
            raise InputError(
                [
                    Problem(
                        str(self.root),
                        "--replicates",
                        f"{asked} is fewer than the {was} replicates this folder was made for;"
                        " its tables describe every run it holds, so they cannot be those of"
                        f" {asked}. Pass --replicates {was} to use (or complete) its runs, or"
                        " use a new --out folder (its runs will be the first of these: seeds"
                        " do not depend on the number of replicates)",
                    )
                ]
            )
        message = f"holds results of a different comparison (changed: {', '.join(changed)})"
        advice = "use a new --out folder, or delete this one"
        if "code" in changed:
            recorded = old["code"] if isinstance(old["code"], dict) else {}
            message += f"; made with other izsim code ({code_changes(recorded, new['code'])})"
            advice = (
                "runs made by other code need not be the same, so they are not mixed; "
                + advice
                + f", or rerun with the izsim that made it ({recorded.get('version')})"
            )
        raise InputError([Problem(str(self.root), "", f"{message}; {advice}")])

    def clear_leftovers(self) -> None:
        """Remove temporary files a killed process left (their names carry its process id;
        the folder lock says no other process is writing)."""
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    def _paths(self, task: RunTask) -> tuple[Path, Path]:
        folder = self.runs / task.policy
        return folder / f"{task.name}.parquet", folder / f"{task.name}.json"

    def zones_path(self, task: RunTask) -> Path:
        """The file of the run's zone states by month."""
        return self.runs / task.policy / f"{task.name}.zones.parquet"

    def done(self, task: RunTask) -> bool:
        """The run finished successfully before and is whole (it will not be run again)."""
        return self.record(task).get("status") == "ok" and self.damage(task) is None

    def damage(self, task: RunTask) -> str | None:
        """Why what is saved for this run cannot be used, or None: nothing is saved, the run
        failed (it is simply run again), or it is whole."""
        data, record_path = self._paths(task)
        if not record_path.exists():
            return None
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            return f"its record {record_path.name} cannot be read ({exc})"
        if not isinstance(record, dict):
            return f"its record {record_path.name} is not a run's record"
        for key in ("policy", "replicate", "seed"):
            if record.get(key) != getattr(task, key):
                return (
                    f"its record belongs to another run ({key} {record.get(key)!r}, not"
                    f" {getattr(task, key)!r})"
                )
        if record.get("status") != "ok":
            return None
        sums = record.get("sha256")
        for path, name, columns in (
            (data, "values", ["month", *INDICATOR_IDS]),
            (self.zones_path(task), "zones", ZONE_STATE_COLUMNS),
        ):
            if not path.exists():
                return f"{path.name} is missing"
            if isinstance(sums, dict) and file_sha256(path) != sums.get(name):
                return f"{path.name} is not the file its record names (checksum differs)"
            try:
                schema = pq.read_schema(path)
                rows = pq.read_metadata(path).num_rows
            except (OSError, ValueError, pa.ArrowException) as exc:
                return f"{path.name} cannot be read ({exc})"
            if schema.names != columns:
                return f"{path.name} does not have the columns of a run"
            if name == "values" and self.months is not None and rows != self.months:
                return f"{path.name} has {rows} months, not {self.months}"
        return None

    def record(self, task: RunTask) -> dict[str, Any]:
        """The run's record, or an empty one (also when it is damaged)."""
        path = self._paths(task)[1]
        try:
            record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (ValueError, OSError):
            return {}
        return record if isinstance(record, dict) else {}

    def write_ok(
        self,
        task: RunTask,
        values: np.ndarray,
        months: list[str],
        wall: float,
        zone_states: pd.DataFrame,
    ) -> None:
        """Store a finished run: its values and zone states first, then the record that marks
        it done."""
        data, record = self._paths(task)
        data.parent.mkdir(parents=True, exist_ok=True)
        # an old record would otherwise vouch for the new files while they are half written
        record.unlink(missing_ok=True)
        columns = {"month": pa.array(months)}
        columns.update({name: pa.array(values[:, i]) for i, name in enumerate(INDICATOR_IDS)})
        table = pa.table(columns)
        atomic_write(data, lambda p: pq.write_table(table, p, compression="zstd"))
        write_parquet(self.zones_path(task), zone_states)
        sums = {"values": file_sha256(data), "zones": file_sha256(self.zones_path(task))}
        self._write_record(task, "ok", wall, None, sums)

    def write_failed(self, task: RunTask, error: str, wall: float) -> None:
        """Store the error of a run that failed."""
        self._paths(task)[1].parent.mkdir(parents=True, exist_ok=True)
        self._write_record(task, "failed", wall, error)

    def _write_record(
        self,
        task: RunTask,
        status: str,
        wall: float,
        error: str | None,
        sums: dict[str, str] | None = None,
    ) -> None:
        record = {
            "policy": task.policy,
            "replicate": task.replicate,
            "seed": task.seed,
            "status": status,
            "wall_seconds": round(wall, 4),
            "error": error,
        }
        if sums is not None:
            record["sha256"] = sums
        text = json_text(record, indent=None)
        atomic_write(self._paths(task)[1], lambda p: p.write_text(text, encoding="utf-8"))

    def columns(self, task: RunTask, names: list[str]) -> dict[str, np.ndarray]:
        """Some indicators of a finished run, as arrays by month (only these columns are read)."""
        table = pq.read_table(self._paths(task)[0], columns=names)
        return {name: table.column(name).to_numpy() for name in names}

    def write_combined(self, tasks: list[RunTask]) -> None:
        """Write ``runs.parquet`` (policy, replicate, seed, month, indicator, value) and
        ``zone_states.parquet`` (policy, replicate, seed, month, zone, stage, plant): every
        finished run in design order, one tidy table each, for ``pandas.read_parquet``."""
        done = [t for t in sorted(tasks, key=lambda t: (t.policy, t.replicate)) if self.done(t)]
        for name, columns, read in (
            ("runs.parquet", ["month", "indicator", "value"], self._tidy_run),
            ("zone_states.parquet", ZONE_STATE_COLUMNS, self._zone_states),
        ):
            frames = [self._with_run(read(t), t) for t in done]
            frame = (
                pd.concat(frames, ignore_index=True)
                if frames
                else pd.DataFrame(columns=[*RUN_COLUMNS, *columns])
            )
            write_parquet(self.root / name, frame)

    def _tidy_run(self, task: RunTask) -> pd.DataFrame:
        path = self._paths(task)[0]
        table = pq.read_table(path)
        missing = [n for n in INDICATOR_IDS if n not in table.column_names]
        if missing:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "",
                        f"has no {', '.join(missing)}: it was written by an older izsim;"
                        " use a new --out folder, or delete this one",
                    )
                ]
            )
        values = np.column_stack([table.column(n).to_numpy() for n in INDICATOR_IDS])
        return tidy_values(values.astype(float), table.column("month").to_pylist())

    def _zone_states(self, task: RunTask) -> pd.DataFrame:
        return pd.read_parquet(self.zones_path(task))

    @staticmethod
    def _with_run(frame: pd.DataFrame, task: RunTask) -> pd.DataFrame:
        frame.insert(0, "seed", task.seed)
        frame.insert(0, "replicate", task.replicate)
        frame.insert(0, "policy", task.policy)
        return frame
