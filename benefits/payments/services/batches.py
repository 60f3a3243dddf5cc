"""A batch's life after generation: control totals, finance's approval (an unusual size acknowledged), the bank
file made once, its download, and the reminders of batches waiting."""

import csv
import datetime
import hashlib
import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import users_with_role_over
from accounts.services import notify_staff
from casework.models import AccountChange, PersonalDataAccess
from casework.permissions import can_unmask
from casework.services import personal_data_access_record
from core.dates import month_index, month_of
from core.errors import Conflict, PermissionDenied, require
from core.spreadsheets import safe_cell

from ...models import (
    Disbursement,
    DisbursementBatch,
)
from ..ledger import ledger_checkpoint_on_commit

Line, Batch = Disbursement.Status, DisbursementBatch.Status


def batch_totals(batch: DisbursementBatch) -> tuple[int, Decimal]:
    """What the batch's lines count and sum now (cancelled lines left out)."""
    totals = batch.lines.exclude(status=Line.CANCELLED).aggregate(count=Count("pk"), total=Sum("amount_cny"))
    return totals["count"], totals["total"] or Decimal("0")


def _check_totals(batch: DisbursementBatch) -> None:
    count, total = batch_totals(batch)
    if (count, total) != (batch.control_count, batch.control_sum_cny):
        raise Conflict(
            _(
                "The batch's lines (%(count)s, %(total)s CNY) no longer match its control totals (%(control_count)s, "
                "%(control_sum)s CNY): it cannot be approved or exported."
            )
            % {
                "count": count,
                "total": total,
                "control_count": batch.control_count,
                "control_sum": batch.control_sum_cny,
            }
        )


def _is_finance(user, unit) -> bool:
    return user.is_superuser or has_role(user, Role.FINANCE, unit)


def can_handle_batch(user, unit) -> tuple[bool, str]:
    """Approving, exporting, downloading and settling a unit's batches: its finance officers (or above)."""
    if _is_finance(user, unit):
        return True, ""
    return False, _("Only a finance officer of this unit or a unit above it handles payment batches.")


def check_handles_payments(actor, unit) -> None:
    """Changing a line or settling an exception: the unit's finance officers (or above)."""
    if not _is_finance(actor, unit):
        raise PermissionDenied(_("Only a finance officer of this unit or a unit above it handles payments."))


def locked_batch(actor, batch: DisbursementBatch, *allowed: str) -> DisbursementBatch:
    batch = DisbursementBatch.objects.select_for_update().select_related("run", "unit", "program").get(pk=batch.pk)
    require(can_handle_batch(actor, batch.unit))
    if batch.status not in allowed:
        raise Conflict(_("This batch is %(status)s.") % {"status": batch.get_status_display()})
    return batch


USUAL_MONTHS = 3  # the months before a batch's whose average is "usual"


def batch_size_check(batch: DisbursementBatch) -> dict:
    """The batch's count and sum against the usual month of its unit and program (the average of the
    ``USUAL_MONTHS`` months before, batches of any status), and whether it is far above it: more than
    ``CASEWORK_BATCH_UNUSUAL_FACTOR`` times the usual count or sum, or, with no earlier month, a sum above
    ``CASEWORK_BATCH_FIRST_ACK_ABOVE_CNY``."""
    since = month_of(month_index(batch.month) - USUAL_MONTHS)
    earlier = DisbursementBatch.objects.filter(
        unit_id=batch.unit_id, program_id=batch.program_id, month__gte=since, month__lt=batch.month
    ).aggregate(months=Count("month", distinct=True), count=Sum("control_count"), total=Sum("control_sum_cny"))
    factor = settings.CASEWORK_BATCH_UNUSUAL_FACTOR
    check = {"count": batch.control_count, "sum_cny": f"{batch.control_sum_cny:.2f}", "factor": f"{factor}"}
    if not earlier["months"]:
        check.update(usual_count=None, usual_sum_cny=None)
        check["unusual"] = batch.control_sum_cny > settings.CASEWORK_BATCH_FIRST_ACK_ABOVE_CNY
        return check
    usual_count = Decimal(earlier["count"]) / earlier["months"]
    usual_sum = (earlier["total"] or Decimal("0")) / earlier["months"]
    check.update(usual_count=f"{usual_count:.1f}", usual_sum_cny=f"{usual_sum:.2f}")
    check["unusual"] = batch.control_count > factor * usual_count or batch.control_sum_cny > factor * usual_sum
    return check


