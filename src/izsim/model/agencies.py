"""Provincial agencies: who approves, clears, inspects, revokes and spends.

- Planning & Investment (Sở KH&ĐT): promotion, dossiers of projects outside KCN.
- IZ Management Board (Ban Quản lý các KCN): KCN dossiers, monitoring, revocation.
- Industry & Trade (Sở Công Thương): CCN oversight; assigns a public developer to a CCN that no
  private firm takes up, where the policy provides it.
- Environment (Sở TN&MT): inspections with a probability, fines, the "plant before tenants" rule.
- Districts (UBND huyện): land clearance throughput, a ``simpy.Container`` refilled monthly.
- The provincial budget, appropriated by head each January, which never goes below zero, and
  the rent rebates promised from it and the outside-the-fence works it pays by instalments.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import simpy

from izsim.model import wastewater
from izsim.model.budget import Budget
from izsim.model.clearance_ahead import ClearanceAhead
from izsim.model.outside_fence import FenceWorks
from izsim.model.rent_support import RentSupport
from izsim.scenario.policy import INVESTMENT_HEADS

if TYPE_CHECKING:
    from izsim.model.investor import Investor
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone


class Agencies:
    """The province's agencies for one run.

    Args:
        model: the model (scenario, policy levers and clock).
    """

    def __init__(self, model: IZModel) -> None:
        self.model = model
        spec, levers, env = model.scenario.agencies, model.levers, model.env
        self.budget = Budget(
            spec.budget_bn_vnd_per_year,
            spec.budget_carry_over_pct / 100,
            model.policy.appropriations(),
            model.policy.priority(),
            investment_heads=INVESTMENT_HEADS,
            investment_carry_over=spec.investment_carry_over_pct / 100,
        )
        self.fence = FenceWorks(model, self.budget)
        self.clearance_ahead = ClearanceAhead(model)
        self.rent_support = RentSupport(
            self.budget,
            # without rent support no promise is made: the number of years is never used
            years=levers.rent_support_years or 1,
            appropriation=levers.rent_support_bn_vnd_per_year,
            lease_years=model.scenario.investors.lease_term_years,
            # a tenant values money later as a developer does: no tenant rate is documented
            discount_rate=model.scenario.developers.discount_rate_pct / 100,
        )
        capacity = levers.approval_capacity_multiplier
        self.iz_board_desk = simpy.Resource(
            env, max(1, math.floor(spec.approval_servers_kcn * capacity + 0.5))
        )
        self.dpi_desk = simpy.Resource(
            env, max(1, math.floor(spec.approval_servers_ccn * capacity + 0.5))
        )
        clearance = spec.clearance_ha_per_month * levers.clearance_capacity_multiplier
        self.clearance = simpy.Container(env, capacity=clearance, init=clearance)
        self.inspection_probability = min(
            1.0, spec.inspection_pct_per_month / 100 * levers.inspection_multiplier
        )
        self.stalled: list[Investor] = []
        self.projects_revoked = 0
        self.developers_sanctioned = 0  # zones taken back from late developers
        self.fines_bn_vnd = 0.0  # wastewater fines issued (boards are not fined)
        self.operate_orders = 0  # orders to operate an idle plant
        self.admission_suspensions = 0  # zones barred from admitting tenants for an idle plant
        self.promotion_this_month = 0.0
        self.stall_reduction = 0.0
        self.approval_time_factor = levers.approval_time_multiplier
        self.public_works_allowance = 0.0  # what district boards may still spend (bn VND)
        self.public_works_committed = 0.0  # first phases boards took up and have not paid yet

    def apply_levers(self) -> None:
        """Take up the model's levers again after a change mid-run (:meth:`IZModel.change_levers`):
        the inspection probability, the approval time, and the budget heads' appropriations
        (which fund from the next January, when the budget year opens). Levers read where they
        act (shares, rules, monthly amounts) need nothing here; the desks', districts' and
        fence works' sizes and the rent rebates' term stay as set up (SET_UP_LEVERS)."""
        spec, levers = self.model.scenario.agencies, self.model.levers
        self.inspection_probability = min(
            1.0, spec.inspection_pct_per_month / 100 * levers.inspection_multiplier
        )
        self.approval_time_factor = levers.approval_time_multiplier
        self.budget.appropriations = dict(self.model.policy.appropriations())
        self.rent_support.appropriation = levers.rent_support_bn_vnd_per_year

    def approval_desk(self, zone: Zone | None) -> simpy.Resource:
        """The queue a project's dossier waits in."""
        return self.iz_board_desk if zone is not None and zone.is_kcn else self.dpi_desk

    def watch_stalled(self, investor: Investor) -> None:
        """Put a stalled project on the monitoring list."""
        self.stalled.append(investor)

    def new_month(self) -> None:
        """Refill the districts' clearance capacity; open the budget year in January (the
        year's promised rebates, the boards' works taken up and the outside-the-fence works
        under way are funded first); pay the rent rebates due."""
        # Last month's unused clearance throughput, before the refill (and, in January,
        # paid with the closing year's money).
        self.clearance_ahead.use_spare(self.clearance.level)
        month = self.model.month
        if month % 12 == 0:
            self.budget.new_year(
                {
                    "rent_support": self.rent_support.committed(month // 12),
                    "public_developer": self.public_works_committed,
                    "outside_fence": self.fence.committed(),
                }
            )
        self.rent_support.pay(month)
        self.public_works_allowance += self.model.levers.public_developer_bn_vnd_per_year / 12
        missing = self.clearance.capacity - self.clearance.level
        if missing > 0:
            self.clearance.put(missing)

    def public_works(self, amount: float, purpose: str, *, committed: bool = True) -> float:
        """Pay a public developer's bill from the boards' allowance; returns what was paid.

        ``committed``: the bill was promised when the board took the work on (a first phase,
        a plant), so paying it releases that promise; a plant's running cost was not.
        """
        granted = self.budget.request(
            min(amount, self.public_works_allowance),
            purpose,
            investment=committed,
            head="public_developer",
        )
        self.public_works_allowance -= granted
        if committed:
            self.public_works_committed = max(0.0, self.public_works_committed - granted)
        return granted

    def public_works_free(self) -> float:
        """Allowance not yet spoken for by clusters boards have taken up."""
        return self.public_works_allowance - self.public_works_committed

    def run_programmes(self, zones: list[Zone]) -> None:
        """Spend this month's share of each programme the policy funds."""
        levers, budget = self.model.levers, self.budget
        self.promotion_this_month = budget.request(
            levers.promotion_bn_vnd_per_year / 12, "promotion"
        )
        self.fence.month()
        if levers.clearance_ahead_bn_vnd_per_year > 0:
            self.clearance_ahead.month()
        if levers.training_bn_vnd_per_year > 0 or levers.worker_housing_bn_vnd_per_year > 0:
            self._labour_programmes()
        self.stall_reduction = (
            levers.credit_access_stall_reduction_pct
            / 100
            * _funded(budget, levers.credit_access_bn_vnd_per_year / 12, "credit_access")
        )
        if levers.administration_bn_vnd_per_year > 0:
            funded = _funded(budget, levers.administration_bn_vnd_per_year / 12, "administration")
            self.approval_time_factor = 1 + (levers.approval_time_multiplier - 1) * funded

    def _labour_programmes(self) -> None:
        """Vocational training and worker housing: what the budget grants this month buys
        trainees and places, ready when their course ends or the housing is built."""
        model, levers, budget = self.model, self.model.levers, self.budget
        labour, spec = model.labour, model.scenario.labour
        now = model.env.now
        trained = budget.request(levers.training_bn_vnd_per_year / 12, "training")
        labour.train(
            trained / spec.training_cost_bn_vnd_per_worker, now + spec.training_course_months
        )
        housed = budget.request(
            levers.worker_housing_bn_vnd_per_year / 12, "worker_housing", investment=True
        )
        labour.house(
            housed / spec.worker_housing_cost_bn_vnd_per_place,
            now + spec.worker_housing_build_months,
        )

    def inspect(self, zones: list[Zone], draws: np.ndarray) -> None:
        """Environmental inspections (Sở TN&MT): a zone whose tenants discharge without
        treatment to the standard is fined by the band of that flow and ordered to fix it.

        The law requires a central plant wherever tenants discharge; tenants from before the
        start are not agents, so the finding looks at leased land, not at the polluting count.
        A connected expansion is inspected with the plant that treats its flow. A finding
        against a built plant left idle orders it to operate; each later finding while the
        order stands is a repeat, fined more (``wastewater.repeat_fine_multiplier``, within
        ``fine_max_bn_vnd``), and after ``suspension_after_repeat_findings`` of them the zone
        admits no new tenants until the plant runs.
        """
        model = self.model
        ww = model.scenario.wastewater
        for zone in zones:
            if zone.wwtp_host is not None:
                continue
            if not zone.operating or zone.developer is None:
                continue
            # Nobody leases in the zones its plant serves (leased land is never negative, so
            # their sum is nothing only when each is nothing).
            if zone.leased_ha <= 0 and all(c.leased_ha <= 0 for c in zone.wwtp_clients):
                continue
            untreated = wastewater.untreated_m3_day(model, zone)
            if untreated <= 0:
                continue
            chance = wastewater.inspection_chance(model, zone, untreated=untreated)
            if draws[zone.index] >= chance:
                continue
            zone.last_violation_month = model.month
            repeats = self._order_to_operate(zone)
            developer = zone.developer
            if not developer.public:  # a board is not fined by the province that funds it
                fine = ww.fine(untreated, repeats=repeats)
                developer.pay_fine(fine)
                self.fines_bn_vnd += fine
            # The same uniform, below chance × share, decides whether a CCN's missing plant
            # (or an aggregate's next cluster plant) is ordered (a uniform below the chance is
            # uniform on [0, chance)).
            build = zone.is_kcn or draws[zone.index] < chance * ww.ccn_build_order_pct / 100
            if build or zone.wwtp != "none":
                developer.order(zone, build=build)

    def _order_to_operate(self, zone: Zone) -> int:
        """Record a finding against ``zone``'s idle plant (built, not run): it is ordered to
        operate (the obligation stays); a finding within the record period of the last one
        against it while idle is a repeat, and repeats may suspend the zone's admissions.
        Returns the repeats counted with this finding (0 for a plant that is not idle or a
        first finding)."""
        model = self.model
        if zone.wwtp != "operating" or zone.wwtp_funded:
            return 0
        last = zone.wwtp_order_month
        repeat = last is not None and model.month - last < model.scenario.wastewater.record_months
        zone.wwtp_ordered = True
        zone.wwtp_order_month = model.month
        if not repeat:
            zone.wwtp_repeat_findings = 0
            self.operate_orders += 1
            model.events.append((model.month, "wwtp_operate_order", zone.key))
            return 0
        zone.wwtp_repeat_findings += 1
        limit = self.model.scenario.wastewater.suspension_after_repeat_findings
        if zone.wwtp_repeat_findings >= limit and not zone.admission_suspended:
            zone.admission_suspended = True
            self.admission_suspensions += 1
            self.model.events.append((self.model.month, "admission_suspended", zone.key))
        return zone.wwtp_repeat_findings

    def monitor(self) -> None:
        """Revoke stalled projects whose grace period is over (thu hồi dự án chậm tiến độ).

        Each month an overdue project is revoked with the policy's chance; which month that
        happens is set by the project's own draw (a geometric wait), so a project is revoked
        at the same time under every policy with the same chance.
        """
        model = self.model
        grace = model.scenario.agencies.grace_months
        chance = (
            1.0 if model.levers.revoke_stalled else model.scenario.agencies.revocation_pct / 100
        )
        still = []
        for investor in self.stalled:
            lease = investor.lease_month
            overdue = -1.0 if lease is None else model.env.now - lease - grace
            if overdue >= 0 and overdue >= checks_escaped(investor.revocation_draw, chance):
                investor.revoke()
                self.projects_revoked += 1
            else:
                still.append(investor)
        self.stalled = still


def _funded(budget: Budget, wanted: float, purpose: str) -> float:
    """Share of ``wanted`` the budget grants (0 when nothing is asked: the lever is unfunded)."""
    if wanted <= 0:
        return 0.0
    return budget.request(wanted, purpose) / wanted


def checks_escaped(draw: float, chance: float) -> float:
    """Monthly checks an overdue project escapes before it is revoked: a geometric wait with
    success ``chance`` from a uniform ``draw`` (0 when revocation is certain, infinite when it
    never happens)."""
    if chance >= 1:
        return 0.0
    if chance <= 0:
        return math.inf
    return float(math.floor(math.log1p(-draw) / math.log1p(-chance)))
