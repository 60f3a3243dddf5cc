"""What comes back and what finance corrects: the bank's result file matched line by line, re-issues,
cancellations, reversals, and the exceptions finance settles by hand."""

import csv
import datetime
import hashlib
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.errors import Conflict

from ...models import (
    BankResultFile,
    Disbursement,
    DisbursementBatch,
    Entitlement,
    LedgerEntry,
    PaymentException,
)
from ..ledger import ledger_checkpoint_on_commit
from .batches import check_handles_payments, locked_batch
from .chain import ledger_append

Line, Batch = Disbursement.Status, DisbursementBatch.Status
RESULT_COLUMNS = ["batch_reference", "line_reference", "result", "amount_cny", "bank_reference", "reason"]
# The Chinese heading of each column (the result-file template's), read as well as the key.
RESULT_HEADINGS = {
    "batch_reference": "批次编号",
    "line_reference": "明细编号",
    "result": "发放结果",
    "amount_cny": "金额（元）",
    "bank_reference": "银行流水号",
    "reason": "失败原因",
}
# The results a row may give, in either language.
RESULT_VALUES = {"paid": "paid", "failed": "failed", "成功": "paid", "失败": "failed"}


@transaction.atomic
def results_import(*, actor, batch: DisbursementBatch, content: bytes, name: str) -> BankResultFile:
    """The bank's result file for an exported batch (CSV with ``RESULT_COLUMNS``): each row marks exactly one sent
    line of the batch paid (a ledger payment) or failed (with the reason); anything else (no such line, another
    batch, a line already settled, a different amount, a row twice) becomes an exception for finance. The same
    file again changes nothing."""
    batch = locked_batch(actor, batch, Batch.EXPORTED, Batch.SETTLED)
    digest = hashlib.sha256(content).hexdigest()
    existing = BankResultFile.objects.filter(sha256=digest).select_related("batch").first()
    if existing is not None and existing.batch_id != batch.pk:
        raise ValidationError(
            {"file": _("This file was imported for batch %(reference)s.") % {"reference": existing.batch.reference}}
        )
    if existing is not None:
        return existing
    rows = _result_rows(content, name)
    result = BankResultFile.objects.create(batch=batch, sha256=digest, name=name[:255], imported_by=actor)
    lines = {line.reference: line for line in batch.lines.select_for_update()}
    seen, paid, failed, problems = set(), [], [], []
    for number, row in rows:
        line = lines.get(row.get("line_reference", ""))
        problem = _problem(batch, row, line, seen)
        if problem:
            problems.append(PaymentException(result_file=result, row=number, content=row, problem=problem))
            continue
        seen.add(line.reference)
        if RESULT_VALUES[row["result"]] == "paid":
            line.status, line.bank_reference = Line.PAID, row.get("bank_reference", "")[:64]
            paid.append(line)
        else:
            line.status, line.failure_reason = Line.FAILED, (row.get("reason") or _("No reason given"))[:255]
            failed.append(line)
    for changed, fields, change in (
        (paid, ["status", "bank_reference"], "paid"),
        (failed, ["status", "failure_reason"], "failed"),
    ):
        bulk_update_with_history(changed, Disbursement, fields, default_user=actor, default_change_reason=change)
    today = timezone.localdate()
    for line in paid:
        ledger_append(
            disbursement=line,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=line.amount_cny,
            bank_reference=line.bank_reference,
            booked_on=today,
            actor=actor,
        )
    PaymentException.objects.bulk_create(problems)
    result.paid, result.failed, result.exceptions = len(paid), len(failed), len(problems)
    result.save(update_fields=["paid", "failed", "exceptions"])
    if paid:  # the entries just appended are anchored at once, not only at the next approval or night
        ledger_checkpoint_on_commit(reason=f"bank results of batch {batch.reference}")
    if not batch.lines.filter(status=Line.SENT).exists():
        batch.status = Batch.SETTLED
        batch._change_reason = "settled"
        batch.save(update_fields=["status"])
    return result


