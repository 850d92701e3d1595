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
