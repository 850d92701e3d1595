"""Land cleared ahead of investors (giải phóng mặt bằng trước, tạo quỹ đất sạch).

With the policy's ``clearance_ahead_bn_vnd_per_year`` (the head ``clearance_ahead``) the
province clears the first phase of a planned industrial cluster (CCN) before any developer has
taken it, so that whoever takes it up can build at once and pays no clearance for that phase.
Only clusters: a cluster is the province's own decision, while land for a KCN can be recovered
only once the Prime Minister has established it for an investor (docs/model.md §2.3, §2.9).

One cluster at a time, the one whose pro forma is closest to drawing a developer first. The
clearance goes through the districts' limited throughput, the same ``simpy.Container`` the
developers' clearance draws on (the districts do not clear twice as fast because the province
pays), in quarter-month chunks, each paid from the head's appropriation as it is cleared
(never from the unallocated money: the appropriation is what the policy gives the measure); a
chunk it cannot pay waits for the next month. A developer who takes up a cluster being cleared
waits for the clearance to finish.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from izsim.model.developer import clearance_chunk

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

HEAD = "clearance_ahead"


class ClearanceAhead:
    """The province's clearance of planned clusters ahead of developers.

    Args:
        model: the model (levers, zones, districts' throughput, budget).
    """

    def __init__(self, model: IZModel) -> None:
        self.model = model
        self.current: Zone | None = None  # the cluster being cleared
        self.process: simpy.Process | None = None
        self.cleared_zones = 0  # clusters whose first phase the province cleared
        self.spent_bn_vnd = 0.0

    def month(self) -> None:
        """Start clearing the next cluster when none is under way and the head has money."""
        model = self.model
        if self.current is not None or model.agencies.budget.own(HEAD) <= 0:
            return
        waiting = [
            zone
            for zone in model.zones
            if not zone.is_kcn
            and zone.stage == "planned"
            and zone.developer is None
            and not zone.first_phase_cleared
            and zone.unserviced_ha > 0
        ]
        if not waiting:
            return
        zone = min(waiting, key=lambda z: (-model.pro_forma_ratio(z), z.index))
        self.current = zone
        self.process = model.env.process(self._clear(zone))
        model.events.append((model.month, "clearance_ahead", zone.key))

    def wait_for(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """A developer taking up ``zone`` waits while the province clears it."""
        if self.current is zone and self.process is not None and self.process.is_alive:
            yield self.process

    def _clear(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        model = self.model
        devs = model.scenario.developers
        budget, district = model.agencies.budget, model.agencies.clearance
        phase = min(zone.unserviced_ha, zone.leasable_ha * devs.infrastructure_phase_pct / 100)
        remaining = phase / (zone.leasable_ha / zone.area_ha)  # gross ha
        cost_per_ha = devs.clearance_cost_bn_vnd_per_ha * zone.spec.cost_factor
        while remaining > 1e-9:
            chunk = clearance_chunk(district, remaining)
            # the chunk is paid for from the head's own appropriation (not the unallocated
            # money) before the districts clear it; when it cannot pay, wait a month
            while budget.own(HEAD) < chunk * cost_per_ha * (1 - 1e-9):
                yield model.env.timeout(1)
            budget.request(chunk * cost_per_ha, "clearance_ahead", investment=True, head=HEAD)
            self.spent_bn_vnd += chunk * cost_per_ha
            zone.clearance_ahead_bn_vnd += chunk * cost_per_ha
            yield district.get(chunk)
            remaining -= chunk
            zone.cleared_ha += chunk
        zone.first_phase_cleared = True
        self.cleared_zones += 1
        self.current = None
        self.process = None
