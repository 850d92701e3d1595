"""What a calibration is and where it goes: one rule decides an ensemble's status
(calibration.verdict), the file records it, and only an explicit ``--save`` installs a
calibration or removes a provisional one; a province's ensemble built on a provisional shared
one is provisional too and names it. Fast: the history match is made up, the rest is real."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from izsim.experiments.calibration import Emulator, HistoryMatch, Target, Wave, verdict
from izsim.experiments.ensemble import PROVINCE_OWN, load_ensemble
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.load import file_sha256, model_sha256
from izsim.scenario.parameters import parameters
from tests.conftest import ROOT, load_script

BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
HAI_DUONG = ROOT / "scenarios" / "hai_duong.yaml"
SHARED_NAMES = ["investors.beta_rent_per_10_usd_m2", "developers.wwtp_build_months"]
NATIONAL = Target("kcn_occupancy_2018_2020", 72.0, 77.0, 63)
OWN = Target("hd_kcn_occupancy_2023", 77.0, 85.0, 1)


def params_of(scenario_file: Path) -> list:
    policy = load_policy(scenario_file.parent / "policies" / "baseline.yaml")
    return parameters(load_scenario(scenario_file), policy)


def made_up(
    names: list[str],
    scenario_file: Path,
    target: Target,
    reads: float,
    *,
    kept: float = 0.5,
    cut: bool = True,
    fitted: int | None = None,
    given: object = None,
) -> HistoryMatch:
    """A history match of two sets at the middle of each number's range, every run reading
    ``reads``; the ensemble drawn where ``kept`` of the candidates were left."""
    ranged = {p.name: p for p in params_of(scenario_file)}
    row = [(ranged[n].low + ranged[n].high) / 2 for n in names]
    values = np.array([row, row])
    unit = np.full((2, 1), 0.5)
    runs = pd.DataFrame(
        {"set": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], "status": "ok", target.id: reads}
    )
    accepted = pd.DataFrame(values, columns=names)
    accepted.insert(0, "set", [0, 1])
    accepted.insert(0, "wave", 2)
    accepted[target.id] = reads
    accepted["implausibility"] = 0.0
    return HistoryMatch(
        names[: fitted or len(names)],
        [target],
        # a wave whose emulator (here a stand-in that passed its checks) cut on the target
        [
            Wave(
                1,
                unit,
                values,
                runs,
                emulators=[Emulator(target, None, 0.0, 0.0, 1.0)] if cut else [],
            )
        ],
        [] if cut else [target.id],
        accepted,
        [],
        Wave(2, unit, values, runs, kept_share=kept),
        given,  # type: ignore[arg-type]
    )


def shared_file(path: Path, status: str) -> Path:
    """A small shared ensemble of ``status``, inside every province's ranges."""
    body = {
        "calibration": {
            "method": "history matching, for a test",
            "scenario": "scenarios/backcast/typical_2016.yaml",
            "scenario_sha256": file_sha256(BACKCAST),
            "patterns": [NATIONAL.id],
            "status": status,
            "runs": 10,
            "minutes": 0.1,
            "seed": 1,
        },
        "parameters": SHARED_NAMES,
        "sets": [[-0.45, 10.0], [-0.2, 14.0]],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


# -- the one rule ------------------------------------------------------------------------


def test_a_calibration_is_cut_on_something_reads_it_and_ruled_something_out() -> None:
    match = made_up(SHARED_NAMES, BACKCAST, NATIONAL, 74.0)
    assert verdict(match).status == "calibrated" and verdict(match).reasons == []


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"reads": 80.0}, "its mean misses kcn_occupancy_2018_2020"),
        ({"reads": float("nan")}, "its mean misses kcn_occupancy_2018_2020"),
        ({"cut": False}, "cut on no pattern"),
        ({"kept": 1.0}, "no wave ruled anything out"),
    ],
)
def test_each_condition_alone_makes_an_ensemble_provisional(options: dict, reason: str) -> None:
    options = {"reads": 74.0} | options
    judged = verdict(made_up(SHARED_NAMES, BACKCAST, NATIONAL, **options))
    assert judged.status == "provisional"
    assert [r for r in judged.reasons if r.startswith(reason)], judged.reasons


