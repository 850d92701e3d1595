"""experiments/calibrate_shared.py and calibrate_province.py end to end on a small budget, and
the shipped ensembles against every province's priors."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from izsim.experiments.calibration import CUTOFF
from izsim.experiments.ensemble import PROVINCE_OWN, find_ensemble, load_ensemble
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.load import file_sha256
from izsim.scenario.parameters import parameters
from tests.conftest import ROOT, load_script

TINY = [
    "--trajectories",
    "2",
    "--replicates-screen",
    "1",
    "--waves",
    "1",
    "--sets",
    "24",
    "--replicates",
    "2",
    "--candidates",
    "4000",
    "--workers",
    "1",
]


def params_of(scenario_file: Path) -> list:
    policy = load_policy(scenario_file.parent / "policies" / "baseline.yaml")
    return parameters(load_scenario(scenario_file), policy)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small calibration of the shared behaviour: its folder and its saved ensemble."""
    out = tmp_path_factory.mktemp("calibration")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        script = load_script("calibrate_shared")
        argv = [
            "calibrate_shared.py",
            *TINY,
            "--out",
            str(out / "shared"),
            "--save",
            str(out / "shared.yaml"),
        ]
        patch.setattr(sys, "argv", argv)
        script.main()
    return out / "shared", out / "shared" / "ensemble.yaml"


def test_the_shared_calibration_screens_fits_and_saves_what_it_accepted(
    shared: tuple[Path, Path],
) -> None:
    folder, saved = shared
    script = sys.modules["izsim_calibrate_shared_script"]
    scores = pd.read_csv(folder / "screening.csv")
    chosen = scores[scores["chosen"]]
    screened = chosen[chosen["why"] == "screening"]
    assert 0 < len(screened) <= script.MOST
    assert (screened["score"] >= script.LEAST_SHARE_OF_BAND).all()
    argued = chosen[chosen["why"] != "screening"]
    assert set(argued["parameter"]) <= set(script.BY_ARGUMENT)
    assert set(scores["parameter"]) == set(script.behaviour(script.BACKCAST))
    readings = pd.read_csv(folder / "patterns.csv")
    assert list(readings["pattern"]) == list(script.TARGETS)
    accepted = pd.read_csv(folder / "accepted.csv")
    assert len(accepted) > 0 and (accepted["implausibility"] <= CUTOFF).all()
    ensemble = load_ensemble(saved, params_of(script.BACKCAST))  # inside every prior range
    # the typical province's own numbers and its period's (the 2016–2020 allowance) are not saved
    assert set(ensemble.parameters) == set(chosen["parameter"]) - set(PROVINCE_OWN) - set(
        script.PERIOD_OWN
    )
    assert len(ensemble.values) == len(accepted)
    pd.testing.assert_frame_equal(
        pd.DataFrame(ensemble.values, columns=ensemble.parameters),
        accepted[ensemble.parameters].round(6),
        check_exact=False,
        rtol=1e-5,
        atol=1e-6,  # round(6) moves a small value by up to 5e-7, beyond rtol of it
    )
    runs = sum(len(pd.read_parquet(p)) for p in folder.glob("*/outputs.parquet")) - len(
        pd.read_parquet(folder / "screening" / "outputs.parquet")
    )
    assert ensemble.provenance.runs == runs
    assert (folder / "patterns.en.png").stat().st_size > 0
    assert (folder / "patterns.vi.png").stat().st_size > 0
    # installed only if a calibration: its status and misses say which, and agree with the
    # readings; a provisional one is not where compare would take it
    table = readings.set_index("pattern")
    cut = table[table["cut_on"]]
    outside = cut[
        (cut["calibrated_mean"] < cut["tolerance_low"])
        | (cut["calibrated_mean"] > cut["tolerance_high"])
    ]
    assert sorted(ensemble.provenance.missed) == sorted(outside.index)
    installed = folder.parent / "shared.yaml"
    assert installed.exists() == (ensemble.provenance.status == "calibrated")
    assert set(ensemble.provenance.skill) <= set(script.TARGETS)


def test_a_province_calibration_holds_its_own_numbers_with_the_shared_ones(
    shared: tuple[Path, Path], tmp_path: Path
) -> None:
    _, saved = shared
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        script = load_script("calibrate_province")
        argv = [
            "calibrate_province.py",
            "--province",
            "hai_duong",
            "--waves",
            "1",
            "--sets",
            "12",
            "--replicates",
            "2",
            "--candidates",
            "300",
            "--workers",
            "1",
            "--shared",
            str(saved),
            "--out",
            str(tmp_path / "hd"),
            "--save",
            str(tmp_path / "hai_duong.yaml"),
        ]
        patch.setattr(sys, "argv", argv)
        script.main()
    ensemble = load_ensemble(
        tmp_path / "hd" / "ensemble.yaml", params_of(ROOT / "scenarios" / "hai_duong.yaml")
    )
    shared_names = load_ensemble(saved, params_of(ROOT / "scenarios" / "hai_duong.yaml")).parameters
    assert ensemble.parameters == [*PROVINCE_OWN, *shared_names]
    # cut on, or named as out of the prior's reach (a first wave of 12 sets may reach it or not)
    provenance = ensemble.provenance
    assert provenance.patterns + provenance.left_out == ["hd_kcn_occupancy_2023"]
    if not provenance.patterns:
        assert provenance.status == "provisional"
    # the shared ensemble it took its numbers from, as it was; provisional makes it provisional
    shared_status = load_ensemble(saved, params_of(ROOT / "scenarios" / "hai_duong.yaml"))
    assert provenance.shared is not None
    assert provenance.shared.sha256 == file_sha256(saved)
    assert provenance.shared.status == shared_status.provenance.status
    if provenance.shared.status == "provisional":
        assert provenance.status == "provisional"
    assert (tmp_path / "hai_duong.yaml").exists() == (provenance.status == "calibrated")


