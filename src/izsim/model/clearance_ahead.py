"""Land cleared ahead of investors (giải phóng mặt bằng trước, tạo quỹ đất sạch).

With the policy's ``clearance_ahead_bn_vnd_per_year`` (the head ``clearance_ahead``) the
province clears the first phase of a planned industrial cluster (CCN) before any developer has
taken it, so that whoever takes it up builds sooner and pays no clearance for what was cleared.
Only clusters: a cluster is the province's own decision, while land for a KCN can be recovered
only once the Prime Minister has established it for an investor (docs/model.md §2.3, §2.9).

One cluster at a time, the one whose pro forma is closest to drawing a developer first. The
districts clear it with the throughput developers left unused in the month (the plans ask the
province to clear land so that investors keep to their schedules: it does not hold up a
developer's clearance for its own), paid from the head's own appropriation (never from the
unallocated money). A developer who takes up a cluster part-cleared clears the rest itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        self.remaining_ha = 0.0  # gross ha of its first phase still to clear
        self.cleared_zones = 0  # clusters whose first phase the province cleared
        self.spent_bn_vnd = 0.0

    def month(self) -> None:
        """Choose the next cluster when none is being cleared and the head has money."""
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
        devs = model.scenario.developers
        phase = min(zone.unserviced_ha, zone.leasable_ha * devs.infrastructure_phase_pct / 100)
        self.current = zone
        self.remaining_ha = phase / (zone.leasable_ha / zone.area_ha) - zone.cleared_ahead_ha
        model.events.append((model.month, "clearance_ahead", zone.key))

    def use_spare(self, spare_ha: float) -> None:
        """Clear the current cluster with ``spare_ha`` of the districts' throughput that the
        month left unused, as far as the head's money pays."""
        zone = self.current
        if zone is None or spare_ha <= 1e-9:
            return
        model = self.model
        budget = model.agencies.budget
        cost_per_ha = model.scenario.developers.clearance_cost_bn_vnd_per_ha * zone.spec.cost_factor
        # (a scenario may set clearance free: then only the throughput limits it)
        affordable = budget.own(HEAD) / cost_per_ha if cost_per_ha > 0 else self.remaining_ha
        cleared = min(spare_ha, self.remaining_ha, affordable)
        if cleared <= 1e-9:
            return
        paid = budget.request(cleared * cost_per_ha, "clearance_ahead", investment=True, head=HEAD)
        self.spent_bn_vnd += paid
        zone.clearance_ahead_bn_vnd += paid
        zone.cleared_ha += cleared
        zone.cleared_ahead_ha += cleared
        self.remaining_ha -= cleared
        if self.remaining_ha <= 1e-9:
            zone.first_phase_cleared = True
            self.cleared_zones += 1
            self.current = None

    def hand_over(self, zone: Zone) -> float:
        """A developer starts on ``zone``: the province stops clearing it. Returns the gross ha
        of its first phase the province cleared (the developer clears only the rest)."""
        if self.current is zone:
            self.current = None
        cleared, zone.cleared_ahead_ha = zone.cleared_ahead_ha, 0.0
        return cleared
