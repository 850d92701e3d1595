"""Writing a run's files into ``--out``.

| file | what |
|---|---|
| ``timeseries.parquet`` | tidy: ``month, indicator, value`` |
| ``timeseries.csv`` | the same, wide: one row per month, one column per indicator |
| ``zones.csv`` | each zone at the end: kind, developer, stage, dates, land, occupancy, plant |
| ``zone_states.parquet`` | each zone's stage and plant state in every month |
| ``events.csv`` | developers taking up zones, stage and plant changes, by month |
| ``scorecard.csv`` | each plan target against the simulated value at its deadline |
| ``inputs/`` | copies of the scenario, the policy, the scenario's records and plan texts |
| ``manifest.json`` | versions (Python, izsim, its dependencies), file hashes, seed, wall time |

Every file is first written into a staging folder inside ``--out`` and moved into place only
when all were written; the old manifest is removed before the first move and the new one, which
names every file with its SHA-256, is written last. So a full disk or a read-only folder leaves
``--out`` as it was, and a folder is complete exactly when its manifest is there (and its
checksums match). Only the manifest holds anything that
changes between identical runs (the wall time), so every other file is byte-identical for the
same inputs. CSV files are UTF-8 with a byte-order mark, so that Excel shows Vietnamese
correctly.

A run's files are written from its plain rows and arrays with the ``csv`` module and pyarrow,
not through pandas, whose import would be a quarter of an ``izsim run``: the CSV files are
byte for byte what pandas' ``to_csv`` writes (:func:`write_rows`), and the Parquet files hold
the columns and Arrow types ``pyarrow.Table.from_pandas`` gave them, without its pandas
metadata (``pandas.read_parquet`` reads the same DataFrame).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import platform
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, distribution, requires
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from filelock import FileLock, Timeout

import izsim
from izsim.errors import InputError, Problem
from izsim.scenario.documents import companion_files
from izsim.scenario.load import file_sha256

if TYPE_CHECKING:  # imported where used: `izsim run` checks its folder before loading them
    import pandas as pd
    import pyarrow as pa

    from izsim.result import RunResult, Table

FALLBACK_PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "scipy")
"""What :func:`package_versions` reports when izsim's own metadata is missing (a source tree
run without installing): the packages a run's numbers pass through."""
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel reads Vietnamese correctly; pandas and csv skip it."""
INPUTS = "inputs"
OUTSIDE_RECORDS = "records"
"""Folder in ``inputs/`` for a scenario's own records that lie outside its folder."""


LOCK_NAME = ".izsim.lock"
STAGING_PREFIX = ".staging."


def json_text(data: object, *, indent: int | None = 2) -> str:
    """``data`` as strict JSON (no ``NaN`` or ``Infinity``, which strict parsers reject), with
    a final newline.

    Raises:
        ValueError: ``data`` holds a non-finite number (a bug: inputs are refused before).
    """
    return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def package_versions() -> dict[str, str | None]:
    """The installed version of every package izsim declares it needs, by name.

    Read from izsim's installed metadata (its dependencies without the optional extras), so the
    list follows pyproject.toml with no second list to keep. A declared package that is not
    installed is recorded as None rather than left out, so the manifest shows the gap.

    Returns:
        Package name as declared (e.g. ``PyYAML``) to its version, sorted by name.
    """
    try:
        declared = requires("izsim") or []
    except PackageNotFoundError:
        declared = list(FALLBACK_PACKAGES)
    names = set()
    for requirement in declared:
        # a marker naming an extra (``; extra == "dev"``) marks a tool, not a run dependency
        marker = requirement.partition(";")[2]
        match = _NAME.match(requirement)
        if match is not None and "extra" not in marker:
            names.add(match.group(1))
    found: dict[str, str | None] = {}
    for name in sorted(names, key=str.lower):
        try:
            found[name] = installed_version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def installed_version(name: str) -> str:
    """``importlib.metadata.version(name)``, reading only the ``Version`` header of the
    package's metadata.

    ``version()`` parses the whole metadata file with the email parser, long description and
    license texts included (80 kB for matplotlib, 140 kB for pydantic): about 10 ms of every
    ``izsim run`` for the manifest's 16 packages. The version is a one-line header before the
    first blank line; a package whose metadata has none there is asked in the usual way.

    Raises:
        PackageNotFoundError: ``name`` is not installed.
    """
    dist = distribution(name)
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    for line in text.splitlines():
        if not line.strip():
            break  # the end of the headers
        key, colon, value = line.partition(":")
        if colon and key.lower() == "version" and value.strip():
            return value.strip()
    return dist.version