def test_an_ensemble_on_a_provisional_shared_one_is_provisional(tmp_path: Path) -> None:
    for status in ("provisional", "calibrated"):
        given = load_ensemble(
            shared_file(tmp_path / f"{status}.yaml", status), params_of(HAI_DUONG)
        )
        names = [*PROVINCE_OWN, *SHARED_NAMES]
        match = made_up(names, HAI_DUONG, OWN, 80.0, fitted=len(PROVINCE_OWN), given=given)
        assert verdict(match).status == status


# -- calibrate_shared.py: --save ----------------------------------------------------------


@pytest.fixture
def shared_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """calibrate_shared.py on a copy of the scenarios (its ROOT), with an installed ensemble
    there, the screening choosing two numbers and the history match made up (reading
    ``script.READS``)."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    installed = shared_file(root / "scenarios" / "calibrated" / "shared.yaml", "calibrated")
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script("calibrate_shared")
    backcast = root / "scenarios" / "backcast" / "typical_2016.yaml"
    monkeypatch.setattr(script, "ROOT", root)
    monkeypatch.setattr(script, "BACKCAST", backcast)
    monkeypatch.setattr(script, "BY_ARGUMENT", {})  # the two screened numbers only
    script.READS = 80.0  # outside the tolerance: provisional

    def screen(out: Path, names: list[str], *args: object) -> pd.DataFrame:
        out.parent.mkdir(parents=True, exist_ok=True)
        return pd.DataFrame(
            {
                "output": NATIONAL.id,
                "factor": names,
                "value": [10.0 if n in SHARED_NAMES else 0.0 for n in names],
                "conf": 0.0,
                "noise_floor": 0.1,
            }
        )

    def history_match(scenario_file: Path, *, calibrated: list[str], out: Path, **_: object):
        Path(out).mkdir(parents=True, exist_ok=True)
        return made_up(list(calibrated), scenario_file, NATIONAL, script.READS)

    monkeypatch.setattr(script, "screen", screen)
    monkeypatch.setattr(script, "history_match", history_match)
    return script, installed, tmp_path / "out"


def run_main(script, monkeypatch: pytest.MonkeyPatch, *argv: str) -> None:
    monkeypatch.setattr(sys, "argv", [f"{script.__name__}.py", *argv])
    script.main()


def test_a_scratch_calibration_leaves_the_installed_ensemble_alone(
    shared_script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Without --save, a provisional result removes nothing (it removed the installed
    scenarios/calibrated/shared.yaml, --save's default) and a calibration installs nothing."""
    script, installed, out = shared_script
    before = installed.read_text(encoding="utf-8")
    run_main(script, monkeypatch, "--out", str(out))
    assert installed.read_text(encoding="utf-8") == before
    assert load_ensemble(out / "ensemble.yaml", params_of(script.BACKCAST)).provenance.status == (
        "provisional"
    )
    assert "removed" not in capsys.readouterr().out
    script.READS = 74.0
    installed.unlink()
    run_main(script, monkeypatch, "--out", str(out))
    assert not installed.exists()
    assert "not installed: give --save scenarios/calibrated/shared.yaml" in capsys.readouterr().out


