"""The command line end to end: files written, byte-identical reruns, help text."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.indicators import INDICATOR_IDS
from izsim.model.labour import LabourPool
from izsim.outputs import LOCK_NAME, folder_lock
from tests.conftest import ROOT, SCENARIO_FILE

runner = CliRunner()
FILES = (
    "timeseries.parquet",
    "timeseries.csv",
    "zones.csv",
    "zone_states.parquet",
    "events.csv",
    "scorecard.csv",
    "manifest.json",
    "inputs",
)


def izsim_command() -> list[str]:
    script = shutil.which("izsim", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from izsim.cli import main; main()"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "indicators"):
        assert command in result.output
    run_help = runner.invoke(app, ["run", "--help"])
    for option in ("--policy", "--seed", "--out"):
        assert option in run_help.output


def test_run_writes_its_files(tmp_path: Path) -> None:
    out = tmp_path / "tq"
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME) == sorted(FILES)
    tidy = pd.read_parquet(out / "timeseries.parquet")
    assert list(tidy.columns) == ["month", "indicator", "value"]
    assert set(tidy["indicator"]) == set(INDICATOR_IDS)
    card = pd.read_csv(out / "scorecard.csv")
    assert {
        "indicator",
        "comparator",
        "target_value",
        "deadline",
        "simulated",
        "status",
        "source",
    } <= set(card.columns)
    assert card["source"].str.startswith("tq_nq_2021 §").all()  # the plan document cited
    assert set(card["status"]) <= {"met", "missed", "not_modelled", "no_value"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 1 and manifest["policy"]["id"] == "baseline"
    assert manifest["scenario"]["sha256"] == digest(SCENARIO_FILE)
    assert "Tuyên Quang" in result.output


def test_default_policy_is_the_baseline_beside_the_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "2"])
    assert result.exit_code == 0
    assert "policy 'baseline'" in result.output


def test_indicators_lists_the_catalogue() -> None:
    result = runner.invoke(app, ["indicators"])
    assert result.exit_code == 0
    assert "occupancy_rate" in result.output and "Tỷ lệ lấp đầy" in result.output


def test_validate_accepts_the_shipped_files() -> None:
    files = [
        str(SCENARIO_FILE),
        *map(str, sorted((ROOT / "scenarios" / "policies").glob("*.yaml"))),
    ]
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_rerun_is_byte_identical_and_other_seeds_differ(tmp_path: Path) -> None:
    """The issue's 'done when': same command twice, identical files (manifest aside)."""
    digests = []
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        subprocess.run(
            [
                *izsim_command(),
                "run",
                str(SCENARIO_FILE),
                "--seed",
                seed,
                "--out",
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        digests.append({f: digest(tmp_path / name / f) for f in FILES[:2]})
    assert digests[0] == digests[1]
    assert digests[0]["timeseries.parquet"] != digests[2]["timeseries.parquet"]


def test_a_second_command_into_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "tq"
    out.mkdir()
    with folder_lock(out):  # as another izsim command holding the folder
        result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
        assert result.exit_code == 2
        assert "another izsim command is writing into this folder" in result.output
        assert "Traceback" not in result.output
        assert {p.name for p in out.iterdir()} == {LOCK_NAME}  # nothing written
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with folder_lock(out):
        result = runner.invoke(app, ["report", str(out), "--format", "html", "--lang", "en"])
        assert result.exit_code == 2 and "another izsim command" in result.output
        assert not (out / "report.en.html").exists()


def test_a_report_that_cannot_be_written_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import izsim.present.report

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "report.en.html"))

    monkeypatch.setattr(izsim.present.report, "write_report", full)
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "report.en.html: cannot be written: No space left on device" in result.output
    assert "Traceback" not in result.output


# --- faults and bad input (issue 12) -------------------------------------------------------------


def changed_scenario(folder: Path, change: Callable[[dict], None], name: str = "s.yaml") -> Path:
    """The Tuyên Quang scenario with ``change`` applied, written into ``folder``."""
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    change(data)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_square_brackets_in_messages_are_shown(tmp_path: Path) -> None:
    """Rich read them as markup: the pattern showed as '^*$', a folder [draft] vanished."""

    def bad_id(data: dict) -> None:
        data["sectors"][0]["id"] = "Bad-Id"

    path = changed_scenario(tmp_path / "[draft]", bad_id)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "'^[a-z][a-z0-9_]*$'" in result.output
    assert f"{tmp_path}/[draft]/s.yaml" in result.output.replace("\n", "")


def test_run_refuses_to_write_into_a_comparison_folder(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    (out / "runs").mkdir(parents=True)
    (out / "config.json").write_text("{}", encoding="utf-8")
    (out / "scorecard.csv").write_text("the comparison's", encoding="utf-8")
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 2
    assert "holds a comparison" in result.output
    assert (out / "scorecard.csv").read_text(encoding="utf-8") == "the comparison's"


@pytest.mark.parametrize("option", ["--out", "scenario"])
def test_a_path_that_is_not_utf8_is_refused(tmp_path: Path, option: str) -> None:
    odd = os.fsdecode(bytes(tmp_path / "out") + b"\xff")
    args = ["run", str(SCENARIO_FILE), "--out", odd] if option == "--out" else ["run", odd]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8" in result.output and "out\ufffd" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"), [(28, "No space left on device"), (30, "Read-only file system")]
)
def test_a_run_that_cannot_be_written_exits_2_and_leaves_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    import izsim.outputs

    out = tmp_path / "tq"
    assert runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full(path: Path, write: object) -> None:
        raise OSError(code, words, str(path))

    monkeypatch.setattr(izsim.outputs, "atomic_write", full)
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--seed", "3", "--out", str(out)])
    assert result.exit_code == 2
    assert f"cannot be written: {words}" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_run_out_of_its_indicator_ranges_fails_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs of simulated firms above the workforce were once written as a share above 100 %;
    the labour pools now prevent it, so a defect of that kind is simulated: a workforce of a
    hundred people."""
    monkeypatch.setattr(LabourPool, "workforce", property(lambda self: 100.0))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SCENARIO_FILE), "--out", str(out)])
    assert result.exit_code == 1
    assert "run failed" in result.output
    assert (
        "industry_labour_share" in result.output and "outside its range [0, 100]" in result.output
    )
    assert not (out / "timeseries.parquet").exists()


def test_compare_refuses_an_infinite_budget(tmp_path: Path) -> None:
    """--budget inf wrote Infinity into config.json, which strict JSON parsers reject."""
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["compare", str(SCENARIO_FILE), "--budget", "inf", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 2
    assert "--budget: inf: give a finite amount" in result.output
    assert not out.exists()
