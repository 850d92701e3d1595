"""Zones: industrial zones (khu công nghiệp, KCN), clusters (cụm công nghiệp, CCN) and
high-tech zones (khu công nghệ cao).

A zone moves through stages planned → approved → clearing → building → operating. Land moves
the other way: cleared by districts (giải phóng mặt bằng), serviced by the developer's
infrastructure phases, reserved by a prospect in the approval queue, leased to a tenant, and
returned to the zone when a stalled project is revoked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from izsim.model.mesa_core import Agent, Model

if TYPE_CHECKING:
    import simpy

    from izsim.model.developer import Developer
    from izsim.model.spin_up import ProposalUnderWay
    from izsim.scenario.schema import Zone as ZoneSpec

STAGES = ("planned", "approved", "clearing", "building", "operating")
PLANT_STATES = ("none", "building", "not_compliant", "compliant")
"""States of a zone's central wastewater plant (hệ thống xử lý nước thải tập trung): none,
being built, operating but not meeting the standard, operating and meeting it."""


def plant_state_of(wwtp: str, compliant: bool) -> str:
    """The plant state (one of :data:`PLANT_STATES`) of a plant ``none``, ``building`` or
    ``operating``, compliant or not."""
    if wwtp != "operating":
        return wwtp
    return "compliant" if compliant else "not_compliant"


class Zone(Agent):
    """One zone and its land accounts (all areas in ha).

    Invariant: ``0 <= leased + reserved <= serviced <= leasable <= area``. ``cleared_ha`` is
    gross area (roads and green space included) through land clearance.
    """

    def __init__(self, model: Model, spec: ZoneSpec, *, index: int, sector_count: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.index = index  # column of this zone in the model's arrays
        self.key = spec.id
        self.kind = spec.kind
        self.is_kcn = spec.kind in ("kcn", "high_tech")
        self.area_ha = spec.area_ha
        self.leasable_ha = spec.area_ha * spec.leasable_pct / 100
        self.stage = spec.stage
        self.developer: Developer | None = None
        self.serviced_ha = self.leasable_ha * spec.serviced_pct / 100
        self.cleared_ha = self.area_ha * spec.serviced_pct / 100  # gross area already cleared
        self.leased_ha = self.leasable_ha * spec.occupancy_pct / 100
        self.reserved_ha = 0.0
        self.pipeline_ha = 0.0  # occupancy at the start held by projects still building
        self.wwtp = spec.wwtp
        self.wwtp_compliant = spec.wwtp_compliant
        # A plant operating but not compliant at the start is taken to need a repair.
        self.wwtp_fault = spec.wwtp == "operating" and not spec.wwtp_compliant
        self.wwtp_funded = True  # its owner paid last month's running cost
        self.wwtp_capacity_m3_day = 0.0  # set when the model sizes the plant
        # Clusters of the row with a plant of their own (an aggregate row of N clusters gains
        # them one at a time; a single zone has 1 once its plant operates).
        self.wwtp_clusters = spec.clusters_with_wwtp_at_start
        self.wwtp_expanding = False  # a module under way
        self.wwtp_cluster_building = False  # an aggregate row's next cluster plant under way
        self.last_violation_month: int | None = None
        self.access_index = spec.access_index
        self.rent_usd_m2 = spec.rent_usd_m2
        self.anchor = spec.anchor
        self.established_before_start = spec.stage != "planned"
        self.established_month: int | None = None
        self.last_lease_month: int | None = None
        self.polluting_tenants = 0
        self.tenants_by_sector = [0] * sector_count
        self.dropped = False
        self.dropped_month: int | None = None
        self.taken_over_month: int | None = None  # bought or handed to a new developer
        self.awaiting_finance = False  # its developer waits for money to pay a bill
        self.development: simpy.Process | None = None  # the developer's process
        self.plant_payments: list[simpy.Process] = []  # plant work waiting for money
        self.first_phase_cleared = False  # cleared, works not yet paid (kept on a sanction)
        # A new KCN (not a high-tech zone, which the KCN counts leave out, nor an expansion,
        # which they do not count as new) waits for its land users' agreement before its first
        # clearance (developer._await_agreement); when they accept, in simulated months (set
        # when the wait starts, kept when the zone changes hands).
        self.waits_for_agreement = spec.kind == "kcn" and spec.expands is None
        self.agreement_month: float | None = None
        self.clearance_granted_bn_vnd = 0.0  # province's share of a clearance being paid
        self.clearance_ahead_bn_vnd = 0.0  # first phase cleared by the province ahead (paid)
        self.cleared_ahead_ha = 0.0  # gross ha of it, until a developer starts on the zone
        self.phase_under_way = spec.stage in ("clearing", "building")  # clearing or building now
        self.operating_since: int | None = 0 if self.serviced_ha > 0 else None
        # Month its last infrastructure phase was finished (the start for land serviced then):
        # where a committed schedule for the next phase runs from.
        self.phase_finished_month: int | None = 0 if self.serviced_ha > 0 else None
        self.national_approval_month: int | None = None  # a new KCN's national decision
        # A new KCN proposed before the start, until its establishment goes on (spin_up.py).
        self.proposal_under_way: ProposalUnderWay | None = None
        self.wwtp_upgrading = False  # a repair under way
        self.wwtp_since: float | None = 0.0 if spec.wwtp == "operating" else None
        # An expansion connected to its parent's plant (the parent's plant treats its flow)
        # and, on a plant's zone, the expansions connected to it.
        self.wwtp_host: Zone | None = None
        self.wwtp_clients: list[Zone] = []
        self.wwtp_capital_bn_vnd = 0.0  # what the plant and its modules cost (running cost)
        # Enforcement: the plant was ordered (built on an order, or ordered to operate; the
        # obligation to run it stays), the month of the last finding against it while idle,
        # the findings repeated within the record period of each other, and the suspension of
        # new tenants that follows (lifted once the plant runs).
        self.wwtp_ordered = False
        self.wwtp_order_month: int | None = None
        self.wwtp_repeat_findings = 0
        self.admission_suspended = False

    @property
    def established(self) -> bool:
        """Has an establishment decision (before the start or during the run)."""
        return self.established_before_start or self.established_month is not None

    @property
    def operating(self) -> bool:
        """Has serviced land that tenants can lease."""
        return self.serviced_ha > 0

    @property
    def vacant_ha(self) -> float:
        """Serviced land neither leased nor reserved by a prospect in the approval queue."""
        vacant = self.serviced_ha - self.leased_ha - self.reserved_ha
        # max(0.0, vacant) as a conditional (read for every zone several times a month; the
        # builtin parses keyword arguments on each call in Python 3.11)
        return vacant if vacant > 0.0 else 0.0

    @property
    def occupancy(self) -> float:
        """Leased / leasable land (tỷ lệ lấp đầy), 0–1."""
        return self.leased_ha / self.leasable_ha if self.leasable_ha else 0.0

    @property
    def serviced_occupancy(self) -> float:
        """Leased and reserved / serviced land: how full the built part is, 0–1."""
        return (self.leased_ha + self.reserved_ha) / self.serviced_ha if self.serviced_ha else 0.0

    @property
    def unserviced_ha(self) -> float:
        """Leasable land still without infrastructure."""
        unserviced = self.leasable_ha - self.serviced_ha
        return unserviced if unserviced > 0.0 else 0.0  # (max(0.0, …), as vacant_ha)

    @property
    def plant(self) -> Zone:
        """The zone whose central plant treats this zone's flow: the parent's for an expansion
        connected to it, else its own."""
        return self.wwtp_host if self.wwtp_host is not None else self

    @property
    def plant_share(self) -> float:
        """Share of the row's clusters whose flow its plant serves: 1 for a single zone, the
        clusters with a plant over ``cluster_count`` for an aggregate row."""
        count = self.spec.cluster_count
        return 1.0 if count == 1 else self.wwtp_clusters / count

    @property
    def wwtp_ok(self) -> bool:
        """The central plant treating its flow operates and meets the standard."""
        plant = self.plant
        return plant.wwtp == "operating" and plant.wwtp_compliant

    @property
    def wwtp_running(self) -> bool:
        """The central plant treating its flow is built and its owner pays to run it (compliant
        or not); a plant left idle for want of money is built but not in operation."""
        plant = self.plant
        return plant.wwtp == "operating" and plant.wwtp_funded

    @property
    def suspended(self) -> bool:
        """New tenants may not be admitted: the plant treating its flow was left idle after
        an order to operate and repeat findings (lifted once the plant runs)."""
        return self.plant.admission_suspended

    @property
    def plant_state(self) -> str:
        """The state of the plant treating its flow, one of :data:`PLANT_STATES`."""
        plant = self.plant
        return plant_state_of(plant.wwtp, plant.wwtp_compliant)

    def reserve(self, hectares: float) -> None:
        """Hold land for a prospect whose dossier is being processed."""
        self.reserved_ha += hectares

    def release(self, hectares: float) -> None:
        """Give back land a refused prospect held."""
        self.reserved_ha = max(0.0, self.reserved_ha - hectares)

    def lease(self, hectares: float, sector: int, polluting: bool, month: int) -> None:
        """Turn a reservation into a lease (the developer is paid the rent of the term)."""
        self.release(hectares)
        if self.developer is not None:
            self.developer.receive_rent(self, hectares)
        self.leased_ha += hectares
        self.tenants_by_sector[sector] += 1
        self.polluting_tenants += int(polluting)
        self.last_lease_month = month

    def return_land(self, hectares: float, sector: int, polluting: bool) -> None:
        """Take back land from a revoked project; it becomes vacant serviced land again."""
        self.leased_ha = max(0.0, self.leased_ha - hectares)
        self.tenants_by_sector[sector] -= 1
        self.polluting_tenants -= int(polluting)