@transaction.atomic
def batch_approve(*, actor, batch: DisbursementBatch, acknowledge_unusual: bool = False) -> DisbursementBatch:
    """Draft → approved (locked) by a finance officer who did not generate it, if its lines match its totals. A
    batch far above the usual month's size (``batch_size_check``) is approved only with the approver's explicit
    ``acknowledge_unusual``; the comparison and the acknowledgement are kept with the approval."""
    batch = locked_batch(actor, batch, Batch.DRAFT)
    if batch.run.run_by_id == actor.pk:
        raise PermissionDenied(_("Nobody approves a batch they generated."))
    _check_totals(batch)
    check = batch_size_check(batch)
    if check["unusual"] and not acknowledge_unusual:
        raise Conflict(_unusual_message(check), code="unusual_size", field="acknowledge_unusual")
    batch.status, batch.approved_by, batch.approved_at = Batch.APPROVED, actor, timezone.now()
    batch.size_check, batch.unusual_acknowledged = check, check["unusual"]
    batch._change_reason = "approved (unusual size acknowledged)" if check["unusual"] else "approved"
    batch.save(update_fields=["status", "approved_by", "approved_at", "size_check", "unusual_acknowledged"])
    ledger_checkpoint_on_commit(reason=f"batch {batch.reference} approved")
    return batch


def _unusual_message(check: dict) -> str:
    if check["usual_count"] is None:
        return _(
            "This is the first batch of its unit and program and it pays %(sum)s CNY: check it, then approve it "
            "with the acknowledgement that you did."
        ) % {"sum": check["sum_cny"]}
    return _(
        "This batch (%(count)s lines, %(sum)s CNY) is far above the usual month's (%(usual_count)s lines, "
        "%(usual_sum)s CNY, the average of the three months before): check it, then approve it with the "
        "acknowledgement that you did."
    ) % {
        "count": check["count"],
        "sum": check["sum_cny"],
        "usual_count": check["usual_count"],
        "usual_sum": check["usual_sum_cny"],
    }


BANK_FILE_COLUMNS = [
    "batch_reference",
    "line_reference",
    "payee_name",
    "payee_id_masked",
    "account_masked",
    "account",
    "amount_cny",
    "period",
    "program",
]


@transaction.atomic
def batch_export(*, actor, batch: DisbursementBatch) -> DisbursementBatch:
    """The bank file of an approved batch (CSV and XLSX, layout in docs/operations.md), made once: its pending
    lines become sent; exporting again returns the same stored file. The full account needs the permission to
    unmask, and the export is logged as an access to personal data."""
    batch = locked_batch(actor, batch, Batch.APPROVED, Batch.EXPORTED, Batch.SETTLED)
    if batch.export_csv is not None:
        return batch
    require(can_unmask(actor))
    _check_totals(batch)
    lines = list(
        batch.lines.filter(status=Line.PENDING).select_related("person", "organization", "program").order_by("pk")
    )
    missing = [line.reference for line in lines if not (line.person or line.organization).bank_account]
    if missing:
        raise ValidationError(
            {
                "batch": _("No bank account on file for line(s) %(lines)s: add it to the payee's record first.")
                % {"lines": ", ".join(missing[:20])}
            }
        )
    unconfirmed = AccountChange.objects.pending().filter(
        Q(person_id__in={line.person_id for line in lines} - {None})
        | Q(organization_id__in={line.organization_id for line in lines} - {None})
    )
    if unconfirmed.exists():
        parties = {change.person_id or change.organization_id for change in unconfirmed}
        waiting = [line.reference for line in lines if (line.person_id or line.organization_id) in parties]
        raise Conflict(
            _(
                "The bank account of the payee of line(s) %(lines)s was changed and waits for a second person's "
                "confirmation: confirm or revert the change first (nothing goes to an unconfirmed account)."
            )
            % {"lines": ", ".join(waiting[:20])}
        )
    rows = [_bank_row(batch, line) for line in lines]
    total = sum((line.amount_cny for line in lines), Decimal("0"))
    trailer = ["TRAILER", len(lines), "", "", "", "", total, "", ""]
    batch.export_csv = _csv_bytes([BANK_FILE_COLUMNS, *rows, trailer])
    batch.export_xlsx = _xlsx_bytes([BANK_FILE_COLUMNS, *rows, trailer], batch.reference)
    batch.export_sha256 = hashlib.sha256(batch.export_csv).hexdigest()
    now = timezone.now()
    for line in lines:
        line.status, line.attempts = Line.SENT, line.attempts + 1
    bulk_update_with_history(
        lines, Disbursement, ["status", "attempts"], default_user=actor, default_change_reason="sent to the bank"
    )
    batch.status, batch.exported_by, batch.exported_at = Batch.EXPORTED, actor, now
    batch._change_reason = "exported"
    batch.save(update_fields=["export_csv", "export_xlsx", "export_sha256", "status", "exported_by", "exported_at"])
    PersonalDataAccess.objects.create(
        user=actor, fields="bank_account", reason=f"bank file {batch.reference} ({len(lines)} lines)"
    )
    return batch


