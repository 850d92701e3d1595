"""What a target measures, month by month: the indicator itself, or its average growth since a
base month (for plans that set growth over a sub-period, e.g. "17–18 %/yr in 2026–2030").

One definition serves the single-run scorecard and the experiments' analysis, and
:func:`annual_growth_pct` is the one compound growth of targets, patterns and a sweep's outputs.
"""

from __future__ import annotations

from typing import overload

import numpy as np

from izsim.calendar import month_index
from izsim.scenario.schema import Target


@overload
def annual_growth_pct(first: float, last: float, months: int) -> float: ...
@overload
def annual_growth_pct(first: float, last: np.ndarray, months: np.ndarray) -> np.ndarray: ...
def annual_growth_pct(
    first: float, last: float | np.ndarray, months: int | np.ndarray
) -> float | np.ndarray:
    """Average (compound) annual growth in percent from ``first`` to ``last``, ``months`` later:
    ``((last / first) ** (12 / months) - 1) * 100``.

    The rule for the ends: growth is defined from a value above zero to one at or above zero;
    an end of 0 is -100 %/yr (everything is gone, however long it took). From zero or below,
    to below zero, or with an end that is NaN, there is no growth: NaN.

    Args:
        first: the value at the start.
        last: the value ``months`` later; an array gives one growth per element.
        months: months from ``first`` to ``last`` (above 0), one per element of ``last``.

    Raises:
        ValueError: ``months`` is 0 or below.
    """
    if np.any(np.asarray(months) <= 0):
        raise ValueError(f"growth over {months} months: the end must come after the start")
    if np.ndim(last) == 0 and np.ndim(months) == 0:
        # Python's power for one value, numpy's for arrays (which may use the CPU's vector
        # instructions and differ in the last bit): each as its callers computed it before
        if not (first > 0 and last >= 0):  # False for NaN too
            return float("nan")
        return float(((float(last) / first) ** (12 / months) - 1) * 100)
    last = np.asarray(last, dtype=float)
    out = np.full(last.shape, np.nan)
    if not first > 0:
        return out
    defined = last >= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (np.power(last / first, 12 / np.asarray(months)) - 1) * 100
    out[defined] = np.broadcast_to(growth, last.shape)[defined]
    return out


def measured(target: Target, series: np.ndarray, start: str) -> np.ndarray:
    """The quantity ``target`` compares, for every month of an indicator's ``series``.

    Args:
        target: the target.
        series: the indicator's values by month, from the scenario start.
        start: the scenario's first month (YYYY-MM).

    Returns:
        The indicator itself, or, with ``growth_since``, its average annual growth in percent
        from that month to each later month (:func:`annual_growth_pct`; NaN up to and
        including the base month).
    """
    if target.growth_since is None:
        return series
    base = month_index(target.growth_since, start)
    out = np.full(len(series), np.nan)
    if 0 <= base < len(series):
        later = np.arange(base + 1, len(series))
        out[later] = annual_growth_pct(float(series[base]), series[later], later - base)
    return out


def value_at_deadline(target: Target, series: np.ndarray, start: str) -> float:
    """The quantity ``target`` compares, at its deadline."""
    return float(measured(target, series, start)[month_index(target.deadline, start)])
