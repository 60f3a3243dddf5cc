"""Portal claims: the one-time claim codes a caseworker hands out, the wrong tries, and an employer's claim on
an organization."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.actor import history_user

from .people import Organization, Person


class ClaimCode(models.Model):
    """A one-time code that links a portal account to a person record: sent by SMS to the phone on file when an
    applicant gives the record's ID number and name (``sms``; ``person`` is empty when nothing matched, so a wrong
    ID number and a wrong code look the same), or made by a caseworker and handed over in person (``handed``).
    Only a keyed digest of the code is kept."""

    class Kind(models.TextChoices):
        SMS = "sms", _("Sent to the phone on file")
        HANDED = "handed", _("Handed over by a caseworker")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The applicant who asked for an SMS code; a caseworker for a handed-over code."),
    )
    digest = models.CharField(_("code digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")
        indexes = [
            models.Index(fields=["digest"], name="claimcode_digest"),
            models.Index(fields=["user", "-created_at"], name="claimcode_user_latest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ClaimAttempt(models.Model):
    """One try at a claim code by an applicant account: the failures in a window lock that account's claims."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    succeeded = models.BooleanField(_("succeeded"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim attempt")
        verbose_name_plural = _("claim attempts")
        indexes = [models.Index(fields=["user", "-created_at"], name="claimattempt_user_latest")]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M} · {'ok' if self.succeeded else 'wrong'}"


class OrganizationClaimQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(organization__in=Organization.objects.visible_to(user))


class OrganizationClaim(models.Model):
    """An employer's portal account asking to act for an organization: pending until a caseworker of the
    organization's unit confirms (the organization's ``account`` is set then) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the job centre")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="claims"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = OrganizationClaimQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("employer claim")
        verbose_name_plural = _("employer claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="organizationclaim_one_pending_per_user"
            )
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_status_display()}"
