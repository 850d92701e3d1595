"""Site choice: a multinomial logit over zones and two outside options, on arrays.

Utility is computed for all prospects × alternatives at once. Each prospect then takes the
alternative with the highest utility plus a Gumbel taste shock (equivalent to a logit draw)
among those still feasible; land taken by one prospect is no longer vacant for the next, so
the assignment walks through the prospects in arrival order, one vectorised row each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_max, _add, _all = np.maximum.reduce, np.add.reduce, np.logical_and.reduce


def choose(
    utility: np.ndarray,
    feasible: np.ndarray,
    shocks: np.ndarray,
    need_ha: np.ndarray,
    vacant_ha: np.ndarray,
) -> np.ndarray:
    """Chosen alternative per prospect.

    Args:
        utility: systematic utility, prospects × alternatives; the first ``len(vacant_ha)``
            columns are zones, the rest are options without a land constraint.
        feasible: where a prospect may choose an alternative (environmental rules, size).
        shocks: standard Gumbel draws of the same shape.
        need_ha: land each prospect needs.
        vacant_ha: vacant serviced land per zone; reduced in place as prospects choose.

    Returns:
        Index of the chosen alternative for each prospect, or -1 where none is feasible.
    """
    n_zones = len(vacant_ha)
    scores = np.where(feasible, utility + shocks, -np.inf)
    chosen = np.empty(len(need_ha), dtype=np.int64)  # (np.full is a Python wrapper)
    chosen.fill(-1)
    for i in range(len(need_ha)):
        row = scores[i]
        row[:n_zones][vacant_ha < need_ha[i]] = -np.inf
        best = int(row.argmax())  # (the method: np.argmax is a Python wrapper around it)
        if row[best] == -np.inf:  # (a scalar comparison: np.isneginf costs ten times more)
            continue
        chosen[i] = best
        if best < n_zones:
            vacant_ha[best] -= need_ha[i]
    return chosen


def logit_shares(
    utility: np.ndarray,
    feasible: np.ndarray | None = None,
    *,
    closed: Sequence[int] = (),
) -> np.ndarray:
    """Expected logit choice shares (rows sum to 1 where anything is feasible).

    Args:
        utility: prospects × options.
        feasible: which options each prospect may choose (all when not given).
        closed: options closed to every prospect (with ``feasible`` not given): cheaper than
            a mask for the usual case of a few columns.

    Run for every month's prospects on small arrays: reductions call the ufuncs' ``reduce``
    (what ``max``, ``sum``, ``all`` call, without their Python wrappers).
    """
    if feasible is not None:
        masked = np.where(feasible, utility, -np.inf)
    else:
        masked = utility.copy()
        if len(closed):
            masked[:, list(closed)] = -np.inf
    top = _max(masked, axis=1, keepdims=True)
    finite = np.isfinite(top)
    if not _all(finite, axis=None):  # a row with nothing open: its shares are all 0
        top = np.where(finite, top, 0.0)
    weights = np.exp(masked - top)
    total = _add(weights, axis=1, keepdims=True)
    if _all(total > 0, axis=None):
        return weights / total
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
