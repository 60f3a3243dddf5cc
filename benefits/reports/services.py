"""The report summaries: the numbers the supervisors' reports read for their stock and flow figures, per unit,
month and key, computed with set-based SQL (``INSERT … SELECT … GROUP BY``) and replaced in one transaction, so
a reader sees the old set or the new one, never half of each. Refreshed by the ``report-summaries-refresh`` job
and ``python manage.py refresh_report_summaries``.

Each figure is counted at the unit its records belong to (mostly a community), then added up the tree, a level at
a time, so that a unit's rows count its whole subtree: a city's page reads its own rows and its districts', not
its thousand communities'. Never sum a unit's rows with its ancestors'.

The figures use the same definitions as the drill-down lists (``reports.figures``): a flow is counted by the
month of its date (a register entry's entry or exit, a payment batch's month, a contact, an application's
creation or decision, a grant's start), a stock (on a register, contact coverage, open worklist items, leads,
assistance, applications waiting and overdue, active and ending grants) on the day of the refresh."""

import datetime
import time

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, CharField, Count, DateField, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import ServiceUnit
from casework.models import Assistance, Contact, FollowUp, RegistryEntry

from ..models import Application, Disbursement, Entitlement, Lead, LedgerEntry, Period, ReportFigure, ReportRefresh
from .aggregates import DaysBetween
from .context import WAITING
from .figures import (
    COVERAGE,
    DECIDED_STATES,
    ENTITLEMENT_MEASURES,
    MONEY_MEASURES,
    coverage_counts,
    q_grants_now,
    q_lines,
    q_overdue,
)

NO_MONTH = Cast(Value(None), output_field=DateField())  # typed: PostgreSQL takes a bare NULL parameter for text
NO_KEY = Cast(Value(None), output_field=BigIntegerField())
NO_DETAIL = Value("", output_field=CharField())
NO_AMOUNT = Cast(Value(0), output_field=DecimalField(max_digits=18, decimal_places=2))


def _grouped(queryset, *, unit="unit_id", month=NO_MONTH, key=NO_KEY, detail=NO_DETAIL, amount=None):
    """``queryset`` grouped by unit, month, key and detail, with the row count and the summed amount, as the
    SQL and parameters of a SELECT with the columns ``u, m, k, d, n, a``."""
    grouped = (
        queryset.order_by()
        .values(u=F(unit), m=month, k=key, d=detail)
        .annotate(n=Count("pk"), a=Sum(amount) if amount else NO_AMOUNT)
    )
    return grouped.query.sql_with_params()


