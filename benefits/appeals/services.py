"""Review requests (复核申请) and complaints (投诉/意见): every write.

A review request is filed by the applicant (or by staff on their behalf) against a rejected application, within
``national.appeal_deadline_days`` (60) days of the decision notice's date. It is decided by a supervisor of the
application's unit or above who took no part in the decision under review (who created, submitted, recommended,
first-approved or decided it): upheld, or overturned with a written reason. An overturned rejection sends the
application back to "recommended", where the supervisors decide it anew through ``application_approve`` /
``application_reject`` with all their checks: a review never creates a grant itself.

A complaint gets an owner on the staff and a due date in working days (``national.complaint_answer_working_days``,
the project's calendar); ``complaints_escalate`` (nightly) tells the supervisors over its unit once when it is past
due and still open."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import users_with_role_over
from accounts.services import notifications_resolve, notify_by_sms, notify_staff
from casework.permissions import can_edit_in_unit
from casework.services import check_not_merged
from casework.workdays import add_working_days
from core.errors import Conflict, PermissionDenied, require
from core.uploads import checked_document, stored_name

from ..applications import services as workflow
from ..catalogue.selectors import params_for_city
from ..models import Appeal, AppealDocument, Application, Complaint
from .selectors import appeal_deadline, can_appeal

State = Application.State
COMPLAINT_WORKING_DAYS = "national.complaint_answer_working_days"
# Used when the parameter has no value on the day (it always has one from 2017: fixtures/policy/parameters.yaml).
DEFAULT_COMPLAINT_DAYS = 10
TEXT_MAX_LENGTH = workflow.NOTE_MAX_LENGTH


def _parameter(code: str, city: str, on: datetime.date, default: int) -> int:
    value = params_for_city(city=city).value(code, on)
    return default if value is None else int(value)


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError({field: _("At most %(count)s characters.") % {"count": TEXT_MAX_LENGTH}})
    return value


def _party_check(actor, unit, party) -> None:
    """The applicant for their own party; staff who keep the unit's records."""
    if actor.is_applicant:
        if party is None or party.account_id != actor.pk:
            raise PermissionDenied(_("An applicant acts only on their own records."))
        return
    require(can_edit_in_unit(actor, unit))


# --- Review requests ---------------------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, actor, application: Application, reasons: str, on: datetime.date | None = None) -> Appeal:
    """A review request against ``application``'s rejection, by its applicant (or staff of its unit for them)."""
    on = on or timezone.localdate()
    reasons = _text(reasons, "reasons", _("Say why the decision should be reviewed."))
    application = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
    _party_check(actor, application.unit, application.party)
    check_not_merged(application.person)
    require(can_appeal(application, on))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                application=application,
                person=application.person,
                organization=application.organization,
                unit=application.unit,
                reasons=reasons,
                decision_on=application.decided_on,
                decision_by=application.decided_by,
                deadline=appeal_deadline(application),
                filed_by=actor,
            )
    except IntegrityError as error:  # two requests at the same moment
        raise Conflict(_("A review of this decision has already been asked for.")) from error
    notify_staff(
        users=users_with_role_over(unit=appeal.unit, role=Role.SUPERVISOR).exclude(pk=application.decided_by_id),
        subject=_("Review requested: %(name)s") % {"name": f"{application.party} · {application.program.name_zh}"},
        link=reverse("benefits:appeal-detail", args=[appeal.pk]),
        pending=f"appeal:{appeal.pk}:review",
    )
    return appeal


