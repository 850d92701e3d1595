"""The provincial budget for industrial development programmes (ngân sách tỉnh).

The budget works as a provincial estimate (dự toán) does: each January the allotment, with
what carried over, funds first the payments already promised for the year (multi-year
commitments: rent rebates, district boards' works taken up), then each head's appropriation
in the policy's order of priority, as far as the money goes; what is left is unallocated.
A request is paid from its head's appropriation, then from the unallocated money, never
below zero. At the year's end, as the State Budget and Public Investment Laws treat them, the
two kinds of money part: of a head that builds assets (an *investment* head: outside-the-fence
works, district boards, clearance ahead, worker housing) the investment carry-over share of
what it did not spend is extended for one more year, kept for that head and spent before its
new appropriation, and lapses if it is still unspent a year later; of the recurrent heads and
the unallocated money the carry-over share stays available in the new year's pool. The rest
lapses; everything that lapsed or sat unspent is recorded, so money that sat idle is
reported, not silently kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence


class Budget:
    """Money available and money spent, in bn VND.

    Args:
        per_year: the annual allotment.
        carry_over: share (0–1) of a year's unspent money still available the next year.
        appropriations: each head's annual appropriation (heads not named have none and are
            paid from the unallocated money).
        priority: the heads in the order the allotment funds them when it is short.
        investment_heads: heads whose unspent appropriation is extended one year.
        investment_carry_over: share (0–1) of an investment head's unspent appropriation
            extended to the next year.
    """

    def __init__(
        self,
        per_year: float,
        carry_over: float = 1.0,
        appropriations: Mapping[str, float] | None = None,
        priority: Sequence[str] = (),
        investment_heads: Sequence[str] = (),
        investment_carry_over: float = 1.0,
    ) -> None:
        self.per_year = per_year
        self.carry_over = carry_over
        self.investment_heads = tuple(investment_heads)  # (an order: sums are reproducible)
        self.investment_carry_over = investment_carry_over
        # an investment head's money extended from last year, spent first; lapses at year end
        self.extended: dict[str, float] = {}
        self.appropriations = dict(appropriations or {})
        # every appropriated head is funded, those the policy does not rank last, in name order
        self.priority = tuple(priority) + tuple(
            sorted(h for h in self.appropriations if h not in priority)
        )
        self.accounts: dict[str, float] = {head: 0.0 for head in self.priority}
        self.unallocated = 0.0
        self.lapsed_total = 0.0  # money that lapsed at year ends
        self.unspent_appropriated_total = 0.0  # appropriations left unspent at year ends
        self.unfunded_total = 0.0  # appropriations the allotment could not fund, summed
        self.spent_total = 0.0
        self.spent_by_purpose: dict[str, float] = defaultdict(float)
        self.state_investment = 0.0  # spending that builds assets (counts as state investment)

    @property
    def available(self) -> float:
        """Money not yet spent: the heads' appropriations (with money extended from last
        year) and the unallocated money."""
        return self.unallocated + sum(self.accounts.values()) + sum(self.extended.values())

    @available.setter
    def available(self, money: float) -> None:
        """Hold ``money``, all of it unallocated (a budget set up by hand, as in tests)."""
        self.accounts = dict.fromkeys(self.accounts, 0.0)
        self.extended = {}
        self.unallocated = money

    def room(self, head: str) -> float:
        """What a request under ``head`` can still be granted."""
        return self.own(head) + self.unallocated

    def own(self, head: str) -> float:
        """Money ``head`` holds for itself: its appropriation and what was extended to it."""
        return self.accounts.get(head, 0.0) + self.extended.get(head, 0.0)

    def new_year(self, committed: Mapping[str, float] | None = None) -> None:
        """Close the year and open the next.

        Money extended last year and still unspent lapses. Of an investment head's unspent
        appropriation the investment carry-over share is extended to the head for the new
        year; of the recurrent heads' and the unallocated money the carry-over share stays in
        the pool; the rest lapses. The pool with the allotment funds the year's committed
        payments by head, then each head's appropriation (its committed payments count
        towards it), in the order of priority.

        Args:
            committed: payments promised for the new year, by head (they are funded before
                any appropriation, since the province is bound by them).
        """
        extended_left = sum(self.extended.values())
        self.unspent_appropriated_total += sum(self.accounts.values()) + extended_left
        self.lapsed_total += extended_left
        extended = {}
        for head in self.investment_heads:
            unspent = self.accounts.get(head, 0.0)
            if unspent > 0:
                extended[head] = unspent * self.investment_carry_over
                self.lapsed_total += unspent - extended[head]
                self.accounts[head] = 0.0
        self.extended = extended
        left = self.unallocated + sum(self.accounts.values())
        kept = left * self.carry_over if self.carry_over < 1 else left
        self.lapsed_total += left - kept
        money = kept + self.per_year
        committed = committed or {}
        for head in self.priority:
            # what was extended to the head already pays part of the bills it is bound to
            due = committed.get(head, 0.0) - self.extended.get(head, 0.0)
            self.accounts[head] = taken = min(max(due, 0.0), money)
            money -= taken
        for head in self.priority:
            wanted = self.appropriations.get(head, 0.0) - self.accounts[head]
            taken = min(max(wanted, 0.0), money)
            self.accounts[head] += taken
            money -= taken
            self.unfunded_total += max(wanted, 0.0) - taken
        self.unallocated = money

    def request(
        self, amount: float, purpose: str, *, investment: bool = False, head: str | None = None
    ) -> float:
        """Spend up to ``amount``; returns what was granted (never more than is left).

        The money comes from the appropriation of ``head`` (``purpose`` when not given), then
        from the unallocated money.
        """
        wanted = max(amount, 0.0)
        account = purpose if head is None else head
        extended = self.extended.get(account, 0.0)
        from_extended = min(wanted, extended)
        own = self.accounts.get(account, 0.0)
        from_own = min(wanted - from_extended, own)
        from_rest = min(wanted - from_extended - from_own, self.unallocated)
        granted = from_extended + from_own + from_rest
        if granted > 0:
            if from_extended > 0:
                self.extended[account] = extended - from_extended
            if from_own > 0:
                self.accounts[account] = own - from_own
            self.unallocated -= from_rest
            self.spent_total += granted
            self.spent_by_purpose[purpose] += granted
            if investment:
                self.state_investment += granted
        return granted

    def give_back(
        self, amount: float, purpose: str, *, investment: bool = False, head: str | None = None
    ) -> None:
        """Return a grant that was not used (its work stopped before it was paid for), to the
        head's appropriation if it has one, else to the unallocated money."""
        if amount > 0:
            account = purpose if head is None else head
            if account in self.accounts:
                self.accounts[account] += amount
            else:
                self.unallocated += amount
            self.spent_total -= amount
            self.spent_by_purpose[purpose] -= amount
            if investment:
                self.state_investment -= amount
