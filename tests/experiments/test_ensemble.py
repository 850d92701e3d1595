"""A calibrated ensemble (izsim.experiments.ensemble): read, checked, and used by compare."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.experiments import compare
from izsim.experiments.ensemble import find_ensemble, load_ensemble, stale
from izsim.experiments.uncertainty import draw
from izsim.scenario.load import file_sha256, load_policy, load_scenario, model_sha256
from izsim.scenario.parameters import parameters
from tests.conftest import ROOT

NAMES = ["investors.beta_rent_per_10_usd_m2", "developers.wwtp_build_months"]
SETS = [[-0.45, 10.0], [-0.2, 14.0], [-0.3, 20.0]]


def ensemble_text(
    names: list[str] = NAMES, sets: list[list[float]] = SETS, **provenance: object
) -> str:
    body = {
        "calibration": {
            "method": "history matching, for a test",
            "scenario": "scenarios/backcast/typical_2016.yaml",
            "scenario_sha256": "0" * 64,
            "patterns": ["kcn_occupancy_2018_2020"],
            "runs": 10,
            "minutes": 0.1,
            "seed": 1,
            "status": "calibrated",
            **provenance,
        },
        "parameters": names,
        "sets": sets,
    }
    return yaml.safe_dump(body, sort_keys=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped scenarios, copied, with a test ensemble as calibrated/shared.yaml."""
    target = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", target, ignore=shutil.ignore_patterns("calibrated"))
    (target / "calibrated").mkdir()
    (target / "calibrated" / "shared.yaml").write_text(ensemble_text(), encoding="utf-8")
    return target


def test_compare_takes_the_ensemble_s_numbers_and_priors_for_the_rest(
    folder: Path, tmp_path: Path
) -> None:
    scenario_file = folder / "tuyen_quang.yaml"
    options = {"replicates": 6, "seed": 3, "workers": 1, "quiet": True, "uncertainty": True}
    compare(scenario_file, ["baseline"], out=tmp_path / "c", **options)
    sets = pd.read_csv(tmp_path / "c" / "parameter_sets.csv")
    rows = {tuple(r) for r in SETS}
    assert all(tuple(r) in rows for r in sets[NAMES].to_numpy().tolist())
    assert sets[NAMES].drop_duplicates().shape[0] > 1  # replicates draw different sets
    compare(scenario_file, ["baseline"], out=tmp_path / "p", calibrated=False, **options)
    drawn = pd.read_csv(tmp_path / "p" / "parameter_sets.csv")
    assert not any(tuple(r) in rows for r in drawn[NAMES].to_numpy().tolist())
    # every other number is drawn as without an ensemble: the same values
    others = [c for c in sets.columns if c not in NAMES]
    pd.testing.assert_frame_equal(sets[others], drawn[others])


def test_draw_with_an_ensemble_is_prefix_stable(folder: Path) -> None:
    scenario = load_scenario(folder / "tuyen_quang.yaml")
    ensemble = load_ensemble(folder / "calibrated" / "shared.yaml", parameters(scenario))
    few, more = draw(scenario, 3, 9, ensemble), draw(scenario, 8, 9, ensemble)
    assert np.array_equal(few.values, more.values[:3])


def test_a_folder_made_with_an_ensemble_is_not_resumed_without_it(
    folder: Path, tmp_path: Path
) -> None:
    options = {"replicates": 2, "seed": 3, "workers": 1, "quiet": True, "uncertainty": True}
    compare(folder / "tuyen_quang.yaml", ["baseline"], out=tmp_path / "c", **options)
    with pytest.raises(InputError, match="uncertainty"):
        compare(
            folder / "tuyen_quang.yaml",
            ["baseline"],
            out=tmp_path / "c",
            calibrated=False,
            **options,
        )


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            ensemble_text(sets=[[-0.45, 10.0], [-0.9, 14.0]]),
            "sets[1] (investors.beta_rent",
            "-0.9 is outside its range [-0.6, -0.1]",
        ),
        (
            ensemble_text(names=["investors.nothing", NAMES[1]]),
            "parameters[0]",
            "'investors.nothing' is not a ranged number",
        ),
        (ensemble_text(sets=[[-0.45]]), "sets[0]", "has 1 values; give 2"),
        (
            ensemble_text(patterns=[], status="calibrated"),
            "calibration",
            "a calibrated ensemble names the patterns it was cut on",
        ),
        (
            ensemble_text(status="calibrated", missed=["kcn_occupancy_2018_2020"]),
            "calibration",
            "a calibrated ensemble misses no pattern it was cut on",
        ),
        (
            ensemble_text(
                status="calibrated",
                shared={"path": "results/x.yaml", "sha256": "0" * 64, "status": "provisional"},
            ),
            "calibration",
            "a calibrated ensemble takes no numbers from a provisional one (results/x.yaml)",
        ),
        ("calibration: {}\n", "calibration", ""),
        (
            ensemble_text(names=[NAMES[0], NAMES[0]], sets=[[-0.45, -0.2]]),
            "parameters",
            f"{NAMES[0]} listed twice",
        ),
        (ensemble_text(sets=[[-0.45, True]]), "sets[0][1]", "valid number"),
        (ensemble_text(sets=[[-0.45, "12"]]), "sets[0][1]", "valid number"),
    ],
)
def test_a_bad_ensemble_is_a_clear_error_with_exit_2(
    folder: Path, tmp_path: Path, text: str, field: str, message: str
) -> None:
    path = folder / "calibrated" / "shared.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(folder / "tuyen_quang.yaml"),
            "--policies",
            "baseline",
            "--uncertainty",
            "--replicates",
            "2",
            "--out",
            str(tmp_path / "x"),
            "--quiet",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output and field in result.output and message in result.output
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_a_province_s_own_ensemble_comes_before_the_shared_one(folder: Path) -> None:
    own = folder / "calibrated" / "tuyen_quang.yaml"
    assert find_ensemble(folder / "tuyen_quang.yaml", "tuyen_quang").name == "shared.yaml"
    own.write_text(ensemble_text(), encoding="utf-8")
    assert find_ensemble(folder / "tuyen_quang.yaml", "tuyen_quang") == own
    assert find_ensemble(folder / "ha_nam.yaml", "ha_nam").name == "shared.yaml"


