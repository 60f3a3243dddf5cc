"""The nightly proactive screening (主动服务): its runs and chunks, and the leads it finds (a person likely
eligible for a program who has not applied); and the answers recorded about a person to the fact catalogue's
questions (benefits/rules/questions.yaml, ``recorded: answers``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .catalogue import Program


class ReasonsField(models.JSONField):
    """JSON inserted as one parameter per row. Django's PostgreSQL bulk insert otherwise sends each column as one
    array (UNNEST), and quoting kilobytes of JSON per row inside a text array costs more than the insert itself
    (the nightly screening writes a few hundred thousand leads)."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class LeadQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Lead(models.Model):
    """主动服务: a person on a register whom the nightly screening finds likely eligible for a program they have
    not applied for, with the reasons. Kept open while the screening keeps finding it; closed when it no longer
    does, when the person applies, or when a caseworker dismisses it."""

    class CloseReason(models.TextChoices):
        NO_LONGER_ELIGIBLE = "no_longer_eligible", _("No longer likely eligible")
        APPLIED = "applied", _("Applied")
        DISMISSED = "dismissed", _("Dismissed by a caseworker")

    person = models.ForeignKey(
        "casework.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="leads"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="leads")
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    first_found_on = models.DateField(_("first found on"))
    last_found_on = models.DateField(_("last found on"))
    amount_cny = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    period = models.CharField(_("period"), max_length=8, blank=True)
    reasons = ReasonsField(_("reasons"), default=list)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=32, choices=CloseReason.choices, blank=True)

    objects = LeadQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["reasons", "last_found_on"])

    class Meta:
        verbose_name = _("proactive lead")
        verbose_name_plural = _("proactive leads")
        ordering = ["-first_found_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program"],
                condition=Q(closed_on__isnull=True),
                name="lead_one_open_per_person_program",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "closed_on"], name="lead_unit_open"),
            # The nightly screening asks, per chunk of people, which leads a caseworker dismissed (never reopened):
            # a few rows among millions of closed and open ones.
            models.Index(fields=["person", "program"], condition=Q(close_reason="dismissed"), name="lead_dismissed"),
        ]

    def __str__(self):
        return f"{self.person} · {self.program}"


class ScreeningRun(models.Model):
    """One proactive screening (主动服务) of everyone on a register, split into chunks of people that workers
    screen in parallel; the chunk that completes the run closes the leads of people no longer screened."""

    screened_on = models.DateField(_("screened on"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    people = models.PositiveIntegerField(_("people"))
    chunks_total = models.PositiveIntegerField(_("chunks"))
    closed_unscreened = models.PositiveIntegerField(_("closed: no longer on a register"), default=0)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.screened_on} #{self.pk}"


class ScreeningChunk(models.Model):
    """A chunk of a run, written in the same transaction as its leads: a chunk delivered twice is skipped."""

    run = models.ForeignKey(ScreeningRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField(_("number"))
    screened = models.PositiveIntegerField(_("screened"))
    opened = models.PositiveIntegerField(_("opened"))
    kept = models.PositiveIntegerField(_("kept"))
    closed = models.PositiveIntegerField(_("closed"))
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening chunk")
        verbose_name_plural = _("screening chunks")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="screening_chunk_once")]

    def __str__(self):
        return f"{self.run} · {self.number}"


class FactAnswerQuerySet(ScopedQuerySet):
    scope_field = "person__residence_unit"

    def official(self):
        """What the screening reads: the caseworker's answers and the applicant's once a caseworker confirmed them."""
        return self.filter(confirmed_at__isnull=False)

    def stated(self):
        """An applicant's answers a caseworker has not confirmed yet (申请人自述，待核实)."""
        return self.filter(confirmed_at__isnull=True)


class FactAnswer(models.Model):
    """A person's answer to one question of the fact catalogue that no other record holds (is social insurance paid
    on the current work, the business licence date, the loan's rate …). A caseworker's answer is official at once;
    an applicant's is "stated" until a caseworker confirms it, and the screening of the record reads only official
    answers. One row per person and question: a new answer replaces the old, which stays in the history."""

    class Source(models.TextChoices):
        CASEWORKER = "caseworker", _("caseworker")
        APPLICANT = "applicant", _("applicant (stated)")

    person = models.ForeignKey(
        "casework.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="fact_answers"
    )
    path = models.CharField(_("question"), max_length=100)
    value = models.JSONField(_("answer"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = FactAnswerQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("recorded answer")
        verbose_name_plural = _("recorded answers")
        ordering = ["person", "path"]
        constraints = [
            models.UniqueConstraint(fields=["person", "path"], name="fact_answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="fact_answer_confirmed_with_author",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.path}"
