"""The command line end to end: files written, byte-identical reruns, help text."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.indicators import INDICATOR_IDS
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
    assert card["source"].str.contains("004_3545e0099e19379d.txt").all()
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
