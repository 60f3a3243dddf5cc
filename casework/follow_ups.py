"""Worklist items (``FollowUp``) that mirror the records: what is due for whom, and the one function that makes the
open items match it. The nightly jobs (``casework.jobs``) run it over everyone; a write that changes what is due
for some people or households (a contact logged, a register entry, a job found or ended, a move) runs it for those
alone, in its own transaction, so the worklist and the home page show the change at once.

Follow-ups mirror the records: the open items of a kind are exactly the subjects that are due, one per subject (the
partial unique constraints on ``FollowUp``), and an item closed for a subject and due date (done by a caseworker, or
closed because it is no longer due) is never raised again for that same date.
"""

import datetime
from collections.abc import Collection
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.bulk import Stamp, copy_rows, default_history_user, insert_ctes, set_based, temp_table
from core.dates import add_months

from .models import (
    AccountChange,
    ChangeRequest,
    Contact,
    EmploymentRecord,
    FollowUp,
    Household,
    Person,
    RegistryEntry,
)
from .registers import residence_rules
from .selectors import CONTACT_DUE_DAYS

WINDOW_CLOSING_DAYS = 30
_CHUNK = 10_000  # subjects whose earlier items one query reads (their ids go as one array parameter)
# From this many new items on, they are inserted set-based on PostgreSQL (an import raises tens of thousands);
# fewer go through the ORM, without a temporary table.
SET_BASED_FROM = 1000
RAISED = "raised by job"


def _only(people, person_ids):
    return people if person_ids is None else people.filter(pk__any=list(person_ids))


@dataclass(frozen=True)
class Due:
    """What should be open for one subject: the community whose worklist shows it and the date it is due."""

    unit_id: int
    due_on: datetime.date
    detail: str = ""


def sync(
    *,
    kind: str,
    subject: str,
    wanted: dict[int, Due],
    now: datetime.datetime,
    only: Collection[int] | None = None,
    reason: str = "closed by job: no longer due",
) -> dict:
    """Make the open follow-ups of ``kind`` mirror ``wanted`` (subject id → Due): close the open ones whose
    subject is no longer due or is now due on another date, move the others to the subject's current community,
    and raise the missing ones unless one was already raised (and closed) for the same subject and date.
    ``only``: the subjects ``wanted`` was computed for (a write that touched them); the others stay as they are."""
    field = f"{subject}_id"
    open_items = FollowUp.objects.select_for_update().filter(kind=kind, done_at__isnull=True)
    if only is not None:
        open_items = open_items.filter(**{f"{field}__any": list(only)})
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
        bulk_update_with_history(to_close, FollowUp, ["done_at"], batch_size=1000, default_change_reason=reason)
    if to_move:
        bulk_update_with_history(
            to_move, FollowUp, ["unit", "detail"], batch_size=1000, default_change_reason="moved by job"
        )

    missing = [subject_id for subject_id in wanted if subject_id not in kept]
    raised_before = set()
    for start in range(0, len(missing), _CHUNK) if kind not in WAITING_DECISION_KINDS else ():
        chunk = missing[start : start + _CHUNK]
        raised_before |= set(
            FollowUp.objects.filter(kind=kind, **{f"{field}__any": chunk}).values_list(field, "due_on")
        )
    new = [
        (subject_id, due)
        for subject_id in missing
        if (subject_id, (due := wanted[subject_id]).due_on) not in raised_before
    ]
    raised = _insert(kind=kind, field=field, new=new)
    return {"raised": raised, "closed": len(to_close), "open": len(kept) + raised}


def _insert(*, kind: str, field: str, new: list[tuple[int, Due]]) -> int:
    """Insert with history; an item a concurrent run raised first (the unique constraint refuses a second open
    item) is skipped."""
    if not new:
        return 0
    if set_based() and len(new) >= SET_BASED_FROM:
        return _insert_set_based(kind=kind, field=field, new=new)
    items = [
        FollowUp(kind=kind, unit_id=due.unit_id, due_on=due.due_on, detail=due.detail, **{field: subject_id})
        for subject_id, due in new
    ]
    try:
        with transaction.atomic():
            bulk_create_with_history(items, FollowUp, batch_size=1000, default_change_reason=RAISED)
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


_RAISING = "casework_raised_follow_ups"


