import pytest
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


# ---------------------------------------------------------------- appropriations (issue 9)
def test_an_appropriation_is_paid_from_its_head_then_from_unallocated_money() -> None:
    budget = Budget(100, appropriations={"promotion": 30, "training": 20}, priority=("training",))
    budget.new_year()
    assert budget.accounts == {"training": 20, "promotion": 30}
    assert budget.unallocated == 50
    # a purpose without an appropriation (plant support) can only use the unallocated money
    assert budget.request(70, "wwtp_support") == 50
    assert budget.request(40, "promotion") == 30  # its own money only: nothing is unallocated
    assert budget.room("training") == 20


def test_an_appropriation_not_spent_in_a_year_lapses_as_configured() -> None:
    budget = Budget(100, carry_over=0.25, appropriations={"outside_fence": 60})
    budget.new_year()
    assert budget.request(20, "outside_fence") == 20
    budget.new_year()
    # 40 of the head and 40 unallocated were not spent: a quarter of the 80 carries over
    assert budget.unspent_appropriated_total == 40
    assert budget.lapsed_total == 60
    assert budget.available == 100 + 20
    assert budget.accounts["outside_fence"] == 60  # a new year's appropriation, not 60 + 40
    budget.new_year()
    assert budget.unspent_appropriated_total == 100
    assert budget.lapsed_total == 60 + 0.75 * 120


def test_nothing_lapses_when_everything_carries_over() -> None:
    budget = Budget(50, carry_over=1.0, appropriations={"promotion": 10})
    for _ in range(3):
        budget.new_year()
    assert budget.lapsed_total == 0
    assert budget.available == 150
    assert budget.unspent_appropriated_total == 20  # two closed years of 10 unspent


def test_a_short_year_funds_commitments_then_heads_in_order_of_priority() -> None:
    budget = Budget(
        100,
        appropriations={"promotion": 40, "outside_fence": 50, "rent_support": 30},
        priority=("outside_fence", "promotion", "rent_support"),
    )
    budget.new_year({"rent_support": 25})
    # the 25 promised come first; then outside_fence 50, promotion what is left (25)
    assert budget.accounts == {"outside_fence": 50, "promotion": 25, "rent_support": 25}
    assert budget.unallocated == 0
    for head in ("outside_fence", "promotion", "rent_support"):
        budget.request(100, head)
    budget.new_year({"rent_support": 45})
    # a commitment above the appropriation is funded in full (the province is bound by it)
    assert budget.accounts == {"outside_fence": 50, "promotion": 5, "rent_support": 45}


def test_give_back_returns_to_the_head() -> None:
    budget = Budget(100, appropriations={"promotion": 30})
    budget.new_year()
    budget.request(10, "promotion")
    budget.give_back(10, "promotion")
    budget.request(10, "wwtp_support")
    budget.give_back(10, "wwtp_support")
    assert budget.accounts["promotion"] == 30
    assert budget.unallocated == 70
    assert budget.spent_total == 0


def test_an_investment_head_s_unspent_money_is_extended_one_year_then_lapses() -> None:
    budget = Budget(
        100,
        carry_over=0.0,
        appropriations={"outside_fence": 60, "promotion": 20},
        investment_heads=("outside_fence",),
        investment_carry_over=0.5,
    )
    budget.new_year()
    budget.request(20, "outside_fence")
    budget.request(5, "promotion")
    budget.new_year()
    # the works' 40 unspent: half extended to them, half lapses; promotion's 15 and the
    # 20 unallocated lapse (recurrent money does not carry over here)
    assert budget.extended == {"outside_fence": 20}
    assert budget.lapsed_total == 20 + 15 + 20
    assert budget.own("outside_fence") == 60 + 20
    assert budget.available == 100 + 20
    # extended money is spent first
    assert budget.request(30, "outside_fence") == 30
    assert budget.extended == {"outside_fence": 0} and budget.accounts["outside_fence"] == 50
    budget.new_year()
    # 50 of this year's appropriation unspent: half extended; nothing extended was left over
    assert budget.extended == {"outside_fence": 25}
    budget.new_year()
    # the 25 extended, never spent, lapse; nothing is extended twice
    assert budget.extended == {"outside_fence": 30}  # half of the new year's 60 unspent
    assert budget.unspent_appropriated_total == pytest.approx(40 + 15 + 50 + 20 + 25 + 60 + 20)


def test_extended_money_is_never_extended_again() -> None:
    budget = Budget(
        0.0,
        appropriations={"worker_housing": 0.0},
        investment_heads=("worker_housing",),
        investment_carry_over=1.0,
    )
    budget.accounts["worker_housing"] = 10.0
    budget.new_year()
    assert budget.own("worker_housing") == 10.0
    budget.new_year()
    assert budget.own("worker_housing") == 0.0
    assert budget.lapsed_total == 10.0


def test_appropriations_the_allotment_cannot_fund_are_reported() -> None:
    budget = Budget(
        100,
        carry_over=0.0,
        appropriations={"outside_fence": 80, "promotion": 40},
        priority=("outside_fence", "promotion"),
    )
    budget.new_year()
    assert budget.accounts == {"outside_fence": 80, "promotion": 20}
    assert budget.unfunded_total == 20
    budget.new_year()
    assert budget.unfunded_total == 40


def test_money_extended_to_a_head_pays_its_commitments_first() -> None:
    budget = Budget(
        100,
        carry_over=0.0,
        appropriations={"outside_fence": 50, "promotion": 50},
        priority=("outside_fence", "promotion"),
        investment_heads=("outside_fence",),
        investment_carry_over=1.0,
    )
    budget.new_year()
    budget.new_year({"outside_fence": 30})  # 50 unspent extended: the 30 due are covered
    assert budget.extended == {"outside_fence": 50}
    assert budget.accounts == {"outside_fence": 50, "promotion": 50}
    assert budget.unfunded_total == 0


def test_infrastructure_first_keeps_baseline_promotion_in_every_province() -> None:
    # the package differs from the baseline only in infrastructure: its promotion is funded
    # first even where its works ask more than the allotment (Tuyên Quang: 170 of 150 bn)
    from pathlib import Path

    from izsim.model.model import IZModel
    from izsim.scenario import load_policy, load_scenario

    root = Path(__file__).resolve().parents[2]
    policy = load_policy(root / "scenarios" / "policies" / "infrastructure_first.yaml")
    for province in ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong"):
        model = IZModel(load_scenario(root / "scenarios" / f"{province}.yaml"), policy, 0)
        model.env.run(until=11.5)  # months 0–11: the first budget year
        spent = model.agencies.budget.spent_by_purpose["promotion"]
        assert spent == pytest.approx(policy.levers.promotion_bn_vnd_per_year), province