def environment() -> dict[str, object]:
    """What a run's numbers depend on besides its inputs: Python, the platform and the
    versions of izsim's dependencies (numpy's and pyarrow's among them: a Parquet file also
    records its writer's version)."""
    return {
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "packages": package_versions(),
    }


def refuse_compare_folder(out: Path) -> None:
    """Refuse to write a run into a comparison's folder: its scorecard and manifest would be
    overwritten by the run's, and the comparison's files would no longer agree."""
    if (out / "config.json").exists() or (out / "runs").is_dir():
        raise InputError(
            [
                Problem(
                    str(out),
                    "--out",
                    "holds a comparison (izsim compare); give izsim run another folder",
                )
            ]
        )


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


def csv_cell(value: object) -> str:
    """``value`` as pandas' ``to_csv`` writes it in a column of its type (no ``float_format``).

    A float is its shortest round-trip text, ``repr`` (what NumPy's ``astype(str)``, which
    pandas uses, gives too: ``0.1``, ``1e-05``, ``1e+16``, ``inf``); NaN and None are empty;
    an int or a bool as ``str``, NumPy's scalars like Python's.

    Raises:
        TypeError: a type a run's tables do not hold (pandas' text for it is not reproduced).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, float):  # np.float64 too; not np.float32, whose text differs
        number = float(value)
        return "" if math.isnan(number) else repr(number)
    if value is None:
        return ""
    raise TypeError(f"no CSV text for a {type(value).__name__}: {value!r}")


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a table as a CSV file a spreadsheet opens correctly (BOM, ``\\n`` line ends).

    The bytes are those of ``pandas.DataFrame.to_csv(index=False, lineterminator="\\n",
    encoding="utf-8-sig")`` of the same table, each column of one type (see :func:`csv_cell`):
    pandas writes through the same ``csv`` writer (``QUOTE_MINIMAL``), so quoting agrees.

    Args:
        path: the file.
        columns: the header.
        rows: the rows, values in column order.
    """

    def write(target: Path) -> None:
        # newline="": the writer ends lines itself, as pandas opens its file
        with target.open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([csv_cell(value) for value in row] for row in rows)

    atomic_write(path, write)


def write_table(path: Path, table: Table) -> None:
    """Write a :class:`izsim.result.Table` with :func:`write_rows`."""
    write_rows(path, table.columns, table.rows)


