"""Working days (工作日) in China: weekends and public holidays off, adjusted working days (调休) on, from the
State Council's yearly notice as packaged by ``chinesecalendar``. A year the package does not know yet (the notice
for a year comes out in the autumn before) counts Monday to Friday; upgrade the package when the notice is out."""

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)
_warned: set[int] = set()  # the years this process has warned about: once each (a page may ask for hundreds of days)


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            logger.warning("No holiday calendar for %s yet: counting Monday to Friday.", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (the day a case is received does not count)."""
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
