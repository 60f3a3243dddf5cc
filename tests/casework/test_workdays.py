"""Working days follow the State Council's holiday notice: holidays off, adjusted working days on."""

import datetime
import logging

import pytest

from casework import workdays
from casework.workdays import add_working_days, is_working_day

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 9, 30), True),
        (D(2026, 2, 14), True),  # a Saturday made a working day for the Spring Festival (调休)
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 11, 21), False),  # an ordinary Saturday
        (D(2027, 3, 1), True),  # a year the calendar does not know yet: Monday to Friday
        (D(2027, 3, 6), False),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_two_working_days_over_a_holiday():
    # 大庆（十）: 2 working days. Received on Wednesday 2026-09-30, the holiday runs 10-01 to 10-07 and
    # Saturday 10-10 is an adjusted working day.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert add_working_days(D(2026, 11, 20), 2) == D(2026, 11, 24)  # Friday + 2 = Tuesday


def test_a_year_without_calendar_is_warned_about_once(caplog, monkeypatch):
    """The queue computes a deadline per application: one warning per year and process, not one per day counted."""
    monkeypatch.setattr(workdays, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="casework.workdays"):
        add_working_days(D(2027, 3, 1), 20)
        add_working_days(D(2027, 6, 1), 20)
    assert [r.getMessage() for r in caplog.records] == ["No holiday calendar for 2027 yet: counting Monday to Friday."]
