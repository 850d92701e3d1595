"""Investors: tenant firms (nhà đầu tư thứ cấp), foreign (FDI) or domestic.

After choosing a site a project waits in the approval queue of the agency in charge (the IZ
Management Board for KCN, Planning & Investment / Industry & Trade otherwise), leases its land,
builds its factory and ramps up to full production. Some projects stall after leasing and hold
their land unused until the province revokes them.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from izsim.model.mesa_core import Agent

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone

STATES = ("queued", "refused", "building", "stalled", "ramping", "operating", "revoked")


class Investor(Agent):
    """One tenant project.

    Args:
        model: the model.
        sector: index of its sector in the scenario.
        fdi: foreign-invested.
        land_ha: land it leases.
        capital_bn_vnd: registered capital.
        polluting: discharges polluting wastewater.
        outdated: uses outdated technology.
        stalls: will stall after leasing (drawn on arrival).
        approval_months: processing time of its dossier.
        revocation_draw: uniform draw (made on arrival) that sets how many monthly checks an
            overdue stalled project escapes, so revocation is paired across policies.
        zone: the zone it chose, or None for a site outside zones.
    """

    model: IZModel

    def __init__(
        self,
        model: IZModel,
        *,
        sector: int,
        fdi: bool,
        land_ha: float,
        capital_bn_vnd: float,
        polluting: bool,
        outdated: bool,
        stalls: bool,
        approval_months: float,
        revocation_draw: float,
        zone: Zone | None,
    ) -> None:
        super().__init__(model)
        spec = model.scenario.sectors[sector]
        self.sector = sector
        self.fdi = fdi
        self.land_ha = land_ha
        self.capital_bn_vnd = capital_bn_vnd
        self.polluting = polluting
        self.outdated = outdated
        self.stalls = stalls
        self.approval_months = approval_months
        self.revocation_draw = revocation_draw
        self.zone = zone
        self.chosen_month = model.month
        scale = 1.0 if zone is not None else model.outside_zone_output_share
        self.full_output_bn_vnd = land_ha * spec.output_bn_vnd_per_ha * scale  # per year
        self.full_jobs = land_ha * spec.jobs_per_ha * scale
        self.export_share = spec.export_share_pct / 100
        self.state = "queued"
        self.arrived = model.month
        self.lease_month: float | None = None
        self.licensed_before_start = False  # set for projects already building at the start
        self.production_start: float | None = None
        # Ramp-up advances with the labour the tenant can hire (model.labour): its share of
        # full production, and when that was last brought up to date.
        self.pool = model.labour.pool_of(None if zone is None else zone.index)
        self.ramp_progress = 0.0
        self.ramp_time = 0.0

    def production_share(self, now: float) -> float:
        """Share of full production reached (0 before production starts).

        While ramping it is the share the tenant has staffed so far, brought up to date each
        month by :meth:`LabourPool.advance` (``now`` is kept for the economy's interface).
        """
        if self.state == "operating":
            return 1.0
        if self.state != "ramping" or self.production_start is None:
            return 0.0
        return self.ramp_progress

    def life(self) -> Generator[simpy.Event, object, None]:
        """The project's simpy process: approval, lease, construction, ramp-up."""
        model = self.model
        env = model.env
        desk = model.agencies.approval_desk(self.zone)
        with desk.request() as turn:
            yield turn
            yield env.timeout(self.approval_months)
        if self.outdated and model.levers.refuse_outdated_technology:
            self.state = "refused"
            if self.zone is not None:
                self.zone.release(self.land_ha)
            elif model.month // 12 == self.chosen_month // 12:
                # land outside zones a refused dossier held goes back to this year's allowance
                model.outside_zone_land_left_ha += self.land_ha
            return
        self.lease_month = env.now
        if self.zone is not None:
            self.zone.lease(self.land_ha, self.sector, self.polluting, model.month)
            if self.capital_bn_vnd >= model.investors.anchor_capital_bn_vnd:
                self.zone.anchor = True
        else:
            model.outside_zone_leased_ha += self.land_ha
        model.economy.register_lease(self)
        if self.stalls:
            self.state = "stalled"
            model.agencies.watch_stalled(self)
            return
        yield from self.build(model.investors.construction_months)

    def build(self, months: float) -> Generator[simpy.Event, object, None]:
        """Build the factory for ``months``, then ramp up (a project licensed before the start
        joins here with the months it has left)."""
        model, env = self.model, self.model.env
        self.state = "building"
        yield env.timeout(months)
        self.state = "ramping"
        self.production_start = self.ramp_time = env.now
        # From here the labour pool paces the ramp-up, month by month, until full production.
        model.economy.start_production(self)

    def revoke(self) -> None:
        """Revocation of the investment certificate: the land goes back to the zone."""
        self.state = "revoked"
        if self.zone is not None:
            self.zone.return_land(self.land_ha, self.sector, self.polluting)
        else:
            model = self.model
            model.outside_zone_leased_ha = max(0.0, model.outside_zone_leased_ha - self.land_ha)
