"""Guaranteed start-up loans the banks granted on approved grants, and the interest statements the subsidy is
paid against."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .applications import Entitlement
from .base import PartyRecord
from .catalogue import Program
from .payments import Disbursement
from .screening import ReasonsField


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
