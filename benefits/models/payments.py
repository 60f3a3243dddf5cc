"""Money out: the monthly runs and batches, one payment line per entitlement and due period, the append-only
hash-chained ledger, bank result files and the exceptions finance settles by hand."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from casework.models import ScopedQuerySet
from core.actor import history_user

from .applications import Entitlement
from .base import PartyRecord, workflow_actor
from .catalogue import Program


class DisbursementRun(models.Model):
    """One generation of a month's lines: who ran it, when, what it made. The audit record of the bulk insert
    (the lines themselves get history rows from their first change of status on)."""

    month = models.DateField(_("month"))
    run_by = workflow_actor(_("run by"))
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
    approved_by = workflow_actor(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    exported_by = workflow_actor(_("exported by"))
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
        PENDING = "pending", pgettext_lazy("payment line", "Pending")
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
    recorded_by = workflow_actor(_("recorded by"))
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
    line of the batch (or one that cannot take it); a grant whose back periods due at once are more than
    generation pays without a look (``back_pay``: its lines wait until finance releases or skips them); or a grant
    due to be paid to a bank account changed and not yet confirmed (``new_account``: no line is made until the
    change is confirmed, which settles it, or reverted)."""

    class Kind(models.TextChoices):
        BANK_RESULT = "bank_result", _("Bank result line")
        BACK_PAY = "back_pay", _("Back-pay held")
        NEW_ACCOUNT = "new_account", _("Payment to a new bank account held")

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
    resolved_by = workflow_actor(_("resolved by"))
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
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(kind="new_account", resolved_at__isnull=True),
                name="new_account_held_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="bank_result", result_file__isnull=False, row__isnull=False)
                | Q(kind__in=["back_pay", "new_account"], entitlement__isnull=False, month__isnull=False),
                name="exception_kind_fields",
            ),
        ]

    def __str__(self):
        where = f"{self.result_file_id}:{self.row}" if self.kind == self.Kind.BANK_RESULT else f"#{self.entitlement_id}"
        return f"{where} · {self.problem}"
