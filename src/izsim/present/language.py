"""Words and numbers in the reader's language (English ``en`` or Vietnamese ``vi``).

Indicator labels come from the catalogue (``izsim/data/indicators.yaml``); everything else a
figure or report says is in ``izsim/data/labels.yaml``. Numbers follow each language's
conventions: ``1,234.5`` in English, ``1.234,5`` in Vietnamese.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.resources import files
from typing import Literal

import yaml

from izsim.indicators import CATALOGUE

Lang = Literal["en", "vi"]
LANGS: tuple[Lang, ...] = ("en", "vi")


@cache
def _labels() -> dict[str, dict[str, dict[str, str]]]:
    text = files("izsim").joinpath("data/labels.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def word(key: str, lang: Lang, group: str = "text", **fields: object) -> str:
    """The text for ``key`` in ``group`` of the labels file, with ``{fields}`` filled in."""
    text = _labels()[group][key][lang]
    return text.format(**fields) if fields else text


def indicator_label(indicator: str, lang: Lang) -> str:
    """The indicator's label from the catalogue."""
    item = CATALOGUE[indicator]
    return item.label_vi if lang == "vi" else item.label_en


def unit_label(unit: str, lang: Lang) -> str:
    """A catalogue unit in the reader's language (unknown units are left as they are)."""
    units = _labels()["units"]
    return units[unit][lang] if unit in units else unit


def policy_label(policy: str, lang: Lang, fallback: str | None = None) -> str:
    """A policy package's name: the labels file's, else the policy file's ``name``, else its id."""
    names = _labels()["policies"]
    if policy in names:
        return names[policy][lang]
    return fallback or policy


def number(value: float, lang: Lang, decimals: int | None = None) -> str:
    """``value`` with thousands grouped and the decimal mark of ``lang``.

    Args:
        value: the number (NaN gives an en dash).
        lang: ``en`` (1,234.5) or ``vi`` (1.234,5).
        decimals: digits after the mark; by default 0 from 100 up, else up to 2, trimmed.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        magnitude = abs(value)
        decimals = 0 if magnitude >= 100 else (1 if magnitude >= 10 else 2)
        text = f"{value:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text in ("-0", "−0"):
        text = "0"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.replace("-", "−")


def percent(share: float, lang: Lang, decimals: int = 0) -> str:
    """A share in 0–1 as a percentage: ``65 %``."""
    return f"{number(100 * share, lang, decimals)}\u00a0%"  # no line break before %


def month_text(month: str, lang: Lang) -> str:
    """``2025-12`` as ``Dec 2025`` (en) or ``12/2025`` (vi)."""
    year, mon = month.split("-")
    if lang == "vi":
        return f"{int(mon):02d}/{year}"
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(mon) - 1]} {year}"
