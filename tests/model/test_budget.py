from hypothesis import given
from hypothesis import strategies as st

from izsim.model.budget import Budget


def test_grants_only_what_is_left_and_carries_over() -> None:
    budget = Budget(100)
    budget.new_year()
    assert budget.request(60, "a") == 60
    assert budget.request(60, "b") == 40
    assert budget.available == 0
    budget.new_year()
    assert budget.available == 100
    assert budget.spent_by_purpose == {"a": 60, "b": 40}


@given(st.lists(st.floats(-50, 500, allow_nan=False), max_size=40))
def test_never_below_zero(requests: list[float]) -> None:
    budget = Budget(120)
    for i, amount in enumerate(requests):
        if i % 7 == 0:
            budget.new_year()
        granted = budget.request(amount, "x", investment=i % 2 == 0)
        assert 0 <= granted <= max(amount, 0)
        assert budget.available >= 0
    assert budget.state_investment <= budget.spent_total + 1e-9


def test_only_the_carry_over_share_of_unspent_money_survives_the_year() -> None:
    budget = Budget(100, carry_over=0.25)
    budget.new_year()
    assert budget.request(60, "a") == 60
    budget.new_year()
    assert budget.available == 100 + 0.25 * 40
    assert budget.lapsed_total == 0.75 * 40
