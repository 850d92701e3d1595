"""A damaged comparison folder, dead workers and policies without a successful run.

Before issue 12: a truncated or empty Parquet file, an invalid run record or config, a missing
column or a short table ended in a traceback; a run file copied over another (same policy or
the other one) gave different tables with exit 0; a killed worker gave ``BrokenProcessPool``
and lost the run in flight; ``compare`` exited 0 when every run of a policy failed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from izsim.cli import NO_SUCCESSFUL_RUN, app
from izsim.errors import InputError
from izsim.experiments import CompareResult, compare, runner
from izsim.experiments.design import replicate_seeds
from izsim.indicators import INDICATOR_IDS
from izsim.scenario import Scenario
from tests.experiments.test_compare import outputs, short_copy

cli = CliRunner()
POLICIES = ["baseline", "balanced"]
REPLICATES = 3
SEED = 4
RUNS = Path("runs")


@pytest.fixture(scope="module")
def short_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return short_copy(tmp_path_factory.mktemp("scenario"))


def run_compare(short_file: Path, out: Path, workers: int = 1) -> CompareResult:
    return compare(
        short_file, POLICIES, replicates=REPLICATES, seed=SEED, workers=workers, out=out, quiet=True
    )


@pytest.fixture(scope="module")
def whole(short_file: Path, tmp_path_factory: pytest.TempPathFactory) -> CompareResult:
    """A comparison never damaged: what a repaired one must equal, byte for byte."""
    return run_compare(short_file, tmp_path_factory.mktemp("whole") / "cmp")


def _truncate(folder: Path) -> None:
    path = folder / "balanced" / "r0001.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(folder: Path) -> None:
    (folder / "balanced" / "r0001.parquet").write_bytes(b"")


def _bad_record(folder: Path) -> None:
    (folder / "balanced" / "r0001.json").write_text("{not json", encoding="utf-8")


def _no_column(folder: Path) -> None:
    path = folder / "balanced" / "r0001.parquet"
    pq.write_table(pq.read_table(path).drop_columns([INDICATOR_IDS[3]]), path)


def _short_table(folder: Path) -> None:
    path = folder / "balanced" / "r0001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 12), path)


def _copied_run(folder: Path) -> None:
    """A run's three files copied over another run of the same policy."""
    for suffix in (".parquet", ".zones.parquet", ".json"):
        shutil.copy(folder / "balanced" / f"r0000{suffix}", folder / "balanced" / f"r0001{suffix}")


def _copied_data(folder: Path) -> None:
    """Only the values: the record still names the run it belongs to."""
    shutil.copy(folder / "balanced" / "r0000.parquet", folder / "balanced" / "r0001.parquet")


def _other_policy(folder: Path) -> None:
    """The same replicate of the other policy (the same seed: only the policy tells)."""
    for suffix in (".parquet", ".zones.parquet", ".json"):
        shutil.copy(folder / "baseline" / f"r0001{suffix}", folder / "balanced" / f"r0001{suffix}")


