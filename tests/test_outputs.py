"""Writing a run's files: three files, written atomically, and a complete manifest."""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import math
import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, distributions, version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import izsim
from izsim import outputs
from izsim.indicators import INDICATOR_IDS
from izsim.outputs import (
    LOCK_NAME,
    arrow_table,
    atomic_write,
    csv_cell,
    installed_version,
    json_text,
    manifest_problems,
    package_versions,
    refuse_compare_folder,
    write_rows,
    write_run,
    write_table,
)
from izsim.result import RunResult, Table
from izsim.run import ZONE_COLUMNS, run
from izsim.scenario import Policy, Scenario, load_policy, load_scenario
from izsim.scorecard import scorecard
from tests.conftest import BASELINE_FILE, ROOT, SCENARIO_FILE

FILES = {
    "manifest.json",
    "scorecard.csv",
    "timeseries.parquet",
    "timeseries.csv",
    "zones.csv",
    "zone_states.parquet",
    "events.csv",
    "inputs",
}


@pytest.fixture(scope="module")
def result(scenario: Scenario, baseline: Policy) -> RunResult:
    return run(scenario, baseline, 5)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_run_writes_its_files_and_no_temporaries(result: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "run"  # created on demand
    paths = write_run(result, out, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    assert {p.name for p in paths.values()} | {"inputs"} == FILES
    assert {p.name for p in out.iterdir()} == FILES  # no .tmp left behind
    assert (out / "inputs" / SCENARIO_FILE.name).read_bytes() == SCENARIO_FILE.read_bytes()
    copy = out / "inputs" / "policies" / BASELINE_FILE.name
    assert copy.read_bytes() == BASELINE_FILE.read_bytes()


def test_every_csv_has_a_bom_and_round_trips_through_pandas(
    result: RunResult, tmp_path: Path
) -> None:
    paths = write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    for key in ("timeseries_csv", "zones", "events", "scorecard"):
        raw = paths[key].read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), key
        assert b"\r\n" not in raw
    wide = pd.read_csv(paths["timeseries_csv"], index_col="month")
    assert list(wide.columns) == list(INDICATOR_IDS)
    pd.testing.assert_frame_equal(wide, result.wide(), check_exact=False, rtol=1e-12)
    zones = pd.read_csv(paths["zones"], keep_default_na=False, na_values=[])
    assert list(zones.columns) == ZONE_COLUMNS
    assert list(zones["zone"]) == [z.id for z in result.scenario.all_zones]
    assert "KCN Nam Sơn Dương" in set(zones["name"])  # Vietnamese survives the round trip
    expected = result.zones.astype(str)
    for column in ("area_ha", "leased_ha", "occupancy_pct"):
        assert np.allclose(zones[column], result.zones[column])
    assert (zones["stage"] == expected["stage"]).all()
    assert (zones["established"] == expected["established"]).all()
    events = pd.read_csv(paths["events"])
    pd.testing.assert_frame_equal(events, result.events)
    # the same text as written with plain UTF-8, but for the three-byte mark
    assert paths["zones"].read_text(encoding="utf-8-sig") == result.zones.to_csv(
        index=False, lineterminator="\n"
    )


def test_zone_table_and_events_agree_with_the_monthly_states(result: RunResult) -> None:
    states = result.zone_states()
    assert len(states) == result.scenario.months * len(result.scenario.all_zones)
    for row in result.zones.itertuples():
        mine = states[states["zone"] == row.zone]
        operating = mine.loc[mine["stage"] == "operating", "month"]
        if row.first_operating.startswith("before"):
            assert mine["stage"].iloc[0] == "operating"
        elif row.first_operating:
            assert operating.iloc[0] == row.first_operating
        else:
            assert operating.empty
        assert mine["stage"].iloc[-1] == row.stage
        assert mine["plant"].iloc[-1] == row.plant
        changes = result.events[
            (result.events["zone"] == row.zone) & result.events["event"].str.startswith("stage_")
        ]
        # every change of stage is an event, and nothing else is
        assert len(changes) == (mine["stage"] != mine["stage"].shift()).sum() - (
            mine["stage"].iloc[0] == result.scenario.all_zones[row.Index].stage
        )
        if row.established and not row.established.startswith("before"):
            assert (changes["event"] == "stage_approved").any()
    assert list(result.events["month"]) == sorted(result.events["month"])


def test_timeseries_and_scorecard_hold_the_run(result: RunResult, tmp_path: Path) -> None:
    paths = write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    table = pq.read_table(paths["timeseries"]).to_pandas()
    pd.testing.assert_frame_equal(table, result.timeseries)
    card = pd.read_csv(paths["scorecard"], keep_default_na=False, na_values=[""])
    expected = scorecard(result)
    assert list(card.columns) == list(expected.columns)
    assert list(card["target"]) == list(expected["target"])
    assert list(card["status"]) == list(expected["status"])
    assert "\r\n" not in paths["scorecard"].read_text(encoding="utf-8")


PROVINCES = sorted(path.stem for path in (ROOT / "scenarios").glob("*.yaml"))


def pandas_csv(frame: pd.DataFrame, path: Path, *, index: bool = False) -> bytes:
    """The bytes of ``frame`` written as izsim wrote its CSV files with pandas before."""
    frame.to_csv(path, index=index, lineterminator="\n", encoding="utf-8-sig")
    return path.read_bytes()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("province", PROVINCES)
def test_a_runs_files_are_what_pandas_wrote(province: str, seed: int, tmp_path: Path) -> None:
    """A run's files are written without pandas: every CSV byte for byte as pandas' to_csv
    wrote it, every Parquet file the table from_pandas made (columns, types, NaN as null) but
    for the pandas metadata, read back as the same DataFrame."""
    scenario_file = ROOT / "scenarios" / f"{province}.yaml"
    result = run(load_scenario(scenario_file), load_policy(BASELINE_FILE), seed)
    paths = write_run(result, tmp_path / "run", scenario_file=scenario_file, policy_file=None)
    # written from the rows: no DataFrame was made for them
    assert isinstance(vars(result)["_zones"], Table) and isinstance(vars(result)["_events"], Table)
    frames = {
        "timeseries_csv": (result.wide(), True),
        "zones": (result.zones, False),
        "events": (result.events, False),
        "scorecard": (scorecard(result), False),
    }
    for key, (frame, index) in frames.items():
        expected = pandas_csv(frame, tmp_path / f"{key}.csv", index=index)
        assert paths[key].read_bytes() == expected, key
    for key, frame in (("timeseries", result.timeseries), ("zone_states", result.zone_states())):
        pd.testing.assert_frame_equal(pd.read_parquet(paths[key]), frame, check_exact=True)
        written = pq.read_table(paths[key])
        assert written.schema.metadata is None
        from_pandas = pa.Table.from_pandas(frame, preserve_index=False)
        assert written.equals(from_pandas.replace_schema_metadata(None)), key
    nan = int(np.isnan(result.values).sum())
    assert pq.read_table(paths["timeseries"]).column("value").null_count == nan


AWKWARD = {
    "number": [0.1 + 0.2, 1e16, 1e15, 1e-5, 1e-4, -0.0, math.nan, math.inf, -math.inf, 5e-324,
               1.7976931348623157e308, 1 / 3, 123456789.12345679, 2.0],
    "count": [0, -1, 2**53 + 1, 7, 10**12, 3, 4, 5, 6, 8, 9, 11, 12, 13],
    "flag": [True, False] * 7,
    "text": ["a,b", 'say "hi"', "two\nlines", "", " lead", "Nam Sơn", "cr\rhere", "—", "x;y",
             "'q'", "tab\there", "1e5", "nan", "None"],
    "maybe": [None, "a", None, "b,c", "", None, "d", "e", None, "f", "g", "h", "i", "j"],
}  # fmt: skip


def test_rows_are_written_as_pandas_writes_them(tmp_path: Path) -> None:
    """Floats at the edges of repr's notation, NaN, infinities, big ints, bools, None and text
    that needs quoting: the same bytes as to_csv, from Python values or pandas' own."""
    columns = list(AWKWARD)
    rows = list(zip(*AWKWARD.values(), strict=True))
    frame = pd.DataFrame(rows, columns=columns)
    assert str(frame["number"].dtype) == "float64" and str(frame["count"].dtype) == "int64"
    expected = pandas_csv(frame, tmp_path / "pandas.csv")
    write_rows(tmp_path / "rows.csv", columns, rows)
    assert (tmp_path / "rows.csv").read_bytes() == expected
    write_table(tmp_path / "frame.csv", Table.of(frame))  # numpy scalars, NaN for None
    assert (tmp_path / "frame.csv").read_bytes() == expected


def test_a_value_without_a_known_text_is_refused() -> None:
    assert csv_cell(np.float64(0.1)) == "0.1" and csv_cell(np.int8(-3)) == "-3"
    for value in (np.float32(0.1), pd.Timestamp("2021-01-01"), b"bytes", 1j):
        with pytest.raises(TypeError):
            csv_cell(value)


def test_arrow_tables_hold_text_and_floats_only() -> None:
    table = arrow_table({"t": np.array(["a", "ơ"]), "x": np.array([np.nan, 1.0])})
    assert table.schema == pa.schema([("t", pa.large_string()), ("x", pa.float64())])
    assert table.column("t").to_pylist() == ["a", "ơ"]
    assert table.column("x").to_pylist() == [None, 1.0]
    with pytest.raises(TypeError, match="no Arrow type"):
        arrow_table({"n": np.array([1, 2])})
    with pytest.raises(TypeError, match="str only"):
        arrow_table({"t": np.array(["a", None], dtype=object)})


# The packages a run's numbers pass through: the model, its clock, arrays, tables, Parquet,
# validation, YAML, statistics.
RESULT_PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "scipy")


