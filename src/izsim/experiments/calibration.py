"""History matching: rule out the parameter sets whose runs cannot reproduce the fitted patterns.

The method is history matching with emulators (Craig et al. 1997; Vernon, Goldstein & Bower
2010), as used for agent-based models by Andrianakis et al. (2015), run wave by wave through
the sweep engine (:func:`izsim.experiments.sweep.sweep` with ``points``):

1. **A wave** runs ``sets`` parameter sets, each with ``draws`` draws of every other ranged
   number of the scenario (from its own prior) and ``replicates`` seeds a draw. The calibrated
   parameters come from the space not yet ruled out (the whole prior box in wave 1, a Latin
   hypercube); a set's reading is its mean over its draws and seeds, so what is learnt holds
   whatever those others are, and the spread within a set is theirs and the seeds'. With
   ``others="split"`` the numbers named provincial are drawn afresh for every run of a draw
   (a point a run), the rest once a draw.
2. **Emulators.** For each fitted pattern a Gaussian process (scikit-learn) maps the calibrated
   parameters, on the unit cube, to the mean reading of a set; a white-noise term takes up the
   seeds and the other numbers. Its predictive variance says where the emulator is unsure.
3. **Implausibility** of a point for a pattern is the distance of the emulated mean outside the
   pattern's tolerance, over the standard deviation of everything that separates the two: the
   emulator's uncertainty, and the spread of the observed figure, which is one province's
   draw (a pattern of a province) or the mean of the provinces' draws (a national pattern:
   ``draws`` = :data:`PROVINCES_IN_NATION`). A point is ruled out when any pattern's
   implausibility exceeds :data:`CUTOFF`.
4. **The next wave** samples the points no emulator of any wave has ruled out.
5. **The ensemble.** After the last wave, ``sets`` points are drawn from the space no wave's
   emulators rule out and run like a wave: these are the accepted sets, and their runs show
   what the calibrated model does. A set is judged by the emulators, which estimate its
   expected reading over seeds and the other numbers, not by its own few runs, whose one
   draw of the other numbers can put a good set far off (or a bad one near). The ensemble is
   a sample of the parameter sets the patterns do not rule out: not a Bayesian posterior (no
   likelihood is claimed), but the region a posterior would sit in.

A pattern for which no set of the first wave has its mean reading (over the set's runs) inside
the tolerance is taken as out of the priors' reach: it is named, and left out of the cut, rather
than let it rule out everything (a model discrepancy to report, not to fit). So is a pattern the
scenario never reads (no run has a value, e.g. one that lies before the scenario can show it):
no emulator is fitted to it. Both are decided on the first wave, before any emulator is fitted.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from izsim.errors import InputError, Problem
from izsim.experiments.ensemble import Ensemble
from izsim.patterns import PatternSet

if TYPE_CHECKING:
    from izsim.experiments.sensitivity import Factor

CUTOFF = 3.0
"""Implausibility beyond which a point is ruled out: Pukelsheim's three-sigma rule (at least
95 % of any unimodal distribution lies within three standard deviations of its mean), the
usual cut-off of history matching (Vernon et al. 2010)."""

Others = Literal["common", "provincial", "split"]
"""How a national pattern's spread counts the other numbers' (:meth:`Emulator.implausibility`):
all the nation's (``common``), all each province's (``provincial``), or number by number
(``split``: those :func:`history_match` is told are provincial are drawn run by run, like the
seeds, and the rest once a draw)."""

PROVINCES_IN_NATION = 63
"""Provinces whose mean a national pattern is (63 in 2016–2023): the part of the observed
figure's spread that differs province by province (a run's seeds: its zones, prospects and
draws) is one run's over √63."""

LOO_BEYOND = 3.0
"""A leave-one-out standardised error beyond this many standard deviations is a set the
emulator failed to predict (the cut-off's three-sigma rule, applied to the emulator itself)."""