def _no_zones(folder: Path) -> None:
    (folder / "balanced" / "r0001.zones.parquet").unlink()


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated parquet": (_truncate, "r0001.parquet is not the file its record names"),
    "empty parquet": (_empty, "r0001.parquet is not the file its record names"),
    "invalid record": (_bad_record, "its record r0001.json cannot be read"),
    "missing column": (_no_column, "r0001.parquet is not the file its record names"),
    "short table": (_short_table, "r0001.parquet is not the file its record names"),
    "run copied over another": (_copied_run, "belongs to another run (replicate 0, not 1)"),
    "values copied over another": (_copied_data, "r0001.parquet is not the file its record"),
    "run of the other policy": (_other_policy, "another run (policy 'baseline', not 'balanced')"),
    "zones missing": (_no_zones, "r0001.zones.parquet is missing"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_run_is_named_and_made_again(
    damage: str, whole: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    shutil.copytree(whole.out, out)
    spoil, reason = DAMAGE[damage]
    spoil(out / RUNS)
    again = run_compare(short_file, out)
    assert len(again.rerun) == 1, again.rerun
    assert again.rerun[0].startswith("runs/balanced/r0001: ")
    assert reason in again.rerun[0]
    assert again.counts == {"ok": 1, "failed": 0, "skipped": REPLICATES * 2 - 1}
    assert outputs(out) == outputs(whole.out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rerun"] == again.rerun


def test_the_cli_says_which_runs_it_made_again(
    whole: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    shutil.copytree(whole.out, out)
    _other_policy(out / RUNS)
    args = ["compare", str(short_file), "--policies", ",".join(POLICIES), "--quiet"]
    args += ["--replicates", str(REPLICATES), "--seed", str(SEED), "--workers", "1"]
    result = cli.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "rerun: runs/balanced/r0001: its record belongs to another run" in result.output


def test_a_damaged_config_is_refused_with_what_to_do(
    whole: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    shutil.copytree(whole.out, out)
    (out / "config.json").write_text('{"scenario": ', encoding="utf-8")
    with pytest.raises(InputError, match=r"config\.json: is damaged .*delete the folder"):
        run_compare(short_file, out)
    args = ["compare", str(short_file), "--policies", ",".join(POLICIES), "--quiet"]
    result = cli.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert "is damaged" in result.output and "Traceback" not in result.output


def test_a_broken_manifest_and_leftover_files_are_rebuilt(
    whole: CompareResult, short_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    shutil.copytree(whole.out, out)
    (out / "manifest.json").write_text("{", encoding="utf-8")
    leftover = out / RUNS / "baseline" / ".r0002.parquet.99999.tmp"  # from a killed process
    leftover.write_bytes(b"half")
    again = run_compare(short_file, out)
    assert again.counts["skipped"] == REPLICATES * 2 and again.rerun == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["runs"]) == REPLICATES * 2
    assert not leftover.exists()
    assert outputs(out) == outputs(whole.out)


def test_no_successful_run_of_a_policy_exits_non_zero(
    short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = runner.run

    def failing(scenario: Scenario, policy: object, seed: int) -> object:
        if getattr(policy, "id", None) == "balanced":
            raise RuntimeError("boom")
        return real_run(scenario, policy, seed)

    monkeypatch.setattr(runner, "run", failing)
    out = tmp_path / "cmp"
    args = ["compare", str(short_file), "--policies", ",".join(POLICIES), "--quiet"]
    args += ["--replicates", "2", "--workers", "1", "--out", str(out)]
    result = cli.invoke(app, args)
    assert result.exit_code == NO_SUCCESSFUL_RUN
    assert "no run succeeded for balanced" in result.output
    assert (out / "scorecard.csv").exists() and (out / "manifest.json").exists()


@pytest.mark.slow  # a new pool is spawned after the death: ten seconds
def test_a_worker_that_dies_is_a_failed_run_and_the_rest_go_on(
    whole: CompareResult, short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fatal_seed = replicate_seeds(SEED, REPLICATES)[1]
    real_run = runner.run

    def dying(scenario: Scenario, policy: object, seed: int) -> object:
        if getattr(policy, "id", None) == "balanced" and seed == fatal_seed:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return real_run(scenario, policy, seed)

    monkeypatch.setattr(runner, "run", dying)  # forked workers inherit it
    out = tmp_path / "cmp"
    result = run_compare(short_file, out, workers=2)
    records = {
        (p.parent.name, p.stem): json.loads(p.read_text(encoding="utf-8"))
        for p in out.glob("runs/*/*.json")
    }
    assert len(records) == REPLICATES * 2  # every run recorded, none lost
    killed = records[("balanced", "r0001")]
    assert killed["status"] == "failed" and "worker process running it died" in killed["error"]
    # a run in flight on the other worker goes down with the pool; it is a failed run too
    for record in records.values():
        assert record["status"] == "ok" or "died" in record["error"]
    assert result.counts["ok"] + result.counts["failed"] == REPLICATES * 2
    monkeypatch.setattr(runner, "run", real_run)
    again = run_compare(short_file, out, workers=2)
    assert again.counts["failed"] == 0 and again.counts["ok"] == result.counts["failed"]
    assert outputs(out) == outputs(whole.out)


def test_a_full_disk_stops_the_comparison_with_exit_2_and_whole_runs(
    short_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a traceback from deep inside the runner."""
    from izsim.experiments import store

    real = store.atomic_write
    written: list[Path] = []

    def filling(path: Path, write: Callable[[Path], None]) -> None:
        if path.suffix == ".parquet" and len(written) >= 4:
            raise OSError(28, "No space left on device", str(path))
        real(path, write)
        written.append(path)

    monkeypatch.setattr(store, "atomic_write", filling)
    out = tmp_path / "cmp"
    args = ["compare", str(short_file), "--policies", ",".join(POLICIES), "--quiet"]
    args += ["--replicates", str(REPLICATES), "--seed", str(SEED), "--workers", "1"]
    result = cli.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert "cannot be written: No space left on device" in result.output
    assert "run the same command again" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (out / "manifest.json").exists()  # the folder says it is not finished
    monkeypatch.setattr(store, "atomic_write", real)
    assert cli.invoke(app, [*args, "--out", str(out)]).exit_code == 0
    assert (out / "manifest.json").exists()
