"""The provincial budget for industrial development programmes (ngân sách tỉnh).

The allotment arrives each January; of what was not spent, the carry-over share stays available
and the rest lapses. A request is granted only up to what is left, so the budget never goes
below zero.
"""

from __future__ import annotations

from collections import defaultdict


class Budget:
    """Money available and money spent, in bn VND.

    Args:
        per_year: the annual allotment.
        carry_over: share (0–1) of a year's unspent money still available the next year.
    """

    def __init__(self, per_year: float, carry_over: float = 1.0) -> None:
        self.per_year = per_year
        self.carry_over = carry_over
        self.available = 0.0
        self.lapsed_total = 0.0
        self.spent_total = 0.0
        self.spent_by_purpose: dict[str, float] = defaultdict(float)
        self.state_investment = 0.0  # spending that builds assets (counts as state investment)

    def new_year(self) -> None:
        """Let the share of last year's balance that does not carry over lapse, and receive the
        annual allotment."""
        if self.carry_over < 1:
            kept = self.available * self.carry_over
            self.lapsed_total += self.available - kept
            self.available = kept
        self.available += self.per_year

    def request(self, amount: float, purpose: str, *, investment: bool = False) -> float:
        """Spend up to ``amount``; returns what was granted (never more than is left)."""
        # min(max(amount, 0.0), available) as conditionals (a dozen requests a month; the
        # builtins parse keyword arguments on each call in Python 3.11)
        granted = 0.0 if amount < 0.0 else amount
        if self.available < granted:
            granted = self.available
        if granted > 0:
            self.available -= granted
            self.spent_total += granted
            self.spent_by_purpose[purpose] += granted
            if investment:
                self.state_investment += granted
        return granted

    def give_back(self, amount: float, purpose: str, *, investment: bool = False) -> None:
        """Return a grant that was not used (its work stopped before it was paid for)."""
        if amount > 0:
            self.available += amount
            self.spent_total -= amount
            self.spent_by_purpose[purpose] -= amount
            if investment:
                self.state_investment -= amount
