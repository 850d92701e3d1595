"""The design of a comparison: common random numbers and a reproducible run order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from izsim.experiments.design import RunTask, design, replicate_seeds


def test_replicate_seeds_are_distinct_and_fit_the_model() -> None:
    seeds = replicate_seeds(1, 2000)
    assert len(seeds) == 2000
    assert len(set(seeds)) == 2000
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds)


@given(st.integers(0, 2**32 - 1), st.integers(1, 50))
def test_replicate_seeds_are_deterministic(seed: int, replicates: int) -> None:
    assert replicate_seeds(seed, replicates) == replicate_seeds(seed, replicates)


def test_replicate_seeds_depend_on_the_experiment_seed() -> None:
    assert set(replicate_seeds(1, 50)).isdisjoint(replicate_seeds(2, 50))


def test_replicate_seed_depends_only_on_its_number() -> None:
    # More replicates add runs; they do not reseed the ones that exist.
    assert replicate_seeds(7, 20)[:5] == replicate_seeds(7, 5)


def test_every_policy_of_a_replicate_has_the_same_seed() -> None:
    policies = ["baseline", "balanced", "incentives_first"]
    tasks = design(policies, 6, seed=3)
    seeds = replicate_seeds(3, 6)
    assert len(tasks) == 18
    for replicate in range(6):
        runs = [t for t in tasks if t.replicate == replicate]
        assert sorted(t.policy for t in runs) == sorted(policies)
        assert {t.seed for t in runs} == {seeds[replicate]}
    assert len({t.seed for t in tasks}) == 6


def test_design_runs_replicate_by_replicate_in_policy_order() -> None:
    # Partial results (an interruption) then cover every policy evenly.
    tasks = design(["b", "a"], 3, seed=1)
    assert [(t.replicate, t.policy) for t in tasks] == [
        (0, "b"),
        (0, "a"),
        (1, "b"),
        (1, "a"),
        (2, "b"),
        (2, "a"),
    ]
    assert design(["b", "a"], 3, seed=1) == tasks


def test_task_name_is_the_file_stem() -> None:
    assert RunTask("baseline", 7, 123).name == "r0007"
    assert RunTask("baseline", 1234, 123).name == "r1234"
