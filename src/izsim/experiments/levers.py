"""``levers``: which measure of a package does what, each measured alone and in the package.

A package changes several levers at once; its effect against the reference (usually the
baseline) says nothing about which of them causes it. For every measure (lever group,
:data:`izsim.scenario.policy.LEVER_GROUPS`) in which the package differs from the reference,
two variants are run beside the package and the reference, on the same seeds (common random
numbers):

- **alone** — the reference with that one measure set as in the package:
  ``effect = (reference + measure) − reference``;
- **in the package** — the package without that measure (set back as in the reference):
  ``effect = package − (package − measure)``.

With no interactions the two agree, and the measures' effects add up to the package's. Where
they differ, the measure works with (in the package > alone) or against (in the package < alone)
the others: rent support that drains the budget other measures need shows a smaller effect in
the package than alone. The runs go through :func:`izsim.experiments.compare`, so the folder is
a comparison folder (resumable, readable by ``izsim report``) with ``levers.csv`` beside its
tables.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from rich.console import Console

from izsim.errors import InputError, Problem
from izsim.experiments import analysis
from izsim.experiments.compare import CompareResult, compare
from izsim.experiments.design import RunTask
from izsim.outputs import write_csv
from izsim.scenario.load import find_policy, load_policy, load_scenario
from izsim.scenario.policy import LEVER_GROUPS, Levers, Policy
from izsim.scenario.schema import Scenario

SPENDING = "public_spending_bn_vnd"
EFFECTS = ("alone", "in_package", "package")
COLUMNS = [
    "lever",
    "fields",
    "effect",
    "target",
    "indicator",
    "deadline",
    "pairs",
    "difference",
    "difference_low",
    "difference_high",
    "probability_difference",
    "probability_difference_low",
    "probability_difference_high",
]


@dataclass(frozen=True)
class Variant:
    """A policy that differs from the reference or the package in one measure.

    Attributes:
        lever: the measure (a key of ``LEVER_GROUPS``).
        effect: ``alone`` (the reference with the measure) or ``in_package`` (the package
            without it).
        policy: the variant's policy.
    """

    lever: str
    effect: str
    policy: Policy


@dataclass
class LeversResult:
    """The effects of each measure (also written as ``levers.csv`` in ``out``)."""

    out: Path
    effects: pd.DataFrame
    comparison: CompareResult
    variants: list[Variant] = field(default_factory=list)


def differing_levers(reference: Policy, package: Policy) -> list[str]:
    """The measures in which ``package`` sets some lever otherwise than ``reference``, in the
    order of ``LEVER_GROUPS``."""
    return [
        group
        for group, names in LEVER_GROUPS.items()
        if any(getattr(reference.levers, n) != getattr(package.levers, n) for n in names)
    ]


def with_measure(base: Policy, donor: Policy, lever: str, *, pid: str, name: str) -> Policy:
    """``base`` with the levers of measure ``lever`` set as in ``donor`` (values and sources;
    a lever ``donor`` leaves at its default goes back to the default)."""
    data = base.levers.model_dump(exclude_unset=True)
    sources = dict(data.pop("sources", None) or {})
    ranges = dict(data.pop("ranges", None) or {})
    set_in_donor = donor.levers.model_fields_set
    for lever_field in LEVER_GROUPS[lever]:
        sources.pop(lever_field, None)
        ranges.pop(lever_field, None)  # a range goes with its value and source
        if lever_field in set_in_donor:
            data[lever_field] = getattr(donor.levers, lever_field)
            source = donor.levers.sources.get(lever_field, donor.levers.source)
            if source is not None:
                sources[lever_field] = source
            if lever_field in donor.levers.ranges:
                ranges[lever_field] = donor.levers.ranges[lever_field]
        else:
            data.pop(lever_field, None)
    if sources:
        data["sources"] = sources
    if ranges:
        data["ranges"] = ranges
    return Policy(
        id=pid,
        name=name,
        description=f"{base.name}, with '{lever}' as in {donor.name} (izsim levers)",
        levers=Levers.model_validate(data),
    )


def variants(reference: Policy, package: Policy) -> list[Variant]:
    """For each measure that differs: the reference with it, then the package without it."""
    out: list[Variant] = []
    for lever in differing_levers(reference, package):
        out.append(
            Variant(
                lever,
                "alone",
                with_measure(
                    reference,
                    package,
                    lever,
                    pid=f"{reference.id}_with_{lever}"[:64],
                    name=f"{reference.name} + {lever}",
                ),
            )
        )
        out.append(
            Variant(
                lever,
                "in_package",
                with_measure(
                    package,
                    reference,
                    lever,
                    pid=f"{package.id}_without_{lever}"[:64],
                    name=f"{package.name} − {lever}",
                ),
            )
        )
    return out


def _write_policy(policy: Policy, folder: Path) -> Path:
    """The policy as a YAML file the loader reads back (deterministic text, so a resumed
    comparison finds the same file hashes)."""
    data = policy.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    path = folder / f"{policy.id}.yaml"
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=100), encoding="utf-8"
    )
    return path


def levers(
    scenario_file: str | Path,
    package: str,
    *,
    reference: str = "baseline",
    replicates: int = 20,
    seed: int = 1,
    workers: int | None = None,
    out: str | Path | None = None,
    quiet: bool = False,
    console: Console | None = None,
    on_done: Callable[[RunTask, str], None] | None = None,
) -> LeversResult:
    """Measure each measure of ``package`` alone and in the package (see the module).

    Args:
        scenario_file: the scenario YAML.
        package: the package's policy id (a file in ``policies/`` beside the scenario) or path.
        reference: the policy it is compared with.
        replicates: runs per variant (replicate i: the same seed for every variant).
        seed: the experiment's seed.
        workers: local processes (default: all cores); results do not depend on it.
        out: results folder (default ``results/<scenario id>-levers-<package id>``); running
            again into it completes what is missing.
        quiet: no progress bar.
        console: where progress goes.
        on_done: called after each run (for tests).

    Returns:
        The effects; also written to ``out/levers.csv`` beside the comparison's own tables.
    """
    scenario_file = Path(scenario_file)
    scenario = load_scenario(scenario_file)
    files: dict[str, Path] = {}
    loaded: dict[str, Policy] = {}
    problems: list[Problem] = []
    for option, name in (("--reference", reference), ("--policy", package)):
        try:
            files[option] = find_policy(name, scenario_file, option=option)
            loaded[option] = load_policy(files[option])
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    ref, pkg = loaded["--reference"], loaded["--policy"]
    if ref.id == pkg.id:
        raise InputError(
            [Problem("--policy", "", f"'{pkg.id}' is the reference itself; name another package")]
        )
    found = variants(ref, pkg)
    if not found:
        raise InputError(
            [
                Problem(
                    "--policy",
                    "",
                    f"'{pkg.id}' sets every lever as '{ref.id}' does: nothing to measure",
                )
            ]
        )
    out = (
        Path(out)
        if out is not None
        else Path("results") / (f"{scenario.scenario.id}-levers-{pkg.id}")
    )
    with tempfile.TemporaryDirectory(prefix="izsim-levers-") as tmp:
        paths = [str(files["--reference"]), str(files["--policy"])]
        paths += [str(_write_policy(v.policy, Path(tmp))) for v in found]
        result = compare(
            scenario_file,
            paths,
            replicates=replicates,
            seed=seed,
            workers=workers,
            out=out,
            quiet=quiet,
            reference=ref.id,
            console=console,
            on_done=on_done,
        )
    assert result.outcomes is not None
    effects = lever_effects(scenario, ref.id, pkg.id, found, result.outcomes)
    write_csv(out / "levers.csv", effects)
    return LeversResult(out=out, effects=effects, comparison=result, variants=found)


def lever_effects(
    scenario: Scenario,
    reference: str,
    package: str,
    found: list[Variant],
    outcomes: analysis.Outcomes,
) -> pd.DataFrame:
    """One row per (measure, effect, target): paired differences on every modelled target at
    its deadline and on public spending and idle public money at the horizon; the package
    against the reference closes the table (lever ``all``)."""
    rows: list[dict[str, object]] = []

    def add(lever: str, effect: str, minuend: str, subtrahend: str, fields: str) -> None:
        # comparison() gives minuend − subtrahend for each target, paired by replicate
        table = analysis.comparison(scenario, [subtrahend, minuend], subtrahend, outcomes)
        for item in table.to_dict("records"):
            rows.append(
                {
                    "lever": lever,
                    "fields": fields,
                    "effect": effect,
                    **{k: item[k] for k in COLUMNS[3:] if k in item},
                }
            )
        for indicator in (SPENDING, *analysis.IDLE_MONEY):
            spend = outcomes.at_horizon.get(indicator, {})
            if minuend not in spend or subtrahend not in spend:
                continue
            mine, theirs = analysis._pairs(outcomes, minuend, subtrahend)
            mean, low, high = analysis._paired(spend[minuend][mine], spend[subtrahend][theirs])
            rows.append(
                {
                    "lever": lever,
                    "fields": fields,
                    "effect": effect,
                    "target": "",
                    "indicator": indicator,
                    "deadline": scenario.scenario.horizon,
                    "pairs": len(mine),
                    "difference": mean,
                    "difference_low": low,
                    "difference_high": high,
                }
            )

    by_lever: dict[str, dict[str, str]] = {}
    for variant in found:
        by_lever.setdefault(variant.lever, {})[variant.effect] = variant.policy.id
    for lever, ids in by_lever.items():
        fields = ", ".join(LEVER_GROUPS[lever])
        add(lever, "alone", ids["alone"], reference, fields)
        add(lever, "in_package", package, ids["in_package"], fields)
    add("all", "package", package, reference, "")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in COLUMNS[7:]:
        frame[column] = frame[column].astype(float).round(6)
    frame["pairs"] = frame["pairs"].astype("Int64")
    return frame


def interactions(effects: pd.DataFrame) -> pd.DataFrame:
    """Per measure and target: the effect alone, in the package, and their difference (in the
    package − alone; positive: the measure works better with the rest of the package)."""
    keyed = effects[effects["effect"] != "package"].copy()
    keyed["key"] = keyed["target"].where(keyed["target"] != "", keyed["indicator"])
    wide = keyed.pivot_table(index=["lever", "key"], columns="effect", values="difference")
    wide["interaction"] = wide.get("in_package", np.nan) - wide.get("alone", np.nan)
    return wide.reset_index()
