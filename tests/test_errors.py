"""izsim.errors.run_script: an experiments/ script's bad input is said, with exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from izsim.errors import InputError, Problem, run_script
from tests.conftest import ROOT


def test_run_script_prints_each_problem_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    def main() -> None:
        raise InputError([Problem("a.yaml", "x", "is wrong", 3), Problem("b.yaml", "", "missing")])

    with pytest.raises(SystemExit) as caught:
        run_script(main)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: a.yaml:3: x: is wrong", "error: b.yaml: missing"]


def test_a_calibration_script_given_a_missing_ensemble_says_so_without_a_traceback() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "calibrate_province.py"),
            "--province",
            "hai_duong",
            "--shared",
            "/nonexistent/shared.yaml",
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "/nonexistent/shared.yaml" in done.stderr and "Traceback" not in done.stderr