def _locked(appeal: Appeal, *allowed: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("application", "application__program").get(pk=appeal.pk)
    if appeal.status not in allowed:
        raise Conflict(
            _("This review request is %(status)s: it cannot be changed that way.")
            % {"status": appeal.get_status_display()}
        )
    return appeal


@transaction.atomic
def appeal_document_add(*, actor, appeal: Appeal, upload, label: str = "") -> AppealDocument:
    """A document for a pending review request (PDF, JPEG or PNG; the type from its bytes; the size limited)."""
    label = (label or "").strip() or Path(upload.name or "").stem
    if not label:
        raise ValidationError({"label": _("Say which document this is.")})
    content_type, sha256 = checked_document(upload)
    appeal = _locked(appeal, Appeal.Status.PENDING)
    _party_check(actor, appeal.unit, appeal.person or appeal.organization)
    check_not_merged(appeal.person)
    document = AppealDocument(
        appeal=appeal,
        label=label[:255],
        original_name=Path(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    document.file.save(stored_name(content_type), upload, save=False)
    document.save()
    return document


@transaction.atomic
def appeal_withdraw(*, actor, appeal: Appeal) -> Appeal:
    """The applicant no longer wants the review (while it waits); they may ask again within the period."""
    appeal = _locked(appeal, Appeal.Status.PENDING)
    _party_check(actor, appeal.unit, appeal.person or appeal.organization)
    appeal.status = Appeal.Status.WITHDRAWN
    appeal._change_reason = "withdrawn"
    appeal.save(update_fields=["status"])
    notifications_resolve(pending=f"appeal:{appeal.pk}:review")
    return appeal


def can_review(actor, appeal: Appeal) -> tuple[bool, str]:
    """A supervisor of the application's unit or above who took no part in the decision under review."""
    application = appeal.application
    if not has_role(actor, Role.SUPERVISOR, appeal.unit):
        return False, _("Only a supervisor of this unit or a unit above it can decide a review.")
    took_part = {
        appeal.decision_by_id,
        application.decided_by_id,
        application.first_approved_by_id,
        application.recommended_by_id,
        application.submitted_by_id,
        application.created_by_id,
    }
    if actor.pk in took_part:
        return False, _("You took part in the decision under review: another supervisor must review it.")
    return True, ""


def _review(actor, appeal: Appeal, reason: str, status: str, on: datetime.date | None) -> Appeal:
    reason = _text(reason, "reason", _("Give the reason of the review."))
    appeal = _locked(appeal, Appeal.Status.PENDING)
    require(can_review(actor, appeal))
    appeal.status, appeal.reviewed_by, appeal.reviewed_on = status, actor, on or timezone.localdate()
    appeal.review_reason = reason
    appeal._change_reason = status
    appeal.save(update_fields=["status", "reviewed_by", "reviewed_on", "review_reason"])
    notifications_resolve(pending=f"appeal:{appeal.pk}:review")
    return appeal


def _tell_applicant(appeal: Appeal) -> None:
    application = appeal.application
    phone = application.person.phone if application.person_id else application.organization.contact_phone
    if phone:
        notify_by_sms(
            number=phone,
            text=_("Your review request No. %(number)s: %(status)s.")
            % {"number": appeal.pk, "status": appeal.get_status_display()},
        )


@transaction.atomic
def appeal_uphold(*, actor, appeal: Appeal, reason: str, on: datetime.date | None = None) -> Appeal:
    """The rejection stands, for the reason given (the applicant is told it)."""
    appeal = _review(actor, appeal, reason, Appeal.Status.UPHELD, on)
    workflow.note_record(appeal.application, actor, "review upheld", appeal.review_reason, for_applicant=True)
    _tell_applicant(appeal)
    return appeal


@transaction.atomic
def appeal_overturn(*, actor, appeal: Appeal, reason: str, on: datetime.date | None = None) -> Appeal:
    """The rejection is set aside: the application goes back to "recommended" (its decision, decider and first
    approval cleared), so the supervisors decide it anew through the normal approval, with its four-eyes checks,
    rules and second approval. Nothing is granted here."""
    appeal = _review(actor, appeal, reason, Appeal.Status.OVERTURNED, on)
    application = Application.objects.select_for_update().get(pk=appeal.application_id)
    if application.state != State.REJECTED:
        raise Conflict(_("The application is no longer rejected: there is nothing to set aside."))
    application.state = State.RECOMMENDED
    application.decided_by = application.decided_on = application.decision = None
    application.first_approved_by = application.first_approval = None
    application.decision_note = ""
    fields = ["state", "decided_by", "decided_on", "decision", "first_approved_by", "first_approval", "decision_note"]
    workflow.save_step(application, fields, "reopened on review")  # tells the supervisors it waits for their decision
    workflow.note_record(application, actor, "reopened on review", appeal.review_reason, for_applicant=True)
    _tell_applicant(appeal)
    return appeal


# The actions on a review request by name (the API's and the console's one dispatch), with their inputs.
APPEAL_ACTIONS = {
    "uphold": (appeal_uphold, ("reason",)),
    "overturn": (appeal_overturn, ("reason",)),
}
MY_APPEAL_ACTIONS = {"withdraw": (appeal_withdraw, ())}


# --- Complaints --------------------------------------------------------------------------------------------------


def complaint_due_on(*, city: str, received_on: datetime.date) -> datetime.date:
    days = _parameter(COMPLAINT_WORKING_DAYS, city, received_on, DEFAULT_COMPLAINT_DAYS)
    return add_working_days(received_on, days)


@transaction.atomic
def complaint_file(
    *,
    actor,
    category: str,
    subject: str,
    text: str,
    kind: str = Complaint.Kind.COMPLAINT,
    person=None,
    organization=None,
    on: datetime.date | None = None,
) -> Complaint:
    """A complaint or suggestion of ``person`` or ``organization``, in the party's unit: from the applicant in the
    portal (no owner yet: the unit's caseworkers are told), or taken down by staff (who own it)."""
    if (person is None) == (organization is None):
        raise ValidationError({"person": _("A complaint is from one person or one organization.")})
    if category not in Complaint.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    if kind not in Complaint.Kind.values:
        raise ValidationError({"kind": _("Choose complaint or suggestion.")})
    subject = _text(subject, "subject", _("Give the complaint a subject."))[:200]
    text = _text(text, "text", _("Say what happened."))
    party = person or organization
    unit = person.residence_unit if person is not None else organization.unit
    _party_check(actor, unit, party)
    check_not_merged(person)
    on = on or timezone.localdate()
    complaint = Complaint(
        person=person,
        organization=organization,
        unit=unit,
        kind=kind,
        category=category,
        subject=subject,
        text=text,
        owner=None if actor.is_applicant else actor,
        received_on=on,
        due_on=complaint_due_on(city=unit.city_code, received_on=on),
        filed_by=actor,
    )
    complaint._change_reason = "received"
    complaint.save()
    if actor.is_applicant:
        notify_staff(
            users=users_with_role_over(unit=unit, role=Role.CASEWORKER),
            subject=_("A complaint to answer by %(date)s: %(subject)s")
            % {"date": complaint.due_on.isoformat(), "subject": subject},
            link=reverse("benefits:complaint-detail", args=[complaint.pk]),
            pending=f"complaint:{complaint.pk}:assign",
        )
    return complaint


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, owner) -> Complaint:
    """Give an open complaint an owner: a caseworker or supervisor who may act on its unit."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint is closed."))
    require(can_edit_in_unit(actor, complaint.unit))
    if owner is None or not (
        has_role(owner, Role.CASEWORKER, complaint.unit) or has_role(owner, Role.SUPERVISOR, complaint.unit)
    ):
        raise ValidationError({"owner": _("Choose a caseworker or supervisor of this complaint's unit.")})
    complaint.owner = owner
    complaint._change_reason = "assigned"
    complaint.save(update_fields=["owner"])
    notifications_resolve(pending=f"complaint:{complaint.pk}:assign")
    if owner.pk != actor.pk:
        notify_staff(
            users=[owner],
            subject=_("A complaint to answer by %(date)s: %(subject)s")
            % {"date": complaint.due_on.isoformat(), "subject": complaint.subject},
            link=reverse("benefits:complaint-detail", args=[complaint.pk]),
        )
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, reply: str) -> Complaint:
    """Answer the complaint and close it (the answer is what the complainant reads)."""
    reply = _text(reply, "reply", _("Write the answer to the complainant."))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint is closed."))
    require(can_edit_in_unit(actor, complaint.unit))
    complaint.status, complaint.reply = Complaint.Status.CLOSED, reply
    complaint.closed_by, complaint.closed_at = actor, timezone.now()
    complaint.owner = complaint.owner or actor
    complaint._change_reason = "closed"
    complaint.save(update_fields=["status", "reply", "closed_by", "closed_at", "owner"])
    notifications_resolve(pending=f"complaint:{complaint.pk}:assign")
    return complaint


def complaints_escalate(*, today: datetime.date | None = None) -> int:
    """Tell the supervisors over each open complaint past its due day, once: each row is claimed by a conditional
    update in its own transaction, so a second run (or two workers) tells nobody twice."""
    today = today or timezone.localdate()
    told = 0
    for pk in Complaint.objects.overdue(today).filter(escalated_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            if not Complaint.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=timezone.now()):
                continue
            complaint = Complaint.objects.select_related("unit", "owner").get(pk=pk)
            notify_staff(
                users=users_with_role_over(unit=complaint.unit, role=Role.SUPERVISOR),
                subject=_("Complaint overdue since %(date)s: %(subject)s")
                % {"date": complaint.due_on.isoformat(), "subject": complaint.subject},
                link=reverse("benefits:complaint-detail", args=[complaint.pk]),
                key=f"complaint:{complaint.pk}:overdue",
            )
            told += 1
    return told


def _assign(*, actor, complaint: Complaint, owner=None) -> Complaint:
    return complaint_assign(actor=actor, complaint=complaint, owner=owner or actor)


# The staff's actions on a complaint by name: ``take`` assigns it to oneself; ``close`` answers it.
COMPLAINT_ACTIONS = {
    "take": (_assign, ()),
    "close": (complaint_close, ("reply",)),
}
