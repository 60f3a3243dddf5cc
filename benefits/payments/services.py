"""Money out: a month's payment lines and batches, the finance officer's approval, the bank file, the bank's
results, reversals, and the hash-chained ledger of what was paid.

Generation is set-based SQL that runs the same on PostgreSQL and SQLite: a line per active entitlement per due
period up to the month (arrears included: a grant approved late gets its earlier periods), unique on entitlement
+ period, so a second or concurrent run adds nothing; the whole run is one transaction under the generation
lock, so a run killed part-way leaves nothing and the next one does it all."""

import csv
import datetime
import hashlib
import io
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import users_with_role_over
from accounts.services import notify_staff
from casework.models import PersonalDataAccess
from casework.permissions import can_unmask
from casework.services import personal_data_access_record
from core.dates import PERIOD_MONTHS, month_index, month_of
from core.errors import Conflict, PermissionDenied, require
from core.spreadsheets import safe_cell

from ..models import (
    BankResultFile,
    Disbursement,
    DisbursementBatch,
    DisbursementRun,
    Entitlement,
    LedgerEntry,
    LedgerHead,
    PaymentException,
)
from .ledger import ledger_checkpoint_on_commit, ledger_checkpoints_check

Line, Batch = Disbursement.Status, DisbursementBatch.Status


# --- Generation ---------------------------------------------------------------------------------------------------


