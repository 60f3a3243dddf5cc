"""Reads of applications and grants: scoped lists and details for staff, the applicant's own in the portal,
the time limits to decide, and an application's documents."""

import datetime

from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import ServiceUnit
from casework.models import Register
from casework.workdays import add_working_days

from ..models import (
    PUBLIC_CODE,
    PUBLIC_STATUS,
    Application,
    ApplicationNote,
    Entitlement,
    Evidence,
    ParameterValue,
)

_APPLICATION_RELATED = (
    "program",
    "person",
    "organization",
    "unit",
    "created_by",
    "submitted_by",
    "recommended_by",
    "first_approved_by",
    "decided_by",
    "entitlement",
)


_NOTES = Prefetch("notes", queryset=ApplicationNote.objects.select_related("author").order_by("created_at", "pk"))


def application_list(*, user, state: str = "", program: str = "", unit: ServiceUnit | None = None):
    """The applications of the user's area (a fixed number of queries whatever the page size); ``unit``: its
    subtree only."""
    applications = (
        Application.objects.visible_to(user).select_related(*_APPLICATION_RELATED).prefetch_related("evidence", _NOTES)
    )
    if state:
        applications = applications.filter(state=state)
    if program:
        applications = applications.filter(program__code=program)
    if unit is not None:
        applications = applications.filter(unit__path__startswith=unit.path)
    return applications.order_by("-created_at", "-pk")


def application_get_for_user(*, user, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(*_APPLICATION_RELATED).prefetch_related(_NOTES),
        pk=application_id,
    )


_ENTITLEMENT_RELATED = ("program", "person", "organization", "unit", "approved_by", "application")


def entitlement_list(
    *,
    user,
    status: str = "",
    program: str = "",
    unit: ServiceUnit | None = None,
    ending_by: datetime.date | None = None,
):
    """The grants of the user's area, those ending first on top (a fixed number of queries whatever the page
    size). ``ending_by``: active grants whose last day is on or before that day."""
    entitlements = Entitlement.objects.visible_to(user).select_related(*_ENTITLEMENT_RELATED)
    if status:
        entitlements = entitlements.filter(status=status)
    if program:
        entitlements = entitlements.filter(program__code=program)
    if unit is not None:
        entitlements = entitlements.filter(unit__path__startswith=unit.path)
    if ending_by:
        entitlements = entitlements.filter(status=Entitlement.Status.ACTIVE, end__lte=ending_by)
    return entitlements.order_by(F("end").asc(nulls_last=True), "-pk")


def entitlement_get_for_user(*, user, entitlement_id: int) -> Entitlement:
    return get_object_or_404(
        Entitlement.objects.visible_to(user).select_related(*_ENTITLEMENT_RELATED), pk=entitlement_id
    )


def register_names(*, codes) -> dict[str, str]:
    """Register code → its Chinese name, for the codes given."""
    return dict(Register.objects.filter(code__in=codes).values_list("code", "name_zh"))


def own_records(queryset, user):
    if not user.is_authenticated or not user.is_applicant:
        return queryset.none()
    return queryset.filter(Q(person__account=user) | Q(organization__account=user))


def my_application_list(*, user):
    """The applicant's own applications, newest first (nobody else's, whatever the id)."""
    return (
        own_records(Application.objects.all(), user)
        .select_related("program", "submitted_by", "entitlement")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def my_application_get(*, user, application_id: int) -> Application:
    return get_object_or_404(my_application_list(user=user), pk=application_id)


def my_entitlement_list(*, user):
    return own_records(Entitlement.objects.all(), user).select_related("program").order_by("-start", "-pk")


# The workflow's steps as the history records them (``services._save``'s change reasons), in the staff's words.
STEPS = {
    "created": gettext_lazy("Created"),
    "submitted": gettext_lazy("Submitted"),
    "recommended": gettext_lazy("Recommended"),
    "returned": gettext_lazy("Returned for more evidence"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "first approval": gettext_lazy("First approval"),
    "first approval replaced: other terms": gettext_lazy(
        "First approval void: approved again on other terms, which a different supervisor must confirm"
    ),
    "approved": gettext_lazy("Approved"),
    "approved with an override": gettext_lazy("Approved with an override"),
    "rejected": gettext_lazy("Rejected"),
    "reopened on review": gettext_lazy("Rejection set aside on review: to be decided anew"),
    "note": gettext_lazy("Note"),
}


def application_timeline(application: Application) -> list[dict]:
    """Every step of the application (from its history) and every note, oldest first: a note written at a step
    goes under that step (the latest of its kind before the note); a note on its own is a step of its own."""
    steps = [
        {
            "when": row.history_date,
            "who": row.history_user,
            "step": STEPS.get(reason, reason),
            "reason": reason,
            "notes": [],
        }
        for row in application.history.select_related("history_user").order_by("history_date", "history_id")
        for reason in [row.history_change_reason or ""]
    ]
    for note in application.notes.all():
        step = next(
            (s for s in reversed(steps) if s["reason"] == note.step and s["when"] <= note.created_at),
            None,
        )
        if step is None or note.step == "note":
            steps.append(
                {"when": note.created_at, "who": note.author, "step": STEPS["note"], "reason": "note", "notes": []}
            )
            step = steps[-1]
        step["notes"].append(note)
    return sorted(steps, key=lambda s: s["when"])


def public_timeline(application: Application) -> list[dict]:
    """The application's steps in the applicant's words: internal steps (recommended, a first approval) are one
    "under review", so a step shows only when what the applicant is told changes."""
    rows, last = [], None
    for when, state in application.history.order_by("history_date", "history_id").values_list("history_date", "state"):
        label = PUBLIC_STATUS[state]
        if label != last:
            rows.append({"date": when, "status": PUBLIC_CODE[state], "label": str(label), "note": ""})
            last = label
    for note in application.notes.filter(for_applicant=True).order_by("created_at", "pk"):
        row = next((row for row in reversed(rows) if row["date"] <= note.created_at), None)
        if row is not None:  # what the job centre told the applicant at that step (a return's, a decision's)
            row["note"] = f"{row['note']}\n{note.text}".strip()
    return rows


def processing_limits(*, on: datetime.date) -> dict[str, int]:
    """Working days a city gives itself to decide a complete application: its stated limit where a document sets
    one (大庆（十）: 2 working days), else ``CASEWORK_APPLICATION_WORKING_DAYS``."""
    limits = {}
    values = ParameterValue.objects.filter(
        parameter__code__endswith=".service_processing_max_working_days", valid_from__lte=on
    ).order_by("valid_from")
    for city, value in values.values_list("parameter__city", "value"):
        limits[city] = int(value) if value is not None else None
    return {city: days for city, days in limits.items() if days is not None}


def application_deadline(application, limits: dict[str, int]) -> datetime.date | None:
    """The last day to decide: the limit in working days from the day it was submitted (Chinese holidays off,
    adjusted working days on)."""
    if application.submitted_at is None:
        return None
    days = limits.get(application.program.city, settings.CASEWORK_APPLICATION_WORKING_DAYS)
    return add_working_days(timezone.localdate(application.submitted_at), days)


def evidence_of(application: Application, evidence_id: int) -> Evidence:
    """One of ``application``'s documents (404 when it has no such document)."""
    return get_object_or_404(application.evidence, pk=evidence_id)


def evidence_get_for_user(*, user, application_id: int, evidence_id: int) -> Evidence:
    """A document of an application the user may see (404 for missing and forbidden alike)."""
    return evidence_of(application_get_for_user(user=user, application_id=application_id), evidence_id)
