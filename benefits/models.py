"""What people and employers get, how much, when: programs of the policy catalogue and their effective-dated
parameters. A parameter value holds from its ``valid_from`` until the next value's; values are added, never
overwritten, so a decision can be recomputed as of any date."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.audit import history_user
from casework.models import ScopedQuerySet


class Beneficiary(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    EMPLOYER = "employer", _("Employer")
    INSTITUTION = "institution", _("Institution")
    INTERMEDIARY = "intermediary", _("Intermediary")


class PaymentPattern(models.TextChoices):
    ONE_TIME = "one_time", _("One-time")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")
    PER_PERIOD = "per_period", _("Per period")
    INTEREST_SUBSIDY = "interest_subsidy", _("Interest subsidy")
    LOAN = "loan", _("Loan or guarantee")
    IN_KIND = "in_kind", _("In kind")
    NOT_STATED = "not_stated", _("Not stated")


MONEY_PATTERNS = [
    PaymentPattern.ONE_TIME,
    PaymentPattern.MONTHLY,
    PaymentPattern.YEARLY,
    PaymentPattern.PER_PERIOD,
    PaymentPattern.INTEREST_SUBSIDY,
    PaymentPattern.LOAN,
]


class ProgramQuerySet(models.QuerySet):
    def of_city(self, city_code: str):
        return self.filter(city=city_code)

    def with_money(self):
        return self.filter(payment_pattern__in=MONEY_PATTERNS)


class Program(models.Model):
    """One program of the policy catalogue (code = the catalogue's code), with its legal basis."""

    code = models.SlugField(_("code"), max_length=96, unique=True)
    city = models.SlugField(_("city"), max_length=32, db_index=True)
    family = models.SlugField(_("family"), max_length=96, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    beneficiary = models.CharField(_("beneficiary"), max_length=16, choices=Beneficiary.choices)
    payment_pattern = models.CharField(_("payment pattern"), max_length=24, choices=PaymentPattern.choices)
    amount_text = models.TextField(_("amount, as stated"), blank=True)
    max_duration_text = models.TextField(_("duration, as stated"), blank=True)
    caps_text = models.TextField(_("caps, as stated"), blank=True)
    who_is_eligible = models.JSONField(_("who is eligible"), default=list)
    evidence = models.JSONField(_("evidence"), default=list)
    once_per_lifetime = models.BooleanField(_("once per beneficiary"), null=True)
    funding_source = models.TextField(_("funding source"), blank=True)
    document_no = models.CharField(_("document number"), max_length=64, blank=True)
    document_title = models.CharField(_("document"), max_length=255, blank=True)
    clause = models.CharField(_("clause"), max_length=32)
    quote_zh = models.TextField(_("quote"))
    quote_zh_more = models.JSONField(_("further quotes"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["city", "family", "code"]

    def __str__(self):
        return self.name_zh

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    @property
    def has_money(self) -> bool:
        return self.payment_pattern in MONEY_PATTERNS


class Unit(models.TextChoices):
    CNY = "cny", _("CNY")
    CNY_PER_MONTH = "cny_per_month", _("CNY per month")
    CNY_PER_YEAR = "cny_per_year", _("CNY per year")
    CNY_PER_DAY = "cny_per_day", _("CNY per day")
    RATIO = "ratio", _("ratio")
    PERCENT_POINTS = "percent_points", _("percentage points")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
    DAYS = "days", _("days")
    COUNT = "count", _("count")


class Parameter(models.Model):
    """A figure a rule reads (a subsidy standard, a rate, a duration, a cap), per city, effective-dated.

    ``open_code`` names the catalogue's open parameter when the documents do not state the figure: it is not set
    until an administrator gives it a value, and a rule that needs it says so instead of guessing."""

    code = models.CharField(_("code"), max_length=128, unique=True)
    city = models.SlugField(_("city"), max_length=32, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    clause = models.CharField(_("clause"), max_length=64, blank=True)
    quote = models.TextField(_("quote"), blank=True)
    open_code = models.SlugField(_("open parameter"), max_length=96, blank=True)
    used_by = models.JSONField(_("used by"), default=list)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        ordering = ["city", "code"]

    def __str__(self):
        return self.code


class ParameterValue(models.Model):
    """The value of a parameter from ``valid_from`` until the next value begins. Never edited: a new figure is
    a new row from its date, so decisions as of earlier dates keep the value they had. A row without a value
    marks the end the text states for the previous one (``valid_to``): from that day the parameter is not set."""

    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="values"
    )
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(
        _("value"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Empty: not set from this date (the previous value's stated end)."),
    )
    is_demo = models.BooleanField(
        _("demo value"), default=False, help_text=_("Loaded by the demo data only; not from any official source.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        ordering = ["parameter", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["parameter", "valid_from"], name="parameter_value_one_per_date"),
            models.CheckConstraint(condition=Q(value__gte=0), name="parameter_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.parameter.code} = {self.value} ({self.valid_from})"


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


class PartyRecord(models.Model):
    """A record about one party, a person or an organization (never both), kept in the party's service unit."""

    person = models.ForeignKey(
        "casework.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    organization = models.ForeignKey(
        "casework.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="%(class)s_one_party",
            ),
        ]


def _workflow_actor(verbose_name):
    """Who took a step of the workflow: set by the services only."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ApplicationQuerySet(ScopedQuerySet):
    def waiting_for_decision(self):
        return self.filter(state=Application.State.RECOMMENDED)


class Application(PartyRecord):
    """A request for one program by one party (a person or an organization), taken by a caseworker or by the
    applicant. Its ``state`` changes only through the services of ``benefits.services.applications``, each a
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
    submitted_by = _workflow_actor(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    recommended_by = _workflow_actor(_("recommended by"))
    first_approved_by = _workflow_actor(_("first approval by"))
    first_approval = models.JSONField(
        _("terms of the first approval"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("What the first of two supervisors approved; the second confirms exactly these terms."),
    )
    decided_by = _workflow_actor(_("decided by"))
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
    back_pay_released_by = _workflow_actor(_("back-pay released by"))
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


# --- Disbursements ------------------------------------------------------------------------------------------------


class DisbursementRun(models.Model):
    """One generation of a month's lines: who ran it, when, what it made. The audit record of the bulk insert
    (the lines themselves get history rows from their first change of status on)."""

    month = models.DateField(_("month"))
    run_by = _workflow_actor(_("run by"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    created = models.PositiveIntegerField(_("lines created"))
    already_present = models.PositiveIntegerField(_("lines already present"))
    batches_made = models.PositiveIntegerField(_("batches created"))
    total_cny = models.DecimalField(_("total of the lines created"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("disbursement run")
        verbose_name_plural = _("disbursement runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.started_at:%Y-%m-%d %H:%M}"


class DisbursementBatch(models.Model):
    """The lines of one unit and program generated for one month, with the control totals declared when it was
    made (count, sum). draft → approved (by a finance officer who did not generate it; locked) → exported (the
    bank file is made once and kept: a second export is the same file) → settled (every line has a result)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        EXPORTED = "exported", _("Sent to the bank")
        SETTLED = "settled", _("Settled")

    reference = models.CharField(_("batch reference"), max_length=64, unique=True)
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month the batch was generated for."))
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=1)
    control_count = models.PositiveIntegerField(_("declared number of lines"))
    control_sum_cny = models.DecimalField(_("declared sum"), max_digits=16, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    approved_by = _workflow_actor(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    exported_by = _workflow_actor(_("exported by"))
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True, editable=False)
    run = models.ForeignKey(
        DisbursementRun, verbose_name=_("generated in run"), on_delete=models.PROTECT, related_name="batches"
    )
    export_csv = models.BinaryField(_("bank file (CSV)"), null=True, blank=True, editable=False)
    export_xlsx = models.BinaryField(_("bank file (XLSX)"), null=True, blank=True, editable=False)
    export_sha256 = models.CharField(_("bank file SHA-256"), max_length=64, blank=True, editable=False)
    size_check = models.JSONField(
        _("size compared with earlier months"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("At approval: the batch's count and sum against the usual month's, and whether it was far above."),
    )
    unusual_acknowledged = models.BooleanField(
        _("unusual size acknowledged"),
        db_default=False,  # generation inserts batches in SQL
        editable=False,
        help_text=_("The approver confirmed a batch far above the usual months' count or sum."),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["export_csv", "export_xlsx"])

    class Meta:
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        ordering = ["-month", "unit_id", "program_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "program", "month", "sequence"], name="batch_once_per_sequence"),
            models.CheckConstraint(condition=Q(control_sum_cny__gte=0), name="batch_sum_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "month"], name="batch_status_month")]

    def __str__(self):
        return self.reference


class Disbursement(PartyRecord):
    """One payment line: an entitlement's amount for one due period (the first day of the month, quarter or year
    it pays; the start month of a one-time grant). Unique on entitlement + period, so a second or concurrent
    generation adds nothing. pending → sent (in an exported bank file) → paid | failed; a failed line is re-issued
    in a later batch; a paid line is frozen by a database trigger (a correction is a reversal in the ledger)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent to the bank")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("entitlement"), on_delete=models.PROTECT, related_name="disbursements"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("period"), help_text=_("The first day of the period this line pays."))
    reference = models.CharField(_("line reference"), max_length=32, unique=True)
    batch = models.ForeignKey(
        DisbursementBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    amount_cny = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, editable=False
    )
    attempts = models.PositiveSmallIntegerField(_("batches sent in"), default=0, editable=False)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True, editable=False)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"))

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["period", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entitlement", "period"], name="disbursement_once_per_period"),
            models.CheckConstraint(condition=Q(amount_cny__gt=0), name="disbursement_amount_positive"),
            *PartyRecord.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["batch", "status"], name="disbursement_batch_status"),
            models.Index(fields=["person", "period"], name="disbursement_person_period"),
            models.Index(fields=["organization", "period"], name="disbursement_org_period"),
        ]

    def __str__(self):
        return self.reference


class LedgerEntry(models.Model):
    """The money that moved: a payment (a line the bank paid) or a reversal of one (negative, linked). Append-only
    (a database trigger refuses UPDATE and DELETE) and hash-chained: each entry's hash covers its fields and the
    previous entry's hash, so ``verify_ledger`` finds the first entry changed behind the system's back."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    disbursement = models.ForeignKey(
        Disbursement, verbose_name=_("disbursement"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_cny = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    booked_on = models.DateField(_("booked on"))
    recorded_by = _workflow_actor(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["sequence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="payment", amount_cny__gt=0, reverses__isnull=True)
                | Q(kind="reversal", amount_cny__lt=0, reverses__isnull=False),
                name="ledger_kind_sign",
            ),
        ]

    def __str__(self):
        return f"{self.sequence} · {self.kind} · {self.amount_cny}"


class LedgerHead(models.Model):
    """The ledger's last sequence and hash, one row, locked by whoever appends (appends are serialised)."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self):
        return f"{self.sequence} · {self.hash[:12]}"


class BankResultFile(models.Model):
    """A bank result file, imported once (its SHA-256 is unique: the same file again changes nothing)."""

    batch = models.ForeignKey(
        DisbursementBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="result_files"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    name = models.CharField(_("file name"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    paid = models.PositiveIntegerField(_("paid"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    exceptions = models.PositiveIntegerField(_("exceptions"), default=0)

    class Meta:
        verbose_name = _("bank result file")
        verbose_name_plural = _("bank result files")

    def __str__(self):
        return self.name


class PaymentException(models.Model):
    """Something about money that finance settles by hand and says how: a bank result line that matched no payment
    line of the batch (or one that cannot take it); or a grant whose back periods due at once are more than
    generation pays without a look (``back_pay``: its lines wait until finance releases or skips them)."""

    class Kind(models.TextChoices):
        BANK_RESULT = "bank_result", _("Bank result line")
        BACK_PAY = "back_pay", _("Back-pay held")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BANK_RESULT)
    result_file = models.ForeignKey(
        BankResultFile,
        verbose_name=_("result file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exception_rows",
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    entitlement = models.ForeignKey(
        Entitlement,
        verbose_name=_("entitlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_exceptions",
    )
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("The generation month that held it."))
    content = models.JSONField(_("the line as received"))
    problem = models.CharField(_("problem"), max_length=255)
    resolved_by = _workflow_actor(_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolution = models.CharField(_("resolution"), max_length=255, blank=True, editable=False)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("payment exception")
        verbose_name_plural = _("payment exceptions")
        constraints = [
            models.UniqueConstraint(fields=["result_file", "row"], name="exception_once_per_row"),
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(kind="back_pay", resolved_at__isnull=True),
                name="back_pay_held_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="bank_result", result_file__isnull=False, row__isnull=False)
                | Q(kind="back_pay", entitlement__isnull=False, month__isnull=False),
                name="exception_kind_fields",
            ),
        ]

    def __str__(self):
        where = f"{self.result_file_id}:{self.row}" if self.kind == self.Kind.BANK_RESULT else f"#{self.entitlement_id}"
        return f"{where} · {self.problem}"


# --- Guaranteed start-up loans ------------------------------------------------------------------------------------


class Loan(PartyRecord):
    """A guaranteed start-up loan the bank granted on an approved grant of a loan or interest-subsidy program: the
    job centre records it (it does not lend) and pays the interest subsidy against the bank's interest statements,
    on the schedule the city's rule fixed on the contract date (``benefits.rules.interest``)."""

    entitlement = models.OneToOneField(
        Entitlement, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="loan"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("bank"), max_length=100)
    contract_number = models.CharField(_("loan contract number"), max_length=64)
    principal_cny = models.DecimalField(_("principal"), max_digits=14, decimal_places=2)
    annual_rate = models.DecimalField(
        _("contract rate a year"),
        max_digits=7,
        decimal_places=6,
        help_text=_("As a ratio, e.g. 0.0435 for 4.35 percent."),
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    signed_on = models.DateField(_("contract signed on"))
    first_drawdown = models.DateField(_("first drawdown"))
    subsidised_until = models.DateField(_("subsidised until (first day not subsidised)"), editable=False)
    subsidy_share = models.DecimalField(
        _("share of interest subsidised"), max_digits=5, decimal_places=4, editable=False
    )
    rate_cap = models.DecimalField(
        _("rate counted at most"), max_digits=7, decimal_places=6, null=True, blank=True, editable=False
    )
    ceiling_cny = models.DecimalField(_("principal counted at most"), max_digits=14, decimal_places=2, editable=False)
    schedule_reasons = ReasonsField(_("schedule"), default=list, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("guaranteed start-up loan")
        verbose_name_plural = _("guaranteed start-up loans")
        constraints = [
            models.UniqueConstraint(fields=["bank", "contract_number"], name="loan_contract_once"),
            models.CheckConstraint(condition=Q(principal_cny__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(condition=Q(first_drawdown__gte=F("signed_on")), name="loan_drawdown_after_signing"),
            *PartyRecord.Meta.constraints,
        ]

    def __str__(self):
        return f"{self.bank} {self.contract_number}"


class LoanInterestStatement(models.Model):
    """The bank's interest statement for one period of a loan (usually a quarter) and the subsidy it gives, paid
    as a payment line of the loan's grant in the next generation's batch. Periods of a loan never overlap."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (last day)"))
    interest_cny = models.DecimalField(_("interest charged"), max_digits=14, decimal_places=2)
    bank_reference = models.CharField(_("bank statement reference"), max_length=64, blank=True)
    subsidy_cny = models.DecimalField(_("subsidy"), max_digits=14, decimal_places=2, editable=False)
    reasons = ReasonsField(_("how the subsidy was counted"), default=list, editable=False)
    disbursement = models.OneToOneField(
        Disbursement,
        verbose_name=_("payment line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interest_statement",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("interest statement")
        verbose_name_plural = _("interest statements")
        ordering = ["loan", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "period_start"], name="statement_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="statement_dates"),
            models.CheckConstraint(condition=Q(interest_cny__gt=0), name="statement_interest_positive"),
        ]

    def __str__(self):
        return f"{self.loan} · {self.period_start}–{self.period_end}"


class ReportFigure(models.Model):
    """One summed number of the supervisors' reports for a unit (the unit its rows belong to: a community), kept
    by the report summaries' refresh (``services.reports``) so that a report over a whole city sums a few
    thousand of these instead of millions of rows. ``figure`` names what is counted (``registers.new`` …),
    ``month`` the first day of the month of a flow (empty for a stock, counted on the refresh's day), ``key`` a
    register, program or staff member, ``detail`` an exit reason or a follow-up kind."""

    unit = models.ForeignKey("accounts.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    figure = models.CharField(max_length=32)
    month = models.DateField(null=True)
    key = models.BigIntegerField(null=True)
    detail = models.CharField(max_length=32, blank=True, default="")
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["figure", "unit", "month"], name="report_figure_unit_month")]

    def __str__(self):
        return f"{self.figure} {self.unit_id} {self.month or ''} {self.key or ''} {self.detail}: {self.n}"


class ReportRefresh(models.Model):
    """When the report summaries were last computed and the day their stocks were counted on."""

    refreshed_at = models.DateTimeField()
    as_of = models.DateField()
    seconds = models.FloatField(default=0)
    figures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-refreshed_at"]

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
