"""Rent support as an annual rebate for a stated number of years (issue 9, docs/model.md §2.2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model.budget import Budget
from izsim.model.model import IZModel
from izsim.model.rent_support import RentSupport
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers


@dataclass(eq=False)
class Tenant:
    """What rent support reads of an investor: its state."""

    state: str = "queued"


def support(budget: Budget, years: int = 3, appropriation: float = 10.0) -> RentSupport:
    return RentSupport(budget, years, appropriation, lease_years=50, discount_rate=0.1)


def funded_budget(per_year: float = 100.0) -> Budget:
    budget = Budget(per_year, appropriations={"rent_support": per_year})
    budget.new_year()
    return budget


def run_months(rents: RentSupport, budget: Budget, months: range) -> None:
    for month in months:
        if month % 12 == 0 and month:
            budget.new_year({"rent_support": rents.committed(month // 12)})
        rents.pay(month)


def test_rent_support_never_pays_more_than_its_stated_years() -> None:
    budget = funded_budget()
    rents = support(budget, years=3)
    tenant = Tenant()
    rents.promise(tenant, 2.0, month=5)  # the first rebate is paid at once
    assert budget.spent_by_purpose["rent_support"] == pytest.approx(2.0)
    run_months(rents, budget, range(6, 120))
    assert rents.paid_total == pytest.approx(3 * 2.0)  # months 5, 17 and 29, then no more
    assert rents.outstanding == pytest.approx(0.0)


def test_annual_rebate_is_the_share_of_a_years_rent() -> None:
    rents = support(funded_budget())
    assert rents.annual_rebate(100.0, 0.2) == pytest.approx(0.2 * 100 / 50)


def test_a_tenant_sees_the_present_value_of_its_rebates() -> None:
    rents = support(funded_budget(), years=3)
    assert rents.value_per_share == pytest.approx((1 + 1 / 1.1 + 1 / 1.1**2) / 50)


def test_a_refused_or_revoked_tenant_gets_no_more_rebates() -> None:
    budget = funded_budget()
    rents = support(budget, years=5)
    revoked, kept = Tenant(), Tenant()
    rents.promise(revoked, 1.0, month=0)
    rents.promise(kept, 1.0, month=0)
    revoked.state = "revoked"
    run_months(rents, budget, range(1, 80))
    assert rents.paid_total == pytest.approx(1.0 + 5 * 1.0)
    assert rents.outstanding == pytest.approx(0.0)


def test_a_rebate_the_budget_cannot_pay_stays_owed() -> None:
    budget = Budget(0.0, appropriations={"rent_support": 0.0})
    budget.new_year()
    budget.available = 0.5
    rents = support(budget, years=1)
    rents.promise(Tenant(), 2.0, month=3)
    assert rents.paid_total == pytest.approx(0.5)
    budget.available = 10.0
    rents.pay(4)
    assert rents.paid_total == pytest.approx(2.0)
    assert rents.outstanding == pytest.approx(0.0)


def test_support_is_offered_only_while_the_appropriation_has_room() -> None:
    budget = funded_budget()
    rents = support(budget, years=3, appropriation=10.0)
    assert rents.offered(0)
    rents.promise(Tenant(), 6.0, month=0)
    assert rents.offered(1)
    rents.promise(Tenant(), 4.0, month=11)  # 10 promised for years 0, 1 and 2
    assert not rents.offered(12)
    assert not rents.offered(35)  # year 2 still holds both promises
    assert rents.offered(36)  # the first promise has run out
    assert not support(budget, appropriation=0.0).offered(0)


# ---------------------------------------------------------------- in a run
@pytest.fixture(scope="module")
def supported(baseline: Policy) -> Policy:
    return with_levers(
        baseline,
        rent_support_pct=30,
        supported_sector_rent_support_pct=20,
        rent_support_years=3,
        rent_support_bn_vnd_per_year=4,
    )


def test_in_a_run_no_tenant_is_paid_beyond_its_years(
    scenario: Scenario, supported: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    payments: dict[int, list[tuple[int, float]]] = defaultdict(list)
    original = RentSupport._pay_one

    def recording(self: RentSupport, investor: object, amount: float, month: int) -> None:
        payments[id(investor)].append((month, amount))
        original(self, investor, amount, month)

    monkeypatch.setattr(RentSupport, "_pay_one", recording)
    model = IZModel(scenario, supported, 2)
    model.run()
    assert payments, "the variant must promise some rebates"
    for paid in payments.values():
        months = [month for month, _ in paid]
        assert months[-1] - months[0] < 12 * 3  # three yearly rebates, none after
        assert len(paid) == 3 or months[-1] >= model.months - 24  # all paid, or still running
    budget = model.agencies.budget
    assert budget.spent_by_purpose["rent_support"] == pytest.approx(
        model.agencies.rent_support.paid_total
    )
    # promises never ran far past the appropriation (one month's newcomers at most)
    rents = model.agencies.rent_support
    assert max(rents._promised.values()) < 4 * 1.5


def test_rent_support_costs_less_and_weighs_less_than_the_lease_payment(
    scenario: Scenario, baseline: Policy, supported: Policy
) -> None:
    spent = INDICATOR_IDS.index("public_spending_bn_vnd")
    promised = INDICATOR_IDS.index("budget_committed_bn_vnd")
    base = IZModel(scenario, baseline, 2)
    base.run()
    model = IZModel(scenario, supported, 2)
    model.run()
    extra = model.values[-1, spent] - base.values[-1, spent]
    years = scenario.months / 12
    assert 0 < extra <= 4 * years + 4  # within the appropriation (and one month's overrun)
    assert np.all(model.values[:, promised] >= 0)
    assert base.values[-1, promised] == 0
