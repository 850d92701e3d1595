"""Months as the model's unit of time.

Month 0 is the scenario's first month (e.g. 2021-01). Dates in scenario files are ``YYYY-MM``
strings; the simpy clock counts months from the start as floats.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@lru_cache(maxsize=256)
def parse_month(text: str) -> tuple[int, int]:
    """``"2025-12"`` -> ``(2025, 12)``; raises ValueError for anything else.

    Cached: a run labels every month from the same start (a regular expression each time cost
    a run about half a millisecond); the answer is an immutable tuple.
    """
    match = _MONTH.match(str(text).strip())
    if not match:
        raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2025-12")
    return int(match.group(1)), int(match.group(2))


def month_index(text: str, start: str) -> int:
    """Months from ``start`` to ``text`` (0 when they are equal; negative before the start)."""
    year, month = parse_month(text)
    year0, month0 = parse_month(start)
    return (year - year0) * 12 + (month - month0)


def month_label(index: int, start: str) -> str:
    """The ``YYYY-MM`` label of month ``index`` counted from ``start``."""
    year0, month0 = parse_month(start)
    total = year0 * 12 + (month0 - 1) + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def month_labels(count: int, start: str) -> list[str]:
    """:func:`month_label` of months ``0 … count − 1`` (``start`` parsed once)."""
    year0, month0 = parse_month(start)
    first = year0 * 12 + (month0 - 1)
    return [f"{total // 12:04d}-{total % 12 + 1:02d}" for total in range(first, first + count)]
