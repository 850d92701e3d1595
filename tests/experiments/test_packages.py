"""experiments/compare_<province>.py's command line (izsim.experiments.packages.main)."""

from __future__ import annotations

import pytest

from izsim.experiments.packages import main


def test_bad_input_is_printed_as_problems_with_exit_code_2(
    capsys: pytest.CaptureFixture, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing written in the repository
    assert main("no_such_province", ["--replicates", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no_such_province" in err
    assert "Traceback" not in err
