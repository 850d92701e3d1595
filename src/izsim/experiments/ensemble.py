"""A calibrated ensemble: parameter sets the fitted patterns do not rule out, with provenance.

Written by the calibration scripts (``experiments/calibrate_*.py``) to ``scenarios/calibrated/``
and read by ``izsim compare --uncertainty``: replicate ``i`` takes the values of one set of the
ensemble (chosen from its own random stream, so adding replicates keeps the earlier ones) for
the numbers the ensemble holds, and draws every other ranged number from its prior as before.

```yaml
calibration:
  method: history matching …        # how the sets were found
  scenario: scenarios/backcast/typical_2016.yaml
  scenario_sha256: …
  scenario_model_sha256: …          # the scenario as runs read it, its names left out
  patterns: [kcn_occupancy_2018_2020, …]   # the fitted patterns it was cut on
  left_out: [kcn_pace_2016_2020]            # fitted patterns the model could not come near
  status: provisional                       # or calibrated (calibration.verdict)
  missed: [ccn_pace_2018_2021]              # cut on, and the ensemble's mean reads outside
  shared: {path: …, sha256: …, status: …}   # a province's: the ensemble it took numbers from
  runs: 2560
  minutes: 3.1
  seed: 1
  code: {…}                                 # izsim's code fingerprint
parameters: [investors.beta_rent_per_10_usd_m2, …]
sets:                                       # one row per accepted set, in parameters' order
  - [-0.31, …]
```

A scenario uses ``calibrated/<scenario id>.yaml`` beside it if there is one (a province
calibrated on its own records), else ``calibrated/shared.yaml`` (the shared behaviour). Files
written before ``status``, ``missed`` or ``shared`` existed still load (provisional, then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    ValidationError,
    field_validator,
    model_validator,
)

from izsim.errors import InputError, Problem
from izsim.scenario.load import (
    file_sha256,
    load_scenario,
    model_sha256,
    problems_of,
    read_yaml,
)
from izsim.scenario.parameters import Parameter

PROVINCE_OWN = (
    "investors.prospects_per_month",
    "investors.outside_province_utility",
    "investors.outside_zone_utility",
)
"""A province's own numbers (its demand and its outside options, issue 11): fitted on the
province's own records, never carried from the typical province to another."""

FOLDER = "calibrated"
SHARED = "shared"


