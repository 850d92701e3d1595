"""experiments/validate.py: what it reads is checked before anything runs, draws are
compare's, held-out patterns are read on a scenario's province, failed runs are reported."""

from __future__ import annotations

import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from izsim.experiments.uncertainty import draw
from izsim.scenario import load_scenario
from izsim.scenario.records import shipped_records
from tests.conftest import ROOT, load_script

CALIBRATIONS = ROOT / "results" / "calibration"


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    return load_script("validate")


def run(script, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int | None:
    monkeypatch.setattr(sys, "argv", ["validate.py", *argv])
    try:
        script.run_script(script.main)
    except SystemExit as exit_:
        return exit_.code
    return None


def test_held_out_patterns_are_read_on_the_scenario_s_province(script) -> None:
    """A back-cast of Tuyên Quang (id tuyen_quang_2015) reads Tuyên Quang's patterns, as a
    space does (province_id), not those of a province named like its id."""
    backcast = load_scenario(ROOT / "scenarios" / "backcast" / "tuyen_quang_2015.yaml")
    assert backcast.scenario.id != backcast.scenario.province_id == "tuyen_quang"
    assert "tq_projects_2021" in script.held_out(backcast)
    typical = script.held_out(load_scenario(script.BACKCAST))
    assert "tq_projects_2021" not in typical and "kcn_occupancy_2022_2023" in typical


def test_no_ensemble_and_no_accepted_sets_are_refused_before_anything_runs(
    script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    """It fell back to prior draws for a province without an ensemble, and found accepted.csv
    missing only after the back-cast's prior runs."""
    monkeypatch.setattr(script, "CALIBRATIONS", tmp_path / "none", raising=False)
    out = tmp_path / "v"
    code = run(script, monkeypatch, "--draws", "1", "--province", "hung_yen", "--out", str(out))
    assert code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'none' / 'shared' / 'accepted.csv'}: no such file" in err
    assert "no ensemble for hung_yen: none installed" in err
    assert "run experiments/calibrate_shared.py first" in err and "Traceback" not in err
    assert not out.exists()


def test_a_missing_accepted_table_alone_is_named(
    script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    folder = tmp_path / "calibration" / "shared"
    folder.mkdir(parents=True)
    shutil.copy(CALIBRATIONS / "shared" / "ensemble.yaml", folder)
    monkeypatch.setattr(script, "CALIBRATIONS", folder.parent, raising=False)
    monkeypatch.setattr(script, "ACCEPTED", folder / "accepted.csv", raising=False)
    out = tmp_path / "v"
    code = run(script, monkeypatch, "--draws", "1", "--province", "hung_yen", "--out", str(out))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {folder / 'accepted.csv'}: no such file: run experiments/calibrate_shared.py"
        " first (validation reads its accepted sets)"
    ]
    assert not out.exists()


def test_calibrated_points_are_compare_s_draws_from_the_accepted_sets(script) -> None:
    """The back-cast's calibrated sets are draw()'s with the accepted sets as the ensemble
    (they used a stream of their own, 12, and picks of their own)."""
    ensemble = script.backcast_ensemble()
    assert "investors.prospects_per_month" in ensemble.parameters  # the typical province's own
    got = script.points(script.BACKCAST, 6, 4, ensemble)
    sets = draw(load_scenario(script.BACKCAST), 6, 4, ensemble)
    names = [p.name for p in script.uncertain(script.params_of(script.BACKCAST))]
    expected = pd.DataFrame(sets.values, columns=sets.names)[names].to_numpy()
    np.testing.assert_array_equal(got, expected)
    rows = {tuple(r) for r in ensemble.values.tolist()}
    columns = [names.index(n) for n in ensemble.parameters]
    assert all(tuple(r) in rows for r in got[:, columns].tolist())


def test_a_small_validation_reports_failed_runs_warns_of_a_stale_ensemble_and_no_pandas_warning(
    script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    calibrations = tmp_path / "calibration"
    shutil.copytree(CALIBRATIONS / "shared", calibrations / "shared")
    saved = calibrations / "shared" / "ensemble.yaml"
    body = yaml.safe_load(saved.read_text(encoding="utf-8"))
    body["calibration"]["scenario_sha256"] = "0" * 64  # calibrated on another back-cast
    body["calibration"]["scenario_model_sha256"] = "0" * 64  # (one that runs read otherwise)
    saved.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(script, "CALIBRATIONS", calibrations)
    out = tmp_path / "v"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas warned of fillna("") on float columns
        code = run(
            script, monkeypatch, "--draws", "2", "--province", "hai_duong", "--out", str(out)
        )
    assert code is None
    printed = capsys.readouterr().out
    assert printed.count("has changed since") == 2  # the accepted sets and the ensemble file
    assert f"{saved} was calibrated on {script.BACKCAST}" in printed
    runs = pd.read_csv(out / "runs.csv")
    assert runs[["scenario", "kind"]].values.tolist() == [
        ["typical_2016", "prior"],
        ["typical_2016", "calibrated"],
        ["hai_duong", "prior"],
        ["hai_duong", "calibrated"],
    ]
    assert (runs["runs"] == 2).all() and (runs["failed"] >= 0).all()
    for row in runs.itertuples():
        assert f"{row.kind}: 2 runs, {row.failed} failed" in printed
    assert runs["ensemble"].tolist()[1] == str(calibrations / "shared" / "accepted.csv")
    assert runs["ensemble"].tolist()[3] == str(saved)
    assert script.shown(CALIBRATIONS / "shared" / "accepted.csv") == (
        "results/calibration/shared/accepted.csv"
    )


def test_the_checks_added_after_fitting_are_read_on_the_typical_back_cast_beside_their_records(
    script, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "v"
    assert (
        run(script, monkeypatch, "--draws", "3", "--province", "tuyen_quang", "--out", str(out))
        is None
    )
    table = pd.read_csv(out / "validation.csv")
    checks = table[table["what"].str.startswith("check added after fitting")]
    expected = {script.check_id(name, month) for name, month, _ in script.ADDED_AFTER_FITTING}
    assert set(checks["output"]) == expected and len(expected) == 5
    assert set(checks["scenario"]) == {"typical_2016"}
    assert sorted(checks["kind"]) == sorted(["prior", "calibrated"] * 5)
    records = shipped_records()
    for name, month, record in script.ADDED_AFTER_FITTING:
        rows = checks[checks["output"] == script.check_id(name, month)]
        assert (rows["record"] == float(records[record].value)).all()
        assert (rows["what"] == f"check added after fitting (ref:{record})").all()
        assert ((rows["runs"] == 3) & rows["mean"].between(0, 100)).all()
    assert (checks["record"].tolist()[:5]) == [49, 53, 53.5, 57.8, 57.7]
