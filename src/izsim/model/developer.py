"""Zone developers (chủ đầu tư hạ tầng): private firms, or a district project board as the
public fallback (Ban quản lý dự án đầu tư xây dựng huyện).

A developer takes up a planned zone when its pro forma clears a hurdle (rent × expected
absorption against clearance and infrastructure cost), has the zone established, clears land
and builds infrastructure in phases keyed to occupancy, decides when to build the central
wastewater plant, sets rent, and may go slow on a zone nobody leases in.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import mesa
import simpy

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

M2_PER_HA = 10_000


class Developer(mesa.Agent):
    """A developer and the zones it runs.

    Args:
        model: the model.
        public: a public project board (paid from the budget) rather than a private firm.
    """

    model: IZModel

    def __init__(self, model: IZModel, *, public: bool) -> None:
        super().__init__(model)
        self.public = public
        self.zones: list[Zone] = []
        self.fines_paid_bn_vnd = 0.0

    # ---------------------------------------------------------------- decisions
    def take_up(self, zone: Zone) -> None:
        """Start developing ``zone`` (from whatever stage it is at)."""
        zone.developer = self
        self.zones.append(zone)
        self.model.env.process(self.develop(zone))

    def pay(self, amount: float, purpose: str) -> Generator[simpy.Event, object, None]:
        """Pay ``amount`` bn VND: a private firm pays at once; a public board waits for budget."""
        model = self.model
        if not self.public:
            model.economy.private_developer_spending += amount
            return
        remaining = amount
        while remaining > 1e-9:
            remaining -= model.agencies.public_works(remaining, purpose)
            if remaining > 1e-9:
                yield model.env.timeout(1)

    # ---------------------------------------------------------------- processes
    def develop(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Establish the zone, then clear and service it phase by phase."""
        model, env = self.model, self.model.env
        devs = model.scenario.developers
        if zone.stage == "planned":
            zone.stage = "approved"
            months = devs.zone_approval_months(kcn=zone.is_kcn)
            yield env.timeout(months * model.agencies.approval_time_factor)
            zone.established_month = model.month
        leasable_share = zone.leasable_ha / zone.area_ha
        # A first phase under way at the start is paid for up to its stage: a zone `building`
        # has cleared its land and paid for its works; one `clearing` has paid for clearance.
        under_way = zone.stage if zone.stage in ("clearing", "building") else None
        first = not zone.operating  # an operating zone builds its next phase when it fills up
        while zone.unserviced_ha > 1e-9:
            if not first:
                yield from self._wait_for_demand(zone)
                if zone.dropped:
                    return
            zone.phase_under_way = True
            phase = min(zone.unserviced_ha, zone.leasable_ha * devs.infrastructure_phase_pct / 100)
            gross = phase / leasable_share
            cleared = first and under_way == "building"
            if not cleared:
                if not zone.operating:
                    zone.stage = "clearing"
                yield from self._clear(zone, gross, paid=first and under_way == "clearing")
            else:
                zone.cleared_ha += gross
            if not zone.operating:
                zone.stage = "building"
            if not cleared:
                cost_per_ha = devs.infrastructure_cost_per_ha(kcn=zone.is_kcn)
                yield from self.pay(gross * cost_per_ha * zone.spec.cost_factor, "infrastructure")
            first = False
            yield env.timeout(devs.infrastructure_build_months)
            zone.serviced_ha = min(zone.leasable_ha, zone.serviced_ha + phase)
            zone.stage = "operating"
            zone.phase_under_way = False
            if zone.operating_since is None:
                zone.operating_since = model.month

    def _clear(
        self, zone: Zone, gross_ha: float, *, paid: bool = False
    ) -> Generator[simpy.Event, object, None]:
        """Land clearance through the districts' limited monthly throughput (``paid``: its
        cost was met before the start)."""
        model = self.model
        devs = model.scenario.developers
        if not paid:
            cost = gross_ha * devs.clearance_cost_bn_vnd_per_ha * zone.spec.cost_factor
            public_share = model.levers.public_clearance_pct / 100
            granted = model.agencies.budget.request(
                cost * public_share, "clearance", investment=True
            )
            yield from self.pay(cost - granted, "clearance")
        district = model.agencies.clearance
        remaining = gross_ha
        while remaining > 1e-9:
            # Quarter-month chunks let zones share the districts' throughput in turn; a smaller
            # leftover is taken rather than wasted.
            chunk = min(remaining, district.capacity / 4)
            if 1e-9 < district.level < chunk:
                chunk = district.level
            yield district.get(chunk)
            remaining -= chunk
            zone.cleared_ha += chunk

    def _wait_for_demand(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Wait until the built land fills up; a private developer gives up on a dead zone."""
        model = self.model
        devs = model.scenario.developers
        trigger = devs.expansion_trigger_occupancy_pct / 100
        while zone.serviced_occupancy < trigger:
            last_activity = max(zone.last_lease_month or 0, zone.operating_since or 0)
            if not self.public and model.month - last_activity >= devs.abandon_after_months:
                zone.dropped = True  # goes slow: no further phases
                return
            yield model.env.timeout(1)

    def start_wwtp(self, zone: Zone, *, already_paid: bool = False) -> None:
        """Start building the zone's central plant, at most once: the state changes now, not
        when the process first runs, so a second decision in the same month sees it."""
        if zone.wwtp == "none" or already_paid:
            zone.wwtp = "building"
            self.model.env.process(self._build_wwtp(zone, already_paid=already_paid))

    def _build_wwtp(
        self, zone: Zone, *, already_paid: bool
    ) -> Generator[simpy.Event, object, None]:
        """Pay for and build the plant (one under way at the start is paid already)."""
        model = self.model
        devs = model.scenario.developers
        if not already_paid:
            cost = devs.wwtp_cost(kcn=zone.is_kcn)
            support = model.agencies.budget.request(
                cost * model.levers.wwtp_support_pct / 100, "wwtp_support", investment=True
            )
            yield from self.pay(cost - support, "wwtp")
        yield model.env.timeout(devs.wwtp_build_months)
        zone.wwtp = "operating"
        zone.wwtp_since = model.env.now
        zone.wwtp_compliant = bool(
            model.compliance_draws[zone.index] < devs.wwtp_compliant_pct / 100
        )

    def upgrade_wwtp(self, zone: Zone) -> Generator[simpy.Event, object, None]:
        """Bring a non-compliant plant up to the standard after an inspection finding."""
        zone.wwtp_upgrading = True
        yield self.model.env.timeout(self.model.scenario.developers.wwtp_upgrade_months)
        zone.wwtp_compliant = True
        zone.wwtp_upgrading = False

    # ---------------------------------------------------------------- monthly review
    def review(self, zone: Zone) -> None:
        """Monthly decisions on a zone: the wastewater plant and, in January, the rent."""
        model = self.model
        if (
            zone.wwtp == "none"
            and zone.stage in ("building", "operating")
            and self.wants_wwtp(zone)
        ):
            self.start_wwtp(zone)
        if model.month % 12 == 0 and zone.operating and not self.public:
            devs = model.scenario.developers
            # -1 (empty) .. 0 (at the neutral occupancy) .. +1 (full)
            neutral = devs.rent_neutral_occupancy_pct / 100
            gap = zone.serviced_occupancy - neutral
            pressure = gap / (1 - neutral) if gap > 0 else gap / neutral
            zone.rent_usd_m2 *= 1 + devs.rent_adjust_pct_per_year / 100 * max(
                -1.0, min(1.0, pressure)
            )

    def wants_wwtp(self, zone: Zone) -> bool:
        """Build the plant when it pays, all terms in bn VND a year.

        Annual cost: the developer's share of the plant times its cost of capital. Annual gain:
        expected fines avoided (inspections a year × the fine, as ``Agencies.inspect`` fines a
        zone with tenants and no compliant plant) plus the margin on the land polluting
        prospects would lease a year once a plant serves them. A public board, and any
        developer under the "plant before tenants" rule, builds it with the first phase.
        """
        model = self.model
        if self.public or model.levers.wwtp_before_tenants:
            return True
        rate = model.scenario.developers.discount_rate_pct / 100
        annual_cost = model.own_plant_cost(zone) * rate
        fines = 12 * model.agencies.inspection_probability * model.agencies.fine_bn_vnd
        fines_avoided = fines if zone.leased_ha > 0 else 0.0
        revenue = model.revenue_per_ha(zone)
        margin = max(0.0, 1 - model.development_cost_per_ha(zone) / revenue) if revenue else 0.0
        polluting_ha = model.polluting_prospect_share * model.expected_absorption_ha(zone)
        return fines_avoided + polluting_ha * revenue * margin >= annual_cost
