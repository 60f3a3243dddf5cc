"""The background jobs of the registers (docs/architecture.md, "Registers"), as services the Celery tasks call.

Every job takes the day it runs for (``today``) and derives what should be true on that day from the records
alone, so it is idempotent and catches up after missed days: running it once a week later leaves the same open
follow-ups as running it every day. Follow-ups mirror the records: the open items of a kind are exactly the
subjects that are due, one per subject (the partial unique constraints on ``FollowUp``), and an item closed for a
subject and due date (done by a caseworker, or closed by a job) is never raised again for that same date.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .follow_ups import (
    WINDOW_CLOSING_DAYS,
    Due,
    contacts_due,
    households_fallen_back,
    residence_eligible,
    sync,
    windows_closing,
)
from .models import FollowUp

__all__ = ["WINDOW_CLOSING_DAYS", "Due", "contacts_due", "residence_eligible", "windows_closing"]


# --- The jobs ---------------------------------------------------------------------------------------------


def register_windows_close(*, today: datetime.date | None = None) -> dict:
    """Take people off registers whose window closed before ``today`` (graduates past the 1-, 2- or 5-year window)."""
    return {"closed": services.registry_windows_close(today=today or timezone.localdate())}


def zero_employment_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Recompute zero-employment households as of ``today``; a household that fell back to zero employment gets
    a follow-up due on the day it fell back, closed when a member works again."""
    today = today or timezone.localdate()
    counts = services.households_recompute(on=today)
    wanted = households_fallen_back(today=today)
    with transaction.atomic():
        result = sync(kind=FollowUp.Kind.FELL_BACK, subject="household", wanted=wanted, now=now or timezone.now())
    return {**counts, **result}


def contacts_due_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "contact due" follow-up for everyone whose contact is due (``contacts_due``); close it once they
    are contacted (their due date moves on) or are no longer on such a register."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return sync(
            kind=FollowUp.Kind.CONTACT_DUE,
            subject="person",
            wanted=contacts_due(today=today),
            now=now or timezone.now(),
        )


def residence_eligible_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "resident long enough to register here" follow-up once per person and residence start
    (``residence_eligible``); close it when they get an employment record or move away."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return sync(
            kind=FollowUp.Kind.RESIDENCE_ELIGIBLE,
            subject="person",
            wanted=residence_eligible(today=today),
            now=now or timezone.now(),
        )


def windows_closing_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "register window closing" follow-up for entries whose window ends within 30 days; close it when
    the entry is exited (or its window has passed)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return sync(
            kind=FollowUp.Kind.WINDOW_CLOSING,
            subject="person",
            wanted=windows_closing(today=today),
            now=now or timezone.now(),
        )


# Run in this order: the windows close before the follow-ups look at the registers.
DAILY_JOBS = {
    "register_windows_close": register_windows_close,
    "zero_employment_sync": zero_employment_sync,
    "contacts_due_sync": contacts_due_sync,
    "residence_eligible_sync": residence_eligible_sync,
    "windows_closing_sync": windows_closing_sync,
}


def daily_jobs_run(*, today: datetime.date | None = None) -> dict:
    """Every job for ``today``, in order (the demo and tests use it; beat schedules each job on its own)."""
    today = today or timezone.localdate()
    return {name: job(today=today) for name, job in DAILY_JOBS.items()}
