"""What an applicant can do about a decision or the service: a request to review a rejection (复核申请), with its
documents, and a complaint or suggestion (投诉/意见) with an owner and a time limit in working days."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .applications import Application
from .base import PartyRecord, workflow_actor


class Appeal(PartyRecord):
    """A request to review a rejected application, filed by the applicant within the review period
    (``national.appeal_deadline_days`` from the decision) with the reasons and documents. A supervisor who took no
    part in the decision upholds it or overturns it, with a written reason; an overturned rejection sends the
    application back to the supervisors' decision (``benefits.appeals.services``). ``status`` changes only there."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned: decided anew")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="appeals"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, editable=False
    )
    reasons = models.TextField(_("reasons for the review"))
    decision_on = models.DateField(_("date of the decision reviewed"), editable=False)
    decision_by = workflow_actor(_("decision reviewed taken by"))
    deadline = models.DateField(_("last day to ask for a review"), editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reviewed_by = workflow_actor(_("reviewed by"))
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True, editable=False)
    review_reason = models.TextField(_("reason of the review"), blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="pending"), name="appeal_one_pending_per_application"
            ),
            models.UniqueConstraint(
                fields=["application", "decision_on"],
                condition=~Q(status="withdrawn"),
                name="appeal_once_per_decision",
            ),
            *PartyRecord.Meta.constraints,
        ]
        indexes = [models.Index(fields=["unit", "status"], name="appeal_unit_status")]

    def __str__(self):
        return f"{self.application_id} · {self.get_status_display()}"


def _appeal_document_path(document, filename: str) -> str:
    return f"appeals/{document.appeal_id}/{uuid.uuid4().hex}{Path(filename).suffix}"


class AppealDocument(models.Model):
    """A document given with a review request (PDF, JPEG or PNG, its type checked from its bytes), stored under
    the upload directory and streamed only through the appeal's access function."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("review request"), on_delete=models.CASCADE, related_name="documents"
    )
    label = models.CharField(_("document"), max_length=255)
    file = models.FileField(_("file"), upload_to=_appeal_document_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("review document")
        verbose_name_plural = _("review documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.appeal_id} · {self.label}"


class ComplaintQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=Complaint.Status.OPEN)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class Complaint(PartyRecord):
    """A complaint or suggestion about the service (投诉/意见), from an applicant in the portal or taken down by
    staff. It has an owner on the staff who answers it by ``due_on`` (working days from the day it came in, the
    project's calendar); past that day the supervisors over its unit are told once (``escalated_at``)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    class Category(models.TextChoices):
        ATTITUDE = "attitude", _("Staff conduct")
        DELAY = "delay", _("Time taken")
        INFORMATION = "information", _("Information and guidance")
        PAYMENT = "payment", _("Payments")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Answered and closed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False)
    owner = workflow_actor(_("owner"))
    received_on = models.DateField(_("received on"), editable=False)
    due_on = models.DateField(_("answer due by"), editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    reply = models.TextField(_("answer"), blank=True, editable=False)
    closed_by = workflow_actor(_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    objects = ComplaintQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="complaint_due_after"),
            models.CheckConstraint(condition=Q(status="open") | ~Q(reply=""), name="complaint_closed_with_answer"),
            *PartyRecord.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="complaint_unit_status"),
            models.Index(fields=["status", "due_on"], name="complaint_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject}"