def test_manifest_records_the_versions_the_run_used(result: RunResult, tmp_path: Path) -> None:
    paths = write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    assert manifest["python"] == platform.python_version()
    assert manifest["platform"] == f"{sys.platform}-{platform.machine()}"
    packages = manifest["packages"]
    for name in RESULT_PACKAGES:
        assert packages[name] == version(name), name
    # tools of the dev extra do not shape results
    assert not {"pytest", "hypothesis", "ruff"} & set(packages)
    # the Parquet files name their writer: the same pyarrow the manifest records
    writer = pq.ParquetFile(tmp_path / "timeseries.parquet").metadata.created_by
    assert writer.endswith(f"version {packages['pyarrow']}"), writer


def test_package_versions_follow_izsim_declared_dependencies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = [
        "numpy<3,>=1.26",
        "PyYAML<7,>=6.0",
        "surely-not-installed-izsim-test>=1",
        'pytest>=8; extra == "dev"',
    ]
    monkeypatch.setattr(outputs, "requires", lambda name: declared)
    assert package_versions() == {
        "numpy": version("numpy"),
        "PyYAML": version("PyYAML"),
        "surely-not-installed-izsim-test": None,  # declared but missing: shown, not dropped
    }


def test_installed_version_reads_the_version_importlib_metadata_reads() -> None:
    """The manifest's versions are read from the metadata's headers only: for every installed
    package the same as importlib.metadata's, which parses the whole file."""
    names = {dist.metadata["Name"] for dist in distributions()}
    assert {"numpy", "pandas", "matplotlib"} <= names
    assert {name: installed_version(name) for name in names} == {
        name: version(name) for name in names
    }
    with pytest.raises(PackageNotFoundError):
        installed_version("surely-not-installed-izsim-test")


