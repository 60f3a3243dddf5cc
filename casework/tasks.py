"""Background tasks of the registers: thin, idempotent, each calls one job of casework.jobs.

They take at most the day to run for, as an ISO date string (default: today in Asia/Shanghai), so a missed
day can be re-run by hand; the jobs catch up by themselves anyway. Only a database that is momentarily
unavailable or locked (OperationalError) is retried, with backoff.
"""

import datetime

from celery import shared_task
from django.db import OperationalError

from . import duplicates, jobs

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 3}


def _day(today: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(today) if today else None


@shared_task(name="casework.tasks.register_windows_close", **RETRY)
def register_windows_close(today: str | None = None) -> dict:
    return jobs.register_windows_close(today=_day(today))


@shared_task(name="casework.tasks.zero_employment_sync", **RETRY)
def zero_employment_sync(today: str | None = None) -> dict:
    return jobs.zero_employment_sync(today=_day(today))


@shared_task(name="casework.tasks.contacts_due_sync", **RETRY)
def contacts_due_sync(today: str | None = None) -> dict:
    return jobs.contacts_due_sync(today=_day(today))


@shared_task(name="casework.tasks.residence_eligible_sync", **RETRY)
def residence_eligible_sync(today: str | None = None) -> dict:
    return jobs.residence_eligible_sync(today=_day(today))


@shared_task(name="casework.tasks.windows_closing_sync", **RETRY)
def windows_closing_sync(today: str | None = None) -> dict:
    return jobs.windows_closing_sync(today=_day(today))


@shared_task(name="casework.tasks.duplicates_detect", **RETRY)
def duplicates_detect() -> dict:
    """Likely duplicate persons, set-based (casework.duplicates); a pair marked "not a duplicate" stays so."""
    return duplicates.duplicates_detect()
