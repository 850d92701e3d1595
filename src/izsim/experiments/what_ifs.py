"""Diagnostic what-ifs: a rule of the model read another way within a block, to measure how much
a result hangs on it (experiments/zone_pace.py, experiments/kcn_pace_windows.py). A what-if is
labelled in every output that uses it and is never a scenario's or a policy's setting.

- ``occupancy_operating``: the national occupancy condition read over the province's operating
  KCN (leased over leasable land of established KCN with serviced land), not every established
  KCN including those still clearing or waiting for their land.
- ``occupancy_serviced``: the condition read over serviced land (leased over serviced land of
  established KCN), as Hải Dương's records count occupancy (ref:hd_kcn_occ_definition).
- ``warm_enquiries``: developers start with a year of enquiries in their market view instead of
  none, so the first year's view is not the prior alone: the twelve months a run of the same
  scenario and policy records in its first year (another seed), moved back a year. It is set
  after the model's set-up, so proposals spun up before the start (docs/model.md §2.3a) still
  saw the prior.
"""

from __future__ import annotations

import contextlib
import functools
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from unittest import mock

from izsim.model import establishment, spin_up
from izsim.model import model as model_module
from izsim.model.model import IZModel
from izsim.run import release

if TYPE_CHECKING:
    from izsim.scenario.policy import Policy
    from izsim.scenario.schema import Scenario

WARM_SEED_OFFSET = 7919
"""The seed of a warm_enquiries pre-run is the run's plus this (a prime: no run's own seed in
a block of replicate seeds)."""


def operating_kcn_occupancy(model: IZModel) -> float:
    """What-if ``occupancy_operating``: leased over leasable land of the province's
    established KCN that have serviced land (1 when there are none)."""
    kcn = [
        z
        for z in model.zones
        if z.is_kcn and z.established and z.leasable_ha > 0 and z.serviced_ha > 0
    ]
    leasable = sum(z.leasable_ha for z in kcn)
    return sum(z.leased_ha for z in kcn) / leasable if leasable else 1.0


def serviced_kcn_occupancy(model: IZModel) -> float:
    """What-if ``occupancy_serviced``: leased over serviced land of the province's established
    KCN (the land handed over to tenants' use, as Hải Dương's records count occupancy,
    ref:hd_kcn_occ_definition), 1 when none has serviced land."""
    kcn = [z for z in model.zones if z.is_kcn and z.established and z.serviced_ha > 0]
    serviced = sum(z.serviced_ha for z in kcn)
    return min(1.0, sum(z.leased_ha for z in kcn) / serviced) if serviced else 1.0


OCCUPANCY_READINGS: dict[str, Callable[[IZModel], float]] = {
    "occupancy_operating": operating_kcn_occupancy,
    "occupancy_serviced": serviced_kcn_occupancy,
}
WHAT_IFS = (*OCCUPANCY_READINGS, "warm_enquiries")


@contextlib.contextmanager
def occupancy_read_as(reading: str | None) -> Iterator[None]:
    """Within the block every reader of the national occupancy condition reads the what-if
    ``reading`` (the modules that import the function by name are patched too); ``None``
    leaves the model's own."""
    if reading is None:
        yield
        return
    function = OCCUPANCY_READINGS[reading]
    with contextlib.ExitStack() as stack:
        for module in (establishment, model_module, spin_up):
            stack.enter_context(mock.patch.object(module, "established_kcn_occupancy", function))
        yield


@contextlib.contextmanager
def enquiries_warmed() -> Iterator[None]:
    """What-if ``warm_enquiries``: every model made within the block starts with a year of
    enquiries in its developers' market view (module docstring)."""
    set_up = IZModel.__init__

    @functools.wraps(set_up)
    def warmed(self: IZModel, scenario: Scenario, policy: Policy, seed: int) -> None:
        set_up(self, scenario, policy, seed)
        year_before = IZModel.__new__(IZModel)
        set_up(year_before, scenario, policy, seed + WARM_SEED_OFFSET)
        # Up to month 11's decisions, whose enquiries are the twelfth month's: months 0–11.
        year_before.advance(11)
        release(year_before)
        self.recent_demand = deque((m - 12, ha) for m, ha in year_before.recent_demand)
        self.recent_demand_kcn = deque((m - 12, ha) for m, ha in year_before.recent_demand_kcn)
        self.forget_market_view()

    with mock.patch.object(IZModel, "__init__", warmed):
        yield


@contextlib.contextmanager
def what_if(name: str | None) -> Iterator[None]:
    """The block under what-if ``name`` (one of :data:`WHAT_IFS`; None: the model's own)."""
    if name is None or name in OCCUPANCY_READINGS:
        with occupancy_read_as(name):
            yield
    elif name == "warm_enquiries":
        with enquiries_warmed():
            yield
    else:
        raise ValueError(f"unknown what-if {name!r}: one of {', '.join(WHAT_IFS)}")