def bank_file_download(*, actor, batch: DisbursementBatch, fmt: str) -> bytes:
    """The stored bank file of an exported batch (``csv`` or ``xlsx``), exactly as made at export. It holds full
    accounts: a finance officer of the batch's unit who may unmask, and each download is logged."""
    require(can_handle_batch(actor, batch.unit))
    content = batch.export_csv if fmt == "csv" else batch.export_xlsx
    if content is None:
        raise Conflict(_("The batch has not been exported yet: export it to make its bank file."))
    personal_data_access_record(
        user=actor, fields="bank_account", reason=f"bank file {batch.reference}.{fmt} downloaded"
    )
    return bytes(content)


def _bank_row(batch: DisbursementBatch, line: Disbursement) -> list:
    party = line.person or line.organization
    masked_id = line.person.masked_id_number if line.person else line.organization.uscc
    return [
        batch.reference,
        line.reference,
        party.name,
        masked_id,
        party.masked_bank_account,
        party.bank_account,
        line.amount_cny,
        line.period.isoformat(),
        line.program.code,
    ]


def _bank_cell(value) -> str:
    """A field of the bank file, always text. Amounts and counts are the system's own numbers: written as their
    digits and never prefixed, so the bank reads them as before, a negative amount included (a plain number is no
    formula). Every string, a payee's name above all, is neutralised like any exported cell (``safe_cell``)."""
    return str(value) if isinstance(value, Decimal | int) else safe_cell(value)


def _csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([_bank_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _xlsx_bytes(rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([_bank_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Finance's actions on a batch by name, with the inputs each takes beyond the actor and the batch: the API and the
# console dispatch through this one table.
BATCH_ACTIONS = {"approve": (batch_approve, ("acknowledge_unusual",)), "export": (batch_export, ())}


def batches_waiting_remind(*, today: datetime.date) -> dict:
    """The finance officers of a batch's unit (or above) are told, once per batch and step, of a batch that has
    waited since before today for their approval or, approved, for its bank file."""
    steps = {
        Batch.DRAFT: _("Waiting for approval: payment batch %(reference)s (%(count)s lines, %(sum)s CNY)"),
        Batch.APPROVED: _("Approved, bank file not made: payment batch %(reference)s (%(count)s lines, %(sum)s CNY)"),
    }
    waiting = DisbursementBatch.objects.filter(status__in=steps, run__started_at__date__lt=today).select_related("unit")
    told = 0
    for batch in waiting:
        told += len(
            notify_staff(
                users=users_with_role_over(unit=batch.unit, role=Role.FINANCE),
                subject=steps[batch.status]
                % {"reference": batch.reference, "count": batch.control_count, "sum": batch.control_sum_cny},
                link=reverse("benefits:batch-detail", args=[batch.pk]),
                key=f"batch:{batch.pk}:{batch.status}",
            )
        )
    return {"batches_waiting": len(waiting), "notified": told}
