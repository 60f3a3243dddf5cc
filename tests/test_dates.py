"""The calendar arithmetic every app shares (core.dates): months added as the policies count them, running month
numbers, and a month written YYYY-MM."""

import datetime

import pytest

from core.dates import add_months, month_bounds, month_index, month_of, parse_month

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 10, 1), 6, D(2026, 4, 1)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # a leap year's February
        (D(2026, 4, 1), -6, D(2025, 10, 1)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 1, 31), 36, D(2029, 1, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_month_numbers_run_across_years_and_back():
    assert month_index(D(2026, 12, 31)) + 1 == month_index(D(2027, 1, 1))
    assert month_of(month_index(D(2026, 12, 31))) == D(2026, 12, 1)
    assert month_bounds(D(2028, 2, 10)) == (D(2028, 2, 1), D(2028, 2, 29))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-01", D(2027, 1, 1)), (" 2027-12 ", D(2027, 12, 1)), ("2027-13", None), ("0000-01", None), ("", None)],
)
def test_parse_month_reads_yyyy_mm_or_nothing(text, expected):
    assert parse_month(text) == expected
