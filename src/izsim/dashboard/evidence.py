"""Saved results opened beside the live run: a comparison (``izsim compare --out``), a lever
study (``izsim levers --out``) or a sweep (``izsim sweep --out``), read as ``izsim report``
reads them and drawn by the same figure functions.

A presenter points at a probability and at the live run: :func:`live_among` says whether the
run on the screen is one of the runs behind it (same policy, seed among the comparison's, no
lever changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from izsim.errors import InputError, Problem
from izsim.present import fans, levers, scorecard, sensitivity
from izsim.present.language import Lang, word
from izsim.present.results import Results, load_results

LABELS = "dashboard"
FAN_INDICATORS = ("occupancy_rate", "industrial_output_bn_vnd")
"""The indicators whose fans the page shows beside the scorecard (occupancy and output: what
a provincial plan is judged on first)."""


@dataclass
class Evidence:
    """A saved folder, read.

    Attributes:
        folder: the folder.
        kind: ``compare``, ``levers``, ``run`` or ``sweep``.
        results: what a run, comparison or lever study holds (None for a sweep).
        sensitivity: a sweep's ``sensitivity.csv`` (empty otherwise).
    """

    folder: Path
    kind: str
    results: Results | None
    sensitivity: pd.DataFrame


def open_saved(folder: str | Path) -> Evidence:
    """Read the results folder ``folder``.

    Raises:
        InputError: it is not a folder of results izsim can read (the message says why).
    """
    folder = Path(str(folder).strip())
    if not str(folder).strip() or str(folder) == ".":
        raise InputError([Problem("dashboard", "folder", "give the folder of saved results")])
    if (folder / "sensitivity.csv").exists():  # (a sweep has a config.json too)
        frame = sensitivity.read_sensitivity(folder)
        return Evidence(folder, "sweep", None, frame)
    results = load_results(folder)
    kind = "levers" if (folder / "levers.csv").exists() else results.kind
    return Evidence(folder, kind, results, pd.DataFrame())


def figures(evidence: Evidence, lang: Lang = "en") -> list[tuple[str, Figure]]:
    """The figures the page shows for ``evidence``, each with its title."""
    if evidence.results is None:
        outputs = list(dict.fromkeys(evidence.sensitivity["output"]))
        chart = sensitivity.ranking_chart(evidence.sensitivity, outputs, lang=lang)
        return [(word("sweep_ranking", lang, LABELS), chart)]
    results = evidence.results
    found = [(word("saved_scorecard", lang, LABELS), scorecard.scorecard_chart(results, lang=lang))]
    if evidence.kind == "levers":
        found.append((word("saved_levers", lang, LABELS), levers.lever_chart(results, lang=lang)))
    for indicator in FAN_INDICATORS:
        found.append(
            (word("saved_fan", lang, LABELS), fans.fan_chart(results, indicator, lang=lang))
        )
    return found


def live_among(evidence: Evidence, policy: str, seed: int, changed: list[str]) -> str:
    """Whether the live run (``policy``, ``seed``, levers ``changed`` from the package) is
    one of the runs behind the saved probabilities: ``among``, ``other_seed``,
    ``other_policy``, ``changed`` or ``none`` (a sweep)."""
    results = evidence.results
    if results is None:
        return "none"
    if policy not in results.policies:
        return "other_policy"
    if changed:
        return "changed"
    return "among" if seed in results.seeds.get(policy, []) else "other_seed"