LOO_ALLOWED = 0.05
"""Share of a wave's sets an emulator may fail so (:data:`LOO_BEYOND`) and still cut: an
honest Gaussian emulator fails about 0.3 % of them, and Pukelsheim's rule allows 5 % of any
unimodal one (Bastos & O'Hagan 2009 on such diagnostics; Vernon et al. 2010 validate each
wave's emulators before using them)."""


@dataclass(frozen=True)
class Target:
    """A fitted pattern as a calibration target: its tolerance and what its figure averages."""

    id: str
    low: float
    high: float
    draws: int
    """How many provinces' runs the observed figure averages: 1 for a province's own pattern,
    :data:`PROVINCES_IN_NATION` for a national one."""


def targets(patterns: PatternSet, ids: Sequence[str]) -> list[Target]:
    """The patterns ``ids`` as targets (each must be a fitted pattern).

    Raises:
        ValueError: an id is not a pattern, or is held out (a test pattern is never fitted).
    """
    known = patterns.by_id()
    found = []
    for pattern_id in ids:
        if pattern_id not in known:
            raise ValueError(f"'{pattern_id}' is not a pattern")
        pattern = known[pattern_id]
        if pattern.split != "fit":
            raise ValueError(f"'{pattern_id}' is held out (split: test): it is never fitted")
        low, high = pattern.tolerance
        draws = PROVINCES_IN_NATION if not pattern.provinces() else 1
        found.append(Target(pattern_id, float(low), float(high), draws))
    return found


def distance(value: np.ndarray, low: float, high: float) -> np.ndarray:
    """How far ``value`` lies outside ``[low, high]``; 0 inside."""
    value = np.asarray(value, dtype=float)
    return np.maximum(low - value, 0.0) + np.maximum(value - high, 0.0)


