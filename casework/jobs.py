"""The background jobs of the registers (docs/architecture.md, "Registers"), as services the Celery tasks call.

Every job takes the day it runs for (``today``) and derives what should be true on that day from the records
alone, so it is idempotent and catches up after missed days: running it once a week later leaves the same open
follow-ups as running it every day. Follow-ups mirror the records: the open items of a kind are exactly the
subjects that are due, one per subject (the partial unique constraints on ``FollowUp``), and an item closed for a
subject and due date (done by a caseworker, or closed by a job) is never raised again for that same date.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.dates import add_months

from . import services
from .models import Contact, EmploymentRecord, FollowUp, Household, Person, RegistryEntry
from .registers import residence_rules
from .selectors import CONTACT_DUE_DAYS

WINDOW_CLOSING_DAYS = 30
_CHUNK = 500


# --- Follow-ups that mirror the records -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """What should be open for one subject: the community whose worklist shows it and the date it is due."""

    unit_id: int
    due_on: datetime.date
    detail: str = ""


def _follow_ups_sync(*, kind: str, subject: str, wanted: dict[int, Due], now: datetime.datetime) -> dict:
    """Make the open follow-ups of ``kind`` mirror ``wanted`` (subject id → Due): close the open ones whose
    subject is no longer due or is now due on another date, move the others to the subject's current community,
    and raise the missing ones unless one was already raised (and closed) for the same subject and date."""
    field = f"{subject}_id"
    open_items = FollowUp.objects.select_for_update().filter(kind=kind, done_at__isnull=True)
    to_close, to_move, kept = [], [], set()
    for item in open_items.filter(**{f"{subject}__isnull": False}):
        due = wanted.get(getattr(item, field))
        if due is None or due.due_on != item.due_on:
            item.done_at = now
            to_close.append(item)
            continue
        kept.add(getattr(item, field))
        if (item.unit_id, item.detail) != (due.unit_id, due.detail):
            item.unit_id, item.detail = due.unit_id, due.detail
            to_move.append(item)
    if to_close:
        bulk_update_with_history(
            to_close, FollowUp, ["done_at"], batch_size=1000, default_change_reason="closed by job: no longer due"
        )
    if to_move:
        bulk_update_with_history(
            to_move, FollowUp, ["unit", "detail"], batch_size=1000, default_change_reason="moved by job"
        )

    missing = [subject_id for subject_id in wanted if subject_id not in kept]
    raised_before = set()
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        raised_before |= set(FollowUp.objects.filter(kind=kind, **{f"{field}__in": chunk}).values_list(field, "due_on"))
    new = []
    for subject_id in missing:
        due = wanted[subject_id]
        if (subject_id, due.due_on) not in raised_before:
            new.append(
                FollowUp(kind=kind, unit_id=due.unit_id, due_on=due.due_on, detail=due.detail, **{field: subject_id})
            )
    raised = _insert(new)
    return {"raised": raised, "closed": len(to_close), "open": len(kept) + raised}


def _insert(items: list[FollowUp]) -> int:
    """Insert with history in one statement; if a concurrent run raised some of them first (the unique
    constraint refuses a second open item), insert one by one and skip those."""
    if not items:
        return 0
    try:
        with transaction.atomic():
            bulk_create_with_history(items, FollowUp, batch_size=1000, default_change_reason="raised by job")
        return len(items)
    except IntegrityError:
        inserted = 0
        for item in items:
            item.pk = None
            item._state.adding = True
            try:
                with transaction.atomic():
                    item.save()
                inserted += 1
            except IntegrityError:
                continue
        return inserted


# --- The jobs ---------------------------------------------------------------------------------------------


def register_windows_close(*, today: datetime.date | None = None) -> dict:
    """Take people off registers whose window closed before ``today`` (graduates past the 1-, 2- or 5-year window)."""
    return {"closed": services.registry_windows_close(today=today or timezone.localdate())}


def zero_employment_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Recompute zero-employment households as of ``today``; a household that fell back to zero employment gets
    a follow-up due on the day it fell back, closed when a member works again."""
    today = today or timezone.localdate()
    counts = services.households_recompute(on=today)
    fallen = Household.objects.filter(is_zero_employment=True, fell_back_on__isnull=False, fell_back_on__lte=today)
    wanted = {
        pk: Due(unit_id, fell_back_on)
        for pk, unit_id, fell_back_on in fallen.values_list("pk", "unit_id", "fell_back_on")
    }
    with transaction.atomic():
        result = _follow_ups_sync(
            kind=FollowUp.Kind.FELL_BACK, subject="household", wanted=wanted, now=now or timezone.now()
        )
    return {**counts, **result}


def _on_register(today: datetime.date):
    """Entries that put a person on a register on ``today`` (entered, not exited, window not yet past)."""
    return (
        RegistryEntry.objects.active(today)
        .filter(person__isnull=False)
        .filter(Q(window_ends_on__isnull=True) | Q(window_ends_on__gte=today))
    )


