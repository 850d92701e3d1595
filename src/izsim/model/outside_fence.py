"""Outside-the-fence works (hạ tầng ngoài hàng rào): the plan's roads, power and water links
to given zones, funded by the province one after another (docs/model.md §2.9).

The scenario lists the works its plan names, in the order the province would fund them; the
policy's ``outside_fence_bn_vnd_per_year`` is the money a year the province gives them (the
head ``outside_fence``). A work is paid by equal monthly instalments over its build time,
``cost / build_months``, or by the head's monthly twelfth when that is less (the work then
takes longer); works start in their order while their instalments together fit within the
monthly twelfth, and the head's money allows this month's instalment. A work under way is a
multi-year commitment: its instalments for the year are funded each January before new
spending. A month an instalment is not granted in full, the work pays what it was granted and
finishes later; when it is paid for, each zone it serves gains access
``access_gain_per_1000_bn_vnd × cost / 1000 / zones served`` (capped at 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from izsim.model.budget import Budget
    from izsim.model.model import IZModel
    from izsim.model.zone import Zone
    from izsim.scenario.schema import OutsideFenceProject

# Share of a work's cost below which what is left to pay is rounding, not money owed.
_PAID_TOLERANCE = 1e-9


class FenceWork:
    """One outside-the-fence work: what it costs, whom it serves, what is paid."""

    def __init__(self, spec: OutsideFenceProject, monthly: float) -> None:
        self.spec = spec
        self.zones: list[Zone] = []  # set once the model's zones exist
        self.cost = spec.cost_bn_vnd
        self.instalment = min(spec.cost_bn_vnd / spec.build_months, monthly)
        self.paid = 0.0
        self.started_month: int | None = None
        self.finished_month: int | None = None

    @property
    def left(self) -> float:
        """Money still to pay, bn VND."""
        return max(0.0, self.cost - self.paid)

    @property
    def running(self) -> bool:
        return self.started_month is not None and self.finished_month is None


class FenceWorks:
    """The scenario's outside-the-fence works under one policy.

    Args:
        model: the model (scenario, levers, zones, events).
        budget: the provincial budget whose head ``outside_fence`` pays the works.
    """

    def __init__(self, model: IZModel, budget: Budget) -> None:
        self.model = model
        self.budget = budget
        self.monthly = model.levers.outside_fence_bn_vnd_per_year / 12
        self.gain_per_bn = model.scenario.agencies.access_gain_per_1000_bn_vnd / 1000
        self.works = [
            FenceWork(spec, self.monthly) for spec in model.scenario.outside_fence_projects
        ]
        self._resolved = False  # the agencies are made before the zones: served zones later
        self._next = 0  # index of the first work not started
        self.finished = 0

    def committed(self) -> float:
        """Instalments of the works under way for the next twelve months (a January's
        commitment), bn VND."""
        return sum(min(w.left, 12 * w.instalment) for w in self.works if w.running)

    def month(self) -> float:
        """Start the works the money allows, pay this month's instalments, finish the works paid
        for; returns what was spent (bn VND)."""
        if self.monthly <= 0:
            return 0.0
        model, budget = self.model, self.budget
        if not self._resolved:
            for work in self.works:
                work.zones = served_zones(model, work.spec)
            self._resolved = True
        under_way = sum(w.instalment for w in self.works if w.running)
        while self._next < len(self.works):
            work = self.works[self._next]
            fits = under_way + work.instalment <= self.monthly * (1 + _PAID_TOLERANCE)
            if not fits or budget.room("outside_fence") < work.instalment:
                break
            work.started_month = model.month
            under_way += work.instalment
            self._next += 1
            for zone in work.zones:
                model.events.append((model.month, "outside_fence_started", zone.key))
        spent = 0.0
        for work in self.works:
            if not work.running:
                continue
            granted = budget.request(
                min(work.instalment, work.left), "outside_fence", investment=True
            )
            work.paid += granted
            spent += granted
            if work.left <= work.cost * _PAID_TOLERANCE:
                self._finish(work)
        return spent

    def _finish(self, work: FenceWork) -> None:
        model = self.model
        work.finished_month = model.month
        self.finished += 1
        if not work.zones:
            return
        gain = self.gain_per_bn * work.cost / len(work.zones)
        for zone in work.zones:
            zone.access_index = min(1.0, zone.access_index + gain)
            model.events.append((model.month, "outside_fence_finished", zone.key))


def served_zones(model: IZModel, spec: OutsideFenceProject) -> list[Zone]:
    """The zones a work serves, in the scenario's order: those it names and those of the
    regions it names."""
    names = set(spec.serves)
    return [zone for zone in model.zones if zone.key in names or zone.spec.region in names]
