"""Programs of the policy catalogue and their effective-dated parameters. A parameter value holds from its
``valid_from`` until the next value's; values are added, never overwritten, so a decision can be recomputed as of
any date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.actor import history_user


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
    scenario = models.ForeignKey(
        "benefits.Scenario",
        verbose_name=_("adopted from scenario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_values",
        editable=False,
    )

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