def write_parquet(path: Path, frame: pd.DataFrame | pa.Table) -> None:
    """Write ``frame`` (a DataFrame, its index left out, or an Arrow table) as a
    zstd-compressed Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = (
        frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    )
    atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def arrow_table(columns: dict[str, np.ndarray]) -> pa.Table:
    """Columns as ``pyarrow.Table.from_pandas`` stores a DataFrame made of them, but without
    pandas (so without its metadata): text as ``large_string`` (pandas' ``str`` columns),
    floats as ``double`` with NaN as null.

    The arrays are assembled from their buffers (``pyarrow.Array.from_buffers``), not with
    ``pyarrow.array``: that imports pandas (to ask whether its input is a pandas object),
    whatever it is given.

    Raises:
        TypeError: a column of another type (its Arrow type is not reproduced).
    """
    import pyarrow as pa

    arrays = {}
    for name, values in columns.items():
        if values.dtype.kind in "OU":
            texts = values.tolist()
            if not all(isinstance(text, str) for text in texts):  # from_pandas: None is null
                raise TypeError(f"column {name!r}: text columns hold str only")
            encoded = [text.encode() for text in texts]
            offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
            np.cumsum([len(text) for text in encoded], out=offsets[1:])
            buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
            arrays[name] = pa.Array.from_buffers(pa.large_string(), len(encoded), buffers)
        elif values.dtype == np.float64:
            data = np.ascontiguousarray(values)
            valid = ~np.isnan(data)
            nulls = len(data) - int(valid.sum())
            bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
            arrays[name] = pa.Array.from_buffers(
                pa.float64(), len(data), [bitmap, pa.py_buffer(data)], null_count=nulls
            )
        else:
            raise TypeError(f"column {name!r}: no Arrow type for {values.dtype}")
    return pa.table(arrays)


class Copies(NamedTuple):
    """Where :func:`copy_inputs` put the input files, relative to the folder."""

    by_source: dict[str, str]
    """The copy of the scenario and of each policy, by original path."""
    records: str | None
    """The copy of the scenario's own records when they lie outside its folder (they cannot
    be beside the copy of the scenario, which still names the original place); else None."""


def copy_inputs(out: Path, scenario_file: Path, policy_files: list[Path]) -> Copies:
    """Copy the input files into ``out/inputs/`` (policies in ``inputs/policies/``, as beside a
    scenario, so ``izsim run inputs/<scenario>.yaml`` finds them), so that the results can be
    read, and the run repeated, without the originals."""
    copies = {}
    for source, folder in [(scenario_file, out / INPUTS)] + [
        (path, out / INPUTS / "policies") for path in policy_files
    ]:
        folder.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        target = folder / source.name
        atomic_write(target, lambda p, d=data: p.write_bytes(d))
        copies[str(source)] = target.relative_to(out).as_posix()
    companions = companion_files(scenario_file)
    placed: dict[PurePosixPath, Path] = {}  # place in inputs/ -> original
    outside_records = None
    for name in companions.names:
        inside = PurePosixPath(name)
        source = scenario_file.parent / name
        if not source.is_file():
            continue
        if not inside.is_absolute() and ".." not in inside.parts:
            # a scenario's own records and plan texts, at the same place beside the copy
            placed[inside] = source
        elif name == companions.references:
            outside_records = source
    records_copy = None
    if outside_records is not None:
        # Records outside the scenario's folder are kept too: without them the copy's `ref:`
        # citations name nothing. They cannot be beside the copy, which names the original
        # place; the manifest says where they are. (A plan text outside is not copied: without
        # it only the quotes go unchecked.)
        place = _free(PurePosixPath(OUTSIDE_RECORDS, outside_records.name), set(placed))
        placed[place] = outside_records
        records_copy = f"{INPUTS}/{place}"
    for place, source in placed.items():
        target = out / INPUTS / place
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        atomic_write(target, lambda p, d=data: p.write_bytes(d))
    return Copies(copies, records_copy)


def _free(place: PurePosixPath, taken: set[PurePosixPath]) -> PurePosixPath:
    """``place``, or ``name_2.yaml``, ``name_3.yaml``... if a file the scenario names has it
    (decided from the names, not the disk, so that a second run into a folder agrees)."""
    n = 1
    found = place
    while found in taken:
        n += 1
        found = place.with_name(f"{place.stem}_{n}{place.suffix}")
    return found


def write_run(
    result: RunResult,
    out: Path,
    *,
    scenario_file: Path,
    policy_file: Path | None,
    card: Table | pd.DataFrame | None = None,
    policy_given_as: str | None = None,
) -> dict[str, Path]:
    """Write a run's files into ``out``; returns their paths by name. ``card`` is the run's
    scorecard when the caller has it already (its rows, from
    :func:`izsim.scorecard.scorecard_table`, or the DataFrame of
    :func:`izsim.scorecard.scorecard`); ``policy_given_as`` says how the policy was chosen
    (``--policy regulation_first``, or the default), for the manifest.

    Raises:
        OSError: a file could not be written (disk full, read-only folder); ``out`` is then as
            it was before.
    """
    out.mkdir(parents=True, exist_ok=True)
    names = {
        "timeseries": "timeseries.parquet",
        "timeseries_csv": "timeseries.csv",
        "zones": "zones.csv",
        "zone_states": "zone_states.parquet",
        "events": "events.csv",
        "scorecard": "scorecard.csv",
    }
    stage = out / f"{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        stage.mkdir()
        files, records_copy = _write_run_files(
            result, stage, names, scenario_file, policy_file, card
        )
        manifest = _run_manifest(
            result, scenario_file, policy_file, files, policy_given_as, records_copy
        )
        text = json_text(manifest)
        (stage / "manifest.json").write_text(text, encoding="utf-8")
        # Only renames from here on: they need no space. The old manifest goes first, so a
        # folder caught half-way has none and reads as incomplete.
        (out / "manifest.json").unlink(missing_ok=True)
        for relative in files:
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / relative, target)
        os.replace(stage / "manifest.json", out / "manifest.json")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    paths = {key: out / name for key, name in names.items()}
    paths["manifest"] = out / "manifest.json"
    return paths


def _write_run_files(
    result: RunResult,
    stage: Path,
    names: dict[str, str],
    scenario_file: Path,
    policy_file: Path | None,
    card: Table | pd.DataFrame | None,
) -> tuple[dict[str, str], str | None]:
    """Write every file of a run but the manifest into ``stage``; returns each file's SHA-256
    by its path relative to the folder, and where the scenario's own records were copied if
    they lie outside its folder (see :func:`copy_inputs`).

    Written from the run's rows and arrays, not its DataFrames (see the module's docstring).
    """
    from izsim.indicators import INDICATOR_IDS
    from izsim.result import Table
    from izsim.scorecard import scorecard_table

    if card is None:
        card = scorecard_table(result)
    elif not isinstance(card, Table):
        card = Table.of(card)
    write_parquet(stage / names["timeseries"], arrow_table(result.timeseries_columns()))
    # result.wide() as to_csv(index=True) writes it: the index (month) first
    write_rows(
        stage / names["timeseries_csv"],
        ["month", *INDICATOR_IDS],
        [(month, *row) for month, row in zip(result.months(), result.values.tolist(), strict=True)],
    )
    write_table(stage / names["zones"], result.zone_table())
    write_parquet(stage / names["zone_states"], arrow_table(result.zone_state_columns()))
    write_table(stage / names["events"], result.event_table())
    write_table(stage / names["scorecard"], card)
    copies = copy_inputs(stage, scenario_file, [] if policy_file is None else [policy_file])
    hashes = {
        path.relative_to(stage).as_posix(): file_sha256(path)
        for path in sorted(stage.rglob("*"))
        if path.is_file()
    }
    return hashes, copies.records


def _run_manifest(
    result: RunResult,
    scenario_file: Path,
    policy_file: Path | None,
    files: dict[str, str],
    policy_given_as: str | None = None,
    records_copy: str | None = None,
) -> dict:
    """The manifest of a run folder: what was run, with what, and every file's checksum."""
    scenario_copy = f"{INPUTS}/{scenario_file.name}"
    policy_copy = None if policy_file is None else f"{INPUTS}/policies/{policy_file.name}"
    scenario = {
        "id": result.scenario.scenario.id,
        "name": result.scenario.scenario.name,
        "file": str(scenario_file),
        "copy": scenario_copy,
        "sha256": files[scenario_copy],
    }
    if records_copy is not None:  # only then: other manifests stay as they were
        scenario["records_copy"] = records_copy
    return {
        "izsim_version": izsim.__version__,
        "kind": "run",
        "scenario": scenario,
        "policy": {
            "id": result.policy.id,
            "name": result.policy.name,
            "file": None if policy_file is None else str(policy_file),
            "copy": policy_copy,
            "sha256": None if policy_copy is None else files[policy_copy],
            "given_as": policy_given_as,
        },
        "seed": result.seed,
        "months": int(result.values.shape[0]),
        "wall_seconds": round(result.wall_seconds, 4),
        **environment(),
        "files": files,
    }


def manifest_problems(folder: Path) -> list[str]:
    """What makes a run folder incomplete or inconsistent: no manifest, a damaged one, or a
    file missing or changed since the manifest named it. Empty when the folder is whole."""
    path = folder / "manifest.json"
    if not path.is_file():
        return ["has no manifest.json: the run that wrote it did not finish; run it again"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest.get("files", {}) if isinstance(manifest, dict) else None
    except (ValueError, OSError) as exc:
        return [f"manifest.json cannot be read ({exc}); run the command again"]
    if not isinstance(files, dict):
        return ["manifest.json lists no files; run the command again"]
    problems = []
    for relative, digest in files.items():
        file = folder / relative
        if not file.is_file():
            # the copies of the inputs may be removed: readers fall back to the originals,
            # whose checksums the manifest also holds
            if not relative.startswith(f"{INPUTS}/"):
                problems.append(f"{relative} is missing")
        elif file_sha256(file) != digest:
            problems.append(f"{relative} changed since the run wrote it (checksum differs)")
    return problems
