"""What a target measures, month by month: the indicator itself, or its average growth since a
base month (for plans that set growth over a sub-period, e.g. "17–18 %/yr in 2026–2030").

One definition serves the single-run scorecard and the experiments' analysis.
"""

from __future__ import annotations

import numpy as np

from izsim.calendar import month_index
from izsim.scenario.schema import Target


def measured(target: Target, series: np.ndarray, start: str) -> np.ndarray:
    """The quantity ``target`` compares, for every month of an indicator's ``series``.

    Args:
        target: the target.
        series: the indicator's values by month, from the scenario start.
        start: the scenario's first month (YYYY-MM).

    Returns:
        The indicator itself, or, with ``growth_since``, its average annual growth in percent
        from that month to each later month (NaN up to and including the base month).
    """
    if target.growth_since is None:
        return series
    base = month_index(target.growth_since, start)
    out = np.full(len(series), np.nan)
    if 0 <= base < len(series) and series[base] > 0:
        later = np.arange(base + 1, len(series))
        ratio = series[later] / series[base]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[later] = (np.power(ratio, 12 / (later - base)) - 1) * 100
    return out


def value_at_deadline(target: Target, series: np.ndarray, start: str) -> float:
    """The quantity ``target`` compares, at its deadline."""
    return float(measured(target, series, start)[month_index(target.deadline, start)])
