"""Rent support (hỗ trợ tiền thuê đất): an annual rebate to tenants that qualify.

A tenant that qualifies when it chooses a zone is promised, for ``rent_support_years`` years,
a yearly rebate of its support share times its annual rent (the lease payment over the lease
term's years); the first falls due in the month of its choice, the others on each
anniversary. Rebates are paid from the rent-support appropriation (``rent_support`` head of
the budget); the payments promised for a year are funded first in January. New tenants are
offered support only while the appropriation exceeds what is already promised for every year
a new promise would run, so the province does not promise more than it appropriates (one
month's newcomers may go beyond it: their offer was made before they chose). A rebate due to a
tenant whose dossier was refused or whose project was revoked is not paid; one the budget
cannot pay in its month stays owed and falls due the next month.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from izsim.model.budget import Budget
    from izsim.model.investor import Investor

HEAD = "rent_support"
"""The budget head rebates are paid from."""

_FORFEITED = ("refused", "revoked")  # investor states that end a tenant's rebates


class RentSupport:
    """The province's rent-support promises and their payment.

    Args:
        budget: the provincial budget.
        years: years of rebates a promise runs (``rent_support_years``).
        appropriation: annual appropriation of the rent-support head, bn VND.
        lease_years: years of a lease (``investors.lease_term_years``).
        discount_rate: a tenant's discount rate a year (0–1), for the rebates' present value.
    """

    def __init__(
        self,
        budget: Budget,
        years: int,
        appropriation: float,
        lease_years: float,
        discount_rate: float,
    ) -> None:
        self.budget = budget
        self.years = years
        self.appropriation = appropriation
        self.lease_years = lease_years
        # What one unit of support share is worth to a tenant as a share of its lease payment:
        # the present value of ``years`` yearly rebates of 1/lease_years, the first now.
        self.value_per_share = sum((1 + discount_rate) ** -k for k in range(years)) / lease_years
        self._due: dict[int, list[tuple[Investor, float]]] = defaultdict(list)  # by month
        self._promised: dict[int, float] = defaultdict(float)  # rebates promised, by year
        self.paid_total = 0.0
        # promised and not yet paid nor forfeited (a forfeit counts when its rebate falls due)
        self.outstanding = 0.0

    def offered(self, month: int) -> bool:
        """Whether new tenants choosing this month are offered support: the appropriation
        exceeds the rebates promised for each year a new promise would run."""
        year = month // 12
        if self.appropriation <= 0:
            return False
        promised = max(self._promised.get(year + k, 0.0) for k in range(self.years))
        return promised < self.appropriation

    def annual_rebate(self, lease_payment_bn_vnd: float, share: float) -> float:
        """A tenant's yearly rebate, bn VND: ``share`` of its annual rent."""
        return share * lease_payment_bn_vnd / self.lease_years

    def promise(self, investor: Investor, rebate: float, month: int) -> None:
        """Promise ``investor`` ``rebate`` a year for ``years`` years and pay the first now
        (``month``: the month of its choice)."""
        if rebate <= 0:
            return
        for k in range(self.years):
            self._promised[(month + 12 * k) // 12] += rebate
            if k:
                self._due[month + 12 * k].append((investor, rebate))
        self.outstanding += rebate * self.years
        self._pay_one(investor, rebate, month)

    def committed(self, year: int) -> float:
        """Rebates promised for ``year`` to tenants still entitled, not yet paid (bn VND)."""
        return sum(
            amount
            for month in range(12 * year, 12 * year + 12)
            for investor, amount in self._due.get(month, ())
            if investor.state not in _FORFEITED
        )

    def pay(self, month: int) -> None:
        """Pay the rebates due this month (and any owed from earlier months)."""
        payments = self._due.pop(month, None)
        if not payments:
            return
        for investor, amount in payments:
            if investor.state in _FORFEITED:
                self._promised[month // 12] -= amount  # no longer owed
                self.outstanding -= amount
                continue
            self._pay_one(investor, amount, month)

    def _pay_one(self, investor: Investor, amount: float, month: int) -> None:
        paid = self.budget.request(amount, HEAD)
        self.paid_total += paid
        self.outstanding -= paid
        owed = amount - paid
        if owed > 0:
            # a promise is honoured: what the budget could not pay falls due next month
            self._due[month + 1].append((investor, owed))
            self._promised[month // 12] -= owed
            self._promised[(month + 1) // 12] += owed
