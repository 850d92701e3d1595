"""Calibrate the behaviour every province shares on the national patterns of 2016–2020.

    .venv/bin/python experiments/calibrate_shared.py [--out results/calibration/shared]
        [--trajectories 20] [--waves 3] [--sets 160] [--draws 4] [--replicates 4] [--workers 2]
        [--seed 1] [--others split|common|provincial]
        [--save scenarios/calibrated/shared.yaml]     # install it there, if a calibration

On the typical-province back-cast (``scenarios/backcast/typical_2016.yaml``, 2016–2023):

1. **Screening** (``OUT/screening/``): a Morris sweep of every ranged behavioural number
   that the five provinces write alike (:func:`behaviour`) and the typical province's own
   demand and outside options, each
   point the mean of ``--replicates-screen`` seeds, on the fitted national patterns the
   back-cast can read. A number is calibrated when, for some pattern, its μ* clears the
   noise floor (what chance alone gives, from 20 runs at the written
   values: ``sensitivity_study.noise_floor``) and half the pattern's tolerance band
   (:func:`chosen`); at most :data:`MOST` of them, by that score. (Dummies would not do: with
   common random numbers a dummy's step changes nothing, so its μ* is 0.) The numbers of
   :data:`BY_ARGUMENT` are calibrated too, each for the reason it gives.
2. **History matching** (``OUT/wave<k>/``, :mod:`izsim.experiments.calibration`): waves of
   ``--sets`` parameter sets, each run with ``--draws`` draws of every other ranged number
   (from its prior) and ``--replicates`` seeds a draw, each run its own seed; Gaussian-process
   emulators on the sets' means, each cutting only if it passes its leave-one-out check;
   implausibility cut-off 3, a national pattern's spread counting each other number's as a
   province's own (over √63, drawn run by run) or the nation's (whole, drawn once a draw),
   number by number (``--others split``, the default: :func:`provincial`), or all of them
   the nation's (``common``) or all each province's (``provincial``), the two bounds.
3. **The ensemble**: the shared numbers of every set are written with their provenance to
   ``OUT/ensemble.yaml``. It is a calibration (``status: calibrated``) only if it was cut on
   at least one pattern, its mean reads every pattern it was cut on inside the tolerance,
   **and** some wave ruled something out (else its sets are the prior's draws); otherwise it
   is provisional (:func:`izsim.experiments.calibration.verdict`, the one rule). Only with
   ``--save`` is anything installed or removed: a calibration is installed there
   (``scenarios/calibrated/shared.yaml`` is where ``izsim compare --uncertainty`` finds it for
   every province), and a provisional one removes the file there, so that no command takes a
   prior's draw, or a fit that misses, for a calibration; without ``--save`` nothing outside
   ``OUT`` changes. The typical province's own numbers (its demand, its outside options) are
   fitted alongside but not saved, being no province's; so are the national rules of
   2016–2020 (:data:`PERIOD_OWN`: the occupancy condition and the national round's
   allowance), being no later period's.
4. **Readings** (``OUT/patterns.csv`` and ``OUT/patterns.png``): each fitted pattern's band
   over the first wave (the prior) and over the accepted sets, against its tolerance.

Held-out patterns are never read here (docs/validation.md reads them once, after).
Interrupted? Run it again with the same arguments: finished batches are kept.
"""

from __future__ import annotations

import argparse
import functools
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sensitivity_study import noise_floor

