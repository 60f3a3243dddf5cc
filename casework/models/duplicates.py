"""Likely duplicate persons the unique ID constraint cannot catch: pairs found by the nightly detection
(``casework.duplicates``), each kept once, ordered by id, with what matched and what a supervisor decided."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ServiceUnit
from core.actor import history_user

from .people import Person


class DuplicateReason(models.TextChoices):
    ID_ONE_DIGIT = "id_digit", _("Same name and birth date, ID numbers one digit apart")
    ID_TRANSPOSED = "id_swap", _("Same name and birth date, two neighbouring ID digits swapped")
    PHONE = "phone", _("Same mobile number, not in one household")
    BANK_ACCOUNT = "bank", _("Same bank account, not in one household")
    TWO_CITIES = "two_cities", _("Same name and birth date in two cities")


class DuplicateCandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairs with at least one of the two persons in the user's area (a pair across two areas is the work of
        both; the record outside the area is shown only as far as it matched)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        units = ServiceUnit.objects.visible_to(user)
        return self.filter(Q(person_a__residence_unit__in=units) | Q(person_b__residence_unit__in=units))


class DuplicateCandidate(models.Model):
    """Two persons who may be one. ``person_a`` has the lower id. The detection refreshes ``reasons`` and
    ``last_found_at`` and never touches ``status``: a pair marked "not a duplicate" stays so."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISMISSED = "dismissed", _("Not a duplicate")
        MERGED = "merged", _("Merged")
        STALE = "stale", _("No longer matching")

    person_a = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, verbose_name=_("other person"), on_delete=models.CASCADE, related_name="+")
    # The reason codes (DuplicateReason) the last run found, sorted and comma-separated.
    reasons = models.CharField(_("reasons"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    first_found_at = models.DateTimeField(_("first found"))
    last_found_at = models.DateTimeField(_("last found"))
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

    objects = DuplicateCandidateQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_one_row_per_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "first_found_at"], name="duplicate_status_found")]

    def __str__(self):
        return f"{self.person_a_id} ~ {self.person_b_id}"

    @property
    def reason_list(self) -> list[str]:
        labels = dict(DuplicateReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons.split(",") if code]
