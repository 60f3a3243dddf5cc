"""A grant to look at again: a change to the person's record (a change request applied) after which the rules
no longer find them eligible for a program they hold an active grant of. A caseworker decides (keep it, with a
reason, or end it through the grant's own termination); nothing ends by itself (``benefits.changes``)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .applications import Entitlement
from .base import workflow_actor


class GrantReviewQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=GrantReview.Status.OPEN)


class GrantReview(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a caseworker")
        KEPT = "kept", _("Kept: the grant goes on")
        ENDED = "ended", _("Ended: the grant was terminated")

    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="reviews"
    )
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+"
    )
    change_request = models.ForeignKey(
        "casework.ChangeRequest",
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grant_reviews",
    )
    raised_on = models.DateField(_("raised on"))
    reasons = models.JSONField(_("why the rules no longer find it eligible"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False)
    decided_by = workflow_actor(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    note = models.TextField(_("reason given"), blank=True, editable=False)

    objects = GrantReviewQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("grant review")
        verbose_name_plural = _("grant reviews")
        ordering = ["raised_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entitlement"], condition=Q(status="open"), name="grant_review_one_open"),
            models.CheckConstraint(condition=Q(status="open") | ~Q(note=""), name="grant_review_decided_with_reason"),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="grant_review_unit_status")]

    def __str__(self):
        return f"{self.entitlement_id} · {self.get_status_display()}"