@dataclass
class Emulator:
    """A Gaussian process of one target's mean reading over the calibrated parameters."""

    target: Target
    model: Any
    run_variance: float
    """Variance of one run's reading around the emulated mean (seeds and the other numbers)."""
    centre: float
    scale: float
    seed_variance: float = math.nan
    """The part of :attr:`run_variance` within a draw of the other numbers (its seeds: a
    province's zones, prospects and chance); NaN when a draw has one seed."""
    loo_errors: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Leave-one-out standardised errors of the sets it was fitted on."""
    others: Others = "common"
    """Whether the other numbers' spread is the nation's (``common``), each province's
    (``provincial``), or told number by number (``split``: the provincial ones are then in
    :attr:`seed_variance`)."""

    @property
    def draw_variance(self) -> float:
        """The part of :attr:`run_variance` between draws of the other numbers (all of it when
        the seeds' part is not known)."""
        if not math.isfinite(self.seed_variance):
            return self.run_variance
        return max(self.run_variance - self.seed_variance, 0.0)

    @property
    def loo_failed(self) -> float:
        """Share of the sets whose leave-one-out error lies beyond :data:`LOO_BEYOND`."""
        if len(self.loo_errors) == 0:
            return 0.0
        return float(np.mean(np.abs(self.loo_errors) > LOO_BEYOND))

    @property
    def cuts(self) -> bool:
        """Whether it passes its leave-one-out check and may rule points out."""
        return self.loo_failed <= LOO_ALLOWED

    def predict(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Emulated mean and its variance (without the runs' own spread) at ``unit`` points."""
        mean, sd = self.model.predict(np.atleast_2d(unit), return_std=True)
        noise = float(self.model.kernel_.k2.noise_level)
        latent = np.maximum(sd**2 - noise, 0.0)
        return mean * self.scale + self.centre, latent * self.scale**2

    def implausibility(self, unit: np.ndarray) -> np.ndarray:
        """Each point's implausibility for this target.

        The spread of the observed figure around the emulated mean: the emulator's own
        uncertainty, the other numbers' spread whole, and the seeds' spread over the provinces
        the figure averages (:attr:`Target.draws`). With :attr:`others` ``common`` every
        other number is taken as the nation's (one draw for all provinces, not averaged away),
        which widens the spread, so it rules out least; with ``split`` the same formula holds,
        but the runs of a draw differ in the numbers that differ province by province, so
        their spread is in the seeds' part and is averaged with it; with ``provincial`` the
        whole run variance is divided instead, the other bound (each province drawing every
        other number for itself). For a province's own pattern (one draw) each is the whole
        run variance.
        """
        mean, variance = self.predict(unit)
        if self.others == "provincial":
            spread = variance + self.run_variance / self.target.draws
        elif math.isfinite(self.seed_variance):
            # with ``split`` the provincial numbers vary within a draw: their spread is in the
            # seeds' part, averaged over the provinces with it
            spread = variance + self.draw_variance + self.seed_variance / self.target.draws
        else:
            spread = variance + self.run_variance
        return distance(mean, self.target.low, self.target.high) / np.sqrt(spread)


def fit_emulator(
    target: Target, unit: np.ndarray, set_means: np.ndarray, runs: pd.DataFrame, *, seed: int
) -> Emulator:
    """A GP (Matérn 5/2 with one length scale per parameter, plus white noise) of a target.

    Args:
        target: the target.
        unit: the sets' calibrated parameters on the unit cube, one row per set.
        set_means: each set's mean reading.
        runs: one row per run: ``set`` (the row of ``unit``), ``value`` and, where a set has
            several draws of the other numbers, ``point`` (the draw): then the seeds' part
            of the spread is told from the draws'.
        seed: for the optimiser's restarts.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    keep = np.isfinite(set_means)
    x, y = np.asarray(unit)[keep], np.asarray(set_means, dtype=float)[keep]
    centre, scale = float(np.mean(y)), float(np.std(y)) or 1.0
    kernel = ConstantKernel(1.0, (1e-3, 1e2)) * Matern(
        length_scale=np.full(x.shape[1], 0.5), length_scale_bounds=(0.1, 20.0), nu=2.5
    ) + WhiteKernel(0.1, (1e-2, 1.0))
    model = GaussianProcessRegressor(
        kernel=kernel, normalize_y=False, n_restarts_optimizer=2, random_state=seed
    )
    # the bounds keep a GP from interpolating noise (a white noise of 1 % of the readings'
    # variance at least, no length scale under a tenth of a range): a set's mean over a few
    # draws of the other numbers and a few seeds still carries their noise (with one draw a
    # set, two sets' readings differed by much more than their parameters did)
    with warnings.catch_warnings():
        # a length scale at its upper bound is a parameter the pattern does not depend on
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, (y - centre) / scale)
    fitted, _ = model.predict(np.asarray(unit), return_std=True)
    fitted = fitted * scale + centre
    residual = runs["value"].to_numpy() - fitted[runs["set"].to_numpy()]
    run_variance = float(np.nanmean(residual**2))
    return Emulator(
        target,
        model,
        run_variance,
        centre,
        scale,
        seed_variance=_within_points(runs),
        loo_errors=_leave_one_out(model, x, (y - centre) / scale),
    )


def _within_points(runs: pd.DataFrame) -> float:
    """Pooled variance of runs around their point's mean (a draw's seeds), or NaN when no
    point has two runs."""
    if "point" not in runs:
        return math.nan
    values = runs["value"].astype(float)
    groups = values.groupby(runs["point"].to_numpy())
    shared = groups.transform("size").to_numpy() > 1  # runs whose point has another run
    if not shared.any():
        return math.nan
    deviation = (values - groups.transform("mean")).to_numpy()[shared]
    points = runs["point"].to_numpy()[shared]
    # each point's mean uses up one degree of freedom of its runs
    return float(np.sum(deviation**2) / (shared.sum() - len(np.unique(points))))


def _leave_one_out(model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Standardised leave-one-out errors of a fitted GP, in closed form (Rasmussen & Williams
    2006, eq. 5.12): with ``K`` the kernel matrix of the fitted sets (their noise included),
    the error of set ``i`` predicted from the others is ``[K⁻¹y]ᵢ / √[K⁻¹]ᵢᵢ`` standard
    deviations (the kernel's parameters kept as fitted on all sets)."""
    matrix = model.kernel_(x)
    matrix[np.diag_indices_from(matrix)] += model.alpha
    inverse = np.linalg.inv(matrix)
    return (inverse @ y) / np.sqrt(np.diag(inverse))


def ruled_out(
    emulators: Sequence[Emulator], unit: np.ndarray, cutoff: float = CUTOFF
) -> np.ndarray:
    """Whether each point is ruled out by any emulator (implausibility above ``cutoff``)."""
    unit = np.atleast_2d(unit)
    out = np.zeros(len(unit), dtype=bool)
    for emulator in emulators:
        if emulator.cuts:
            out |= emulator.implausibility(unit) > cutoff
    return out


@dataclass
class Wave:
    """One wave: its sets, their readings, and the emulators fitted on them."""

    index: int
    unit: np.ndarray
    """The sets' calibrated parameters on the unit cube."""
    values: np.ndarray
    """Every varied number of each point run (calibrated first, then the others):
    :attr:`points` rows a set, in order (set ``i`` is rows ``i·points`` to
    ``i·points + points − 1``)."""
    runs: pd.DataFrame
    """One row per run: set, point, replicate, status and each target's reading."""
    emulators: list[Emulator] = field(default_factory=list)
    kept_share: float = 1.0
    """Share of the candidate points no earlier wave ruled out when this wave was drawn."""
    draws: int = 1
    """Draws of the other numbers a set."""
    points: int = 1
    """Rows of :attr:`values` a set: its draws, or (``split``) a row a run."""
    skill: dict[str, float] = field(default_factory=dict)
    """R² of this wave's emulators on the next wave's (or the ensemble's) set means."""

    def set_means(self, target: str) -> np.ndarray:
        """Each set's mean reading of ``target`` over its runs that read one: NaN where a run
        failed, or no run reads a value.

        A run without a value is a province the pattern's ratio has no denominator in (a
        typical province holding no operating KCN, for an occupancy): it holds none of the
        nation's, so the national ratio is read on the others.
        """
        failed = (self.runs["status"] != "ok").groupby(self.runs["set"]).any()
        means = self.runs.groupby("set")[target].mean().where(~failed)
        return means.reindex(range(len(self.unit))).to_numpy()


@dataclass
class HistoryMatch:
    """What history matching leaves: its waves, the targets it cut on, the accepted sets."""

    calibrated: list[str]
    targets: list[Target]
    waves: list[Wave]
    unreachable: list[str]
    """Targets no set of the first wave has its mean inside the tolerance (or any value):
    named, and left out of the cut."""
    accepted: pd.DataFrame
    """The ensemble's sets: wave, set, each calibrated (and given) parameter, each target's
    mean reading, the set's largest implausibility."""
    notes: list[str] = field(default_factory=list)
    ensemble: Wave | None = None
    """The runs of the ensemble: sets drawn from the space no wave ruled out."""
    given: Ensemble | None = None
    """The ensemble the sets took their shared numbers from (``history_match(given=)``)."""
    others: Others = "common"
    """How national patterns counted the other numbers' spread (``history_match(others=)``)."""
    provincial: list[str] = field(default_factory=list)
    """With ``split``: the other numbers drawn run by run, as each province's own."""

    @property
    def cut_on(self) -> list[str]:
        """The targets the waves cut on: those of some wave's emulators that passed their
        leave-one-out check (:attr:`Emulator.cuts`); not those left out (:attr:`unreachable`)
        or whose every emulator failed it (:attr:`uncut`)."""
        cutting = {e.target.id for w in self.waves for e in w.emulators if e.cuts}
        return [t.id for t in self.targets if t.id in cutting]

    @property
    def uncut(self) -> list[str]:
        """Targets fitted an emulator in every wave but never cut on: each emulator failed its
        leave-one-out check, so nothing was learnt from them that could rule a point out."""
        cut = set(self.cut_on)
        return [t.id for t in self.targets if t.id not in cut and t.id not in self.unreachable]

    @property
    def runs(self) -> int:
        """Model runs made, every wave and the ensemble's."""
        extra = len(self.ensemble.runs) if self.ensemble is not None else 0
        return sum(len(w.runs) for w in self.waves) + extra


def history_match(
    scenario_file: str | Path,
    *,
    calibrated: Sequence[str],
    target_ids: Sequence[str],
    patterns: PatternSet,
    out: str | Path,
    policy: str | None = None,
    waves: int = 3,
    sets: int = 128,
    replicates: int = 4,
    draws: int = 1,
    candidates: int = 20_000,
    seed: int = 1,
    workers: int | None = None,
    quiet: bool = True,
    given: Ensemble | None = None,
    others: Others = "common",
    provincial: Sequence[str] = (),
) -> HistoryMatch:
    """History-match a scenario's ``calibrated`` parameters to the fitted patterns
    ``target_ids``; see the module docstring. Each wave is a sweep in ``out/wave<k>``, so an
    interrupted calibration resumes where it stopped (same arguments).

    Args:
        scenario_file: the scenario (a back-cast, for patterns before 2021).
        calibrated: the parameters to fit (names as `izsim params` lists them, with ranges).
        target_ids: fitted patterns the scenario can read.
        patterns: the patterns file.
        out: the calibration's folder.
        policy: policy id or file (default: baseline beside the scenario).
        waves: how many waves.
        sets: parameter sets a wave.
        replicates: seeds a run of each draw of the other numbers.
        draws: draws of the other numbers a set (each run ``replicates`` times): a set's mean
            averages over them, so that an emulator learns the calibrated numbers' effect
            rather than one draw's, and the spread within a set includes theirs.
        candidates: points an emulator judges when the next wave is drawn.
        seed: the calibration's seed (designs, the other numbers' draws, seeds of runs).
        workers: local processes.
        quiet: no progress bars.
        given: an ensemble already calibrated (the shared behaviour): each set takes the
            values of one of its sets, drawn with replacement, for the numbers it holds. They
            vary like the other numbers (the emulators do not see them) and are kept with the
            accepted sets, so that a province's ensemble holds them jointly with its own.
        others: how a national pattern's spread counts the other numbers' (their draws):
            ``common`` to the nation, whole (the bound that rules out least), or
            ``provincial``, each province drawing its own, over √63 like the seeds (the bound
            that rules out most); or ``split``, number by number: the ``provincial`` numbers
            are drawn afresh for every run (each of a draw's ``replicates`` runs is a point of
            its own), so that their spread joins the seeds' within a draw and is averaged
            over the provinces, and the rest once a draw, counted whole; see
            :meth:`Emulator.implausibility`.
        provincial: with ``others="split"``, the other numbers that differ province by
            province (names as `izsim params` lists them); ignored otherwise.
    """
    from scipy.stats import qmc

    from izsim.experiments.space import load_space, pattern_outputs, write_space
    from izsim.experiments.sweep import sweep
    from izsim.scenario.load import find_policy, load_policy, load_scenario
    from izsim.scenario.parameters import parameters

    out = Path(out)
    problems = []
    scenario = load_scenario(scenario_file)
    params = parameters(scenario, load_policy(find_policy(policy, Path(scenario_file))))
    parameter_names = {p.name for p in params if p.range is not None}
    if not calibrated:
        problems.append(Problem("calibrated", "", "no parameter to calibrate: give at least one"))
    split = others == "split"
    unknown = sorted(set(provincial) - set(parameter_names)) if split else []
    if unknown:
        problems.append(
            Problem("provincial", ", ".join(unknown), "not ranged numbers of the scenario")
        )
    if out.exists() and not out.is_dir():
        problems.append(Problem(str(out), "--out", "exists and is not a folder; give a folder"))
    if problems:
        raise InputError(problems)
    goals = targets(patterns, target_ids)
    out.mkdir(parents=True, exist_ok=True)
    held = list(given.parameters) if given is not None else []
    # the calibrated parameters (then those taken from an ensemble), every other ranged number
    # varying as `rest`, each target an output
    space_file = write_space(
        out / "space.yaml", [*calibrated, *held], pattern_outputs(target_ids), rest=True
    )
    space = load_space(space_file, scenario, params)
    factors = space.factors()
    k = len(calibrated)
    # the other numbers drawn run by run (split), and their columns among the others'
    wanted = set(provincial) if split else set()
    by_run = [f.name for f in factors[k:] if f.name in wanted]
    fresh_columns = [j for j, f in enumerate(factors[k:]) if f.name in wanted]
    per_set = draws * replicates if split else draws
    notes: list[str] = []
    done: list[Wave] = []
    active = list(goals)
    unreachable: list[str] = []
    ensemble: Wave | None = None
    for index in range(1, waves + 2):
        # waves 1..waves fit emulators; the one after draws the ensemble from what is left
        rng = np.random.default_rng([seed, index])
        pool = qmc.LatinHypercube(d=k, seed=rng).random(sets if index == 1 else candidates)
        kept_share = 1.0
        if index > 1:
            keep = ~np.zeros(len(pool), dtype=bool)
            for wave in done:
                keep &= ~ruled_out(wave.emulators, pool)
            kept_share = float(keep.mean())
            pool = pool[keep][:sets]
            if len(pool) == 0:
                notes.append(f"wave {index}: every candidate point is ruled out; stopped")
                break
            if len(pool) < sets:
                notes.append(f"wave {index}: only {len(pool)} of {candidates} candidates left")
        # each set is run with `draws` draws of the other numbers (rows set·draws … +draws−1;
        # with split, a row a run: rows set·per_set …), so that its mean reading averages over
        # them and the spread within a set is theirs and the seeds' (with draws = 1 the same
        # numbers, in the same order, as before)
        of_set = np.repeat(np.arange(len(pool)), per_set)
        values = run_points(
            factors,
            pool,
            rng,
            draws=draws,
            runs=replicates,
            fresh=fresh_columns if split else None,
        )
        if given is not None:
            rows = rng.integers(len(given.values), size=len(pool))
            values[:, k : k + len(held)] = given.values[rows][of_set]
        last = index == waves + 1
        result = sweep(
            scenario_file,
            space_file=space_file,
            points=values,
            replicates=1 if split else replicates,
            policy=policy,
            seed=seed,
            workers=workers,
            out=out / ("ensemble" if last else f"wave{index}"),
            quiet=quiet,
            # each run its own seed: with seeds shared by every set, each set saw the same
            # few provinces (their zones, presence_pct) and the same chance, an offset common
            # to the whole wave that no emulator can tell from the parameters
            seeds_per_set=True,
        )
        runs = result.outputs.rename(columns={"sample": "point"})
        runs.insert(0, "set", runs["point"] // per_set)
        if split:  # a run's point is its draw of the national numbers
            runs["replicate"] = runs["point"] % replicates
            runs["point"] = runs["point"] // replicates
        wave = Wave(index, pool, values, runs, kept_share=kept_share, draws=draws, points=per_set)
        if done:  # the last wave's emulators scored on this one's sets
            done[-1].skill = skill(done[-1].emulators, wave)
        if last:
            ensemble = wave
            break
        if index == 1:
            # before any emulator is fitted: a target without a single reading has nothing
            # to fit one to
            active, unreachable = _reachable(goals, wave)
            for name in unreachable:
                unread = not np.isfinite(wave.set_means(name)).any()
                notes.append(
                    f"{name}: no run of the first wave has a value (the scenario does not read"
                    " it); left out of the cut"
                    if unread
                    else f"{name}: no set of the first wave has its mean inside the tolerance;"
                    " left out of the cut (the model does not reach it within the priors)"
                )
        wave.emulators = [_emulate(t, wave, seed, others) for t in active]
        for emulator in wave.emulators:
            if not emulator.cuts:
                notes.append(
                    f"wave {index}: the emulator of {emulator.target.id} fails its leave-one-out"
                    f" check ({100 * emulator.loo_failed:.0f} % of sets beyond"
                    f" {LOO_BEYOND:g} sd; at most {100 * LOO_ALLOWED:.0f} % allowed): it rules"
                    " nothing out"
                )
        done.append(wave)
    accepted = _accepted(ensemble, done, goals, [*calibrated, *held])
    return HistoryMatch(
        list(calibrated),
        goals,
        done,
        unreachable,
        accepted,
        notes,
        ensemble,
        given,
        others,
        by_run,
    )


def run_points(
    factors: Sequence[Factor],
    pool: np.ndarray,
    rng: np.random.Generator,
    *,
    draws: int,
    runs: int = 1,
    fresh: Sequence[int] | None = None,
) -> np.ndarray:
    """The points of the runs of parameter sets ``pool`` (the unit cube of the first
    ``pool.shape[1]`` factors), set by set: each set with ``draws`` draws of every other
    number from its prior. Without ``fresh`` a draw is one point (its runs are seeds of it);
    with ``fresh`` (indexes among the other numbers: a province's own), each draw is ``runs``
    points, one a run, repeating the draw's numbers and drawing the ``fresh`` ones afresh."""
    from izsim.experiments.sensitivity import to_values

    k = pool.shape[1]
    of_set = np.repeat(np.arange(len(pool)), draws if fresh is None else draws * runs)
    rest = rng.random((len(pool) * draws, len(factors) - k))
    if fresh is not None:
        rest = np.repeat(rest, runs, axis=0)
        rest[:, fresh] = rng.random((len(rest), len(fresh)))
    return to_values(factors, np.hstack([pool[of_set], rest]))


def mean_reading(wave: Wave | None, target: str) -> float:
    """A target's mean over a wave's successful runs (NaN if none has a value): over the
    ensemble, what a mean of many provinces' draws would read, the quantity a national figure
    is."""
    if wave is None:
        return math.nan
    ok = wave.runs.loc[wave.runs["status"] == "ok", target]
    return float(ok.mean()) if ok.notna().any() else math.nan


@dataclass(frozen=True)
class Verdict:
    """What a history match's ensemble is (:func:`verdict`)."""

    status: Literal["calibrated", "provisional"]
    missed: list[str]
    """Targets cut on whose ensemble mean lies outside the tolerance (or has no value)."""
    reasons: list[str]
    """Why it is provisional; empty when calibrated."""


def verdict(match: HistoryMatch) -> Verdict:
    """Whether ``match``'s ensemble is a calibration: the one rule, which the ensemble's
    file records and its installation follows. It is ``calibrated`` only if

    - it has accepted sets, and was cut on at least one target (the first wave reached one);
    - its mean over every run reads every target it was cut on inside the tolerance;
    - every target it could read was cut on (some wave's emulator passed its leave-one-out
      check);
    - some wave ruled something out (else its sets are the prior's draws);
    - the ensemble it took shared numbers from (``given``), if any, is calibrated itself.

    Otherwise it is ``provisional``, with the reasons."""
    reasons = []
    if match.ensemble is None or not len(match.accepted):
        reasons.append("no accepted set (every candidate was ruled out)")
    cut = match.cut_on
    if not cut:
        reasons.append("cut on no pattern (the first wave reached none)")
    missed = []
    for target in match.targets:
        if target.id in cut:
            mean = mean_reading(match.ensemble, target.id)
            if not target.low <= mean <= target.high:  # NaN too
                missed.append(target.id)
    if missed:
        reasons.append(f"its mean misses {', '.join(missed)}")
    if match.uncut:
        reasons.append(
            f"no emulator of {', '.join(match.uncut)} passed its leave-one-out check: never cut on"
        )
    waves = [*match.waves[1:], *([match.ensemble] if match.ensemble is not None else [])]
    if not any(w.kept_share < 1 for w in waves):
        reasons.append("no wave ruled anything out")
    if match.given is not None and match.given.provenance.status != "calibrated":
        reasons.append(
            f"the ensemble it takes shared numbers from, {match.given.path}, is provisional"
        )
    return Verdict("provisional" if reasons else "calibrated", missed, reasons)


def _runs_of(wave: Wave, target: Target) -> pd.DataFrame:
    ok = wave.runs[(wave.runs["status"] == "ok") & wave.runs[target.id].notna()]
    return pd.DataFrame(
        {
            "set": ok["set"].to_numpy(),
            "point": ok["point"].to_numpy(),
            "value": ok[target.id].to_numpy(),
        }
    )


def _emulate(target: Target, wave: Wave, seed: int, others: Others) -> Emulator:
    emulator = fit_emulator(
        target, wave.unit, wave.set_means(target.id), _runs_of(wave, target), seed=seed
    )
    emulator.others = others
    return emulator


def _reachable(goals: list[Target], wave: Wave) -> tuple[list[Target], list[str]]:
    """Targets some set of the first wave reads inside the tolerance (its mean over its
    runs), and those none does (none has a value, or every set's mean lies outside): a
    pattern the prior box never reaches is named, not cut on."""
    active, unreachable = [], []
    for target in goals:
        means = wave.set_means(target.id)
        inside = (means >= target.low) & (means <= target.high)
        if inside.any():
            active.append(target)
        else:
            unreachable.append(target.id)
    return active, unreachable


def skill(emulators: Sequence[Emulator], wave: Wave) -> dict[str, float]:
    """How well emulators fitted on one wave predict the next wave's set means: R² per target
    (1 perfect, 0 no better than the mean, below 0 worse). A cut made by emulators without
    skill rests on their uncertainty, not on what they learnt."""
    out = {}
    for emulator in emulators:
        actual = wave.set_means(emulator.target.id)
        keep = np.isfinite(actual)
        if keep.sum() < 3:
            out[emulator.target.id] = math.nan
            continue
        predicted, _ = emulator.predict(wave.unit[keep])
        residual = float(np.sum((actual[keep] - predicted) ** 2))
        total = float(np.sum((actual[keep] - actual[keep].mean()) ** 2))
        out[emulator.target.id] = 1 - residual / total if total > 0 else math.nan
    return out


def _accepted(
    ensemble: Wave | None, waves: list[Wave], goals: list[Target], named: Sequence[str]
) -> pd.DataFrame:
    """The ensemble's sets: their numbers, each target's mean reading, and the largest
    implausibility any wave's emulators give them (at most the cut-off, by construction)."""
    columns = ["wave", "set", *named, *[t.id for t in goals], "implausibility"]
    if ensemble is None:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(ensemble.values[:: ensemble.points, : len(named)], columns=list(named))
    frame.insert(0, "set", range(len(frame)))
    frame.insert(0, "wave", ensemble.index)
    for target in goals:
        frame[target.id] = ensemble.set_means(target.id)
    worst = np.zeros(len(frame))
    for wave in waves:
        for emulator in wave.emulators:
            if emulator.cuts:
                worst = np.maximum(worst, emulator.implausibility(ensemble.unit))
    frame["implausibility"] = worst
    return frame[columns]
