"""Running one simulation: ``run(scenario, policy, seed)``."""

from __future__ import annotations

import time

import pandas as pd

from izsim.model.model import IZModel
from izsim.result import RunResult
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

ZONE_COLUMNS = [
    "zone",
    "kind",
    "stage",
    "developer",
    "area_ha",
    "leasable_ha",
    "serviced_ha",
    "leased_ha",
    "occupancy_pct",
    "wwtp",
    "wwtp_compliant",
    "established_month",
    "dropped",
]


def run(scenario: Scenario, policy: Policy, seed: int) -> RunResult:
    """Simulate ``scenario`` under ``policy`` with ``seed``; the same inputs give the same result.

    Args:
        scenario: a validated scenario (see :func:`izsim.scenario.load_scenario`).
        policy: a validated policy (see :func:`izsim.scenario.load_policy`).
        seed: a non-negative integer.

    Returns:
        The run's indicators by month, final zone states and events.
    """
    began = time.perf_counter()
    model = IZModel(scenario, policy, seed)
    model.run()
    zones = pd.DataFrame(
        [
            {
                "zone": z.key,
                "kind": z.kind,
                "stage": z.stage,
                "developer": "none"
                if z.developer is None
                else ("public" if z.developer.public else "private"),
                "area_ha": z.area_ha,
                "leasable_ha": z.leasable_ha,
                "serviced_ha": z.serviced_ha,
                "leased_ha": z.leased_ha,
                "occupancy_pct": 100 * z.occupancy,
                "wwtp": z.wwtp,
                "wwtp_compliant": z.wwtp_compliant,
                "established_month": -1 if z.established_month is None else z.established_month,
                "dropped": z.dropped,
            }
            for z in model.zones
        ],
        columns=ZONE_COLUMNS,
    )
    events = pd.DataFrame(model.events, columns=["month", "event", "zone"])
    return RunResult(
        scenario=scenario,
        policy=policy,
        seed=seed,
        values=model.values,
        zones=zones,
        events=events,
        wall_seconds=time.perf_counter() - began,
    )
