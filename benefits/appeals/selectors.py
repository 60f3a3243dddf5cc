"""Reads of review requests and complaints: scoped lists and details for staff (404 for missing and not theirs
alike), the applicant's own, and the complaints report per unit."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import users_with_role_over

from ..applications.selectors import own_records
from ..catalogue.selectors import params_for_city
from ..models import Appeal, AppealDocument, Application, Complaint

APPEAL_DEADLINE_DAYS = "national.appeal_deadline_days"
DEFAULT_APPEAL_DAYS = 60  # when the parameter has no value on the day (it has one from 2017: parameters.yaml)


def appeal_deadline(application: Application) -> datetime.date | None:
    """The last day to ask for a review of the application's decision (None: nothing to review). The days count
    from the decision's date, the date of the decision notice (parameter ``national.appeal_deadline_days``, in
    force on that date)."""
    if application.state != Application.State.REJECTED or application.decided_on is None:
        return None
    days = params_for_city(city=application.program.city).value(APPEAL_DEADLINE_DAYS, application.decided_on)
    days = DEFAULT_APPEAL_DAYS if days is None else int(days)
    return application.decided_on + datetime.timedelta(days=days)


def can_appeal(application: Application, on: datetime.date) -> tuple[bool, str]:
    """Whether the application's decision can be asked to be reviewed on ``on``, and why not."""
    deadline = appeal_deadline(application)
    if deadline is None:
        return False, _("Only a rejected application can be reviewed.")
    if on > deadline:
        return False, _("The time to ask for a review ended on %(date)s.") % {"date": deadline.isoformat()}
    if (
        Appeal.objects.filter(application=application, decision_on=application.decided_on)
        .exclude(status=Appeal.Status.WITHDRAWN)
        .exists()
    ):
        return False, _("A review of this decision has already been asked for.")
    return True, ""


def review_right(application: Application, on: datetime.date) -> dict:
    """What the applicant is told about reviewing the application's decision: whether they may ask on ``on``,
    until when, why not, and their latest request (id, status) if any."""
    allowed, why_not = can_appeal(application, on)
    latest = application.appeals.order_by("-filed_at", "-pk").first()
    return {
        "may_ask": allowed,
        "deadline": appeal_deadline(application),
        "why_not": "" if allowed or appeal_deadline(application) is None else why_not,
        "appeal": None
        if latest is None
        else {"id": latest.pk, "status": latest.status, "status_label": str(latest.get_status_display())},
    }


_APPEAL_RELATED = (
    "application",
    "application__program",
    "person",
    "organization",
    "unit",
    "filed_by",
    "decision_by",
    "reviewed_by",
)
_DOCUMENTS = Prefetch("documents", queryset=AppealDocument.objects.order_by("uploaded_at", "pk"))


def appeal_list(*, user, status: str = ""):
    """The review requests of the user's area, those waiting first, oldest first among them."""
    appeals = Appeal.objects.visible_to(user).select_related(*_APPEAL_RELATED).prefetch_related(_DOCUMENTS)
    if status:
        appeals = appeals.filter(status=status)
    return (
        appeals.order_by("filed_at", "pk") if status == Appeal.Status.PENDING else appeals.order_by("-filed_at", "-pk")
    )


def appeal_get_for_user(*, user, appeal_id: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.visible_to(user).select_related(*_APPEAL_RELATED).prefetch_related(_DOCUMENTS), pk=appeal_id
    )


def my_appeal_list(*, user, application_id: int | None = None):
    appeals = own_records(Appeal.objects.all(), user).select_related(*_APPEAL_RELATED).prefetch_related(_DOCUMENTS)
    if application_id is not None:
        appeals = appeals.filter(application_id=application_id)
    return appeals.order_by("-filed_at", "-pk")


def my_appeal_get(*, user, appeal_id: int) -> Appeal:
    return get_object_or_404(my_appeal_list(user=user), pk=appeal_id)


def document_of(appeal: Appeal, document_id: int) -> AppealDocument:
    return get_object_or_404(appeal.documents, pk=document_id)


_COMPLAINT_RELATED = ("person", "organization", "unit", "owner", "filed_by", "closed_by")


def complaint_list(*, user, status: str = "", overdue_on: datetime.date | None = None, owner=None):
    """The complaints of the user's area, the earliest due first. ``overdue_on``: open ones past due that day."""
    complaints = Complaint.objects.visible_to(user).select_related(*_COMPLAINT_RELATED)
    if status:
        complaints = complaints.filter(status=status)
    if overdue_on is not None:
        complaints = complaints.overdue(overdue_on)
    if owner is not None:
        complaints = complaints.filter(owner=owner)
    return complaints.order_by("status", "due_on", "pk")


def complaint_get_for_user(*, user, complaint_id: int) -> Complaint:
    return get_object_or_404(Complaint.objects.visible_to(user).select_related(*_COMPLAINT_RELATED), pk=complaint_id)


def complaint_owner_get(*, complaint: Complaint, owner_id: int):
    """The user ``owner_id`` if they may own ``complaint`` (a caseworker or supervisor of its unit or above), else
    None: which other users exist is nobody's business here."""
    roles = (Role.CASEWORKER, Role.SUPERVISOR)
    return users_with_role_over(unit=complaint.unit, role=roles).filter(pk=owner_id).first()


def my_complaint_list(*, user):
    return own_records(Complaint.objects.all(), user).select_related("unit").order_by("-filed_at", "-pk")


def my_complaint_get(*, user, complaint_id: int) -> Complaint:
    return get_object_or_404(my_complaint_list(user=user), pk=complaint_id)


def complaint_report(*, user, today: datetime.date) -> list[dict]:
    """Open, overdue (open and past due on ``today``) and closed complaints per unit of the user's area (one
    query), with the totals last."""
    rows = list(
        Complaint.objects.visible_to(user)
        .values("unit_id", "unit__name")
        .annotate(
            open=Count("pk", filter=Q(status=Complaint.Status.OPEN)),
            overdue=Count("pk", filter=Q(status=Complaint.Status.OPEN, due_on__lt=today)),
            closed=Count("pk", filter=Q(status=Complaint.Status.CLOSED)),
        )
        .order_by("unit__name", "unit_id")
    )
    return rows
