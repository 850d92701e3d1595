"""Policy experiments: replicates, target probabilities, paired comparison, durable results.

The pipeline is explicit, like SALib's ``ProblemSpec``: *design* the runs
(:mod:`~izsim.experiments.design`), *execute* them into a results folder that survives
interruption (:mod:`~izsim.experiments.runner`, :mod:`~izsim.experiments.store`), then *analyse*
what is on disk (:mod:`~izsim.experiments.analysis`). :func:`compare` does all three.
Experiments know nothing of the model's internals: they call ``izsim.run.run``.
"""

from izsim.experiments.compare import CompareResult, compare

__all__ = ["CompareResult", "compare"]
