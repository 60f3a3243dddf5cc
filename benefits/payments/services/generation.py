"""The month's payment lines and draft batches: set-based SQL that runs the same on PostgreSQL and SQLite, a line
per active entitlement per due period up to the month (arrears included, a long run of them held for finance),
unique on entitlement + period, the whole run one transaction under the generation lock."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role
from accounts.selectors import users_with_role_over
from accounts.services import notify_staff
from core.dates import PERIOD_MONTHS, month_index, month_of

from ...models import (
    Disbursement,
    DisbursementBatch,
    DisbursementRun,
    Entitlement,
    PaymentException,
)

Line, Batch = Disbursement.Status, DisbursementBatch.Status


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
_PAYABLE = """
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

# Whether the grant's party has a bank account change waiting for confirmation (casework.AccountChange): nothing
# is paid to it until a second person confirms the new account (or the change is reverted).
_ACCOUNT_PENDING = """
    (EXISTS (SELECT 1 FROM casework_accountchange c WHERE c.person_id = e.person_id AND c.status = 'pending')
     OR EXISTS (SELECT 1 FROM casework_accountchange c
                WHERE c.organization_id = e.organization_id AND c.status = 'pending'))
"""

_ENTITLEMENTS = f"{_PAYABLE} AND NOT {_ACCOUNT_PENDING}"


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
         every AS ({_ENTITLEMENTS}),
         grants AS (SELECT * FROM every WHERE back_pay_released_by_id IS NULL AND start < %s
                    AND (paid_to IS NULL OR paid_to < %s)),
         due AS ({_DUE})
    SELECT entitlement_id, COUNT(*), SUM(amount), MIN(period), MAX(period) FROM due
    WHERE period < %s GROUP BY entitlement_id HAVING COUNT(*) > %s ORDER BY entitlement_id
"""  # noqa: S608 (constants only)


# The grants that would have lines in this run but whose party's new account waits for confirmation: each with
# the count, sum and span of what is held.
_HELD_FOR_ACCOUNT = f"""
    WITH months(idx, first_day, next_day, label) AS (VALUES {{values}}),
         grants AS ({_PAYABLE} AND {_ACCOUNT_PENDING}),
         due AS ({_DUE})
    SELECT entitlement_id, COUNT(*), SUM(amount), MIN(period), MAX(period) FROM due
    GROUP BY entitlement_id ORDER BY entitlement_id
"""  # noqa: S608 (constants only)


_LINES = """
    INSERT INTO benefits_disbursement
        (entitlement_id, program_id, person_id, organization_id, unit_id, period, reference, batch_id,
         amount_cny, status, attempts, bank_reference, failure_reason, created_at)
    SELECT due.entitlement_id, due.program_id, due.person_id, due.organization_id, due.unit_id, due.period,
           due.reference, b.id, due.amount, 'pending', 0, '', '', %s
    FROM due JOIN {batches} b ON b.unit_id = due.unit_id AND b.program_id = due.program_id
"""


def locked_row(model, **key):
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
    """The lock, and on PostgreSQL no JIT compilation for the run's statements: their estimated costs (a look-up
    per grant) pass the JIT threshold, and compiling took half a second per statement for work that is index
    look-ups and copying rows, not expressions worth compiling."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GENERATION_LOCK])
            cursor.execute("SET LOCAL jit = off")


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
        batches = created = held = account_held = 0
        if first is not None:
            values, params = _months_values(min(first, month), month)
            held = _hold_back_pay(values, params, month)
            account_held = _hold_for_new_account(values, params, month)
            batches, created = _insert(run, values, params, month)
        reissued = _batch_reissued(run, month)
        batches += reissued
        # the batches' control totals are their lines' count and sum (made from the same due lines, kept by the
        # re-issue): summed over the run's few batches rather than over its lines
        totals = DisbursementBatch.objects.filter(run=run).aggregate(total=Sum("control_sum_cny"))
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
        "account_held": account_held,
    }