def _figures(today: datetime.date) -> list[tuple[str, str, tuple]]:
    """(figure, SQL, parameters) of every summed figure."""
    entries = RegistryEntry.objects.all()
    found = [
        ("registers.new", *_grouped(entries, month=TruncMonth("entered_on"), key=F("register_id"))),
        (
            "registers.exited",
            *_grouped(
                entries.filter(exited_on__isnull=False),
                month=TruncMonth("exited_on"),
                key=F("register_id"),
                detail=F("exit_reason"),
            ),
        ),
        (
            "registers.active",
            *_grouped(
                entries.filter(Q(entered_on__lte=today) & (Q(exited_on__isnull=True) | Q(exited_on__gt=today))),
                key=F("register_id"),
            ),
        ),
    ]
    lines = Disbursement.objects.exclude(status=Disbursement.Status.CANCELLED)
    for measure in MONEY_MEASURES[:3]:
        found.append(
            (
                f"lines.{measure}",
                *_grouped(
                    lines.filter(q_lines(measure)),
                    month=F("batch__month"),
                    key=F("program_id"),
                    amount="amount_cny",
                ),
            )
        )
    found.append(
        (
            "lines.reversed",
            *_grouped(
                LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).exclude(
                    disbursement__status=Disbursement.Status.CANCELLED
                ),
                unit="disbursement__unit_id",
                month=F("disbursement__batch__month"),
                key=F("disbursement__program_id"),
                amount="amount_cny",
            ),
        )
    )
    followups = FollowUp.objects.filter(done_at__isnull=True)
    found += [
        ("followups.open", *_grouped(followups, detail=F("kind"))),
        ("followups.overdue", *_grouped(followups.filter(due_on__lt=today), detail=F("kind"))),
        ("leads.open", *_grouped(Lead.objects.filter(closed_on__isnull=True))),
        (
            "work.contacts",
            *_grouped(
                Contact.objects.all(),
                unit="person__residence_unit_id",
                month=TruncMonth("contacted_on"),
                key=F("caseworker_id"),
            ),
        ),
        (
            "work.assistance",
            *_grouped(
                Assistance.objects.filter(ended_on__isnull=True),
                unit="person__residence_unit_id",
                key=F("caseworker_id"),
            ),
        ),
        (
            "work.applications",
            *_grouped(
                Application.objects.filter(created_by__isnull=False),
                month=TruncMonth("created_at"),
                key=F("created_by_id"),
            ),
        ),
    ]
    applications, decided = Application.objects.all(), Application.objects.filter(state__in=DECIDED_STATES)
    found += [
        ("applications.received", *_grouped(applications, month=TruncMonth("created_at"), detail=F("state"))),
        (
            "applications.decided",
            *_grouped(
                decided.filter(decided_on__isnull=False),
                month=TruncMonth("decided_on"),
                key=F("program_id"),
                detail=F("state"),
            ),
        ),
        (  # a histogram (detail: the days) for the medians, which no sum of medians gives
            "applications.decision_days",
            *_grouped(
                decided.filter(decided_on__isnull=False, submitted_at__isnull=False),
                month=TruncMonth("decided_on"),
                key=F("program_id"),
                detail=Cast(DaysBetween(TruncDate("submitted_at"), F("decided_on")), output_field=CharField()),
            ),
        ),
        ("applications.waiting", *_grouped(applications.filter(state__in=WAITING))),
        ("applications.overdue", *_grouped(applications.filter(q_overdue(today)))),
    ]
    monthly_amount = Case(
        When(period=Period.MONTH, amount_per_period__isnull=False, then=F("amount_per_period")),
        default=Value(0),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    grants = Entitlement.objects.all()
    for measure in ENTITLEMENT_MEASURES[:2]:
        found.append(
            (
                f"grants.{measure}",
                *_grouped(
                    grants.filter(q_grants_now(measure, today)),
                    key=F("program_id"),
                    amount=monthly_amount if measure == "active" else None,
                ),
            )
        )
    found.append(("grants.started", *_grouped(grants, month=TruncMonth("start"), key=F("program_id"))))
    return found


def _roll_up(cursor) -> None:
    """Add every unit's rows to its parent's, a level at a time from the communities up, so that a unit's rows
    count its subtree (its own records' rows stay beside the sums of its children's)."""
    table, units = ReportFigure._meta.db_table, ServiceUnit._meta.db_table
    for level in reversed(ServiceUnit.LEVEL_ORDER[1:]):  # community, street, district: each into its parent
        cursor.execute(
            f"""
            INSERT INTO {table} (figure, unit_id, month, key, detail, n, amount)
            SELECT f.figure, u.parent_id, f.month, f.key, f.detail, SUM(f.n), SUM(f.amount)
            FROM {table} f JOIN {units} u ON u.id = f.unit_id
            WHERE u.level = %s AND u.parent_id IS NOT NULL
            GROUP BY f.figure, u.parent_id, f.month, f.key, f.detail
            """,  # noqa: S608 (table names; the level is a parameter)
            [level],
        )


def report_summaries_refresh(*, today: datetime.date | None = None) -> ReportRefresh:
    """Recompute every summed figure (stocks counted on ``today``), add it up the unit tree and replace the old set
    in one transaction."""
    today = today or timezone.localdate()
    started, started_at = time.perf_counter(), timezone.now()
    table = ReportFigure._meta.db_table
    columns = "figure, unit_id, month, key, detail, n, amount"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a table name)
        for figure, sql, params in _figures(today):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, q.u, q.m, q.k, q.d, q.n, q.a FROM ({sql}) AS q",  # noqa: S608
                [figure, *params],
            )
        ReportFigure.objects.bulk_create(  # a row per community and register: few enough to write as objects
            ReportFigure(figure=f"contacts.{measure}", unit_id=row["unit_id"], key=row["register_id"], n=row[measure])
            for row in coverage_counts(RegistryEntry.objects.all(), today)
            for measure in COVERAGE
            if row[measure]
        )
        _roll_up(cursor)
        figures = ReportFigure.objects.count()
        ReportRefresh.objects.all().delete()
        refresh = ReportRefresh.objects.create(
            refreshed_at=timezone.now(),
            started_at=started_at,
            as_of=today,
            seconds=round(time.perf_counter() - started, 2),
            figures=figures,
        )
    if connection.vendor == "postgresql":
        # Every row was replaced: the pages need statistics of the new set and the old rows' space back, whether
        # or not autovacuum comes by first (without them a city's dashboard took 1.1-1.5 s instead of 0.9, and
        # the table grew by its whole size each hour where autovacuum was off). VACUUM only outside a transaction.
        with connection.cursor() as cursor:
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {table}")
    return refresh


# One refresh at a time (a later one would only do the same work again): on PostgreSQL a transaction-scoped
# advisory lock tried without waiting; SQLite lets one transaction write at a time.
REFRESH_LOCK = 0x63617365  # "case"


def _history_models():
    """The history tables of the records the reports count (every domain model of casework and benefits)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("casework", "benefits") and model.__name__.startswith("Historical")
    ]


def report_summaries_stale(*, today: datetime.date | None = None) -> bool:
    """Whether the summaries miss something: never computed, counted on another day, or a record changed since
    the last refresh began (a history row of any counted table, one index look-up each)."""
    today = today or timezone.localdate()
    last = ReportRefresh.objects.first()
    if last is None or last.as_of != today:
        return True
    started = last.started_at or last.refreshed_at  # a change after the refresh began may be missing from it
    return any(model.objects.filter(history_date__gt=started).exists() for model in _history_models())


def report_summaries_refresh_if_stale(*, today: datetime.date | None = None) -> ReportRefresh | None:
    """The debounced refresh the beat runs every ``report-summaries-catch-up`` interval: recompute only when a
    record changed since the last refresh (or the day turned), and never twice at once; None when nothing was
    due or another refresh is running. So a count on a page matches the list behind it within about a minute
    of a write, without a refresh per write."""
    if not report_summaries_stale(today=today):
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
                if not cursor.fetchone()[0]:
                    return None
        return report_summaries_refresh(today=today)