def _insert_set_based(*, kind: str, field: str, new: list[tuple[int, Due]]) -> int:
    """The items copied into a temporary table, then inserted with their history rows in one statement (the
    same rows as ``bulk_create_with_history``); ``ON CONFLICT DO NOTHING`` skips an item raised meanwhile."""
    user = default_history_user(FollowUp)
    stamp = Stamp(date=timezone.now(), user_id=user.pk if user else None, reason=RAISED)
    columns = (("position", "integer"), ("subject_id", "bigint"), ("unit_id", "bigint"), ("due_on", "date"))
    with connection.cursor() as cursor:
        temp_table(cursor, _RAISING, (*columns, ("detail", "text")))
        copy_rows(
            cursor,
            _RAISING,
            ["position", "subject_id", "unit_id", "due_on", "detail"],
            ((n, subject_id, due.unit_id, due.due_on, due.detail) for n, (subject_id, due) in enumerate(new)),
        )
        ctes, params = insert_ctes(
            FollowUp,
            name="raised",
            values={
                "kind": "CAST(%(raised_kind)s AS text)",
                field: "subject_id",
                "unit_id": "unit_id",
                "due_on": "due_on",
                "detail": "detail",
            },
            source=f"FROM {_RAISING} ORDER BY position",
            stamp=stamp,
            skip_conflicts=True,
        )
        cursor.execute(f"WITH {', '.join(ctes)} SELECT count(*) FROM raised", {**params, "raised_kind": kind})  # noqa: S608
        (raised,) = cursor.fetchone()
        cursor.execute(f"DROP TABLE {_RAISING}")
    return raised


def _on_register(today: datetime.date):
    """Entries that put a person on a register on ``today`` (entered, not exited, window not yet past)."""
    return (
        RegistryEntry.objects.active(today)
        .filter(person__isnull=False)
        .filter(Q(window_ends_on__isnull=True) | Q(window_ends_on__gte=today))
    )


def contacts_due(*, today: datetime.date, person_ids: Collection[int] | None = None) -> dict[int, Due]:
    """People on a register with a contact duty (``needs_contact``) whose contact is due on ``today``:

    - the latest contact set a next follow-up on or before ``today``; or
    - nobody has contacted them for more than CONTACT_DUE_DAYS days since they entered the register (never
      contacted, or the last contact is older; the register page calls these "overdue").

    The due date is the earlier of the two dates, never before the day they entered the register (the earliest
    such entry: its community shows the item). One query over the entries, each with the person's latest contact
    (per person, three correlated lookups of their entries made an import of 100,000 people wait seconds). Whether
    a person is due is decided on their earliest entry, and an entry that passes the filter is never earlier than
    the person's earliest one that does: the first row of each person is the one to read."""
    cutoff = today - datetime.timedelta(days=CONTACT_DUE_DAYS)
    latest = Contact.objects.filter(person=OuterRef("person_id"), contacted_on__lte=today).order_by(
        "-contacted_on", "-created_at"
    )
    entries = _on_register(today).filter(register__needs_contact=True)
    if person_ids is not None:
        entries = entries.filter(person_id__any=list(person_ids))
    rows = (
        entries.annotate(
            last_on=Subquery(latest.values("contacted_on")[:1]),
            next_on=Subquery(latest.values("next_follow_up_on")[:1]),
        )
        .filter(Q(next_on__lte=today) | Q(entered_on__lt=cutoff) & (Q(last_on__isnull=True) | Q(last_on__lt=cutoff)))
        .order_by("person_id", "entered_on", "pk")
        .values_list("person_id", "unit_id", "entered_on", "last_on", "next_on")
    )
    due = {}
    for pk, unit_id, entered, last_on, next_on in rows.iterator(chunk_size=2000):
        if pk in due:  # a later entry of the same person
            continue
        candidates = [max(entered, last_on or entered) + datetime.timedelta(days=CONTACT_DUE_DAYS)]
        if next_on is not None:
            candidates.append(next_on)
        due[pk] = Due(unit_id, max(min(candidates), entered))
    return due


def residence_eligible(
    *, today: datetime.date, rules: dict | None = None, person_ids: Collection[int] | None = None
) -> dict[int, Due]:
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
            _only(Person.objects.all(), person_ids)
            .filter(residence_unit__city_code=city_code, resident_since__lte=latest_start)
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


