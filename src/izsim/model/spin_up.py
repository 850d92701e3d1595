"""Proposals under way at the start: new KCN proposals the model files itself before the start
(đề xuất KCN đang chờ quyết định chủ trương đầu tư), docs/model.md §2.3a, *Proposals under
way at the start*.

A new KCN is established a national decision, a wait for a place in the national round and the
province's decision after its developer proposes it: a year and a half or more. A run that
starts with no proposal under way therefore establishes no new KCN for that long, whatever the
province did before the start. Where the start's records say nothing of proposals under way
(``establishment.start_proposals: spin_up``), the model files them itself: developer entry for
the sites queued nationally runs month by month over the :func:`spin_up_months` before the
start, with the province held as it is at the start (its zones, their occupancy, its planned
sites, the developers' market view) and no policy lever (a policy starts with the run).
A proposal whose zone would be established before the start is part of the recorded stock: it
is dropped and its site is planned again, as the start's plan lists it. The proposals still
under way at the start are taken up by their developers, who go on from where they are
(:func:`izsim.model.establishment.establish`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from izsim.model.developer import Developer
from izsim.model.establishment import (
    MONTHS_PER_YEAR,
    NationalQuota,
    established_kcn_occupancy,
    queued_nationally,
    simulated_year,
)
from izsim.scenario.policy import Levers

if TYPE_CHECKING:
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone
    from izsim.scenario.schema import Scenario


@dataclass
class ProposalUnderWay:
    """A new KCN proposal filed before the start (months before it are negative).

    Args:
        developer: the developer that proposed the zone.
        filed: month it was proposed.
        national_approval: when the national decision was given before the start, or None
            while it is still to come at the start (the dossier is appraised, or waits for a
            place in the round).
        decided: whether the round's place was settled (the year of its decision promised).
    """

    developer: Developer
    filed: float
    national_approval: float | None = None
    decided: bool = False


def spin_up_months(scenario: Scenario) -> int:
    """Months of the spin-up: the longest a proposal can take to be established, so that any
    filed earlier is established before the start.

    A proposal is filed only while the national round has a place for it in the calendar year
    its dossier is ready or the ``national_queue_years`` (q) after it, first come first
    served. Its national decision then comes when the dossier is ready or at a January of one
    of those years, at most 12·q months after the dossier is ready, so at most
    ``national_approval_months_kcn`` + 12·q months after it is filed; the province's
    ``zone_approval_months_kcn`` follow (no reform before the start).
    """
    national = scenario.establishment
    assert national.national_queue_years is not None  # (the schema requires it)
    longest = (
        national.national_approval_months_kcn
        + MONTHS_PER_YEAR * national.national_queue_years
        + scenario.developers.zone_approval_months_kcn
    )
    return math.ceil(longest)


def file_proposals_under_way(model: IZModel) -> dict[int, ProposalUnderWay]:
    """Run the spin-up and return the proposals under way at the start, by zone index, in the
    order they were filed (their developers are not yet given the zones).

    Every month of the spin-up draws, from the ``spin_up`` stream, one entry chance, one hurdle
    and one finance capacity per zone, whatever the policy, so the proposals at the start are
    the same under every policy of a seed. The months are drawn from the start backwards (the
    month before the start first), so a set of numbers that lengthens the spin-up keeps the
    draws of the months both have (common random numbers across a calibration's sets).
    """
    scenario, rng = model.scenario, model.streams["spin_up"]
    national, devs = scenario.establishment, scenario.developers
    condition = national.min_kcn_occupancy_for_new_kcn_pct
    # Held as at the start: whether the province's KCN meet the national occupancy condition.
    meets_condition = condition is None or established_kcn_occupancy(model) >= condition / 100
    sites = [
        z
        for z in model.zones
        if queued_nationally(model, z)
        and z.stage == "planned"
        and z.developer is None
        and model.available_month[z.index] <= 0
    ]
    pipeline = _Pipeline(model)
    entry_chance = devs.private_entry_pct_per_month / 100
    policy_levers = model.levers
    model.levers = Levers()  # before the start no policy of the run is in force
    model.forget_market_view()  # (a view of the set-up's, or none: each month takes its own)
    try:
        months = spin_up_months(scenario)
        draws = monthly_draws(rng, months=months, zones=len(model.zones))
        for month in range(-months, 0):
            entry, hurdles, capacities = draws[-month - 1]
            pipeline.advance_to(month)
            if not meets_condition:
                continue
            model.month = month  # (the developers' market view is taken once a month)
            for zone in sites:
                if zone.developer is not None or entry[zone.index] >= entry_chance:
                    continue
                if pipeline.places_left(month) <= 0:
                    break
                developer = model.candidate_developer(
                    zone,
                    model.pro_forma_ratio(zone),
                    model.first_phase_cost(zone, plant=False),
                    hurdle_draw=float(hurdles[zone.index]),
                    capacity_draw=float(capacities[zone.index]),
                )
                if developer is None:
                    continue
                zone.developer = developer  # its land is in next month's market view
                pipeline.file(zone, ProposalUnderWay(developer=developer, filed=float(month)))
        pipeline.advance_to(0)
    finally:
        model.levers = policy_levers
        model.month = 0
        model.forget_market_view()  # month 0 takes its own view
    for zone_index in pipeline.proposals:
        model.zones[zone_index].developer = None  # given back by place_proposals_under_way
    pipeline.record_decisions()
    return pipeline.proposals


def monthly_draws(
    rng: np.random.Generator, *, months: int, zones: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each spin-up month's entry uniforms, hurdle normals and capacity normals (one per zone),
    the month before the start first: a longer spin-up adds months at the far end and keeps
    the draws of those it shares with a shorter one."""
    return [
        (rng.random(zones), rng.standard_normal(zones), rng.standard_normal(zones))
        for _ in range(months)
    ]


class _Pipeline:
    """The national round's view of the spin-up's proposals (the rules of
    :func:`izsim.model.establishment.national_places_left` and ``establish``)."""

    def __init__(self, model: IZModel) -> None:
        self.model = model
        self.quota: NationalQuota = model.national_quota
        national = model.scenario.establishment
        self.national_months = national.national_approval_months_kcn
        self.queue_years = national.national_queue_years or 0
        self.provincial_months = model.scenario.developers.zone_approval_months_kcn
        self.proposals: dict[int, ProposalUnderWay] = {}
        self.promised: dict[int, int] = {}  # national approvals promised, by calendar year
        self.approvals: list[float] = []  # national decisions given before the start

    def file(self, zone: Zone, proposal: ProposalUnderWay) -> None:
        self.proposals[zone.index] = proposal

    def advance_to(self, month: float) -> None:
        """Settle the national decisions of dossiers ready by ``month``, first come first
        served, and drop the proposals established by then."""
        for proposal in self.proposals.values():
            if proposal.decided:
                continue
            ready = proposal.filed + self.national_months
            if ready > month:
                continue
            proposal.decided = True
            year = simulated_year(ready)
            if self.quota.per_year is not None:
                while self.promised.get(year, 0) >= self.quota.allowed(year):
                    year += 1
                self.promised[year] = self.promised.get(year, 0) + 1
            when = ready if year == simulated_year(ready) else float(year * MONTHS_PER_YEAR)
            if when < 0:  # a decision in the run's years is the run's (the quota's wait)
                proposal.national_approval = when
                self.approvals.append(when)
        for index, proposal in list(self.proposals.items()):
            approval = proposal.national_approval
            if approval is not None and approval + self.provincial_months <= month:
                # Established before the start: in the recorded stock, its site planned again.
                self.model.zones[index].developer = None
                proposal.developer.remove()
                del self.proposals[index]

    def places_left(self, month: float) -> float:
        """:func:`izsim.model.establishment.national_places_left` at ``month``."""
        if self.quota.per_year is None:
            return math.inf
        given: dict[int, int] = {}
        for approval in self.approvals:
            if approval <= month:
                given[simulated_year(approval)] = given.get(simulated_year(approval), 0) + 1
        waiting = sum(
            1
            for p in self.proposals.values()
            if p.national_approval is None or p.national_approval > month
        )
        ready = simulated_year(month + self.national_months)
        return self.quota.places(ready, self.queue_years, given) - waiting

    def record_decisions(self) -> None:
        """Enter the approvals given before the start in the quota's record (those of the
        dropped proposals too): the run's years start with none given."""
        for year, count in self.promised.items():
            if year < 0:
                self.quota.granted[year] = count


def place_proposals_under_way(model: IZModel, proposals: dict[int, ProposalUnderWay]) -> None:
    """Give each proposal under way at the start its zone, in the order they were filed (first
    come, first served in the national round), recorded as event ``proposal_under_way``."""
    for index, proposal in proposals.items():
        zone = model.zones[index]
        zone.proposal_under_way = proposal
        proposal.developer.take_up(zone)
        model.events.append((0, "proposal_under_way", zone.key))
