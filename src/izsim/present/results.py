"""Saved results, read back for presentation: a run folder (``izsim run --out``) or a
comparison folder (``izsim compare --out``). Nothing is simulated again.

Both kinds are read into one :class:`Results`: policies × runs × months × indicators, zone
states by month, the scorecard, and, for a comparison, its analysis tables. A single run is a
comparison of one policy with one replicate, so every figure serves both.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from izsim.errors import InputError, Problem
from izsim.indicators import INDICATOR_IDS
from izsim.model.zone import PLANT_STATES, STAGES
from izsim.scenario.load import file_sha256, load_scenario
from izsim.scenario.schema import Scenario, Target

_COLUMN = {name: i for i, name in enumerate(INDICATOR_IDS)}


NOT_HELD = -1
"""Zone code of a run whose province did not hold the zone (``presence_pct`` below 100): it
has no row in that run's zone states."""


@dataclass
class Results:
    """What a results folder holds, ready to draw.

    Attributes:
        kind: ``run`` or ``compare``.
        folder: the folder read.
        scenario: the scenario (from the copy in ``inputs/``).
        policies: policy ids in the order they were given; the reference first is not implied.
        policy_names: each policy's ``name`` from its file.
        reference: the policy others are compared with (a run: its own policy).
        months: ``YYYY-MM`` of every simulated month.
        values: policy -> runs × months × indicators (catalogue order).
        seeds: policy -> the seed of each run, aligned with ``values``.
        zone_stages: policy -> runs × months × zones, indexes into ``STAGES``, or
            :data:`NOT_HELD` where a run's province did not hold the zone (``presence_pct``).
        zone_plants: policy -> runs × months × zones, indexes into ``PLANT_STATES``, or
            :data:`NOT_HELD`.
        scorecard: the folder's ``scorecard.csv``.
        comparison: a comparison's ``comparison.csv`` (empty for a run).
        cost_effectiveness: a comparison's ``cost_effectiveness.csv`` (empty for a run).
        manifest: the folder's ``manifest.json``.
        config: a comparison's ``config.json`` (empty for a run).
    """

    kind: Literal["run", "compare"]
    folder: Path
    scenario: Scenario
    policies: list[str]
    policy_names: dict[str, str]
    reference: str
    months: list[str]
    values: dict[str, np.ndarray]
    seeds: dict[str, list[int]]
    zone_stages: dict[str, np.ndarray]
    zone_plants: dict[str, np.ndarray]
    scorecard: pd.DataFrame
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_effectiveness: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    def series(self, indicator: str, policy: str) -> np.ndarray:
        """``indicator`` under ``policy``: runs × months."""
        return self.values[policy][:, :, _COLUMN[indicator]]

    @property
    def runs_per_policy(self) -> int:
        """Replicates per policy (the fewest, if some runs failed)."""
        return min(len(v) for v in self.values.values())

    def years(self) -> np.ndarray:
        """Each month as a decimal year at its end (2021-01 -> 2021.083): stocks are
        end-of-month values, and a December value sits on the year's boundary."""
        year0, month0 = (int(x) for x in self.months[0].split("-"))
        return year0 + (month0 + np.arange(len(self.months))) / 12

    def month_position(self, month: str) -> int:
        """Index of ``month`` in :attr:`months`."""
        return self.months.index(month)

    def modelled_targets(self) -> list[Target]:
        """The targets the model measures."""
        return [t for t in self.scenario.targets if t.not_modelled is None]

    def probabilities(self) -> pd.DataFrame:
        """Per target × policy: probability of meeting it and its 95 % interval.

        A comparison reads its scorecard; a single run has probability 1 (met) or 0 (missed)
        and no interval.
        """
        card = self.scorecard
        if self.kind == "compare":
            rows = card[card["status"] == "modelled"]
            return rows[
                ["target", "policy", "probability", "probability_low", "probability_high"]
            ].reset_index(drop=True)
        rows = card[card["status"].isin(["met", "missed"])]
        return pd.DataFrame(
            {
                "target": rows["target"].to_numpy(),
                "policy": self.policies[0],
                "probability": (rows["status"] == "met").astype(float).to_numpy(),
                "probability_low": math.nan,
                "probability_high": math.nan,
            }
        )

    def provenance(self) -> dict[str, str]:
        """Scenario, policies, replicates and seed, for source lines."""
        if self.kind == "compare":
            cfg = self.config
            budget = cfg.get("budget_bn_vnd_per_year")
            return {
                "scenario": self.scenario.scenario.name,
                "policies": ", ".join(self.policies),
                "replicates": str(cfg.get("replicates", self.runs_per_policy)),
                "seed": str(cfg.get("seed", "")),
                "budget": "" if budget is None else f"{budget:g}",
            }
        return {
            "scenario": self.scenario.scenario.name,
            "policies": self.policies[0],
            "replicates": "1",
            "seed": str(self.manifest.get("seed", "")),
            "budget": "",
        }