def test_package_versions_without_izsim_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> list[str]:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(outputs, "requires", missing)
    assert package_versions() == {
        name: version(name) for name in sorted(RESULT_PACKAGES, key=str.lower)
    }


def test_manifest_fields(result: RunResult, tmp_path: Path) -> None:
    paths = write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    assert set(manifest) == {
        "izsim_version",
        "kind",
        "scenario",
        "policy",
        "seed",
        "months",
        "wall_seconds",
        "python",
        "platform",
        "packages",
        "files",
    }
    assert manifest["izsim_version"] == izsim.__version__
    assert manifest["kind"] == "run"
    assert manifest["scenario"] == {
        "id": "tuyen_quang",
        "name": "Tuyên Quang",
        "file": str(SCENARIO_FILE),
        "copy": f"inputs/{SCENARIO_FILE.name}",
        "sha256": sha256(SCENARIO_FILE),
    }
    assert manifest["policy"] == {
        "id": "baseline",
        "name": result.policy.name,
        "file": str(BASELINE_FILE),
        "copy": f"inputs/policies/{BASELINE_FILE.name}",
        "sha256": sha256(BASELINE_FILE),
        "given_as": None,  # from Python, not the command line: izsim run says how
    }
    assert manifest["seed"] == 5
    assert manifest["months"] == 120
    assert manifest["wall_seconds"] == round(result.wall_seconds, 4)
    assert paths["manifest"].read_text(encoding="utf-8").endswith("}\n")
    # every file but the manifest, with its checksum
    written = {
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name not in ("manifest.json", LOCK_NAME)
    }
    assert set(manifest["files"]) == written
    for name, digest in manifest["files"].items():
        assert sha256(tmp_path / name) == digest, name
    assert manifest_problems(tmp_path) == []


