"""Applications and what an approval grants: the application workflow's record, its evidence, the entitlement
and an enterprise's yearly cap usage."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .base import PartyRecord, workflow_actor
from .catalogue import Program


class ApplicationQuerySet(ScopedQuerySet):
    def waiting_for_decision(self):
        return self.filter(state=Application.State.RECOMMENDED)


class Application(PartyRecord):
    """A request for one program by one party (a person or an organization), taken by a caseworker or by the
    applicant. Its ``state`` changes only through the services of ``benefits.applications.services``, each a
    transition of the workflow: draft → submitted → recommended → approved | rejected; returned → submitted;
    withdrawn. ``facts`` holds what the caseworker verified from the evidence and the records do not carry (the
    business, the lease, the training, the organization's hires …), in the facts format of docs/facts.md."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RECOMMENDED = "recommended", _("Recommended")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for more evidence")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False)
    requested_start = models.DateField(_("requested start"))
    facts = models.JSONField(_("verified facts"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = workflow_actor(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    recommended_by = workflow_actor(_("recommended by"))
    first_approved_by = workflow_actor(_("first approval by"))
    first_approval = models.JSONField(
        _("terms of the first approval"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("What the first of two supervisors approved; the second confirms exactly these terms."),
    )
    decided_by = workflow_actor(_("decided by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decision = models.JSONField(_("rule decision at decision time"), null=True, blank=True, editable=False)
    override_reason = models.TextField(_("override reason"), blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            *PartyRecord.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="application_unit_state"),
            models.Index(fields=["state", "submitted_at"], name="application_queue"),
        ]

    def __str__(self):
        return f"{self.program.code} · {self.person or self.organization}"

    @property
    def party(self):
        return self.person or self.organization

    @property
    def public_status(self) -> str:
        """What the applicant is told: the internal steps (submitted, recommended, a first approval) are one
        "under review"."""
        return PUBLIC_STATUS[self.state]


# The applicant-facing status (code and words) of each internal state.
PUBLIC_CODE = {
    Application.State.DRAFT: "preparing",
    Application.State.SUBMITTED: "under_review",
    Application.State.RECOMMENDED: "under_review",
    Application.State.RETURNED: "documents_needed",
    Application.State.APPROVED: "approved",
    Application.State.REJECTED: "not_approved",
    Application.State.WITHDRAWN: "withdrawn",
}
PUBLIC_STATUS = {
    Application.State.DRAFT: _("Being prepared"),
    Application.State.SUBMITTED: _("Under review"),
    Application.State.RECOMMENDED: _("Under review"),
    Application.State.RETURNED: _("More documents needed"),
    Application.State.APPROVED: _("Approved"),
    Application.State.REJECTED: _("Not approved"),
    Application.State.WITHDRAWN: _("Withdrawn"),
}


class Period(models.TextChoices):
    """How often a grant pays (the rules' ``period``)."""

    ONCE = "once", _("One-time")
    DAY = "day", _("Per day")
    MONTH = "month", _("Per month")
    QUARTER = "quarter", _("Per quarter")
    YEAR = "year", _("Per year")


class Entitlement(PartyRecord):
    """What an approval grants: the program, the beneficiary, from when to when (the rule's period limit), how
    much per period. The database keeps the grants the rules allow only once: a one-time program at most once per
    beneficiary and family, and at most one active periodic grant of a family per person."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="entitlement"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")
    family = models.CharField(_("family"), max_length=64)
    once = models.BooleanField(_("one-time grant"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end (last day)"), null=True, blank=True)
    amount_per_period = models.DecimalField(
        _("amount per period"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, blank=True)
    max_periods = models.PositiveIntegerField(_("number of periods"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, editable=False)
    status_reason = models.CharField(_("status reason"), max_length=255, blank=True, editable=False)
    pay_from = models.DateField(
        _("paid again from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Periods starting before this day are not paid: the grant was suspended until then."),
    )
    back_pay_released_by = workflow_actor(_("back-pay released by"))
    holds_while_on = models.JSONField(
        _("holds while on registers"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The registers the grant rests on (the rule's): suspended when the person leaves them all."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("approved on"))

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "family"],
                condition=Q(once=True, person__isnull=False) & ~Q(status="terminated"),
                name="entitlement_once_per_person_family",
            ),
            models.UniqueConstraint(
                fields=["organization", "family"],
                condition=Q(once=True, organization__isnull=False) & ~Q(status="terminated"),
                name="entitlement_once_per_organization_family",
            ),
            models.UniqueConstraint(
                fields=["person", "family"],
                condition=Q(once=False, person__isnull=False, status="active"),
                name="entitlement_one_active_per_person_family",
            ),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="entitlement_dates"),
            models.CheckConstraint(
                condition=Q(amount_per_period__isnull=True) | Q(amount_per_period__gte=0),
                name="entitlement_amount_not_negative",
            ),
            *PartyRecord.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["status", "end"], name="entitlement_status_end"),
            models.Index(fields=["unit", "status"], name="entitlement_unit_status"),
        ]

    def __str__(self):
        return f"{self.program.code} · {self.person or self.organization} · {self.start}"


def _evidence_path(evidence, filename: str) -> str:
    """A name the server makes up (the applicant's file name is kept only as a label)."""
    return f"evidence/{evidence.application_id}/{uuid.uuid4().hex}{Path(filename).suffix}"


class Evidence(models.Model):
    """A document attached to an application (PDF, JPEG or PNG), its type checked from its bytes. Stored under the
    upload directory, never served by URL: only ``…/evidence/<id>/`` streams it after the scoping check."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="evidence"
    )
    label = models.CharField(_("document"), max_length=255)
    checklist_item = models.CharField(
        _("checklist item"),
        max_length=255,
        blank=True,
        help_text=_("The item of the program's evidence list this document satisfies (blank: another document)."),
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=255)
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
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.application_id} · {self.label}"


class ApplicationNote(models.Model):
    """One note written on an application: at a step of the workflow (the note of a recommendation, a return, a
    decision) or on its own. Notes are only ever added, never changed or overwritten: the application's timeline
    lists them with who wrote them and when; those meant for the applicant (a return's, a decision's) also show in
    the portal."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notes"
    )
    step = models.CharField(_("step"), max_length=64, help_text=_("the workflow step the note was written at"))
    text = models.TextField(_("note"))
    for_applicant = models.BooleanField(_("shown to the applicant"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application note")
        verbose_name_plural = _("application notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="application_note_time")]

    def __str__(self):
        return f"{self.application_id} · {self.step}"


class YearlyCapUsage(models.Model):
    """How much of a per-beneficiary, per-calendar-year cap the entitlements granted so far use (大连（六）: 对创业实体
    的社保补贴每户每年最多给予10万元). Approvals add to ``used_cny`` with a conditional update; the check constraint
    keeps the total under the cap even when two approvals race."""

    organization = models.ForeignKey(
        "casework.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    cap_code = models.CharField(_("cap parameter"), max_length=128)
    year = models.PositiveSmallIntegerField(_("year"))
    cap_cny = models.DecimalField(_("cap"), max_digits=14, decimal_places=2)
    used_cny = models.DecimalField(_("used"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("yearly cap usage")
        verbose_name_plural = _("yearly cap usage")
        constraints = [
            models.UniqueConstraint(fields=["organization", "cap_code", "year"], name="cap_usage_once"),
            models.CheckConstraint(
                condition=Q(used_cny__gte=0) & Q(used_cny__lte=F("cap_cny")), name="cap_usage_within_cap"
            ),
        ]

    def __str__(self):
        return f"{self.organization_id} · {self.cap_code} · {self.year}: {self.used_cny}/{self.cap_cny}"
