"""Months as the unit of time: parsing ``YYYY-MM``, indices from the start and labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from izsim.calendar import month_index, month_label, parse_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12", (2025, 12)),
        ("2021-01", (2021, 1)),
        ("0001-01", (1, 1)),
        ("  2030-06 ", (2030, 6)),  # surrounding blanks are tolerated
    ],
)
def test_parse_month_reads_year_and_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-13",
        "2025-00",
        "2025-1",
        "25-01",
        "20251-01",
        "2025/01",
        "2025-01-15",
        "2025 01",
        "Jan 2025",
        "",
        "2025-1a",
    ],
)
def test_parse_month_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a month; write it as YYYY-MM"):
        parse_month(text)


def test_parse_month_error_quotes_the_text() -> None:
    with pytest.raises(ValueError, match=r"^'2025-13' is not a month"):
        parse_month("2025-13")


def test_parse_month_rejects_non_strings_that_are_not_months() -> None:
    with pytest.raises(ValueError):
        parse_month(202512)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("2021-01", "2021-01", 0),
        ("2021-12", "2021-01", 11),
        ("2022-01", "2021-01", 12),
        ("2030-12", "2021-01", 119),
        ("2020-12", "2021-01", -1),
        ("2025-03", "2024-11", 4),
    ],
)
def test_month_index_counts_months_from_the_start(text: str, start: str, expected: int) -> None:
    assert month_index(text, start) == expected


@pytest.mark.parametrize(
    ("index", "start", "expected"),
    [
        (0, "2021-01", "2021-01"),
        (11, "2021-01", "2021-12"),
        (12, "2021-01", "2022-01"),
        (119, "2021-01", "2030-12"),
        (-1, "2021-01", "2020-12"),
        (2, "2024-11", "2025-01"),
        (-13, "2024-01", "2022-12"),
    ],
)
def test_month_label_names_the_month(index: int, start: str, expected: str) -> None:
    assert month_label(index, start) == expected


def test_month_index_and_label_validate_their_inputs() -> None:
    with pytest.raises(ValueError):
        month_index("2021-01", "2021-13")
    with pytest.raises(ValueError):
        month_index("2021-1", "2021-01")
    with pytest.raises(ValueError):
        month_label(3, "2021")


starts = st.builds(
    lambda year, month: f"{year:04d}-{month:02d}",
    st.integers(100, 9000),
    st.integers(1, 12),
)


@given(start=starts, index=st.integers(-12 * 90, 12 * 900))
def test_label_then_index_is_the_identity(start: str, index: int) -> None:
    label = month_label(index, start)
    assert parse_month(label)  # a well-formed month
    assert month_index(label, start) == index


@given(start=starts, other=starts)
def test_index_then_label_is_the_identity(start: str, other: str) -> None:
    assert month_label(month_index(other, start), start) == other


@given(start=starts, index=st.integers(-12 * 90, 12 * 900))
def test_consecutive_indices_are_consecutive_months(start: str, index: int) -> None:
    year, month = parse_month(month_label(index, start))
    next_year, next_month = parse_month(month_label(index + 1, start))
    assert (next_year, next_month) == ((year, month + 1) if month < 12 else (year + 1, 1))
