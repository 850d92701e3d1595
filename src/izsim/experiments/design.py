"""The design of a comparison: which runs, with which seeds.

Replicate ``i`` uses the same seed under every policy (common random numbers), so differences
between policies are paired. Seeds are spawned from the experiment's seed with
``numpy.random.SeedSequence``, so they are distinct and reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, order=True)
class RunTask:
    """One run of a comparison.

    Attributes:
        policy: the policy's id.
        replicate: 0-based replicate number.
        seed: the model seed (the same for every policy in a replicate).
    """

    policy: str
    replicate: int
    seed: int

    @property
    def name(self) -> str:
        """File stem of the run's results, e.g. ``r0007``."""
        return f"r{self.replicate:04d}"


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Model seeds of replicates ``0..replicates-1`` of an experiment seeded with ``seed``."""
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def design(policies: list[str], replicates: int, seed: int) -> list[RunTask]:
    """Every run, replicate by replicate, so partial results cover all policies evenly."""
    seeds = replicate_seeds(seed, replicates)
    return [RunTask(p, r, seeds[r]) for r in range(replicates) for p in policies]
