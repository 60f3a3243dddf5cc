"""Reads of the money side: payment batches and their lines, the bank's result files and the exceptions they
left, a person's or an organization's payment history, the applicant's own payments, and guaranteed loans.
Every staff read is scoped to the user's service units; the applicant's to the party their account claimed."""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Role, ServiceUnit
from accounts.permissions import has_any_role

from ..applications.selectors import own_records
from ..models import (
    BankResultFile,
    Disbursement,
    DisbursementBatch,
    Entitlement,
    LedgerEntry,
    PaymentException,
)

# Who reads payment batches, result files and exceptions (a caseworker sees a person's payments on the person's
# page, not the bank's batches).
BATCH_READERS = (Role.FINANCE, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)


def can_read_batches(user) -> tuple[bool, str]:
    if user.is_superuser or has_any_role(user, BATCH_READERS):
        return True, ""
    return False, _("Payment batches are for finance officers, supervisors and auditors.")


def batch_list(*, user, status: str = "", month: datetime.date | None = None, program: str = "", unit=None):
    """The area's batches, newest month first, each with its live line count and sum next to the declared totals
    (``lines_count``, ``lines_sum``; cancelled lines left out) in one query."""
    batches = (
        DisbursementBatch.objects.visible_to(user)
        .defer("export_csv", "export_xlsx")  # the stored bank files: loaded when a download reads them
        .select_related("unit", "program", "run__run_by", "approved_by", "exported_by")
        .annotate(
            lines_count=Count("lines", filter=~Q(lines__status=Disbursement.Status.CANCELLED)),
            lines_sum=Sum("lines__amount_cny", filter=~Q(lines__status=Disbursement.Status.CANCELLED)),
        )
    )
    if status:
        batches = batches.filter(status=status)
    if month:
        batches = batches.filter(month=month.replace(day=1))
    if program:
        batches = batches.filter(program__code=program)
    if unit:
        batches = batches.filter(unit__path__startswith=ServiceUnit.objects.get(pk=unit).path)
    return batches.order_by("-month", "unit__path", "program__code", "sequence")


def batch_get_for_user(*, user, batch_id: int) -> DisbursementBatch:
    return get_object_or_404(batch_list(user=user), pk=batch_id)


def batch_lines(*, batch: DisbursementBatch, status: str = ""):
    """The batch's lines with their payee (IDs and accounts masked by the models' properties)."""
    lines = batch.lines.select_related("person", "organization", "entitlement")
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("pk")


def result_files_of(*, batch: DisbursementBatch):
    return batch.result_files.select_related("imported_by").order_by("-imported_at", "-pk")


def exception_list(*, user, open_only: bool = True, kind: str = ""):
    """What finance settles by hand, the area's, oldest first: result lines the import could not match and grants
    whose back pay generation held."""
    rows = PaymentException.objects.filter(
        Q(result_file__batch__in=DisbursementBatch.objects.visible_to(user))
        | Q(entitlement__in=Entitlement.objects.visible_to(user))
    ).select_related(
        "result_file__batch__program",
        "result_file__batch__unit",
        "entitlement__program",
        "entitlement__unit",
        "entitlement__person",
        "entitlement__organization",
        "resolved_by",
    )
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("pk")


def exception_get_for_user(*, user, exception_id: int) -> PaymentException:
    return get_object_or_404(exception_list(user=user, open_only=False), pk=exception_id)


_LEDGER = Prefetch("ledger", queryset=LedgerEntry.objects.order_by("sequence"))


def ledger_net(entries) -> Decimal | None:
    """What a line's ledger entries net to (a payment less its reversal), None before anything was booked."""
    entries = list(entries)
    return sum((entry.amount_cny for entry in entries), Decimal("0.00")) if entries else None


def payment_history(*, user, person=None, organization=None):
    """A party's payment lines (newest period first) with their batch and ledger entries, scoped to the user's
    area: the person page's and the organization page's 发放记录."""
    lines = Disbursement.objects.visible_to(user)
    lines = lines.filter(person=person) if person is not None else lines.filter(organization=organization)
    return lines.select_related("program", "batch").prefetch_related(_LEDGER).order_by("-period", "-pk")


def disbursement_get_for_user(*, user, disbursement_id: int) -> Disbursement:
    return get_object_or_404(
        Disbursement.objects.visible_to(user)
        .select_related("program", "batch", "person", "organization", "unit", "entitlement")
        .prefetch_related(_LEDGER),
        pk=disbursement_id,
    )


def my_payment_list(*, user):
    """The applicant's own payment lines (nobody else's), newest first."""
    return (
        own_records(Disbursement.objects.exclude(status=Disbursement.Status.CANCELLED), user)
        .select_related("program")
        .order_by("-period", "-pk")
    )


def bank_result_get(*, batch: DisbursementBatch, result_id: int) -> BankResultFile:
    return get_object_or_404(result_files_of(batch=batch), pk=result_id)