def test_save_removes_an_installed_ensemble_when_provisional_and_says_so(
    shared_script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    script, installed, out = shared_script
    run_main(script, monkeypatch, "--out", str(out), "--save", str(installed))
    assert not installed.exists()
    assert f"removed {installed}" in capsys.readouterr().out


def test_save_installs_a_calibration_as_written_with_its_status(
    shared_script, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script, _, out = shared_script
    script.READS = 74.0
    target = tmp_path / "elsewhere" / "shared.yaml"
    run_main(script, monkeypatch, "--out", str(out), "--save", str(target))
    assert target.read_text(encoding="utf-8") == (out / "ensemble.yaml").read_text()
    ensemble = load_ensemble(target, params_of(script.BACKCAST))
    assert ensemble.provenance.status == "calibrated"
    assert sorted(ensemble.parameters) == sorted(SHARED_NAMES)


@pytest.mark.parametrize(
    ("save", "message"),
    [
        (lambda installed, out: installed.parent, "is a folder; give the ensemble's file"),
        (lambda installed, out: out / "ensemble.yaml", "is where the calibration writes"),
    ],
)
def test_save_refuses_a_folder_and_the_calibration_s_own_file(
    shared_script, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, save, message
) -> None:
    script, installed, out = shared_script
    with pytest.raises(SystemExit) as exit_:
        run_main(script, monkeypatch, "--out", str(out), "--save", str(save(installed, out)))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --save:" in err and message in err and not out.exists()


# -- calibrate_province.py: the shared ensemble -------------------------------------------


@pytest.fixture
def province_script(monkeypatch: pytest.MonkeyPatch):
    """calibrate_province.py with the history match made up (its province's pattern read
    inside the tolerance, some candidates ruled out: a calibration on its own)."""
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    script = load_script("calibrate_province")

    def history_match(scenario_file: Path, *, calibrated: list[str], out: Path, given, **_):
        Path(out).mkdir(parents=True, exist_ok=True)
        names = [*calibrated, *given.parameters]
        return made_up(names, scenario_file, OWN, 80.0, fitted=len(calibrated), given=given)

    monkeypatch.setattr(script, "history_match", history_match)
    return script


@pytest.mark.parametrize("status", ["provisional", "calibrated"])
def test_a_province_on_a_provisional_shared_ensemble_is_provisional_and_names_it(
    province_script, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, status: str
) -> None:
    shared = shared_file(tmp_path / "shared" / "ensemble.yaml", status)
    install = tmp_path / "calibrated" / "hai_duong.yaml"
    out = tmp_path / "hd"
    argv = ["--province", "hai_duong", "--shared", str(shared), "--out", str(out)]
    run_main(province_script, monkeypatch, *argv, "--save", str(install))
    provenance = load_ensemble(out / "ensemble.yaml", params_of(HAI_DUONG)).provenance
    assert provenance.status == status
    assert install.exists() == (status == "calibrated")
    assert provenance.shared is not None
    assert provenance.shared.model_dump() == {
        "path": shared.resolve().as_posix(),
        "sha256": file_sha256(shared),
        "status": status,
    }


def test_a_calibration_records_the_scenario_s_file_and_what_its_runs_read(
    province_script, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = shared_file(tmp_path / "shared" / "ensemble.yaml", "calibrated")
    out = tmp_path / "hd"
    run_main(province_script, monkeypatch, "--province", "hai_duong", "--shared", str(shared),
             "--out", str(out))  # fmt: skip
    provenance = load_ensemble(out / "ensemble.yaml", params_of(HAI_DUONG)).provenance
    assert provenance.scenario_sha256 == file_sha256(HAI_DUONG)
    assert provenance.scenario_model_sha256 == model_sha256(load_scenario(HAI_DUONG))


def test_a_province_without_a_shared_ensemble_is_told_where_one_is(
    province_script, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "none.yaml"
    argv = ["--province", "hai_duong", "--shared", str(missing), "--out", str(tmp_path / "hd")]
    monkeypatch.setattr(sys, "argv", ["calibrate_province.py", *argv])
    with pytest.raises(SystemExit) as exit_:
        province_script.run_script(province_script.main)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "--shared results/calibration/shared/ensemble.yaml" in err
    assert not (tmp_path / "hd").exists()


def test_a_target_whose_emulators_all_failed_their_check_makes_it_provisional() -> None:
    """Read inside the tolerance, but never cut on (every emulator of it failed its
    leave-one-out check): nothing the patterns said ruled a point out, so no calibration."""
    match = made_up(SHARED_NAMES, BACKCAST, NATIONAL, 74.0)
    assert verdict(match).status == "calibrated"
    match.waves[0].emulators[0].loo_errors = np.full(20, 10.0)
    assert match.cut_on == [] and match.uncut == [NATIONAL.id]
    found = verdict(match)
    assert found.status == "provisional"
    assert any("passed its leave-one-out check" in r for r in found.reasons)
