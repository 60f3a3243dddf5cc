"""The caseworker's work with a person: employment records, contacts (逐一联系), case notes, referrals,
one-on-one assistance and the worklist's follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import ServiceUnit
from core.actor import history_user

from .people import Household, Organization, Person, ScopedQuerySet


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    FLEXIBLE = "flexible", _("Flexibly employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed or business owner")
    UNEMPLOYED = "unemployed", _("Unemployed (registered)")


WORKING_STATUSES = [EmploymentStatus.EMPLOYED, EmploymentStatus.FLEXIBLE, EmploymentStatus.SELF_EMPLOYED]


class EmploymentRecordQuerySet(models.QuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def working(self):
        return self.filter(status__in=WORKING_STATUSES)


class EmploymentRecord(models.Model):
    """就业失业登记: a spell of employment or registered unemployment, from ``started_on`` to ``ended_on``."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="employment")
    status = models.CharField(_("status"), max_length=16, choices=EmploymentStatus.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    employer = models.ForeignKey(
        Organization, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("employer name"), max_length=128, blank=True)
    registration_no = models.CharField(_("registration certificate number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = EmploymentRecordQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("employment record")
        verbose_name_plural = _("employment records")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "ended_on"], name="employment_person_open")]

    def __str__(self):
        return f"{self.person.name} · {self.get_status_display()} · {self.started_on}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    OFFICE = "office", _("At the service centre")
    SMS = "sms", _("Text message")
    WECHAT = "wechat", _("WeChat")


class ContactOutcome(models.TextChoices):
    EMPLOYED = "employed", _("Reached: has found work")
    SEEKING = "seeking", _("Reached: looking for work")
    TRAINING = "training", _("Reached: wants training")
    STARTUP = "startup", _("Reached: wants to start a business")
    NO_NEED = "no_need", _("Reached: needs no service now")
    NOT_REACHED = "not_reached", _("Not reached")


class Contact(models.Model):
    """One attempt to contact a person (逐一联系), with its outcome and the next follow-up date."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=ContactChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-contacted_on", "-created_at"]
        indexes = [
            models.Index(fields=["person", "-contacted_on"], name="contact_person_date"),
            models.Index(fields=["next_follow_up_on"], name="contact_follow_up"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.contacted_on} · {self.get_outcome_display()}"


class CaseNote(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.person.name} · {self.created_at:%Y-%m-%d}"


class Referral(models.Model):
    class Kind(models.TextChoices):
        JOB = "job", pgettext_lazy("referral to", "Job")  # a post to fill, not a task
        TRAINING = "training", _("Training")
        INCUBATOR = "incubator", _("Incubator")
        PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")
        INTERNSHIP = "internship", _("Internship")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PLACED = "placed", _("Placed")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("what"), max_length=255)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on"]

    def __str__(self):
        return f"{self.person.name} · {self.get_kind_display()} · {self.description}"


class Assistance(models.Model):
    """一对一援助: a named caseworker assigned to a hard-to-employ or long-term-unemployed person."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assistance")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="assisted"
    )
    reason = models.CharField(_("reason"), max_length=255)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("one-on-one assistance")
        verbose_name_plural = _("one-on-one assistance")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="assistance_one_open"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.caseworker}"


class FollowUp(models.Model):
    """An item on a caseworker's worklist, raised by a job: a contact that is due, a household that fell back
    to zero employment, a person whose residence now allows registration there, a register window closing.
    One open item per kind and subject; jobs raise and close them idempotently."""

    class Kind(models.TextChoices):
        CONTACT_DUE = "contact_due", _("Contact due")
        FELL_BACK = "fell_back", _("Household fell back to zero employment")
        RESIDENCE_ELIGIBLE = "residence_eligible", _("Resident long enough to register here")
        WINDOW_CLOSING = "window_closing", _("Register window closing within 30 days")
        CHANGE_REQUEST = "change_request", _("Change request to verify")
        ACCOUNT_CONFIRM = "account_confirm", _("New bank account to confirm")
        GRANT_REVIEW = "grant_review", _("Active grant to review after a change")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # read by record and by date: the relations' indexes are not copied to the history (see Person.history)
    history = HistoricalRecords(get_user=history_user, no_db_index=["person", "household", "unit"])

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person"],
                condition=Q(done_at__isnull=True, person__isnull=False),
                name="followup_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["kind", "household"],
                condition=Q(done_at__isnull=True, household__isnull=False),
                name="followup_one_open_per_household",
            ),
        ]
        indexes = [models.Index(fields=["unit", "done_at", "due_on"], name="followup_unit_open_due")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person or self.household}"