from izsim.errors import InputError, Problem, run_script
from izsim.experiments.calibration import (
    HistoryMatch,
    Verdict,
    history_match,
    mean_reading,
    verdict,
)
from izsim.experiments.ensemble import PROVINCE_OWN, shown_path, write_ensemble
from izsim.experiments.packages import at_least, folder_or_absent
from izsim.experiments.space import pattern_outputs, write_space
from izsim.experiments.sweep import sweep
from izsim.outputs import atomic_write
from izsim.patterns import shipped_patterns
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
BEHAVIOUR = (
    "investors.",
    "developers.",
    "agencies.",
    "wastewater.",
    "establishment.",
    "reinvestment.",
    "labour.",
)
TARGETS = (
    "kcn_occupancy_2018_2020",
    "kcn_pace_2016_2020",
    "ccn_pace_2018_2021",
    "kcn_wwtp_2019_2020",
    "ccn_wwtp_2018",
    "ccn_occupancy_2021",
    "kcn_operating_share_2019_2020",
)
"""The fitted national patterns the back-cast can read (the 2016-06 ones lie within a year of
its start and have no value there)."""
MOST = 10
"""At most this many calibrated numbers: a Gaussian process of ten inputs is learnt from a
wave of 160 sets (about 16 per input, above the 10 per input usually asked of an emulator's
first wave, Loeppky et al. 2009)."""
LEAST_SHARE_OF_BAND = 0.5
"""A number is screened in only if one step of it moves some pattern by half its tolerance
band or more: a smaller move cannot take a reading across the band."""
BY_ARGUMENT = {
    "establishment.min_kcn_occupancy_for_new_kcn_pct": (
        "a national rule, the same for every province, whose 2016–2020 form shared/data does"
        " not record: the national KCN pace is its only evidence, and the screening cannot see"
        " it there (over the prior the pace is 0 in 97 % of runs, 2026-11-29's first wave, so"
        " no number's μ* on it clears the noise the provinces' whole zones set); fitted for"
        " the back-cast's period and never saved (PERIOD_OWN)"
    ),
    "establishment.national_kcn_approvals_per_year": (
        "the national round's allowance of new KCN, a province's share: its written value is"
        " derived from the 2021–2030 plans (anachronistic for 2016–2020, as its source says)"
        " and no record of the 2016–2020 allowance is in shared/data, so the national KCN pace"
        " is its only evidence; fitted for the back-cast's period and never saved"
        " (PERIOD_OWN)"
    ),
}
"""Numbers calibrated whatever the screening says, each with the modelling argument why."""


PERIOD_OWN = (
    "establishment.min_kcn_occupancy_for_new_kcn_pct",
    "establishment.national_kcn_approvals_per_year",
)
"""Numbers of the back-cast's period rather than of behaviour: the national rules of 2016–2020,
fitted alongside the shared numbers (:func:`behaviour`) and never saved, since a later plan
period has its own (Decree 35/2022/NĐ-CP's condition, the 2021–2030 plans' allowance): a
value the 2016–2020 pace asks for is no evidence about the rules of 2021–2030 (a review)."""

NATIONAL = ("establishment.national_", "economy.vnd_per_usd")
"""The nation's numbers under ``--others split`` whatever the shipped provinces write (name
prefixes): the national rules (they derive theirs from one national record, with a regional
share) and the exchange rate."""

SECTOR_TECHNOLOGY = (
    ".capital_bn_vnd_per_ha",
    ".jobs_per_ha",
    ".output_bn_vnd_per_ha",
    ".land_need_ha",
    ".land_need_cv",
    ".polluting_pct",
    ".outdated_technology_pct",
)
"""A sector's technology (land, capital, jobs and output per ha, its pollution), the nation's
under ``--others split``: a sector brings it wherever it locates, while its share of the
prospects, of FDI and of exports is the province's mix."""


def _national(name: str) -> bool:
    return name.startswith(NATIONAL) or (
        name.startswith("sectors[") and name.endswith(SECTOR_TECHNOLOGY)
    )


def behaviour(scenario_file: Path) -> list[str]:
    """The numbers the shared calibration may fit: the behavioural numbers (investors,
    developers, agencies, wastewater, establishment, reinvestment, labour) that every shipped
    province writes alike (value, range and distribution), and the typical province's own
    (:data:`PROVINCE_OWN`, fitted here but never saved). A behavioural number the provinces
    write differently (a land cost, a desk count, a budget) is a province's own: it varies
    with the others, from the back-cast's prior, and is not carried to any province."""
    own = _ranged(scenario_file)
    shipped = [_ranged(ROOT / "scenarios" / f"{p}.yaml") for p in PROVINCES]
    return [
        name
        for name, spec in own.items()
        if name.startswith(BEHAVIOUR)
        and (
            name in PROVINCE_OWN
            or name in PERIOD_OWN
            or all(other.get(name) == spec for other in shipped)
        )
    ]