def _result_rows(content: bytes, name: str = "") -> list[tuple[int, dict]]:
    """The rows of a result file, CSV (UTF-8) or Excel (.xlsx, the first sheet), as (row number, {column key:
    text}); a heading may be the column's key or its Chinese heading."""
    if name.lower().endswith(".xlsx"):
        headings, body = _xlsx_rows(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": _("The result file is not UTF-8 text.")}) from error
        reader = csv.reader(io.StringIO(text))
        headings, body = next(reader, []), reader
    keys = {heading: key for key, heading in RESULT_HEADINGS.items()} | {key: key for key in RESULT_COLUMNS}
    columns = [keys.get((heading or "").strip(), "") for heading in headings]
    missing = [RESULT_HEADINGS[key] for key in ("line_reference", "result") if key not in columns]
    if missing:
        raise ValidationError(
            {"file": _("The result file lacks the column(s) %(columns)s.") % {"columns": "、".join(missing)}}
        )
    rows = []
    for number, values in enumerate(body, 2):
        if not any(values):
            continue
        row = {key: _text(value) for key, value in zip(columns, values, strict=False) if key}
        rows.append((number, row))
    return rows


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # not a workbook: openpyxl raises several kinds
        raise ValidationError({"file": _("This file could not be read as an Excel workbook (.xlsx).")}) from error
    rows = sheet.iter_rows(values_only=True)
    return [str(value or "") for value in next(rows, ())], rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _problem(batch, row: dict, line, seen: set) -> str:
    if row.get("batch_reference") and row["batch_reference"] != batch.reference:
        return _("The row belongs to batch %(reference)s.") % {"reference": row["batch_reference"]}
    if line is None:
        return _("No line %(reference)s in this batch.") % {"reference": row.get("line_reference", "")}
    if line.reference in seen:
        return _("The line appears twice in the file.")
    if row.get("result") not in RESULT_VALUES:
        return _("The result must be “成功” (paid) or “失败” (failed).")
    if line.status != Line.SENT:
        return _("The line is %(status)s, not waiting for a result.") % {"status": line.get_status_display()}
    if RESULT_VALUES[row["result"]] == "paid":
        try:
            amount = Decimal(row.get("amount_cny") or "")
        except ArithmeticError:
            return _("The amount is not a number.")
        if amount != line.amount_cny:
            return _("The bank paid %(paid)s CNY, the line is for %(amount)s CNY.") % {
                "paid": amount,
                "amount": line.amount_cny,
            }
    return ""


def _locked_line(actor, line: Disbursement, *allowed: str) -> Disbursement:
    line = Disbursement.objects.select_for_update().select_related("unit").get(pk=line.pk)
    check_handles_payments(actor, line.unit)
    if line.status not in allowed:
        raise Conflict(
            _("This payment is %(status)s: it cannot be changed that way.") % {"status": line.get_status_display()}
        )
    return line


@transaction.atomic
def disbursement_reissue(*, actor, line: Disbursement) -> Disbursement:
    """A failed line (after the payee's account was corrected) goes into the next generation's batch."""
    line = _locked_line(actor, line, Line.FAILED)
    line.status, line.batch = Line.PENDING, None
    line._change_reason = "re-issued"
    line.save(update_fields=["status", "batch"])
    return line


@transaction.atomic
def disbursement_cancel(*, actor, line: Disbursement, reason: str) -> Disbursement:
    """A line not yet sent is cancelled (its batch's totals then no longer match: the batch is regenerated or
    its totals reviewed). A sent or paid line cannot be cancelled: a paid one is reversed."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    line = _locked_line(actor, line, Line.PENDING, Line.FAILED)
    line.status, line.failure_reason = Line.CANCELLED, reason.strip()[:255]
    line._change_reason = "cancelled"
    line.save(update_fields=["status", "failure_reason"])
    return line


@transaction.atomic
def disbursement_reverse(*, actor, line: Disbursement, reason: str, booked_on: datetime.date | None = None):
    """A paid line is corrected by a reversal: a negative ledger entry linked to its payment, so the two net to
    zero. The line itself stays as it was (paid lines are frozen)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    line = _locked_line(actor, line, Line.PAID)
    payment = line.ledger.filter(kind=LedgerEntry.Kind.PAYMENT).first()
    if payment is None or LedgerEntry.objects.filter(reverses=payment).exists():
        raise Conflict(_("This payment has already been reversed."))
    reversal = ledger_append(
        disbursement=line,
        kind=LedgerEntry.Kind.REVERSAL,
        amount=-payment.amount_cny,
        reverses=payment,
        reason=reason.strip(),
        booked_on=booked_on or timezone.localdate(),
        actor=actor,
    )
    ledger_checkpoint_on_commit(reason=f"reversal of line {line.reference}")
    return reversal


BACK_PAY_DECISIONS = ("release", "skip")


@transaction.atomic
def exception_resolve(*, actor, exception: PaymentException, resolution: str, back_pay: str = "") -> PaymentException:
    """Finance says how an exception was settled; resolved once. An unmatched result line: with the bank, by a
    re-issue, as a bank error. Held back pay needs a decision too: ``release`` (the next generation pays every back
    period due) or ``skip`` (the grant is paid from the month that held it; the earlier periods never)."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how it was resolved.")})
    exception = PaymentException.objects.select_for_update().get(pk=exception.pk)
    if exception.kind == PaymentException.Kind.NEW_ACCOUNT:  # it has no result line: the account change settles it
        raise Conflict(_("A new bank account holds this payment: confirming or reverting the change settles it."))
    held = exception.kind == PaymentException.Kind.BACK_PAY
    check_handles_payments(actor, exception.entitlement.unit if held else exception.result_file.batch.unit)
    if exception.resolved_at is not None:
        raise Conflict(_("This exception has already been resolved."))
    if held and back_pay not in BACK_PAY_DECISIONS:
        raise ValidationError({"back_pay": _("Say whether the back periods are paid or skipped.")})
    if held:
        entitlement = Entitlement.objects.select_for_update().get(pk=exception.entitlement_id)
        if back_pay == "release":
            entitlement.back_pay_released_by, fields, change = actor, ["back_pay_released_by"], "back pay released"
        else:
            entitlement.pay_from = max(exception.month, entitlement.pay_from or exception.month)
            fields, change = ["pay_from"], "back pay skipped"
        entitlement._change_reason = change
        entitlement.save(update_fields=fields)
    exception.resolution, exception.resolved_by, exception.resolved_at = resolution.strip()[:255], actor, timezone.now()
    exception._change_reason = f"resolved: {change}" if held else "resolved"
    exception.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return exception


# Finance's actions on a payment line by name, with the inputs each takes beyond the actor and the line: the API and
# the console dispatch through this one table (the console asks no booking day: a reversal is booked today).
LINE_ACTIONS = {
    "reissue": (disbursement_reissue, ()),
    "cancel": (disbursement_cancel, ("reason",)),
    "reverse": (disbursement_reverse, ("reason", "booked_on")),
}