@pytest.mark.parametrize("province", ["tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong"])
def test_the_saved_shared_ensemble_lies_inside_every_province_s_priors(province: str) -> None:
    """The shared calibration's saved ensemble (results/calibration/shared/ensemble.yaml,
    installed in scenarios/calibrated/ only when it is a calibration) loads for each province:
    every value inside that province's own range."""
    saved = ROOT / "results" / "calibration" / "shared" / "ensemble.yaml"
    scenario_file = ROOT / "scenarios" / f"{province}.yaml"
    ensemble = load_ensemble(saved, params_of(scenario_file))  # refuses a value outside
    assert len(ensemble.values) >= 10
    installed = find_ensemble(scenario_file, province)
    assert (installed is not None) == (ensemble.provenance.status == "calibrated")


def test_every_province_the_script_knows_reads_its_patterns_and_ranges_its_numbers() -> None:
    """Each entry of calibrate_province.PROVINCES: its targets are fitted patterns of that
    province which its scenario can read, and every number it fits is ranged there."""
    from izsim.patterns import measure
    from izsim.run import run

    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        script = load_script("calibrate_province")
    patterns = shipped_patterns().by_id()
    for name, province in script.PROVINCES.items():
        scenario = load_scenario(province.scenario)
        policy = load_policy(province.scenario.parent / "policies" / "baseline.yaml")
        ranged = {p.name for p in parameters(scenario, policy) if p.range is not None}
        assert set(province.calibrated) <= ranged, name
        result = run(scenario, policy, 1)
        for target in province.targets:
            assert patterns[target].split == "fit", (name, target)
            reading = measure(patterns[target], result)
            assert reading.value is not None, (name, target, reading.reason)


def test_numbers_calibrated_by_argument_join_the_screened_ones() -> None:
    """A number of BY_ARGUMENT is chosen with its reason even where the screening left it out,
    after the screened ones; one the back-cast does not let the calibration fit is not."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        script = load_script("calibrate_shared")
    argued = next(iter(script.BY_ARGUMENT))
    scores = pd.DataFrame(
        {
            "parameter": [argued, "investors.prospects_per_month", "other.number"],
            "score": [0.0, 2.0, 0.1],
            "chosen": [False, True, False],
        }
    )
    both = script.with_argued(scores, [argued, "investors.prospects_per_month", "other.number"])
    assert both["parameter"].tolist()[:2] == ["investors.prospects_per_month", argued]
    assert both["chosen"].tolist() == [True, True, False]
    assert both["why"].tolist()[:2] == ["screening", script.BY_ARGUMENT[argued]]
    unfit = script.with_argued(scores, ["investors.prospects_per_month", "other.number"])
    assert unfit["chosen"].sum() == 1


def test_split_takes_what_the_provinces_write_differently_as_provincial_not_national_rules() -> (
    None
):
    """--others split: a province's own numbers (its costs, its demand, its zones) are drawn
    run by run; behaviour the five write alike, and the national rules whatever the shipped
    provinces write, once a draw; the 2016–2020 rules are fitted and never saved."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT / "experiments"))
        script = load_script("calibrate_shared")
    provincial = set(script.provincial(script.BACKCAST))
    behaviour = set(script.behaviour(script.BACKCAST))
    assert "developers.clearance_cost_bn_vnd_per_ha" in provincial  # written differently
    assert "candidate_sites[ccn_site].rent_usd_m2" in provincial  # the province's site
    assert set(PROVINCE_OWN) <= provincial
    assert "developers.discount_rate_pct" not in provincial  # written alike: the nation's
    assert not {n for n in provincial if n.startswith("establishment.national_")}
    assert "establishment.national_approval_months_kcn" not in behaviour | provincial
    assert "economy.vnd_per_usd" not in provincial  # the nation's exchange rate
    assert "sectors[electronics_hightech].jobs_per_ha" not in provincial  # a sector's technology
    assert "sectors[electronics_hightech].prospect_share_pct" in provincial  # the province's mix
    assert "economy.industrial_output_base_bn_vnd" in provincial
    assert set(script.PERIOD_OWN) <= behaviour and set(script.PERIOD_OWN) <= set(script.BY_ARGUMENT)
