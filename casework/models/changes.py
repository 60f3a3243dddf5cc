"""Changes to a person's record that the person asks for (信息变更申请) and the bank-account changes that wait for a
second look before any money goes to the new account.

A change request is what an applicant (in the portal) or a caseworker on their behalf asks to change, with the
values on file when it was asked, the reasons and evidence; a caseworker of the person's community verifies it and
applies it through the same services as a console edit (``casework.services_changes``), or refuses it with a
reason. Every change of a bank account on file (a request applied, or a console edit) opens an ``AccountChange``:
until a second staff member confirms it, or the applicant types the code sent to the phone on file before the
change, payment generation holds the party's payments (``benefits.payments``)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ServiceUnit
from core.actor import history_user

from ..identity import mask_account
from .people import Organization, Person, ScopedQuerySet


def _actor(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ChangeRequestQuerySet(ScopedQuerySet):
    def waiting(self):
        return self.filter(status=ChangeRequest.Status.SUBMITTED)


class ChangeRequest(models.Model):
    """A change to one person's record, asked by the person (portal) or by a caseworker for them. ``proposed``
    holds the values asked for (by field, as the forms clean them), ``on_file`` the same fields as they were when
    it was asked, ``applied`` what the caseworker finally wrote (they may correct a typo they verified). Status
    changes only in ``casework.services_changes``."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Mobile phone")
        BANK_ACCOUNT = "bank_account", _("Bank account for payments")
        ADDRESS = "address", _("Address or community of residence")
        EDUCATION = "education", _("Education and graduation")
        EMPLOYMENT = "employment", _("Employment status")
        HOUSEHOLD = "household", _("Household members")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a caseworker")
        APPLIED = "applied", _("Changed")
        REFUSED = "refused", _("Not changed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="change_requests"
    )
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what to change"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    proposed = models.JSONField(_("asked for"), default=dict)
    on_file = models.JSONField(_("on file when asked"), default=dict, editable=False)
    applied = models.JSONField(_("applied"), default=dict, editable=False)
    statement = models.TextField(_("reasons"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("raised by staff for the person"), default=False, editable=False)
    raised_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = _actor(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("reason given"), blank=True, editable=False)

    objects = ChangeRequestQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            # one open request per person and kind: a second one would race the first when applied
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(status="submitted"), name="change_one_open_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(status="withdrawn") | ~Q(decision_note=""),
                name="change_decided_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="change_unit_status"),
            models.Index(fields=["person", "status"], name="change_person_status"),
        ]

    def __str__(self):
        return f"{self.person_id} · {self.get_kind_display()} · {self.get_status_display()}"


def _change_document_path(document, filename: str) -> str:
    return f"changes/{document.change_request_id}/{uuid.uuid4().hex}{Path(filename).suffix}"


class ChangeRequestDocument(models.Model):
    """Evidence given with a change request (PDF, JPEG or PNG, the type checked from the bytes), streamed only
    through the request's access check."""

    change_request = models.ForeignKey(
        ChangeRequest, verbose_name=_("change request"), on_delete=models.CASCADE, related_name="documents"
    )
    label = models.CharField(_("document"), max_length=255)
    file = models.FileField(_("file"), upload_to=_change_document_path, max_length=255)
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
        verbose_name = _("change request document")
        verbose_name_plural = _("change request documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.change_request_id} · {self.label}"


class AccountChangeQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status=AccountChange.Status.PENDING)


class AccountChange(models.Model):
    """A bank account on file changed (from ``old_account`` to ``new_account``) by ``made_by``. Pending until a
    second staff member confirms it, or the person types the code sent to the phone on file before the change
    (``sms_phone``); a staff member who finds it wrong reverts it (the old account is written back). While it is
    pending, generation pays nothing to the party: the grants due get a held payment exception instead."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REVERTED = "reverted", _("Reverted: the old account restored")

    class Via(models.TextChoices):
        STAFF = "staff", _("by a second staff member")
        SMS = "sms", _("by the code sent to the phone on file")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_changes",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_changes",
    )
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+")
    old_account = models.CharField(_("previous account"), max_length=32, blank=True, editable=False)
    new_account = models.CharField(_("new account"), max_length=32, editable=False)
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="account_changes",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, editable=False
    )
    made_by = _actor(_("changed by"))
    made_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    confirmed_by = _actor(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_via = models.CharField(_("confirmed"), max_length=8, choices=Via.choices, blank=True, editable=False)
    reverted_by = _actor(_("reverted by"))
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True, editable=False)
    revert_reason = models.TextField(_("why it was reverted"), blank=True, editable=False)
    # the code sent to the phone on file before the change (its keyed digest only), and the tries at it
    sms_phone = models.CharField(_("code sent to"), max_length=11, blank=True, editable=False)
    sms_digest = models.CharField(max_length=64, blank=True, editable=False)
    sms_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True, editable=False)
    sms_attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0, editable=False)

    objects = AccountChangeQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["sms_digest"])

    class Meta:
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="accountchange_one_party",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="accountchange_one_pending_person"
            ),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(status="pending"), name="accountchange_one_pending_org"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="accountchange_unit_status")]

    def __str__(self):
        return f"{self.person or self.organization} · {self.get_status_display()}"

    @property
    def party(self):
        return self.person or self.organization

    @property
    def masked_old_account(self) -> str:
        return mask_account(self.old_account)

    @property
    def masked_new_account(self) -> str:
        return mask_account(self.new_account)