def _date(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _months_values(first: datetime.date, last: datetime.date) -> tuple[str, list]:
    """A VALUES list of the months from ``first`` to ``last``: (index, first day, next month's first day, label)."""
    rows, params = [], []
    for index in range(month_index(first), month_index(last) + 1):
        rows.append("(%s, %s, %s, %s)")
        params += [index, _date(month_of(index)), _date(month_of(index + 1)), f"{index // 12:04d}{index % 12 + 1:02d}"]
    return ", ".join(rows), params


_STEP_SQL = " ".join(f"WHEN '{period}' THEN {step}" for period, step in PERIOD_MONTHS.items())

# The active grants with an amount that start before the month's end (an interest subsidy is paid against the
# bank's statements instead: services.loans), each with the period of its latest line
# (``paid_to``; looked up once per grant through the unique entitlement + period index). Generation always
# makes every line due up to its month, so a grant's lines are a prefix of its schedule: only the periods after
# ``paid_to`` can be missing.
# A grant whose back pay finance holds (an open back-pay exception) makes no line until it is settled.
_GRANTS = """
    SELECT e.id, e.program_id, e.person_id, e.organization_id, e.unit_id, e.start, e."end", e.period,
           e.max_periods, e.amount_per_period, e.pay_from, e.back_pay_released_by_id,
           (SELECT MAX(d.period) FROM benefits_disbursement d WHERE d.entitlement_id = e.id) AS paid_to
    FROM benefits_entitlement e
    WHERE e.status = 'active' AND e.amount_per_period > 0 AND e.start < %s
      AND NOT EXISTS (SELECT 1 FROM benefits_program p
                      WHERE p.id = e.program_id AND p.payment_pattern = 'interest_subsidy')
      AND NOT EXISTS (SELECT 1 FROM benefits_paymentexception x
                      WHERE x.entitlement_id = e.id AND x.kind = 'back_pay' AND x.resolved_at IS NULL)
"""

# The lines due up to the month and not there yet: each grant joined to the month it starts in (s) and to each
# month of the list after its latest line (m) that its schedule pays in (not those that started while it was
# suspended: ``pay_from``).
_DUE = f"""
    SELECT e.id AS entitlement_id, e.program_id, e.person_id, e.organization_id, e.unit_id,
           m.first_day AS period, CAST(e.id AS TEXT) || '-' || m.label AS reference, e.amount_per_period AS amount
    FROM grants e
    JOIN months s ON e.start >= s.first_day AND e.start < s.next_day
    JOIN months m ON m.idx >= s.idx AND (e.paid_to IS NULL OR m.first_day > e.paid_to)
    WHERE (e."end" IS NULL OR m.first_day <= e."end")
      AND (e.pay_from IS NULL OR m.first_day >= e.pay_from)
      AND (
        (e.period = 'once' AND m.idx = s.idx)
        OR (e.period IN ('month', 'quarter', 'year')
            AND (m.idx - s.idx) %% (CASE e.period {_STEP_SQL} END) = 0
            AND (e.max_periods IS NULL OR (m.idx - s.idx) / (CASE e.period {_STEP_SQL} END) < e.max_periods))
      )
"""  # noqa: S608 (constants only: the periods' steps)

# The draft batches of the due lines: one per unit and program, numbered after the month's earlier batches, with
# the due lines' count and sum as control totals.
_BATCHES = """
    INSERT INTO benefits_disbursementbatch
        (reference, unit_id, program_id, month, sequence, control_count, control_sum_cny, status, run_id,
         export_sha256)
    SELECT 'PAY-' || %s || '-' || CAST(due.unit_id AS TEXT) || '-' || CAST(due.program_id AS TEXT) || '-'
               || CAST(COALESCE(last.sequence, 0) + 1 AS TEXT),
           due.unit_id, due.program_id, %s, COALESCE(last.sequence, 0) + 1, COUNT(*), SUM(due.amount), 'draft', %s, ''
    FROM due LEFT JOIN last ON last.unit_id = due.unit_id AND last.program_id = due.program_id
    GROUP BY due.unit_id, due.program_id, last.sequence
"""
_LAST = """SELECT unit_id, program_id, MAX(sequence) AS sequence FROM benefits_disbursementbatch
           WHERE month = %s GROUP BY unit_id, program_id"""
# The grants that would get more back periods (periods before the month) in one run than
# CASEWORK_MAX_BACK_PERIODS, unless finance released their back pay: each with the count, sum and span of those
# periods. Only a grant whose start and latest line both lie before the cutoff (the month less the limit) can have
# that many, so the due lines are computed for those few alone.
_OVER = f"""
    WITH months(idx, first_day, next_day, label) AS (VALUES {{values}}),
         every AS ({_GRANTS}),
         grants AS (SELECT * FROM every WHERE back_pay_released_by_id IS NULL AND start < %s
                    AND (paid_to IS NULL OR paid_to < %s)),
         due AS ({_DUE})
    SELECT entitlement_id, COUNT(*), SUM(amount), MIN(period), MAX(period) FROM due
    WHERE period < %s GROUP BY entitlement_id HAVING COUNT(*) > %s ORDER BY entitlement_id
"""  # noqa: S608 (constants only)

_LINES = """
    INSERT INTO benefits_disbursement
        (entitlement_id, program_id, person_id, organization_id, unit_id, period, reference, batch_id,
         amount_cny, status, attempts, bank_reference, failure_reason, created_at)
    SELECT due.entitlement_id, due.program_id, due.person_id, due.organization_id, due.unit_id, due.period,
           due.reference, b.id, due.amount, 'pending', 0, '', '', %s
    FROM due JOIN {batches} b ON b.unit_id = due.unit_id AND b.program_id = due.program_id
"""


def _locked_row(model, **key):
    """The row of ``model`` with ``key``, made if missing and locked for the transaction: whoever comes second
    (a concurrent first append too) waits for the first."""
    try:
        with transaction.atomic():
            model.objects.get_or_create(**key)
    except IntegrityError:  # made at the same moment by the other one
        pass
    return model.objects.select_for_update().get(**key)


# Generation runs one at a time, whatever their months (a line due in January is made by January's run or by any
# later one): on PostgreSQL a transaction-scoped advisory lock; SQLite lets one transaction write at a time.
GENERATION_LOCK = 0x6361736577  # "casew"


def _generation_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GENERATION_LOCK])


