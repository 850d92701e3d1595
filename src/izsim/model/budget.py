"""The provincial budget for industrial development programmes (ngân sách tỉnh).

The allotment arrives each January; what is not spent carries over. A request is granted only up
to what is left, so the budget never goes below zero.
"""

from __future__ import annotations

from collections import defaultdict


class Budget:
    """Money available and money spent, in bn VND.

    Args:
        per_year: the annual allotment.
    """

    def __init__(self, per_year: float) -> None:
        self.per_year = per_year
        self.available = 0.0
        self.spent_total = 0.0
        self.spent_by_purpose: dict[str, float] = defaultdict(float)
        self.state_investment = 0.0  # spending that builds assets (counts as state investment)

    def new_year(self) -> None:
        """Receive the annual allotment."""
        self.available += self.per_year

    def request(self, amount: float, purpose: str, *, investment: bool = False) -> float:
        """Spend up to ``amount``; returns what was granted (never more than is left)."""
        granted = min(max(amount, 0.0), self.available)
        if granted > 0:
            self.available -= granted
            self.spent_total += granted
            self.spent_by_purpose[purpose] += granted
            if investment:
                self.state_investment += granted
        return granted
