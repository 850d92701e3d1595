"""Words and numbers in English and Vietnamese."""

from __future__ import annotations

import pytest

from izsim.indicators import CATALOGUE
from izsim.present.language import (
    _labels,
    indicator_label,
    month_text,
    number,
    percent,
    policy_label,
    unit_label,
    word,
)


@pytest.mark.parametrize(
    ("value", "decimals", "en", "vi"),
    [
        (1234.5, 1, "1,234.5", "1.234,5"),
        (27700, None, "27,700", "27.700"),
        (1234567.891, 2, "1,234,567.89", "1.234.567,89"),
        (16.5, None, "16.5", "16,5"),
        (0.25, None, "0.25", "0,25"),
        (-3.0, 0, "−3", "−3"),
        (float("nan"), None, "–", "–"),
    ],
)
def test_numbers_follow_each_languages_conventions(
    value: float, decimals: int | None, en: str, vi: str
) -> None:
    assert number(value, "en", decimals) == en
    assert number(value, "vi", decimals) == vi


def test_percent_and_months() -> None:
    assert percent(0.655, "en", 1) == "65.5\u00a0%"
    assert percent(0.655, "vi", 1) == "65,5\u00a0%"
    assert month_text("2025-12", "vi") == "12/2025"
    assert month_text("2025-03", "en") == "Mar 2025"


def test_every_label_has_both_languages() -> None:
    for group, entries in _labels().items():
        for key, texts in entries.items():
            assert set(texts) == {"en", "vi"}, (group, key)
            assert texts["en"].strip() and texts["vi"].strip(), (group, key)


def test_labels_come_from_the_catalogue_and_the_labels_file() -> None:
    assert indicator_label("occupancy_rate", "vi") == CATALOGUE["occupancy_rate"].label_vi
    assert indicator_label("occupancy_rate", "en") == CATALOGUE["occupancy_rate"].label_en
    assert unit_label("bn VND (2010 prices)", "vi") == "tỷ đồng (giá so sánh 2010)"
    assert unit_label("no such unit", "vi") == "no such unit"
    assert policy_label("baseline", "vi") == "Kịch bản cơ sở (như hiện nay)"
    assert policy_label("my_package", "vi", "My package") == "My package"
    assert word("fan_title", "en", label="Jobs") == "Jobs: spread over runs"


def test_every_catalogue_unit_has_a_vietnamese_word() -> None:
    for item in CATALOGUE.values():
        assert item.unit in _labels()["units"], item.unit


def test_every_measure_izsim_levers_can_show_has_a_name_in_both_languages() -> None:
    from izsim.scenario.policy import LEVER_GROUPS

    for group in LEVER_GROUPS:
        assert word(group, "en", "levers") and word(group, "vi", "levers"), group
