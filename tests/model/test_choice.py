import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from izsim.model.choice import choose, logit_shares


def test_takes_best_feasible_alternative_with_room() -> None:
    utility = np.array([[3.0, 2.0, 0.0, -1.0]])
    feasible = np.array([[True, True, True, True]])
    shocks = np.zeros_like(utility)
    vacant = np.array([1.0, 10.0])  # zone 0 is best but too small
    chosen = choose(utility, feasible, shocks, np.array([5.0]), vacant)
    assert chosen.tolist() == [1]
    assert vacant.tolist() == [1.0, 5.0]


def test_land_taken_by_one_prospect_is_not_there_for_the_next() -> None:
    utility = np.array([[5.0, 0.0, -9.0], [5.0, 0.0, -9.0]])
    feasible = np.ones_like(utility, dtype=bool)
    chosen = choose(
        utility, feasible, np.zeros_like(utility), np.array([6.0, 6.0]), np.array([10.0])
    )
    assert chosen.tolist() == [0, 1]  # the second goes to the outside option


def test_infeasible_everywhere_gives_minus_one() -> None:
    utility = np.zeros((1, 3))
    feasible = np.array([[True, False, False]])
    chosen = choose(utility, feasible, np.zeros((1, 3)), np.array([2.0]), np.array([1.0]))
    assert chosen.tolist() == [-1]


def test_logit_shares_fall_with_own_utility() -> None:
    feasible = np.ones((1, 3), dtype=bool)
    low = logit_shares(np.array([[0.0, 1.0, 0.5]]), feasible)[0, 0]
    high = logit_shares(np.array([[1.0, 1.0, 0.5]]), feasible)[0, 0]
    assert high > low


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 30),
    zones=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_choice_never_overfills_a_zone(n: int, zones: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    utility = rng.normal(size=(n, zones + 2))
    feasible = rng.random((n, zones + 2)) < 0.8
    need = rng.uniform(0.5, 10, n)
    vacant = rng.uniform(0, 30, zones)
    before = vacant.copy()
    chosen = choose(utility, feasible, rng.gumbel(size=utility.shape), need, vacant)
    for z in range(zones):
        taken = need[chosen == z].sum()
        assert taken <= before[z] + 1e-9
        assert np.isclose(vacant[z], before[z] - taken)
    assert all(c == -1 or feasible[i, c] for i, c in enumerate(chosen))


def test_closed_options_are_the_same_as_a_mask() -> None:
    """Closing columns for every row gives the shares of the equivalent mask; a row with
    nothing open has no shares."""
    utility = np.array([[0.0, 1.0, 0.5, -0.2], [2.0, -1.0, 0.0, 0.3]])
    mask = np.ones_like(utility, dtype=bool)
    mask[:, [1, 3]] = False
    closed = logit_shares(utility, closed=[1, 3])
    assert np.array_equal(closed, logit_shares(utility, mask))
    assert np.allclose(closed.sum(axis=1), 1.0) and (closed[:, [1, 3]] == 0).all()
    nothing = np.zeros_like(mask)
    nothing[1] = True
    shares = logit_shares(utility, nothing)
    assert (shares[0] == 0).all() and np.isclose(shares[1].sum(), 1.0)
