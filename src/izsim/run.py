"""Running one simulation: ``run(scenario, policy, seed)``."""

from __future__ import annotations

import time

import numpy as np

from izsim.calendar import month_labels
from izsim.indicators import range_violations
from izsim.model.model import IZModel
from izsim.model.zone import PLANT_STATES, STAGES, plant_state_of
from izsim.result import RunResult, Table
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

ZONE_COLUMNS = [
    "zone",
    "name",
    "kind",
    "region",
    "developer",
    "stage",
    "established",
    "first_operating",
    "plant_operating",
    "area_ha",
    "leasable_ha",
    "serviced_ha",
    "leased_ha",
    "occupancy_pct",
    "plant",
    "dropped",
]
EVENT_COLUMNS = ["month", "zone", "event"]


class OutOfRangeError(RuntimeError):
    """A finished run has an indicator outside its declared range (or NaN, or infinite).

    The run is not returned: its numbers would be silently wrong. The message names each
    indicator, its value and the first month it went wrong.

    Attributes:
        problems: one sentence per indicator out of range.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the run left the range of its indicators, so its results are refused: "
            + "; ".join(problems)
        )


def release(model: IZModel) -> None:
    """Let a finished model be freed. Mesa 3.3's ``Agent._ids``, a class attribute, keeps every
    model that ever made an agent (mesa issue 3179, fixed upstream by PR 3180 after 3.3.1, the
    newest release the index serves): a sweep's worker grew by about 0.5 MB a run (800 MB after
    2,000 Morris runs of Tuyên Quang). Drop this when the lock moves to a release with the fix."""
    from izsim.model.mesa_core import Agent

    Agent._ids.pop(model, None)


def run(scenario: Scenario, policy: Policy, seed: int) -> RunResult:
    """Simulate ``scenario`` under ``policy`` with ``seed``; the same inputs give the same result.

    Args:
        scenario: a validated scenario (see :func:`izsim.scenario.load_scenario`).
        policy: a validated policy (see :func:`izsim.scenario.load_policy`).
        seed: a non-negative integer.

    Returns:
        The run's indicators by month, zone states by month, final zone table and events.

    Raises:
        OutOfRangeError: an indicator left the range the catalogue declares for it.
    """
    began = time.perf_counter()
    model = IZModel(scenario, policy, seed)
    try:
        model.run()
    finally:
        release(model)
    start = scenario.scenario.start
    # Every month the model records, an event or a zone's first month can name.
    labels = month_labels(model.values.shape[0], start)
    problems = range_violations(model.values, labels)
    if problems:
        raise OutOfRangeError(problems)
    before = f"before {start}"
    rows = []
    for z in model.zones:
        column = model.zone_stages[:, z.index]
        plants = model.zone_plants[:, z.index]
        if z.established_before_start:
            established = before
        else:
            established = "" if z.established_month is None else labels[z.established_month]
        rows.append(
            {
                "zone": z.key,
                "name": z.spec.name,
                "kind": z.kind,
                "region": z.spec.region,
                "developer": "none"
                if z.developer is None
                else ("public" if z.developer.public else "private"),
                "stage": z.stage,
                "established": established,
                "first_operating": before
                if z.spec.serviced_pct > 0
                else _first(column == STAGES.index("operating"), labels),
                "plant_operating": before
                if z.spec.wwtp == "operating"
                else _first(plants >= PLANT_STATES.index("not_compliant"), labels),
                # float(): one type a column (see Table), whatever the scenario wrote
                "area_ha": float(z.area_ha),
                "leasable_ha": float(z.leasable_ha),
                "serviced_ha": float(z.serviced_ha),
                "leased_ha": float(z.leased_ha),
                "occupancy_pct": float(100 * z.occupancy),
                "plant": z.plant_state,
                "dropped": bool(z.dropped),
            }
        )
    zones = Table(tuple(ZONE_COLUMNS), [tuple(row[c] for c in ZONE_COLUMNS) for row in rows])
    return RunResult(
        scenario=model.scenario,  # the zones the run's province held (model.presence)
        policy=policy,
        seed=seed,
        values=model.values,
        zones=zones,
        events=_events(model, labels),
        zone_stages=model.zone_stages,
        zone_plants=model.zone_plants,
        wall_seconds=time.perf_counter() - began,
    )


def _first(flags: np.ndarray, labels: list[str]) -> str:
    """The month (its label in ``labels``) the flag is first true, or '' if never."""
    return labels[int(np.argmax(flags))] if flags.any() else ""


def _events(model: IZModel, labels: list[str]) -> Table:
    """Developers' take-ups (as the model logged them) and every change of a zone's stage or
    plant state, read from the monthly states; in month order, zones in scenario order
    (``labels``: each month's label)."""
    found: list[tuple[int, int, int, str]] = [
        (month, model.zone_by_id[zone].index, 0, event) for month, event, zone in model.events
    ]
    # Every change of state at once, for all zones (the sort below puts them in order).
    initial_stages = [STAGES.index(zone.spec.stage) for zone in model.zones]
    initial_plants = [
        PLANT_STATES.index(plant_state_of(zone.spec.wwtp, zone.spec.wwtp_compliant))
        for zone in model.zones
    ]
    for codes, names, kind, order, first in (
        (model.zone_stages, STAGES, "stage", 1, initial_stages),
        (model.zone_plants, PLANT_STATES, "plant", 2, initial_plants),
    ):
        previous = np.concatenate(([first], codes[:-1])) if len(codes) else codes
        months, zones = np.nonzero(codes != previous)
        found.extend(
            (month, zone, order, f"{kind}_{names[code]}")
            for month, zone, code in zip(
                months.tolist(), zones.tolist(), codes[months, zones].tolist(), strict=True
            )
        )
    found.sort()
    return Table(
        tuple(EVENT_COLUMNS), [(labels[m], model.zones[z].key, event) for m, z, _, event in found]
    )