def provincial(scenario_file: Path) -> list[str]:
    """The ranged numbers that differ province by province, for ``--others split``: what the
    calibration already takes as a province's own — the typical province's zones, sites,
    economy, sectors and policy, the behavioural numbers the five provinces write differently
    (land and building costs, rents, desks, budgets, entry rates) and its own demand and
    outside options (:data:`PROVINCE_OWN`) — except the nation's (:data:`NATIONAL`). Every
    other number (behaviour the five write alike) is taken as the nation's too."""
    shared = set(behaviour(scenario_file)) - set(PROVINCE_OWN)
    return [name for name in _ranged(scenario_file) if name not in shared and not _national(name)]


@functools.cache  # behaviour() and provincial() read the same six files in one run
def _ranged(scenario_file: Path) -> dict[str, tuple]:
    scenario = load_scenario(scenario_file)
    policy = load_policy(scenario_file.parent / "policies" / "baseline.yaml")
    return {
        p.name: (p.value, p.low, p.high, p.distribution)
        for p in parameters(scenario, policy)
        if p.range is not None
    }


def screen(
    out: Path, names: list[str], trajectories: int, replicates: int, seed: int, workers: int | None
) -> pd.DataFrame:
    """The Morris screening: μ* of each number for each pattern, with the noise floor."""
    # beside the sweep's folder, not in it
    space = write_space(out.with_name(f"{out.name}.space.yaml"), names, pattern_outputs(TARGETS))
    result = sweep(
        BACKCAST,
        space_file=space,
        design="morris",
        samples=trajectories,
        replicates=replicates,
        seed=seed,
        workers=workers,
        out=out,
        quiet=True,
    )
    frame = result.sensitivity
    floor = noise_floor(BACKCAST, space, replicates)
    frame = frame[frame["index"] == "mu_star"][["output", "factor", "value", "conf"]]
    return frame.assign(noise_floor=frame["output"].map(floor))


def chosen(mu_star: pd.DataFrame) -> pd.DataFrame:
    """Score each number: its largest μ* over the patterns, in tolerance bands, counted only
    where μ* clears that pattern's noise floor (a screening: the waves then show whether it
    matters); chosen if the score
    is at least :data:`LEAST_SHARE_OF_BAND`, at most :data:`MOST` by score."""
    tolerance = {p.id: p.tolerance for p in shipped_patterns().patterns}
    width = mu_star["output"].map(lambda o: tolerance[o][1] - tolerance[o][0])
    clears = mu_star["value"] > mu_star["noise_floor"]
    table = mu_star.rename(columns={"factor": "parameter", "output": "pattern", "value": "mu_star"})
    table = table.assign(score=np.where(clears, table["mu_star"] / width, 0.0))
    best = table.sort_values("score", ascending=False).drop_duplicates("parameter")
    best = best.sort_values(["score", "parameter"], ascending=[False, True]).reset_index(drop=True)
    best["chosen"] = (best["score"] >= LEAST_SHARE_OF_BAND) & (best.index < MOST)
    return best