def disbursements_generate(*, month: datetime.date, actor=None) -> dict:
    """The month's lines and their draft batches (one per unit and program, with control totals); re-issued
    failed lines join this month's batches. Returns {created, already_present, batches, total_cny}."""
    month = month.replace(day=1)
    started = timezone.now()
    with transaction.atomic():
        _generation_lock()
        first = (
            Entitlement.objects.filter(
                status=Entitlement.Status.ACTIVE, amount_per_period__gt=0, start__lt=month_of(month_index(month) + 1)
            )
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        run = DisbursementRun.objects.create(
            month=month,
            run_by=actor,
            started_at=started,
            finished_at=started,
            created=0,
            already_present=0,
            batches_made=0,
            total_cny=Decimal("0"),
        )
        batches = created = held = 0
        if first is not None:
            values, params = _months_values(min(first, month), month)
            held = _hold_back_pay(values, params, month)
            batches, created = _insert(run, values, params, month)
        reissued = _batch_reissued(run, month)
        batches += reissued
        totals = Disbursement.objects.filter(batch__run=run).aggregate(total=Sum("amount_cny"))
        run.created, run.batches_made = created, batches
        run.already_present = Disbursement.objects.filter(period__lte=month).count() - created
        run.total_cny = totals["total"] or Decimal("0")
        run.finished_at = timezone.now()
        run.save()
    return {
        "month": month.isoformat()[:7],
        "created": run.created,
        "already_present": run.already_present,
        "batches": run.batches_made,
        "total_cny": f"{run.total_cny:.2f}",
        "back_pay_held": held,
    }


def _hold_back_pay(values: str, params: list, month: datetime.date) -> int:
    """Grants that would be paid more than ``CASEWORK_MAX_BACK_PERIODS`` back periods in this run are held: each
    gets an open back-pay exception (and no line) for finance to look at, release or skip; the other grants are
    generated as usual. Returns how many were newly held."""
    limit = settings.CASEWORK_MAX_BACK_PERIODS
    cutoff = _date(month_of(month_index(month) - limit))
    with connection.cursor() as cursor:
        cursor.execute(
            _OVER.format(values=values),
            [*params, _date(month_of(month_index(month) + 1)), cutoff, cutoff, _date(month), limit],
        )
        over = cursor.fetchall()
    held = []
    for entitlement_id, periods, total, first, last in over:
        span = [day.isoformat()[:7] if isinstance(day, datetime.date) else str(day)[:7] for day in (first, last)]
        content = {"periods": periods, "total_cny": f"{Decimal(str(total)):.2f}", "from": span[0], "to": span[1]}
        problem = _(
            "%(periods)s back periods due at once (%(first)s to %(last)s, %(total)s CNY), more than the %(limit)s "
            "paid without a look: held until finance releases or skips them"
        ) % {"periods": periods, "first": span[0], "last": span[1], "total": content["total_cny"], "limit": limit}
        held.append(
            PaymentException(
                kind=PaymentException.Kind.BACK_PAY,
                entitlement_id=entitlement_id,
                month=month,
                content=content,
                problem=problem[:255],
            )
        )
    PaymentException.objects.bulk_create(held)
    grants = Entitlement.objects.filter(pk__in=[row.entitlement_id for row in held]).select_related(
        "unit", "program", "person", "organization"
    )
    for grant in grants:
        name = f"{grant.person or grant.organization} · {grant.program.name_zh}"
        notify_staff(
            users=users_with_role_over(unit=grant.unit, role=Role.FINANCE),
            subject=_("Back pay held for a look: %(name)s") % {"name": name},
            link=reverse("benefits:payment-exception-list"),
            key=f"back-pay:{grant.pk}:{month:%Y%m}",
        )
    return len(held)


def _insert(run: DisbursementRun, values: str, params: list, month: datetime.date) -> tuple[int, int]:
    """The draft batches from the due lines' counts and sums, and the lines, each joined to its batch: on
    PostgreSQL one statement (the due lines computed once, the batches inserted in a CTE), elsewhere two that read
    the same due lines under the generation lock."""
    label = month.strftime("%Y%m")
    next_month = _date(month_of(month_index(month) + 1))
    created_at = connection.ops.adapt_datetimefield_value(run.started_at)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner sees how many grants and lines there are: with none (grants just
            # loaded) it picks plans made for empty tables.
            cursor.execute("ANALYZE benefits_entitlement, benefits_disbursement")
            cursor.execute(
                f"""
                WITH months(idx, first_day, next_day, label) AS (VALUES {values}),
                     grants AS MATERIALIZED ({_GRANTS}),
                     due AS MATERIALIZED ({_DUE}),
                     last AS ({_LAST}),
                     made AS ({_BATCHES} RETURNING id, unit_id, program_id)
                {_LINES.format(batches="made")}
                """,
                [*params, next_month, _date(month), label, _date(month), run.pk, created_at],
            )
        else:
            head = (
                f"WITH months(idx, first_day, next_day, label) AS (VALUES {values}), "
                f"grants AS ({_GRANTS}), due AS ({_DUE})"
            )
            cursor.execute(
                f"{head}, last AS ({_LAST}) {_BATCHES}",
                [*params, next_month, _date(month), label, _date(month), run.pk],
            )
            cursor.execute(
                f"{head} {_LINES.format(batches='benefits_disbursementbatch')} WHERE b.run_id = %s",
                [*params, next_month, created_at, run.pk],
            )
    # counted rather than taken from the cursor (SQLite reports no row count for a statement opening with WITH)
    return DisbursementBatch.objects.filter(run=run).count(), Disbursement.objects.filter(batch__run=run).count()


def _batch_reissued(run: DisbursementRun, month: datetime.date) -> int:
    """Lines waiting for a batch (pending, none yet: failed lines a finance officer re-issued, interest subsidies
    from the bank's statements) join a batch of this run; a unit and program without one gets its own."""
    waiting = list(Disbursement.objects.filter(status=Line.PENDING, batch__isnull=True).order_by("pk"))
    made = 0
    for (unit_id, program_id), lines in _grouped(waiting).items():
        batch = DisbursementBatch.objects.filter(run=run, unit_id=unit_id, program_id=program_id).first()
        if batch is None:
            sequence = 1 + (
                DisbursementBatch.objects.filter(unit_id=unit_id, program_id=program_id, month=month)
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first()
                or 0
            )
            batch = DisbursementBatch.objects.create(
                reference=f"PAY-{month:%Y%m}-{unit_id}-{program_id}-{sequence}",
                unit_id=unit_id,
                program_id=program_id,
                month=month,
                sequence=sequence,
                control_count=0,
                control_sum_cny=Decimal("0"),
                run=run,
            )
            made += 1
        for line in lines:
            line.batch = batch
        bulk_update_with_history(
            lines, Disbursement, ["batch"], default_user=run.run_by, default_change_reason="put in a batch"
        )
        batch.control_count += len(lines)
        batch.control_sum_cny += sum(line.amount_cny for line in lines)
        batch.save(update_fields=["control_count", "control_sum_cny"])
    return made


def _grouped(lines):
    groups: dict[tuple[int, int], list] = {}
    for line in lines:
        groups.setdefault((line.unit_id, line.program_id), []).append(line)
    return groups


def month_to_generate(today: datetime.date) -> datetime.date:
    """The month the monthly job generates on ``today``: the current one (arrears of missed months included)."""
    return today.replace(day=1)


# --- Batches ------------------------------------------------------------------------------------------------------


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


def _check_handles_payments(actor, unit) -> None:
    """Changing a line or settling an exception: the unit's finance officers (or above)."""
    if not _is_finance(actor, unit):
        raise PermissionDenied(_("Only a finance officer of this unit or a unit above it handles payments."))


def _locked_batch(actor, batch: DisbursementBatch, *allowed: str) -> DisbursementBatch:
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
    batch = _locked_batch(actor, batch, Batch.DRAFT)
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
    batch = _locked_batch(actor, batch, Batch.APPROVED, Batch.EXPORTED, Batch.SETTLED)
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


# --- Results ------------------------------------------------------------------------------------------------------

RESULT_COLUMNS = ["batch_reference", "line_reference", "result", "amount_cny", "bank_reference", "reason"]


@transaction.atomic
def results_import(*, actor, batch: DisbursementBatch, content: bytes, name: str) -> BankResultFile:
    """The bank's result file for an exported batch (CSV with ``RESULT_COLUMNS``): each row marks exactly one sent
    line of the batch paid (a ledger payment) or failed (with the reason); anything else (no such line, another
    batch, a line already settled, a different amount, a row twice) becomes an exception for finance. The same
    file again changes nothing."""
    batch = _locked_batch(actor, batch, Batch.EXPORTED, Batch.SETTLED)
    digest = hashlib.sha256(content).hexdigest()
    existing = BankResultFile.objects.filter(sha256=digest).select_related("batch").first()
    if existing is not None and existing.batch_id != batch.pk:
        raise ValidationError(
            {"file": _("This file was imported for batch %(reference)s.") % {"reference": existing.batch.reference}}
        )
    if existing is not None:
        return existing
    rows = _result_rows(content)
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
        if row["result"] == "paid":
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


def _result_rows(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"file": _("The result file is not UTF-8 text.")}) from error
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in ("line_reference", "result") if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            {"file": _("The result file lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)}}
        )
    return [(number, {k: (v or "").strip() for k, v in row.items() if k}) for number, row in enumerate(reader, 2)]


def _problem(batch, row: dict, line, seen: set) -> str:
    if row.get("batch_reference") and row["batch_reference"] != batch.reference:
        return _("The row belongs to batch %(reference)s.") % {"reference": row["batch_reference"]}
    if line is None:
        return _("No line %(reference)s in this batch.") % {"reference": row.get("line_reference", "")}
    if line.reference in seen:
        return _("The line appears twice in the file.")
    if row.get("result") not in ("paid", "failed"):
        return _("The result must be “paid” or “failed”.")
    if line.status != Line.SENT:
        return _("The line is %(status)s, not waiting for a result.") % {"status": line.get_status_display()}
    if row["result"] == "paid":
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


# --- Corrections --------------------------------------------------------------------------------------------------


def _locked_line(actor, line: Disbursement, *allowed: str) -> Disbursement:
    line = Disbursement.objects.select_for_update().select_related("unit").get(pk=line.pk)
    _check_handles_payments(actor, line.unit)
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


# --- Ledger -------------------------------------------------------------------------------------------------------


def entry_hash(previous_hash: str, entry: LedgerEntry) -> str:
    """SHA-256 of the previous hash and every field of the entry, in a fixed order and format."""
    fields = [
        entry.sequence,
        entry.disbursement_id,
        entry.kind,
        f"{Decimal(entry.amount_cny):.2f}",
        entry.reverses_id,
        entry.bank_reference,
        entry.reason,
        entry.booked_on.isoformat(),
        entry.recorded_by_id,
        entry.recorded_at.astimezone(datetime.UTC).isoformat(),
    ]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


def ledger_append(
    *,
    disbursement: Disbursement,
    kind: str,
    amount: Decimal,
    booked_on: datetime.date,
    actor=None,
    reverses: LedgerEntry | None = None,
    bank_reference: str = "",
    reason: str = "",
) -> LedgerEntry:
    """Add an entry after the head (locked, so appends are serialised and the chain has no fork)."""
    head = _locked_row(LedgerHead, pk=1)
    entry = LedgerEntry(
        sequence=head.sequence + 1,
        disbursement=disbursement,
        kind=kind,
        amount_cny=amount,
        reverses=reverses,
        bank_reference=bank_reference,
        reason=reason,
        booked_on=booked_on,
        recorded_by=actor,
        recorded_at=timezone.now().replace(microsecond=0),
        previous_hash=head.hash,
    )
    entry.hash = entry_hash(head.hash, entry)
    entry.save()
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save(update_fields=["sequence", "hash"])
    return entry


def ledger_verify() -> tuple[int, str]:
    """Recompute the chain: (entries checked, "" when intact, else what is wrong at the first broken entry)."""
    previous, expected, checked = "0" * 64, 1, 0
    for entry in LedgerEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected:
            return checked, _("Entry %(expected)s is missing (the next one is %(found)s).") % {
                "expected": expected,
                "found": entry.sequence,
            }
        if entry.previous_hash != previous or entry_hash(previous, entry) != entry.hash:
            return checked, _("Entry %(sequence)s (id %(id)s) does not match its hash: it was changed.") % {
                "sequence": entry.sequence,
                "id": entry.pk,
            }
        previous, expected, checked = entry.hash, expected + 1, checked + 1
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (checked, previous):
        return checked, _("The ledger ends at entry %(sequence)s, after the last one recorded (%(head)s).") % {
            "sequence": checked,
            "head": head.sequence,
        }
    # The chain agrees with itself; the signed checkpoints say whether it is still the chain that was signed.
    return checked, ledger_checkpoints_check()


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


# --- Exceptions ---------------------------------------------------------------------------------------------------


BACK_PAY_DECISIONS = ("release", "skip")


@transaction.atomic
def exception_resolve(*, actor, exception: PaymentException, resolution: str, back_pay: str = "") -> PaymentException:
    """Finance says how an exception was settled; resolved once. An unmatched result line: with the bank, by a
    re-issue, as a bank error. Held back pay needs a decision too: ``release`` (the next generation pays every back
    period due) or ``skip`` (the grant is paid from the month that held it; the earlier periods never)."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how it was resolved.")})
    exception = PaymentException.objects.select_for_update().get(pk=exception.pk)
    held = exception.kind == PaymentException.Kind.BACK_PAY
    _check_handles_payments(actor, exception.entitlement.unit if held else exception.result_file.batch.unit)
    if exception.resolved_at is not None:
        raise Conflict(_("This exception has already been resolved."))
    if held and back_pay not in BACK_PAY_DECISIONS:
        raise ValidationError({"back_pay": _("Say whether the back periods are paid or skipped.")})
    if held:
        grant = Entitlement.objects.select_for_update().get(pk=exception.entitlement_id)
        if back_pay == "release":
            grant.back_pay_released_by, fields, change = actor, ["back_pay_released_by"], "back pay released"
        else:
            grant.pay_from = max(exception.month, grant.pay_from or exception.month)
            fields, change = ["pay_from"], "back pay skipped"
        grant._change_reason = change
        grant.save(update_fields=fields)
    exception.resolution, exception.resolved_by, exception.resolved_at = resolution.strip()[:255], actor, timezone.now()
    exception._change_reason = f"resolved: back pay {change.split()[-1]}" if held else "resolved"
    exception.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return exception
