"""Named random streams: one ``SeedSequence`` per run, one child stream per purpose.

Each purpose draws from its own generator, and every draw that could depend on the policy is
made with a fixed number of variates, so two policies run with the same seed see the same
prospects arrive (common random numbers for paired comparisons).
"""

from __future__ import annotations

import numpy as np

PURPOSES = (
    "arrivals",  # candidate prospects and their attributes
    "choices",  # taste shocks of the site choice
    "developers",  # developer entry and plant compliance
    "inspections",  # environmental inspections
    "mesa",  # the Mesa model's own generators (not used for decisions)
    "plants",  # wastewater plants' breakdowns
    "finance",  # developers' finance capacity
    "pipeline",  # projects licensed before the start, still building
    "hurdles",  # candidate developers' hurdles (appended last: earlier streams unchanged)
    "reinvestment",  # capital increases by existing firms
    "quota",  # the years in which national KCN approvals fall (appended: others unchanged)
    "start",  # how far works under way at the start have come (appended: others unchanged)
    "agreements",  # when land users accept a KCN's compensation (appended: others unchanged)
    "presence",  # which zones held in only some runs a run holds (appended: others unchanged)
    "spin_up",  # new KCN proposals filed before the start (appended: others unchanged)
)


class Streams:
    """Generators for one run, by purpose.

    Args:
        seed: the run's seed.
    """

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        children = np.random.SeedSequence(seed).spawn(len(PURPOSES))
        self._generators = {
            name: np.random.Generator(np.random.PCG64(child))
            for name, child in zip(PURPOSES, children, strict=True)
        }

    def __getitem__(self, purpose: str) -> np.random.Generator:
        return self._generators[purpose]