def test_compare_warns_when_the_ensemble_s_scenario_has_changed_since(
    folder: Path, tmp_path: Path
) -> None:
    """Not refused (a scenario changes between calibrations), but said, naming both."""
    options = {"replicates": 2, "seed": 3, "workers": 1, "quiet": True, "uncertainty": True}
    path = folder / "calibrated" / "shared.yaml"
    backcast = folder / "backcast" / "typical_2016.yaml"
    result = compare(folder / "tuyen_quang.yaml", ["baseline"], out=tmp_path / "a", **options)
    warned = [w for w in result.warnings if "has changed since" in w]
    assert len(warned) == 1
    assert str(path) in warned[0] and str(backcast.resolve()) in warned[0]
    assert "000000000000" in warned[0] and file_sha256(backcast)[:12] in warned[0]
    path.write_text(ensemble_text(scenario_sha256=file_sha256(backcast)), encoding="utf-8")
    result = compare(folder / "tuyen_quang.yaml", ["baseline"], out=tmp_path / "b", **options)
    assert not [w for w in result.warnings if str(path) in w]


def test_compare_refuses_a_provisional_ensemble_where_a_calibrated_one_belongs(
    folder: Path, tmp_path: Path
) -> None:
    """Only a hand copy puts a provisional ensemble in calibrated/: it is no calibration, and
    compare says so (exit 2) instead of using it as one; --prior-only does not read it."""
    path = folder / "calibrated" / "shared.yaml"
    path.write_text(ensemble_text(status="provisional"), encoding="utf-8")
    argv = ["compare", str(folder / "tuyen_quang.yaml"), "--policies", "baseline"]
    argv += ["--uncertainty", "--replicates", "2", "--workers", "1", "--quiet"]
    result = CliRunner().invoke(app, [*argv, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output and "calibration.status" in result.output
    assert "'provisional'" in result.output and "--prior-only" in result.output
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(app, [*argv, "--prior-only", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output


def test_a_calibration_installs_where_find_ensemble_looks(tmp_path: Path) -> None:
    """A back-cast's own ensemble lives beside the back-cast, not beside the shipped scenarios
    (calibrate_province's --save hint named a file nothing read)."""
    from izsim.experiments.ensemble import ensemble_home

    backcast = tmp_path / "backcast" / "tuyen_quang_2015.yaml"
    home = ensemble_home(backcast, "tuyen_quang_2015")
    assert home == tmp_path / "backcast" / "calibrated" / "tuyen_quang_2015.yaml"
    home.parent.mkdir(parents=True)
    home.write_text(ensemble_text(), encoding="utf-8")
    assert find_ensemble(backcast, "tuyen_quang_2015") == home
    assert find_ensemble(tmp_path / "tuyen_quang.yaml", "tuyen_quang") is None


def test_a_scenario_changed_only_in_its_words_is_still_the_one_calibrated_on(
    folder: Path,
) -> None:
    """With the runs' reading of the scenario in the provenance, a renamed zone or a new source
    is no change; a changed number is, and so is an ensemble without it."""
    backcast = folder / "backcast" / "typical_2016.yaml"
    reading = model_sha256(load_scenario(backcast))
    path = folder / "calibrated" / "shared.yaml"
    path.write_text(ensemble_text(scenario_model_sha256=reading), encoding="utf-8")
    params = parameters(load_scenario(backcast), load_policy(folder / "policies" / "baseline.yaml"))
    text = backcast.read_text(encoding="utf-8")
    zone = "    name: KCN đang hoạt động 1 (operating KCN, place 1 of 5)\n"
    assert zone in text
    backcast.write_text(text.replace(zone, zone.replace("place 1", "the first place")), "utf-8")
    assert model_sha256(load_scenario(backcast)) == reading
    assert stale(load_ensemble(path, params)) is None  # (the file's sha256 is not the one)
    number = "\n  prospects_per_month: 4.2\n"
    assert text.count(number) == 1
    backcast.write_text(text.replace(number, number.replace("4.2", "5.2")), "utf-8")
    assert model_sha256(load_scenario(backcast)) != reading
    assert "has changed since" in (stale(load_ensemble(path, params)) or "")
    # a source is no mere word: numbers sharing one are drawn as one parameter
    source = (
        "      serviced_pct: >-\n        assumption: no national record of serviced land in 2016;"
    )
    assert source in text
    backcast.write_text(text.replace(source, source.replace("no national", "no"), 1), "utf-8")
    assert model_sha256(load_scenario(backcast)) != reading
    backcast.write_text(text, "utf-8")
    path.write_text(ensemble_text(), encoding="utf-8")  # no reading: the file's sha256 alone
    assert "has changed since" in (stale(load_ensemble(path, params)) or "")
