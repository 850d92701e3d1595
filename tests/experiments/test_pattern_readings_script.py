"""experiments/pattern_readings.py: held-out readings stay hidden unless asked for; a pattern
with no value on a run says why."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import load_script

ROOT = Path(__file__).resolve().parents[2]


readings = load_script("pattern_readings")


def _lines(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, str]:
    argv = ["pattern_readings.py", "--replicates", "2", "--province", "hai_duong", *args]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", argv)
        readings.main()
    out = capsys.readouterr().out
    return {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}


def test_held_out_readings_are_hidden_unless_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _lines(capsys)
    assert "held out: not shown" in lines["hd_kcn_operating_2023"]
    assert "within in" in lines["hd_kcn_occupancy_2023"]  # fitted: shown
    assert "no value: the run covers 2021-01–2030-12" in lines["kcn_occupancy_2016"]
    assert "tq_projects_2021" not in lines  # another province's pattern
    shown = _lines(capsys, "--show-held-out")
    assert "within in" in shown["hd_kcn_operating_2023"]


def _main(*args: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["pattern_readings.py", *args])
        return readings.main()


def test_an_unknown_policy_is_named_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _main("--policy", "nosuch", "--province", "hai_duong") == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before anything runs
    assert captured.err.startswith("error: --policy: 'nosuch' is not a policy beside the scenario")
    assert "policies there: " in captured.err


def test_fewer_than_one_replicate_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _main("--replicates", "0")
    assert caught.value.code == 2
    assert "--replicates: 0 is below 1" in capsys.readouterr().err