class Source(BaseModel):
    """The ensemble a calibration took shared numbers from, as it was then."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    sha256: str
    status: Literal["calibrated", "provisional"]


class Provenance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(min_length=10)
    scenario: str
    scenario_sha256: str
    scenario_model_sha256: str | None = Field(
        default=None,
        description="The scenario as its runs read it (izsim.scenario.load.model_sha256):"
        " a file changed since only in its words (names, labels, quotes) is still the one"
        " calibrated on. None in files written before it existed.",
    )
    patterns: list[str] = Field(
        default_factory=list,
        description="The fitted patterns it was cut on; none when the first wave reached none"
        " (then every one is in `left_out`, and the ensemble is the prior's, provisional).",
    )
    left_out: list[str] = Field(default_factory=list)
    status: Literal["calibrated", "provisional"] = Field(
        default="provisional",
        description="calibrated: cut on some fitted pattern, its mean reads every one it was"
        " cut on inside its tolerance, some wave ruled something out, and the `shared`"
        " ensemble it took numbers from (if any) is calibrated"
        " (izsim.experiments.calibration.verdict); provisional otherwise.",
    )
    missed: list[str] = Field(
        default_factory=list, description="Fitted patterns the ensemble's mean reads outside."
    )
    skill: dict[str, float] = Field(
        default_factory=dict,
        description="R² of the last wave's emulators on the ensemble's set means, per pattern.",
    )
    shared: Source | None = Field(
        default=None,
        description="The ensemble whose sets gave the shared numbers (a province's"
        " calibration): its path, sha256 and status when it was read.",
    )
    runs: int = Field(ge=1)
    minutes: float = Field(ge=0)
    seed: int
    code: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _calibrated_on_something(self) -> Provenance:
        if self.status == "calibrated":
            if not self.patterns:
                raise ValueError("a calibrated ensemble names the patterns it was cut on")
            if self.missed:
                raise ValueError("a calibrated ensemble misses no pattern it was cut on")
            if self.shared is not None and self.shared.status != "calibrated":
                raise ValueError(
                    f"a calibrated ensemble takes no numbers from a provisional one"
                    f" ({self.shared.path})"
                )
        return self


class EnsembleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    calibration: Provenance
    parameters: list[str] = Field(min_length=1)
    # strict: YAML's `true` or "0.5" is no number a calibration writes (lax floats took them)
    sets: list[list[StrictFloat]] = Field(min_length=1)

    @field_validator("parameters")
    @classmethod
    def _names_once(cls, names: list[str]) -> list[str]:
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            # a later column would silently overwrite the earlier one's values in a draw
            raise ValueError(f"{', '.join(twice)} listed twice; list each number once")
        return names


@dataclass(frozen=True)
class Ensemble:
    """A read ensemble: ``values[i]`` is set ``i``, one column per name of ``parameters``."""

    path: Path
    parameters: list[str]
    values: np.ndarray
    provenance: Provenance

    @property
    def sha256(self) -> str:
        return file_sha256(self.path)


def ensemble_home(scenario_file: str | Path, name: str) -> Path:
    """Where ``find_ensemble`` looks for ensemble ``name`` (a scenario id, or ``shared``) of
    the scenarios beside ``scenario_file``: ``calibrated/<name>.yaml`` in their folder."""
    return Path(scenario_file).parent / FOLDER / f"{name}.yaml"


def find_ensemble(scenario_file: str | Path, scenario_id: str) -> Path | None:
    """The ensemble a scenario uses: its own beside it, else the shared one, else None."""
    for name in (scenario_id, SHARED):
        path = ensemble_home(scenario_file, name)
        if path.is_file():
            return path
    return None


def load_ensemble(path: str | Path, params: list[Parameter]) -> Ensemble:
    """Read an ensemble and check it against a scenario's parameters.

    Raises:
        InputError: the file is not a valid ensemble; a row has the wrong length; a parameter
            is not one of the scenario's ranged numbers; a value lies outside its range there.
    """
    path = Path(path)
    name = str(path)
    data, lines = read_yaml(path)
    try:
        spec = EnsembleFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(name, exc, data, lines, EnsembleFile)) from None
    problems: list[Problem] = []
    ranged = {p.name: p for p in params if p.range is not None}
    for j, parameter in enumerate(spec.parameters):
        if parameter not in ranged:
            problems.append(
                Problem(
                    name,
                    f"parameters[{j}]",
                    f"'{parameter}' is not a ranged number of the scenario (`izsim params`)",
                )
            )
    width = len(spec.parameters)
    for i, row in enumerate(spec.sets):
        if len(row) != width:
            problems.append(Problem(name, f"sets[{i}]", f"has {len(row)} values; give {width}"))
            continue
        for parameter, value in zip(spec.parameters, row, strict=True):
            found = ranged.get(parameter)
            if found is not None and not found.low <= value <= found.high:
                problems.append(
                    Problem(
                        name,
                        f"sets[{i}] ({parameter})",
                        f"{value:g} is outside its range [{found.low:g}, {found.high:g}]",
                    )
                )
    if problems:
        raise InputError(problems[:20])
    values = np.array(spec.sets, dtype=float)
    return Ensemble(path, list(spec.parameters), values, spec.calibration)


def stale(ensemble: Ensemble, root: Path | None = None) -> str | None:
    """A warning when the scenario the ensemble was calibrated on has changed since (its
    sha256 is not the one in the provenance, nor, where the provenance holds one, what its runs
    read: :func:`~izsim.scenario.load.model_sha256`), naming both; None when it has not.

    The scenario is the provenance's path (relative to the repository) under ``root``, the
    repository; without it, looked for from the ensemble's folder up (``scenarios/calibrated/``
    and ``results/calibration/<name>/`` both lie in the repository). A changed scenario is not
    refused (scenarios change between calibrations), but an ensemble fitted to another one
    may no longer fit."""
    provenance = ensemble.provenance
    folders = [root] if root is not None else list(ensemble.path.resolve().parents)
    for folder in folders:
        current = folder / provenance.scenario
        if current.is_file():
            now = file_sha256(current)
            if now == provenance.scenario_sha256:
                return None
            if provenance.scenario_model_sha256 is not None:
                try:
                    same = model_sha256(load_scenario(current)) == provenance.scenario_model_sha256
                except InputError:
                    same = False  # (no longer a valid scenario: changed, whatever it was)
                if same:
                    return None
            return (
                f"{ensemble.path} was calibrated on {current} with sha256"
                f" {provenance.scenario_sha256[:12]}…, which has changed since (now"
                f" {now[:12]}…): the ensemble may no longer fit it; calibrate again"
            )
    where = f"in {root}" if root is not None else "above it"
    return (
        f"{ensemble.path} was calibrated on {provenance.scenario}, which is not found {where}:"
        " whether that scenario has changed since cannot be told"
    )


def write_ensemble(
    path: str | Path,
    match: Any,
    names: list[str],
    *,
    verdict: Any,
    scenario_file: Path,
    minutes: float,
    seed: int,
    root: Path,
) -> None:
    """Write ``match``'s accepted sets (a :class:`~izsim.experiments.calibration.HistoryMatch`)
    for the numbers ``names``, with the calibration's provenance: its status and the patterns
    it misses are ``verdict``'s (:func:`~izsim.experiments.calibration.verdict`, the one rule),
    and the ensemble it took shared numbers from (``match.given``) is named with its hash and
    status. Written whole (a temporary file, then renamed)."""
    from izsim.experiments.calibration import CUTOFF
    from izsim.fingerprint import code_fingerprint
    from izsim.outputs import atomic_write

    path = Path(path)
    given = match.given
    shared = None
    if given is not None:
        shared = {
            "path": shown_path(given.path, root),
            "sha256": given.sha256,
            "status": given.provenance.status,
        }
    body = {
        "calibration": {
            "method": (
                f"history matching with Gaussian-process emulators, {len(match.waves)} waves,"
                f" {match.waves[0].draws if match.waves else 1} draws of the other numbers a"
                f" set, implausibility cut-off {CUTOFF:g} (izsim.experiments.calibration);"
                f" {len(match.calibrated)} numbers fitted: {', '.join(match.calibrated)};"
                f" the other numbers' spread taken as {match.others} to the provinces"
                + (
                    f" ({len(match.provincial)} of them each province's own, drawn run by run)"
                    if match.others == "split"
                    else ""
                )
            ),
            "scenario": scenario_file.relative_to(root).as_posix(),
            "scenario_sha256": file_sha256(scenario_file),
            "scenario_model_sha256": model_sha256(load_scenario(scenario_file)),
            "patterns": list(match.cut_on),
            "left_out": list(match.unreachable),
            "status": verdict.status,
            "missed": list(verdict.missed),
            "skill": {
                k: round(float(v), 3)
                for k, v in (match.waves[-1].skill if match.waves else {}).items()
            },
            **({"shared": shared} if shared is not None else {}),
            "runs": int(match.runs),
            "minutes": round(float(minutes), 1),
            "seed": int(seed),
            "code": json.loads(json.dumps(code_fingerprint())),
        },
        "parameters": list(names),
        "sets": [[float(f"{v:.6g}") for v in row] for row in match.accepted[names].to_numpy()],
    }
    Provenance.model_validate(body["calibration"])  # what the loader will ask of it
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# A calibrated ensemble (izsim.experiments.ensemble), written by a calibration script;"
        " do not edit by hand.\n"
    )
    text = header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where it lies inside it, else absolute: how provenance,
    tables and messages name a file of the repository ``root``."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()