def windows_closing(*, today: datetime.date, person_ids: Collection[int] | None = None) -> dict[int, Due]:
    """People with an open register entry whose window ends within WINDOW_CLOSING_DAYS days of ``today``
    (the earliest such entry per person), due on the window's last day."""
    horizon = today + datetime.timedelta(days=WINDOW_CLOSING_DAYS)
    rows = (
        RegistryEntry.objects.filter(
            **({"person_id__any": list(person_ids)} if person_ids is not None else {}),
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


def households_fallen_back(*, today: datetime.date, household_ids: Collection[int] | None = None) -> dict[int, Due]:
    """Zero-employment households that fell back (a member's job ended), due on the day they fell back."""
    fallen = Household.objects.filter(is_zero_employment=True, fell_back_on__isnull=False, fell_back_on__lte=today)
    if household_ids is not None:
        fallen = fallen.filter(pk__any=list(household_ids))
    return {
        pk: Due(unit_id, fell_back_on)
        for pk, unit_id, fell_back_on in fallen.values_list("pk", "unit_id", "fell_back_on")
    }


def change_requests_waiting(*, today: datetime.date, person_ids: Collection[int] | None = None) -> dict[int, Due]:
    """People with a change request waiting for a caseworker, due on the day the oldest was asked."""
    rows = ChangeRequest.objects.waiting()
    if person_ids is not None:
        rows = rows.filter(person_id__any=list(person_ids))
    due = {}
    for person_id, unit_id, raised_at, kind in rows.order_by("raised_at").values_list(
        "person_id", "person__residence_unit", "raised_at", "kind"
    ):
        if person_id not in due:
            label = ChangeRequest.Kind(kind).label
            due[person_id] = Due(unit_id, timezone.localdate(raised_at), str(label))
    return due


def account_changes_pending(*, today: datetime.date, person_ids: Collection[int] | None = None) -> dict[int, Due]:
    """People whose new bank account waits for a second confirmation, due on the day it was changed."""
    rows = AccountChange.objects.pending().filter(person__isnull=False)
    if person_ids is not None:
        rows = rows.filter(person_id__any=list(person_ids))
    return {
        person_id: Due(unit_id, timezone.localdate(made_at))
        for person_id, unit_id, made_at in rows.values_list("person_id", "unit_id", "made_at")
    }


# The worklist kinds about a person, each with what makes it due; higher apps add theirs
# (``CASEWORK_FOLLOW_UP_SOURCES``).
PERSON_KINDS = {
    FollowUp.Kind.CONTACT_DUE: contacts_due,
    FollowUp.Kind.RESIDENCE_ELIGIBLE: residence_eligible,
    FollowUp.Kind.WINDOW_CLOSING: windows_closing,
    FollowUp.Kind.CHANGE_REQUEST: change_requests_waiting,
    FollowUp.Kind.ACCOUNT_CONFIRM: account_changes_pending,
}


# Items that stand for a decision someone waits for (a change request, an account to confirm, a grant to review):
# open exactly while it waits, raised again whenever it waits again, whatever was closed before.
WAITING_DECISION_KINDS = frozenset(
    {FollowUp.Kind.CHANGE_REQUEST, FollowUp.Kind.ACCOUNT_CONFIRM, FollowUp.Kind.GRANT_REVIEW}
)


def person_kinds() -> dict:
    return {
        **PERSON_KINDS,
        **{kind: import_string(path) for kind, path in settings.CASEWORK_FOLLOW_UP_SOURCES.items()},
    }


# Inside ``deferred()``: the people and households the writes touched, refreshed once when the block ends.
_deferred: ContextVar[tuple[set, set] | None] = ContextVar("follow_ups_deferred", default=None)


@contextmanager
def deferred():
    """Many writes in a row (the demo's households, one after the other): each write's refresh only notes whom it
    touched, and one refresh of all of them runs when the block ends, in its transaction. The same open items as
    refreshing after every write; fewer raised-and-closed rows on the way."""
    if _deferred.get() is not None:  # already deferring: the outer block refreshes
        yield
        return
    token = _deferred.set((set(), set()))
    try:
        yield
        person_ids, household_ids = _deferred.get()
    finally:
        _deferred.reset(token)
    refresh(person_ids=person_ids, household_ids=household_ids)


def refresh(
    *,
    person_ids: Collection[int] = (),
    household_ids: Collection[int] = (),
    today: datetime.date | None = None,
    reason: str = "closed: no longer due",
) -> dict:
    """After a write about these people and households: raise what became due and close what no longer is, now,
    in the caller's transaction (the nightly jobs stay the catch-up for what time alone changes)."""
    person_ids, household_ids = set(person_ids) - {None}, set(household_ids) - {None}
    if (pending := _deferred.get()) is not None and today is None:
        pending[0].update(person_ids)
        pending[1].update(household_ids)
        return {}
    today, now = today or timezone.localdate(), timezone.now()
    counts = {}
    with transaction.atomic():
        if person_ids:
            for kind, due in person_kinds().items():
                wanted = due(today=today, person_ids=person_ids)
                counts[kind] = sync(kind=kind, subject="person", wanted=wanted, now=now, only=person_ids, reason=reason)
        if household_ids:
            wanted = households_fallen_back(today=today, household_ids=household_ids)
            counts[FollowUp.Kind.FELL_BACK] = sync(
                kind=FollowUp.Kind.FELL_BACK,
                subject="household",
                wanted=wanted,
                now=now,
                only=household_ids,
                reason=reason,
            )
    return counts