def with_argued(scores: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The screening's table with the numbers of :data:`BY_ARGUMENT` chosen too (column
    ``why``: ``screening`` or the argument), after the screened ones; a number the back-cast
    does not let the calibration fit (not in ``names``) is left out."""
    scores = scores.assign(why=np.where(scores["chosen"], "screening", ""))
    for name, argument in BY_ARGUMENT.items():
        if name in names and not scores.loc[scores["parameter"] == name, "chosen"].any():
            scores.loc[scores["parameter"] == name, ["chosen", "why"]] = [True, argument]
    order = scores["why"].map(lambda w: 0 if w == "screening" else 1 if w else 2)
    return scores.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def readings(match: HistoryMatch) -> pd.DataFrame:
    """Each fitted pattern: 5–50–95 % of the first wave's set means (the prior) and of the
    ensemble's, the share of sets within the tolerance, and each side's mean over all its runs
    (what a mean of many provinces' draws would read, the quantity a national figure is)."""
    first = match.waves[0]
    units = {p.id: p.unit for p in shipped_patterns().patterns}
    rows = []
    for target in match.targets:
        prior = first.set_means(target.id)
        after = match.accepted[target.id].to_numpy()
        row = {
            "pattern": target.id,
            "tolerance_low": target.low,
            "tolerance_high": target.high,
            "unit": units[target.id],
            "cut_on": target.id in match.cut_on,
            "uncut": target.id in match.uncut,
        }
        for name, values in (("prior", prior), ("calibrated", after)):
            values = np.asarray(values, dtype=float)
            values = values[np.isfinite(values)]
            q = np.quantile(values, [0.05, 0.5, 0.95]) if len(values) else [np.nan] * 3
            row |= {f"{name}_p5": q[0], f"{name}_median": q[1], f"{name}_p95": q[2]}
            row[f"{name}_within_pct"] = (
                100 * float(np.mean((values >= target.low) & (values <= target.high)))
                if len(values)
                else np.nan
            )
        for name, wave in (("prior", first), ("calibrated", match.ensemble)):
            row[f"{name}_mean"] = mean_reading(wave, target.id)
        rows.append(row)
    return pd.DataFrame(rows)


def report(
    match: HistoryMatch, out: Path, minutes: float, scenario_file: Path, *, extra: str = ""
) -> pd.DataFrame:
    """Write a calibration's tables (``patterns.csv``, ``accepted.csv``) and figure
    (``patterns.{en,vi}.png``) to ``out``, print what it did, and return the readings."""
    from izsim.present.calibration import pattern_bands_figure  # matplotlib only here

    table = readings(match)
    table.to_csv(out / "patterns.csv", index=False)
    match.accepted.to_csv(out / "accepted.csv", index=False)
    for note in match.notes:
        print(f"note: {note}")
    for wave in [*match.waves, *([match.ensemble] if match.ensemble else [])]:
        label = "ensemble" if wave is match.ensemble else f"wave {wave.index}"
        print(
            f"{label}: {len(wave.unit)} sets, {len(wave.runs)} runs;"
            f" {100 * wave.kept_share:.1f} % of candidates not ruled out when drawn"
        )
    print(
        f"ensemble: {len(match.accepted)} sets drawn from the space no wave ruled out;"
        f" {match.runs} runs{extra} in {minutes:.1f} min"
    )
    print(table.round(2).to_string(index=False))
    skill = pd.DataFrame(
        [
            {
                "wave": w.index,
                "pattern": e.target.id,
                "r2_on_next": w.skill.get(e.target.id, math.nan),
                "loo_failed": e.loo_failed,
                "cuts": e.cuts,
            }
            for w in match.waves
            for e in w.emulators
        ],
        columns=["wave", "pattern", "r2_on_next", "loo_failed", "cuts"],
    )
    skill.to_csv(out / "skill.csv", index=False)
    if len(skill):
        print("emulators' R² on the next wave's set means (1 perfect, 0 none):")
        print(skill.pivot(index="pattern", columns="wave", values="r2_on_next").round(2))
        print("share of sets beyond 3 sd left out one at a time (an emulator cuts at ≤ 0.05):")
        print(skill.pivot(index="pattern", columns="wave", values="loo_failed").round(2))
    pattern_bands_figure(table, out / "patterns", scenario=scenario_file.stem, runs=match.runs)
    return table


def save(
    match: HistoryMatch,
    names: list[str],
    *,
    out: Path,
    install: Path | None,
    home: Path,
    scenario_file: Path,
    minutes: float,
    seed: int,
) -> Verdict:
    """Write the ensemble to ``out/ensemble.yaml`` with the status :func:`verdict` gives it,
    and, only when ``install`` (``--save``) is given, install it there if it is a calibration,
    or remove the file there if it is provisional (so that no command takes a prior's draw, or
    a fit that misses, for a calibration); ``home`` is where ``izsim compare`` would find it,
    for the hint. Returns the verdict."""
    judged = verdict(match)
    written = out / "ensemble.yaml"
    if not len(match.accepted):
        print("no ensemble: nothing to write")
    else:
        options = {"scenario_file": scenario_file, "minutes": minutes, "seed": seed}
        write_ensemble(written, match, names, verdict=judged, root=ROOT, **options)
        size = f"{len(names)} numbers × {len(match.accepted)} sets"
        why = f"provisional: {'; '.join(judged.reasons)}" if judged.reasons else "calibrated"
        print(f"wrote {written} ({size}; {why})")
    if install is None:
        if judged.status == "calibrated":
            print(f"not installed: give --save {shown_path(home, ROOT)} to install it")
        return judged
    if judged.status != "calibrated":
        if install.exists():
            install.unlink()
            print(f"removed {install} (this calibration is provisional: nothing is installed)")
        else:
            print(f"not installed at {install} (provisional)")
        return judged
    install.parent.mkdir(parents=True, exist_ok=True)
    text = written.read_text(encoding="utf-8")
    atomic_write(install, lambda p: p.write_text(text, encoding="utf-8"))
    print(f"installed {install}")
    return judged


def save_option(text: str) -> Path:
    """An argparse type for ``--save``: a file's path (an existing folder is refused)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"'{text}' is a folder; give the ensemble's file, e.g. scenarios/calibrated/x.yaml"
        )
    # checked now, not when the calibration is done and its folder cannot be made
    blocked = next((a for a in path.parents if a.exists() and not a.is_dir()), None)
    if blocked is not None:
        raise argparse.ArgumentTypeError(f"'{text}': '{blocked}' is a file, not a folder")
    return path


def save_argument(parser: argparse.ArgumentParser, *, home: str) -> None:
    """The calibration scripts' ``--save``: where to install the ensemble if it is a
    calibration (``home``, where ``compare --uncertainty`` finds it), or remove the file if
    not; without it nothing is installed or removed."""
    parser.add_argument(
        "--save",
        type=save_option,
        default=None,
        help="install the ensemble here if it is a calibration, remove the file here if not"
        f" ({home} is where compare --uncertainty finds it); without it nothing is installed"
        " or removed",
    )


def check_save(parser: argparse.ArgumentParser, install: Path | None, out: Path) -> None:
    """Refuse (argparse, exit 2) a ``--save`` that is the calibration's own
    ``OUT/ensemble.yaml``: a provisional result would remove what it just wrote."""
    if install is not None and install.resolve() == (out / "ensemble.yaml").resolve():
        parser.error(
            f"argument --save: '{install}' is where the calibration writes its ensemble"
            " (OUT/ensemble.yaml); give another file, e.g. in scenarios/calibrated/"
        )


def wave_options(parser: argparse.ArgumentParser, *, sets: int, split: bool = False) -> None:
    """The options of a history match, shared by the calibration scripts. Defaults: 3 waves;
    ``sets`` a wave, each run with 4 draws of the other numbers and 4 seeds a draw (16 runs
    a set; a quarter of an hour on 2 cores for the shared calibration). Both matter: with
    one draw a set the emulators learnt one draw's reading, not the calibrated numbers'
    effect (R² at most 0.15); with one seed, which the sweep gives every set alike (common
    random numbers), that seed's chance moved a whole wave (the typical back-cast's KCN
    occupancy, mean of a wave: 81 % on one seed, 72 % on four). 20,000 candidate points for
    the emulators to judge (at 1 % not ruled out, still 200, more than a wave needs). With
    ``split`` (the shared calibration), ``--others split`` is offered and the default."""
    parser.add_argument("--waves", type=at_least(1), default=3)
    parser.add_argument("--sets", type=at_least(1), default=sets)
    parser.add_argument("--draws", type=at_least(1), default=4)
    parser.add_argument("--replicates", type=at_least(1), default=4)
    parser.add_argument("--candidates", type=at_least(1), default=20_000)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--seed", type=at_least(0), default=1)
    bounds = (
        "common: the other numbers' spread whole (the nation's, rules out least); provincial:"
        " over √63 like the seeds (each province's own, rules out most)"
    )
    if split:
        choices, default = ("split", "common", "provincial"), "split"
        meaning = "split: number by number, a province's own over √63, the nation's whole; "
    else:
        choices, default, meaning = ("common", "provincial"), "common", ""
    parser.add_argument(
        "--others",
        choices=choices,
        default=default,
        help=f"a national pattern's spread (default {default}): {meaning}{bounds}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=folder_or_absent, default=ROOT / "results" / "calibration" / "shared"
    )
    parser.add_argument("--trajectories", type=at_least(1), default=20)
    parser.add_argument("--replicates-screen", type=at_least(1), default=2)
    wave_options(parser, sets=160, split=True)
    save_argument(parser, home="scenarios/calibrated/shared.yaml")
    args = parser.parse_args()
    check_save(parser, args.save, args.out)
    began = time.perf_counter()
    names = behaviour(BACKCAST)
    print(f"screening {len(names)} behavioural numbers on {len(TARGETS)} patterns …", flush=True)
    scores = chosen(
        screen(
            args.out / "screening",
            names,
            args.trajectories,
            args.replicates_screen,
            args.seed,
            args.workers,
        )
    )
    scores = with_argued(scores, names)
    scores.to_csv(args.out / "screening.csv", index=False)
    calibrated = scores[scores["chosen"]]["parameter"].tolist()
    # the numbers argued in (BY_ARGUMENT) are not enough: a screening that saw nothing says the
    # screening, or the patterns, need looking at before a calibration is run; nor is a
    # screening that chose only numbers never saved (the typical province's, the period's),
    # which would leave an ensemble of no shared number
    screened = scores[scores["why"] == "screening"]["parameter"]
    if screened.isin([*PROVINCE_OWN, *PERIOD_OWN]).all():
        # the folder now holds this screening: an ensemble an earlier run left beside it would
        # read as its outcome
        (args.out / "ensemble.yaml").unlink(missing_ok=True)
        raise InputError(
            [
                Problem(
                    str(args.out / "screening.csv"),
                    "",
                    "the screening chose no number to save (none moved a pattern by"
                    f" {LEAST_SHARE_OF_BAND:g} of its tolerance band or more, above the noise"
                    " floor, beside the typical province's own and the period's rules):"
                    " nothing to calibrate; more --trajectories or --replicates-screen may"
                    " tell them apart",
                )
            ]
        )
    print("calibrated: " + ", ".join(calibrated), flush=True)
    match = history_match(
        BACKCAST,
        calibrated=calibrated,
        target_ids=TARGETS,
        patterns=shipped_patterns(),
        out=args.out,
        waves=args.waves,
        sets=args.sets,
        replicates=args.replicates,
        draws=args.draws,
        candidates=args.candidates,
        seed=args.seed,
        workers=args.workers,
        others=args.others,
        provincial=provincial(BACKCAST),
    )
    minutes = (time.perf_counter() - began) / 60
    report(match, args.out, minutes, BACKCAST, extra=" (+ screening)")
    shared = [n for n in calibrated if n not in PROVINCE_OWN and n not in PERIOD_OWN]
    save(
        match,
        shared,
        out=args.out,
        install=args.save,
        home=ROOT / "scenarios" / "calibrated" / "shared.yaml",
        scenario_file=BACKCAST,
        minutes=minutes,
        seed=args.seed,
    )


if __name__ == "__main__":
    run_script(main)