def test_a_changed_or_missing_file_makes_the_folder_incomplete(
    result: RunResult, tmp_path: Path
) -> None:
    write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=None)
    (tmp_path / "scorecard.csv").write_text("target,status\n", encoding="utf-8")
    (tmp_path / "events.csv").unlink()
    assert manifest_problems(tmp_path) == [
        "events.csv is missing",
        "scorecard.csv changed since the run wrote it (checksum differs)",
    ]
    (tmp_path / "manifest.json").unlink()
    assert "has no manifest.json" in manifest_problems(tmp_path)[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("error", "failing"),
    [
        (errno.ENOSPC, "events.csv"),  # disk full half-way
        (errno.ENOSPC, "baseline.yaml"),  # ... or at the last copy
        (errno.EROFS, "timeseries.parquet"),  # a read-only folder: the first file fails
    ],
)
def test_a_failed_write_leaves_the_previous_run_as_it_was(
    result: RunResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: int,
    failing: str,
) -> None:
    """Before: a full disk left --out with some new files, some old ones and the old manifest."""
    write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    before = snapshot(tmp_path)
    real = outputs.atomic_write

    def failing_write(path: Path, write) -> None:  # type: ignore[no-untyped-def]
        if path.name == failing:
            raise OSError(error, os.strerror(error), str(path))
        real(path, write)

    monkeypatch.setattr(outputs, "atomic_write", failing_write)
    other = run(result.scenario, result.policy, 6)
    with pytest.raises(OSError, match=os.strerror(error)):
        write_run(other, tmp_path, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE)
    assert snapshot(tmp_path) == before  # not a file added, changed or removed
    assert manifest_problems(tmp_path) == []


def test_a_run_is_not_written_into_a_comparison_folder(tmp_path: Path) -> None:
    from izsim.errors import InputError

    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="holds a comparison"):
        refuse_compare_folder(tmp_path)
    refuse_compare_folder(tmp_path / "elsewhere")  # a new folder is fine


def test_json_is_strict() -> None:
    assert json_text({"a": 1.5}) == '{\n  "a": 1.5\n}\n'
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_text({"budget": float("inf")})


def test_manifest_without_a_policy_file(result: RunResult, tmp_path: Path) -> None:
    paths = write_run(result, tmp_path, scenario_file=SCENARIO_FILE, policy_file=None)
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    assert manifest["policy"] == {
        "id": "baseline",
        "name": result.policy.name,
        "file": None,
        "copy": None,
        "sha256": None,
        "given_as": None,
    }


def test_data_files_are_byte_identical_when_rewritten(result: RunResult, tmp_path: Path) -> None:
    first = write_run(result, tmp_path / "a", scenario_file=SCENARIO_FILE, policy_file=None)
    second = write_run(result, tmp_path / "b", scenario_file=SCENARIO_FILE, policy_file=None)
    for key in first:
        if key != "manifest":
            assert first[key].read_bytes() == second[key].read_bytes(), key


def test_atomic_write_moves_the_finished_file_into_place(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        assert not target.exists()  # the real name appears only when writing is done
        tmp.write_text("done", encoding="utf-8")

    atomic_write(target, write)
    assert target.read_text(encoding="utf-8") == "done"
    assert seen == [tmp_path / f".out.txt.{os.getpid()}.tmp"]  # one name per writer
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_leaves_no_file_when_the_writer_raises(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def fail(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, fail)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_when_the_writer_raises(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail(tmp: Path) -> None:
        tmp.write_text("new but broken", encoding="utf-8")
        raise OSError("interrupted")

    with pytest.raises(OSError, match="interrupted"):
        atomic_write(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_folder_that_cannot_hold_a_lock_is_an_input_error(tmp_path: Path) -> None:
    from izsim.errors import InputError
    from izsim.outputs import LOCK_NAME, folder_lock

    (tmp_path / LOCK_NAME).mkdir()  # the lock file cannot be opened (as in a read-only folder)
    with pytest.raises(InputError, match="cannot be written"), folder_lock(tmp_path):
        pass