def _codes(column: pa.ChunkedArray, keys: list[str] | dict[Any, int]) -> np.ndarray:
    """Position of each value of a text or integer column among ``keys`` (fast, in C).

    A dictionary-encoded column (as :func:`_table` reads text) is looked up once per distinct
    value, then spread over its rows by index: a comparison's tables hold millions of rows but
    a few hundred distinct months, policies and indicators.
    """
    value_set = pa.array(list(keys))
    if not pa.types.is_dictionary(column.type):
        return pc.index_in(column, value_set=value_set).to_numpy(zero_copy_only=False)
    parts = [
        pc.index_in(chunk.dictionary, value_set=value_set).to_numpy(zero_copy_only=False)[
            chunk.indices.to_numpy(zero_copy_only=False)
        ]
        for chunk in column.chunks
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


def load_results(folder: str | Path) -> Results:
    """Read a run or comparison folder; raises :class:`InputError` naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "", "is not a folder of izsim results")])
    if (folder / "config.json").exists():
        return _load_compare(folder, _json(folder / "manifest.json"))
    if (folder / "timeseries.parquet").exists():
        return _load_run(folder, _json(folder / "manifest.json"))
    raise InputError(
        [
            Problem(
                str(folder),
                "",
                "holds neither a run (timeseries.parquet) nor a comparison (config.json); give"
                " the --out folder of `izsim run` or `izsim compare`",
            )
        ]
    )


def _json(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise InputError(
            [
                Problem(
                    str(path), "", "is missing: the command that wrote this folder did not finish"
                )
            ]
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"is not valid JSON ({exc})")]) from None


def _required(path: Path, hint: str) -> Path:
    if not path.exists():
        raise InputError([Problem(str(path), "", f"is missing; {hint}")])
    return path


def _scenario(folder: Path, entry: dict[str, Any], sha256: str | None) -> Scenario:
    """The scenario from its copy in ``inputs/``, else from the original file if unchanged."""
    copy = entry.get("copy")
    if copy and (folder / copy).exists():
        # records that lay outside the scenario's folder are not where the copy names them
        records = entry.get("records_copy")
        return load_scenario(folder / copy, records_file=folder / records if records else None)
    original = Path(entry.get("file") or "")
    if entry.get("file") and original.is_file():
        if sha256 is None or file_sha256(original) == sha256:
            return load_scenario(original)
        raise InputError(
            [
                Problem(
                    str(original),
                    "",
                    f"has changed since {folder} was written (SHA-256 differs) and the folder"
                    " holds no copy in inputs/; run the command again to refresh the results",
                )
            ]
        )
    raise InputError(
        [
            Problem(
                str(folder / "inputs"),
                "",
                f"holds no copy of the scenario and '{entry.get('file')}' is not there; run the"
                " command again to refresh the results",
            )
        ]
    )


def _load_run(folder: Path, manifest: dict[str, Any]) -> Results:
    from izsim.outputs import manifest_problems

    if "files" in manifest:  # older folders have no checksums to check
        problems = manifest_problems(folder)
        if problems:
            raise InputError(
                [
                    Problem(
                        str(folder),
                        "",
                        f"is not the run its manifest describes ({'; '.join(problems)});"
                        " run `izsim run` again",
                    )
                ]
            )
    scenario = _scenario(folder, manifest["scenario"], manifest["scenario"].get("sha256"))
    again = "run `izsim run` again"
    tidy = _table(folder / "timeseries.parquet", again).to_pandas()
    months = list(dict.fromkeys(tidy["month"]))
    wide = tidy.pivot(index="month", columns="indicator", values="value")
    values = wide.reindex(index=months, columns=list(INDICATOR_IDS)).to_numpy(dtype=float)
    policy = manifest["policy"]["id"]
    zone_ids = [z.id for z in scenario.all_zones]
    stages, plants = _zone_codes(
        _table(folder / "zone_states.parquet", again),
        months,
        zone_ids,
    )
    return Results(
        kind="run",
        folder=folder,
        scenario=scenario,
        policies=[policy],
        policy_names={policy: manifest["policy"].get("name", policy)},
        reference=policy,
        months=months,
        values={policy: values[None]},
        seeds={policy: [int(manifest.get("seed", 0))]},
        zone_stages={policy: stages[None]},
        zone_plants={policy: plants[None]},
        scorecard=_csv(folder / "scorecard.csv", again, required=("target", "status")),
        manifest=manifest,
    )


def _zone_codes(
    table: pa.Table, months: list[str], zones: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """A tidy (month, zone, stage, plant) table as months × zones code arrays."""
    shape = (len(months), len(zones))
    at = (_codes(table.column("month"), months), _codes(table.column("zone"), zones))
    stages = np.full(shape, NOT_HELD, dtype=np.int8)
    plants = np.full(shape, NOT_HELD, dtype=np.int8)
    stages[at] = _codes(table.column("stage"), list(STAGES))
    plants[at] = _codes(table.column("plant"), list(PLANT_STATES))
    return stages, plants


def _load_compare(folder: Path, manifest: dict[str, Any]) -> Results:
    config = _json(folder / "config.json")
    hint = "run the same `izsim compare` command again to complete the folder"
    runs = _table(folder / "runs.parquet", hint, text=("policy", "month", "indicator"))
    states = _table(
        folder / "zone_states.parquet", hint, text=("policy", "month", "zone", "stage", "plant")
    )
    scenario = _scenario(folder, manifest.get("scenario", {}), config["scenario"]["sha256"])
    policies = [p["id"] for p in config["policies"]]
    months = sorted(set(pc.unique(runs.column("month")).to_pylist()))
    zone_ids = [z.id for z in scenario.all_zones]
    run_policy = _codes(runs.column("policy"), policies)
    run_month = _codes(runs.column("month"), months)
    run_indicator = _codes(runs.column("indicator"), list(INDICATOR_IDS))
    run_replicate = runs.column("replicate").to_numpy()
    run_seed = runs.column("seed").to_numpy()
    run_value = runs.column("value").to_numpy()
    zone_policy = _codes(states.column("policy"), policies)
    zone_replicate = states.column("replicate").to_numpy()
    zone_at = (
        _codes(states.column("month"), months),
        _codes(states.column("zone"), zone_ids),
    )
    zone_stage = _codes(states.column("stage"), list(STAGES))
    zone_plant = _codes(states.column("plant"), list(PLANT_STATES))
    values: dict[str, np.ndarray] = {}
    seeds: dict[str, list[int]] = {}
    stages: dict[str, np.ndarray] = {}
    plants: dict[str, np.ndarray] = {}
    for p, policy in enumerate(policies):
        mine = run_policy == p
        if not mine.any():
            continue
        replicates, first = np.unique(run_replicate[mine], return_index=True)
        position = np.searchsorted(replicates, run_replicate[mine])
        cube = np.full((len(replicates), len(months), len(INDICATOR_IDS)), np.nan)
        cube[position, run_month[mine], run_indicator[mine]] = run_value[mine]
        values[policy] = cube
        seeds[policy] = [int(s) for s in run_seed[mine][first]]
        theirs = zone_policy == p
        stage_cube = np.full((len(replicates), len(months), len(zone_ids)), NOT_HELD, np.int8)
        plant_cube = np.full_like(stage_cube, NOT_HELD)
        at = (
            np.searchsorted(replicates, zone_replicate[theirs]),
            zone_at[0][theirs],
            zone_at[1][theirs],
        )
        stage_cube[at] = zone_stage[theirs]
        plant_cube[at] = zone_plant[theirs]
        stages[policy], plants[policy] = stage_cube, plant_cube
    reference = config.get("reference", policies[0])
    if reference not in values:
        # every figure is drawn against the reference: without its runs there is nothing to show
        raise InputError(
            [
                Problem(
                    str(folder / "runs" / reference),
                    "",
                    f"no run of the reference policy '{reference}' finished (see the .json"
                    " records there for the errors); nothing can be drawn against it",
                )
            ]
        )
    names = {pid: info.get("name", pid) for pid, info in manifest.get("policies", {}).items()}
    return Results(
        kind="compare",
        folder=folder,
        scenario=scenario,
        policies=[p for p in policies if p in values],
        policy_names={p: names.get(p, p) for p in policies},
        reference=reference,
        months=months,
        values=values,
        seeds=seeds,
        zone_stages=stages,
        zone_plants=plants,
        scorecard=_csv(folder / "scorecard.csv", hint, required=("target", "status")),
        comparison=_csv(folder / "comparison.csv", hint),
        cost_effectiveness=_csv(folder / "cost_effectiveness.csv", hint),
        manifest=manifest,
        config=config,
    )


def _table(path: Path, hint: str, text: tuple[str, ...] = ()) -> pa.Table:
    """A Parquet file of the folder; a missing or damaged one is named with what to do.

    ``text``: columns of repeated words (months, policies, indicators) read as a dictionary and
    codes, as Parquet stores them, rather than as one Python-sized string per row (a
    comparison's tables hold millions of rows: a third of the time to read it).
    """
    try:
        return pq.read_table(_required(path, hint), read_dictionary=list(text) or None)
    except (pa.ArrowException, OSError) as exc:
        raise InputError([Problem(str(path), "", f"cannot be read ({exc}); {hint}")]) from None


def _csv(path: Path, hint: str, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table of the folder (empty if the file is); ``required`` columns must be there."""
    try:
        frame = pd.read_csv(_required(path, hint), keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"cannot be read ({exc}); {hint}")]) from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), "", f"has no {', '.join(missing)}; {hint}")])
    return frame