def contacts_due(*, today: datetime.date) -> dict[int, Due]:
    """People on a register with a contact duty (``needs_contact``) whose contact is due on ``today``:

    - the latest contact set a next follow-up on or before ``today``; or
    - nobody has contacted them for more than CONTACT_DUE_DAYS days since they entered the register (never
      contacted, or the last contact is older; the register page calls these "overdue").

    The due date is the earlier of the two dates, never before the day they entered the register. One query."""
    cutoff = today - datetime.timedelta(days=CONTACT_DUE_DAYS)
    entries = _on_register(today).filter(register__needs_contact=True, person=OuterRef("pk")).order_by("entered_on")
    latest = Contact.objects.filter(person=OuterRef("pk"), contacted_on__lte=today).order_by(
        "-contacted_on", "-created_at"
    )
    people = (
        Person.objects.filter(Exists(entries))
        .annotate(
            entered=Subquery(entries.values("entered_on")[:1]),
            entry_unit=Subquery(entries.values("unit")[:1]),
            last_on=Subquery(latest.values("contacted_on")[:1]),
            next_on=Subquery(latest.values("next_follow_up_on")[:1]),
        )
        .filter(Q(next_on__lte=today) | Q(entered__lt=cutoff) & (Q(last_on__isnull=True) | Q(last_on__lt=cutoff)))
        .values_list("pk", "entry_unit", "entered", "last_on", "next_on")
    )
    due = {}
    for pk, unit_id, entered, last_on, next_on in people.iterator(chunk_size=2000):
        candidates = [max(entered, last_on or entered) + datetime.timedelta(days=CONTACT_DUE_DAYS)]
        if next_on is not None:
            candidates.append(next_on)
        due[pk] = Due(unit_id, max(min(candidates), entered))
    return due


def contacts_due_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "contact due" follow-up for everyone whose contact is due (``contacts_due``); close it once they
    are contacted (their due date moves on) or are no longer on such a register."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return _follow_ups_sync(
            kind=FollowUp.Kind.CONTACT_DUE,
            subject="person",
            wanted=contacts_due(today=today),
            now=now or timezone.now(),
        )


def residence_eligible(*, today: datetime.date, rules: dict | None = None) -> dict[int, Due]:
    """People who may now register where they live under a continuous-residence rule (residence_rules.yaml):
    living in a city with a rule, resident there since at least the rule's months before ``today``, with a hukou
    place that names another place, and with no current employment record (neither working nor registered
    unemployed). Due on the day the months are complete. One query per city with a rule."""
    rules = residence_rules() if rules is None else rules
    recorded = EmploymentRecord.objects.filter(person=OuterRef("pk")).current(today)
    due = {}
    for city_code, rule in rules.items():
        months = int(rule["months"])
        # add_months clamps month ends, so filter loosely in SQL and exactly below
        latest_start = add_months(today, -months) + datetime.timedelta(days=4)
        people = (
            Person.objects.filter(residence_unit__city_code=city_code, resident_since__lte=latest_start)
            .exclude(hukou_place="")
            .exclude(Exists(recorded))
        )
        for name in rule["local_names"]:
            people = people.exclude(hukou_place__contains=name)
        detail = f"{rule['clause']}：{rule['quote']}"[:255]
        for pk, unit_id, since in people.values_list("pk", "residence_unit", "resident_since").iterator(2000):
            if (due_on := add_months(since, months)) <= today:
                due[pk] = Due(unit_id, due_on, detail)
    return due


def residence_eligible_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "resident long enough to register here" follow-up once per person and residence start
    (``residence_eligible``); close it when they get an employment record or move away."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return _follow_ups_sync(
            kind=FollowUp.Kind.RESIDENCE_ELIGIBLE,
            subject="person",
            wanted=residence_eligible(today=today),
            now=now or timezone.now(),
        )


def windows_closing(*, today: datetime.date) -> dict[int, Due]:
    """People with an open register entry whose window ends within WINDOW_CLOSING_DAYS days of ``today``
    (the earliest such entry per person), due on the window's last day."""
    horizon = today + datetime.timedelta(days=WINDOW_CLOSING_DAYS)
    rows = (
        RegistryEntry.objects.filter(
            exited_on__isnull=True,
            person__isnull=False,
            entered_on__lte=today,
            window_ends_on__gte=today,
            window_ends_on__lte=horizon,
        )
        .order_by("person_id", "window_ends_on", "pk")
        .values_list("person_id", "unit_id", "window_ends_on", "register__name_zh")
    )
    due = {}
    for person_id, unit_id, ends_on, register_name in rows.iterator(chunk_size=2000):
        due.setdefault(person_id, Due(unit_id, ends_on, register_name))
    return due


def windows_closing_sync(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Raise a "register window closing" follow-up for entries whose window ends within 30 days; close it when
    the entry is exited (or its window has passed)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return _follow_ups_sync(
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