def _held(kind: str, rows, month: datetime.date, message: str, **extra) -> list[PaymentException]:
    """An open exception of ``kind`` for each SQL row ``(entitlement_id, periods, total, first, last)`` of what a
    run holds back: the count, sum and span as its content, and ``message`` (translated; it may name
    ``periods``, ``first``, ``last``, ``total`` and any of ``extra``) filled in with them as the problem finance
    reads."""
    held = []
    for entitlement_id, periods, total, first, last in rows:
        span = [str(day)[:7] for day in (first, last)]  # YYYY-MM of a date, or of SQLite's ISO text
        content = {"periods": periods, "total_cny": f"{Decimal(str(total)):.2f}", "from": span[0], "to": span[1]}
        problem = message % {
            "periods": periods,
            "first": span[0],
            "last": span[1],
            "total": content["total_cny"],
            **extra,
        }
        held.append(
            PaymentException(
                kind=kind, entitlement_id=entitlement_id, month=month, content=content, problem=problem[:255]
            )
        )
    return held


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
    message = _(
        "%(periods)s back periods due at once (%(first)s to %(last)s, %(total)s CNY), more than the %(limit)s "
        "paid without a look: held until finance releases or skips them"
    )
    held = _held(PaymentException.Kind.BACK_PAY, over, month, message, limit=limit)
    PaymentException.objects.bulk_create(held)
    entitlements = Entitlement.objects.filter(pk__in=[row.entitlement_id for row in held]).select_related(
        "unit", "program", "person", "organization"
    )
    for entitlement in entitlements:
        name = f"{entitlement.person or entitlement.organization} · {entitlement.program.name_zh}"
        notify_staff(
            users=users_with_role_over(unit=entitlement.unit, role=Role.FINANCE),
            subject=_("Back pay held for a look: %(name)s") % {"name": name},
            link=reverse("benefits:payment-exception-list"),
            key=f"back-pay:{entitlement.pk}:{month:%Y%m}",
        )
    return len(held)


def _hold_for_new_account(values: str, params: list, month: datetime.date) -> int:
    """Grants due now whose party's bank account changed and is not confirmed yet: each gets an open
    ``new_account`` exception (once; no line) that confirming or reverting the change settles. Returns how many
    were newly held."""
    with connection.cursor() as cursor:
        cursor.execute(_HELD_FOR_ACCOUNT.format(values=values), [*params, _date(month_of(month_index(month) + 1))])
        due = cursor.fetchall()
    already = set(
        PaymentException.objects.filter(
            kind=PaymentException.Kind.NEW_ACCOUNT,
            resolved_at__isnull=True,
            entitlement_id__in=[row[0] for row in due],
        ).values_list("entitlement_id", flat=True)
    )
    message = _(
        "%(periods)s period(s) (%(first)s to %(last)s, %(total)s CNY) held: the bank account was changed and "
        "a second person has not confirmed it yet"
    )
    held = _held(PaymentException.Kind.NEW_ACCOUNT, [row for row in due if row[0] not in already], month, message)
    bulk_create_with_history(held, PaymentException, default_change_reason="held: new account not confirmed")
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
            _analyze_if_stale(cursor, ["benefits_entitlement", "benefits_disbursement"])
            cursor.execute(
                f"""
                WITH months(idx, first_day, next_day, label) AS (VALUES {values}),
                     grants AS MATERIALIZED ({_ENTITLEMENTS}),
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
                f"grants AS ({_ENTITLEMENTS}), due AS ({_DUE})"
            )
            cursor.execute(
                f"{head}, last AS ({_LAST}) {_BATCHES}",
                [*params, next_month, _date(month), label, _date(month), run.pk],
            )
            cursor.execute(
                f"{head} {_LINES.format(batches='benefits_disbursementbatch')} WHERE b.run_id = %s",
                [*params, next_month, created_at, run.pk],
            )
    # counted rather than taken from the cursor (SQLite reports no row count for a statement opening with WITH):
    # the run's batches, and their control counts (each batch's count of the due lines joined to it)
    made = DisbursementBatch.objects.filter(run=run).aggregate(batches=Count("pk"), lines=Sum("control_count"))
    return made["batches"], made["lines"] or 0


def _analyze_if_stale(cursor, tables: list[str]) -> None:
    """Fresh statistics where they are missing or stale, so the planner sees how many grants and lines there are
    (with none — grants just loaded — it picks plans made for empty tables): a table never analysed, or changed by
    more than a tenth of its rows since (autovacuum's own measure). Statistics that are fresh are kept: sampling a
    table of millions of lines every month costs a second for nothing."""
    cursor.execute(
        """SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
           WHERE s.relname = ANY(%s) AND (COALESCE(s.last_analyze, s.last_autoanalyze) IS NULL
                                        OR s.n_mod_since_analyze > 0.1 * GREATEST(c.reltuples, 1000))""",
        [tables],
    )
    stale = [row[0] for row in cursor.fetchall()]
    if stale:
        cursor.execute(f"ANALYZE {', '.join(stale)}")  # names from the list above, not from input


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
