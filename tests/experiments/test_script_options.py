"""Bad options of the calibration and validation scripts: a clear message naming the option,
the value and what is allowed, exit code 2, no traceback, nothing run or written."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from izsim.errors import InputError
from izsim.experiments.calibration import history_match
from izsim.patterns import shipped_patterns
from tests.conftest import ROOT, load_script

BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
SCRIPTS = {
    "calibrate_shared": [],
    "calibrate_province": ["--province", "hai_duong"],
    "validate": ["--draws", "1"],
}


def run(script_name: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """The script as its ``__main__`` runs it (``run_script(main)``); its exit code."""
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script(script_name)
    monkeypatch.setattr(sys, "argv", [f"{script_name}.py", *SCRIPTS[script_name], *argv])
    with pytest.raises(SystemExit) as exit_:
        script.run_script(script.main)
    return exit_.value.code


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [("--seed", "-1", "-1 is below 0"), ("--workers", "-2", "-2 is below 1")],
)
def test_a_negative_seed_or_worker_count_is_refused(
    script: str,
    option: str,
    value: str,
    allowed: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert run(script, ["--out", str(out), option, value], monkeypatch) == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {allowed}" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_an_out_that_is_a_file_is_refused(
    script: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine", encoding="utf-8")
    assert run(script, ["--out", str(taken)], monkeypatch) == 2
    err = capsys.readouterr().err
    assert f"argument --out: '{taken}' is a file; give a folder" in err
    assert taken.read_text(encoding="utf-8") == "mine"


def test_history_match_refuses_an_out_that_is_a_file_and_no_parameter(tmp_path: Path) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine", encoding="utf-8")
    options = {"target_ids": ["ccn_wwtp_2018"], "patterns": shipped_patterns(), "workers": 1}
    with pytest.raises(InputError, match="exists and is not a folder") as error:
        history_match(BACKCAST, calibrated=["investors.beta_access"], out=taken, **options)
    assert str(taken) in str(error.value) and "--out" in str(error.value)
    with pytest.raises(InputError, match="no parameter to calibrate"):
        history_match(BACKCAST, calibrated=[], out=tmp_path / "c", **options)
    assert not (tmp_path / "c").exists()


def test_a_screening_that_chooses_nothing_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    """No number cleared the bar: a clear stop, not the space file's "varies no parameter"."""
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script("calibrate_shared")

    def screen(out: Path, names: list[str], *args: object) -> pd.DataFrame:
        out.parent.mkdir(parents=True, exist_ok=True)
        frame = {"output": "ccn_wwtp_2018", "factor": names, "value": 0.0, "conf": 0.0}
        return pd.DataFrame(frame | {"noise_floor": 0.1})

    monkeypatch.setattr(script, "screen", screen)
    out = tmp_path / "shared"
    out.mkdir()
    (out / "ensemble.yaml").write_text("an earlier run's ensemble\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["calibrate_shared.py", "--out", str(out)])
    with pytest.raises(SystemExit) as exit_:
        script.run_script(script.main)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{out / 'screening.csv'}: the screening chose no number" in err
    assert "--trajectories" in err and not (out / "space.yaml").exists()
    # the earlier run's ensemble is gone: the folder does not pair it with this screening
    assert not (out / "ensemble.yaml").exists()


def test_a_screening_that_chooses_only_numbers_never_saved_stops_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    """The typical province's demand moved a pattern, nothing else did: its ensemble would hold
    no shared number (a file no command can load), so the script stops before any wave."""
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script("calibrate_shared")

    def screen(out: Path, names: list[str], *args: object) -> pd.DataFrame:
        out.parent.mkdir(parents=True, exist_ok=True)
        value = [5.0 if n == "investors.prospects_per_month" else 0.0 for n in names]
        frame = {"output": "ccn_wwtp_2018", "factor": names, "value": value, "conf": 0.0}
        return pd.DataFrame(frame | {"noise_floor": 0.1})

    monkeypatch.setattr(script, "screen", screen)
    out = tmp_path / "shared"
    monkeypatch.setattr(sys, "argv", ["calibrate_shared.py", "--out", str(out)])
    with pytest.raises(SystemExit) as exit_:
        script.run_script(script.main)
    assert exit_.value.code == 2
    assert "the screening chose no number to save" in capsys.readouterr().err
    chosen = pd.read_csv(out / "screening.csv")
    assert chosen[chosen["why"] == "screening"]["parameter"].tolist() == [
        "investors.prospects_per_month"
    ]
    assert not (out / "space.yaml").exists() and not (out / "ensemble.yaml").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--provinces", "bogus"], "invalid choice: 'bogus'"),
        (["--trajectories", "0"], "0 is below 1"),
        (["--seed", "-1"], "-1 is below 0"),
    ],
)
def test_the_sensitivity_study_refuses_bad_options(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script("sensitivity_study")
    monkeypatch.setattr(sys, "argv", ["sensitivity_study.py", *argv])
    with pytest.raises(SystemExit) as exit_:
        script.run_script(script.main)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_save_path_under_a_file_is_refused_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    blocker = tmp_path / "some_file"
    blocker.write_text("x")
    argv = ["--out", str(tmp_path / "out"), "--save", str(blocker / "x.yaml")]
    assert run("calibrate_shared", argv, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
