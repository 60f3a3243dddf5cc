"""Calendar arithmetic the apps share: months added the way the policies count them (同日 of a later month, or its
last day), the months between the payments of a period, and a month written ``YYYY-MM``."""

import calendar
import datetime

# Months between two payments of a grant, by its period (one-time and per-day grants have none).
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (back when negative); a day the target month lacks becomes its
    last day (2026-01-31 + 1 month = 2026-02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_index(day: datetime.date) -> int:
    """The month of ``day`` as a running count of months (year × 12 + month − 1), for month arithmetic."""
    return day.year * 12 + day.month - 1


def month_of(index: int) -> datetime.date:
    """The first day of the month ``index`` counts (the inverse of ``month_index``)."""
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month of ``month``."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str | None) -> datetime.date | None:
    """``"2027-01"`` → 2027-01-01; None for anything that is not a month."""
    try:
        return datetime.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None
