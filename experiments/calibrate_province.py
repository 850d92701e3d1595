"""Calibrate a province's own numbers on its own records, the shared behaviour taken as fitted.

    .venv/bin/python experiments/calibrate_province.py --province hai_duong
        [--shared scenarios/calibrated/shared.yaml] [--out results/calibration/<province>]
        [--waves 3] [--sets 96] [--draws 4] [--replicates 4] [--workers 2] [--seed 1]
        [--save scenarios/calibrated/<province>.yaml]     # install it there, if a calibration

A province's own numbers (issue 11: its demand ``investors.prospects_per_month``, its outside
options, and where an output record is fitted its existing industry's growth) are history-
matched (:mod:`izsim.experiments.calibration`) to the fitted patterns of that province which a
scenario can read (:data:`PROVINCES`): the shipped scenario where the record lies after 2021,
a back-cast where it lies before. Each parameter set takes the shared behaviour from one set
of ``--shared`` (the installed ``scenarios/calibrated/shared.yaml`` by default; while none is
installed, ``results/calibration/shared/ensemble.yaml``, what ``experiments/calibrate_shared.py``
left), so the saved ensemble holds the shared and the province's numbers jointly; every other
ranged number is drawn from its prior for each set. The shared file's path, hash and status
are recorded in the province's provenance, and a province's ensemble built on a provisional
shared one is provisional too, whatever it reads (never installed). As with the shared
calibration, only ``--save`` installs (a calibration) or removes (a provisional one) a file.

Provinces with no fitted pattern of their own that a scenario can read (Hà Nam and Hải
Dương's 2020 records need back-casts of 2019–2020 that do not exist yet; Hưng Yên and Nghệ An
have none) are not calibrated here: ``izsim compare --uncertainty`` gives them the shared
ensemble and their own priors. Tuyên Quang is calibrated on its back-cast from 2015
(``--province tuyen_quang_2015``); that ensemble belongs to the back-cast, not to the shipped
2021–2030 scenario.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from calibrate_shared import check_save, report, save, save_argument, wave_options

from izsim.errors import InputError, Problem, run_script
from izsim.experiments.calibration import history_match
from izsim.experiments.ensemble import PROVINCE_OWN, ensemble_home, load_ensemble, stale
from izsim.experiments.packages import folder_or_absent
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "scenarios" / "calibrated" / "shared.yaml"
PROVISIONAL_SHARED = ROOT / "results" / "calibration" / "shared" / "ensemble.yaml"
"""Where experiments/calibrate_shared.py leaves its ensemble, installed or not."""


@dataclass(frozen=True)
class Province:
    """Where a province's fitted patterns are read and what they fit."""

    scenario: Path
    targets: tuple[str, ...]
    calibrated: tuple[str, ...]


PROVINCES = {
    "hai_duong": Province(
        ROOT / "scenarios" / "hai_duong.yaml",
        ("hd_kcn_occupancy_2023",),
        PROVINCE_OWN,
    ),
    # Tuyên Quang's records of 2015–2020, on its back-cast: its demand, outside options and the
    # existing industry's growth of those years. The ensemble is the back-cast's (its
    # scenario id, tuyen_quang_2015), so nothing of it reaches the 2021–2030 scenario unless
    # someone decides that 2015–2020 numbers hold after 2021.
    "tuyen_quang_2015": Province(
        ROOT / "scenarios" / "backcast" / "tuyen_quang_2015.yaml",
        ("tq_projects_2015_2020", "tq_output_growth_2015_2020"),
        (*PROVINCE_OWN, "economy.existing_output_growth_pct"),
    ),
}
"""The provinces this script can calibrate: their scenario, fitted patterns and own numbers."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", choices=sorted(PROVINCES), required=True)
    parser.add_argument("--out", type=folder_or_absent, default=None)
    wave_options(parser, sets=96)
    parser.add_argument(
        "--shared",
        type=Path,
        default=SHARED,
        help="the shared ensemble (default: the installed one); while none is installed,"
        f" give {PROVISIONAL_SHARED.relative_to(ROOT)} (the province's is then provisional)",
    )
    save_argument(parser, home="calibrated/<scenario id>.yaml beside the scenario")
    args = parser.parse_args()
    province = PROVINCES[args.province]
    out = args.out or ROOT / "results" / "calibration" / args.province
    check_save(parser, args.save, out)
    began = time.perf_counter()
    scenario = load_scenario(province.scenario)
    policy = load_policy(province.scenario.parent / "policies" / "baseline.yaml")
    if not args.shared.exists():
        raise InputError(
            [
                Problem(
                    str(args.shared),
                    "--shared",
                    "no such file: experiments/calibrate_shared.py leaves its ensemble in"
                    f" {PROVISIONAL_SHARED.relative_to(ROOT)} and installs it (at"
                    f" {SHARED.relative_to(ROOT)}) only with --save and only if it is a"
                    f" calibration; give --shared {PROVISIONAL_SHARED.relative_to(ROOT)} (if it"
                    " is provisional, this province's ensemble will be too)",
                )
            ]
        )
    shared = load_ensemble(args.shared, parameters(scenario, policy))
    old = stale(shared, ROOT)
    if old is not None:
        print(f"warning: {old}")
    if shared.provenance.status != "calibrated":
        print(
            f"note: the shared ensemble {args.shared} is provisional: this province's ensemble"
            " will be provisional too, and not installed"
        )
    match = history_match(
        province.scenario,
        calibrated=list(province.calibrated),
        target_ids=province.targets,
        patterns=shipped_patterns(),
        out=out,
        waves=args.waves,
        sets=args.sets,
        replicates=args.replicates,
        draws=args.draws,
        candidates=args.candidates,
        seed=args.seed,
        workers=args.workers,
        others=args.others,
        given=shared,
    )
    minutes = (time.perf_counter() - began) / 60
    report(match, out, minutes, province.scenario)
    names = [*province.calibrated, *shared.parameters]
    save(
        match,
        names,
        out=out,
        install=args.save,
        # where find_ensemble looks for this scenario's own (a back-cast's: beside it)
        home=ensemble_home(province.scenario, scenario.scenario.id),
        scenario_file=province.scenario,
        minutes=minutes,
        seed=args.seed,
    )


if __name__ == "__main__":
    run_script(main)
