"""Which zones a run's province holds: ``presence_pct`` (docs/model.md §1.2).

A scenario that stands for many provinces (the typical province: the national stock of zones
divided by 63) has whole zones in each run but fractional counts on average. A zone with
``presence_pct`` p is held by a run's province with chance p/100, drawn at the start from the
run's ``presence`` stream, one uniform for every named zone, or for every group of alternative
zones (``presence_group``: one place in the province, e.g. an established KCN operating or
still waiting for its land), whatever the policy (so two policies run with one seed hold the
same zones). The mean over runs is the average the scenario stands for, and each run is one
province with whole zones: the national pattern is read on the mean over many such provinces,
as it was counted over the nation's.
"""

from __future__ import annotations

import numpy as np

from izsim.scenario.schema import Scenario, presence_places

DERIVED = ("all_zones", "_available_months")
"""The scenario's cached properties worked out from its zones: a copy must work them out anew."""


def province_of_run(scenario: Scenario, rng: np.random.Generator) -> Scenario:
    """``scenario`` with the zones the run's province holds: itself when every zone is always
    held (no draw is made), else a copy without the zones the draw leaves out.

    One uniform is drawn for each place, in the order of the zones: a zone on its own, or a
    ``presence_group`` of alternatives (at its first zone), which holds the zone whose band of
    the group's shares, laid end to end, the uniform falls in, or none past their sum. A
    scenario without groups draws as it did before groups existed.

    Args:
        scenario: a validated scenario.
        rng: the run's ``presence`` stream.
    """
    if all(zone.presence_pct >= 100 for zone in scenario.zones):
        return scenario
    held: set[str] = set()
    places = presence_places(scenario.zones)
    for u, place in zip(rng.random(len(places)), places, strict=True):
        edge = 0.0
        for zone in place:
            if edge <= u * 100 < edge + zone.presence_pct:
                held.add(zone.id)
                break
            edge += zone.presence_pct
    province = scenario.model_copy(
        update={"zones": [zone for zone in scenario.zones if zone.id in held]}
    )
    for name in DERIVED:
        province.__dict__.pop(name, None)
    return province
