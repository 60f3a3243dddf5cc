"""Supervisors' reports: the figures of each report as tables (one aggregate query per figure group, grouped by
community and folded into the rows of a by-unit table in Python), and the drill-down list behind every count.

A figure is a base queryset and a filter: the report counts ``Count("pk", filter=Q)`` over the base, the
drill-down lists ``base.filter(Q)``, so a number and its list cannot disagree. Everything is scoped twice: the
model's ``visible_to(user)`` (the user's area) and the chosen unit's subtree (a tree-path prefix)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ServiceUnit, User, unit_paths_of
from casework.models import (
    Assistance,
    Contact,
    ExitReason,
    FollowUp,
    Household,
    HouseholdMember,
    Register,
    RegistryEntry,
)
from casework.selectors import CONTACT_DUE_DAYS
from casework.workdays import add_working_days
from core.dates import month_bounds, parse_month

from ..applications.selectors import processing_limits
from ..models import (
    Application,
    Disbursement,
    DisbursementBatch,
    Entitlement,
    Lead,
    LedgerEntry,
    Program,
    ReportFigure,
    ReportRefresh,
)

REPORTS = {
    "registers": gettext_lazy("People on the registers"),
    "contacts": gettext_lazy("Contact coverage (逐一联系)"),
    "households": gettext_lazy("Zero-employment households (动态清零)"),
    "applications": gettext_lazy("Applications and decisions"),
    "entitlements": gettext_lazy("Grants"),
    "payments": gettext_lazy("Money by program and month"),
    "workload": gettext_lazy("Worklists and caseworker workload"),
}
ENDING_DAYS = 30
WAITING = (Application.State.SUBMITTED, Application.State.RECOMMENDED)
APPROVED_BATCHES = (
    DisbursementBatch.Status.APPROVED,
    DisbursementBatch.Status.EXPORTED,
    DisbursementBatch.Status.SETTLED,
)


# --- Aggregates the ORM lacks --------------------------------------------------------------------------------


class Median(Aggregate):
    """The median: ``percentile_cont`` on PostgreSQL; a ``MEDIAN`` aggregate registered on SQLite connections
    (``benefits.apps``)."""

    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)", **extra
        )


class SqliteMedian:
    """``MEDIAN(x)`` for SQLite (the embedded database has no percentile function)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        ordered, middle = sorted(self.values), len(self.values) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end``."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start, end):
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


# --- The context of a report: who, where, when -----------------------------------------------------------------


@dataclass
class ReportContext:
    """The user, the unit (None: the whole area), the period (first and last day, inclusive) and today."""

    user: User
    unit: ServiceUnit | None
    start: datetime.date
    end: datetime.date
    today: datetime.date
    rows: list[ServiceUnit] = field(default_factory=list)  # the units of the by-unit tables
    row_of: dict[int, int] = field(default_factory=dict)  # community (or any unit) id → row unit id
    _refresh: list = field(default_factory=list)  # the summaries' last refresh, once read

    @property
    def refresh(self) -> ReportRefresh | None:
        """The report summaries' last refresh (None before the first), read once per context."""
        if not self._refresh:
            self._refresh.append(ReportRefresh.objects.order_by("-refreshed_at").first())
        return self._refresh[0]

    @property
    def as_of(self) -> datetime.date:
        """The day the stock figures of the registers are counted on: the period's last day, at most today."""
        return min(self.end, self.today)

    def where(self, unit_field: str = "unit") -> Q:
        """Rows whose ``unit_field`` is in the user's area and under the chosen unit."""
        q = Q()
        if not self.user.is_superuser:
            q &= Q(**{f"{unit_field}__in": ServiceUnit.objects.visible_to(self.user)})
        if self.unit is not None:
            q &= Q(**{f"{unit_field}__path__startswith": self.unit.path})
        return q

    def query(self, **extra) -> str:
        params = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}"}
        if self.unit is not None:
            params["unit"] = self.unit.pk
        params.update({key: value for key, value in extra.items() if value not in (None, "")})
        return urlencode(params)

    def link(self, figure: str, **params) -> str:
        return reverse("benefits:report-list", args=[figure]) + "?" + self.query(**params)

    def unit_link(self, unit_id: int, report: str) -> str:
        params = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}", "unit": unit_id}
        return reverse("benefits:report-detail", args=[report]) + "?" + urlencode(params)


def report_units(*, user):
    """The units a user may choose: every visible unit above community level, and the user's own units."""
    units = ServiceUnit.objects.visible_to(user)
    if user.is_superuser:
        return units.exclude(level=ServiceUnit.Level.COMMUNITY).order_by("path")
    roots = unit_paths_of(user)
    return units.filter(~Q(level=ServiceUnit.Level.COMMUNITY) | Q(path__in=roots)).order_by("path")


def report_context(
    *, user, unit_id=None, start: datetime.date | None = None, end: datetime.date | None = None, today=None
) -> ReportContext:
    """The report's context; ``unit_id`` outside the user's area is a 404 (``Http404``), like any other lookup."""
    from django.shortcuts import get_object_or_404

    today = today or timezone.localdate()
    start = (start or today.replace(month=1)).replace(day=1)
    end = month_bounds(end or today)[1]
    if end < start:
        start, end = month_bounds(end)[0], month_bounds(start)[1]
    unit = get_object_or_404(ServiceUnit.objects.visible_to(user), pk=unit_id) if unit_id else None
    ctx = ReportContext(user=user, unit=unit, start=start, end=end, today=today)
    units = ServiceUnit.objects.visible_to(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    units = list(units.only("pk", "name", "path", "level", "parent_id").order_by("path"))
    if unit is not None:
        tops = [unit]
    elif user.is_superuser:
        tops = [u for u in units if u.parent_id is None]
    else:
        roots = unit_paths_of(user)
        tops = [u for u in units if u.path in roots]
    if len(tops) == 1:
        children = [u for u in units if u.parent_id == tops[0].pk]
        ctx.rows = children or tops
    else:
        ctx.rows = tops
    for u in units:
        row = next((r for r in ctx.rows if u.path.startswith(r.path)), None)
        if row is not None:
            ctx.row_of[u.pk] = row.pk
    return ctx


# --- Tables: what a report shows and an export writes --------------------------------------------------------


@dataclass
class Cell:
    value: object
    link: str = ""

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, datetime.date):
            return self.value.isoformat()
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return isinstance(self.value, int | float | Decimal) and not isinstance(self.value, bool)


@dataclass
class Table:
    """A table of figures; ``chart`` names the numeric columns drawn beside it (indices), ``kind`` the chart."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: tuple[int, ...] = ()
    horizontal: bool = False
    note: str = ""


@dataclass
class Report:
    name: str
    title: str
    tables: list[Table]
    summarized: bool = False  # read from the report summaries: the page says as of when
    refreshed_at: datetime.datetime | None = None


def _fold(ctx: ReportContext, rows, keys: tuple[str, ...], measures: list[str]) -> tuple[dict, dict]:
    """Sum grouped rows ``{"unit_id", *keys, *measures}`` into totals per key and per (row unit, key)."""
    by_key, by_unit = {}, {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        row_unit = ctx.row_of.get(row["unit_id"])
        for target in (by_key.setdefault(key, {}), by_unit.setdefault(row_unit, {})):
            for measure in measures:
                target[measure] = target.get(measure, 0) + (row.get(measure) or 0)
    return by_key, by_unit


def _unit_table(ctx: ReportContext, report: str, by_unit: dict, measures: dict, *, chart=None, note="") -> Table:
    """The by-unit table: one row per unit of ``ctx.rows``; ``measures`` maps each measure to its column title
    and the figure (and parameters) of its list, restricted to that unit."""
    rows = []
    for unit in ctx.rows:
        totals = by_unit.get(unit.pk, {})
        sub = ReportContext(user=ctx.user, unit=unit, start=ctx.start, end=ctx.end, today=ctx.today)
        cells = [Cell(unit.name, ctx.unit_link(unit.pk, report))]
        for measure, (_title, figure, params) in measures.items():
            value = totals.get(measure, 0)
            cells.append(Cell(value, sub.link(figure, **params) if figure and value else ""))
        rows.append(cells)
    columns = [_("Unit"), *[title for title, _figure, _params in measures.values()]]
    chart = chart or tuple(range(1, len(measures) + 1))
    return Table("by_unit", _("By unit"), columns, rows, chart=chart, note=note)


def _measures(group: str, names, titles) -> dict:
    """Measure → (column title, figure ``group.measure``, no parameters), in order."""
    return {name: (title, f"{group}.{name}", {}) for name, title in zip(names, titles, strict=True)}


def _count(figure_q: Q) -> Count:
    return Count("pk", filter=figure_q)


def _summed(ctx: ReportContext, figures: tuple[str, ...], group: tuple[str, ...], *, amounts=True) -> list[dict]:
    """The report summaries' rows of ``figures`` in the context's area summed by ``group``: a stock (no month) as
    counted on the refresh's day, a flow over the months of the period, as ``n`` (and ``amount``).
    ``unit_id`` in ``group`` is the row unit of the by-unit tables (``ctx.row_of``), summed in the database: a
    city's thousand communities come back as its ten districts."""
    sums = {"sum_n": Sum("n")}
    if amounts:  # counts only: no Decimal to convert on each of a city's rows
        sums["sum_amount"] = Sum("amount")
    rows = ReportFigure.objects.filter(
        ctx.where(), Q(month__isnull=True) | Q(month__gte=ctx.start, month__lte=ctx.end), figure__in=figures
    )
    if "unit_id" in group:
        rows = rows.annotate(
            row_unit=Case(
                *[When(unit__path__startswith=row.path, then=Value(row.pk)) for row in ctx.rows],
                default=None,
                output_field=BigIntegerField(),
            )
        )
        group = tuple("row_unit" if name == "unit_id" else name for name in group)
    found = list(rows.values(*group).annotate(**sums).order_by())
    for row in found:
        row["n"], row["amount"] = row.pop("sum_n"), row.pop("sum_amount", None)
        if "row_unit" in row:
            row["unit_id"] = row.pop("row_unit")
    return found


def _summarized(ctx: ReportContext, report: Report) -> Report:
    report.summarized, report.refreshed_at = True, ctx.refresh.refreshed_at if ctx.refresh else None
    return report


# --- Registers ------------------------------------------------------------------------------------------------


def _entries(ctx: ReportContext):
    return RegistryEntry.objects.filter(ctx.where())


def _q_entries(ctx: ReportContext, measure: str, reason: str = "") -> Q:
    if measure == "active":
        return Q(entered_on__lte=ctx.as_of) & (Q(exited_on__isnull=True) | Q(exited_on__gt=ctx.as_of))
    if measure == "new":
        return Q(entered_on__gte=ctx.start, entered_on__lte=ctx.end)
    q = Q(exited_on__gte=ctx.start, exited_on__lte=ctx.end)
    return q & Q(exit_reason=reason) if reason else q


def report_registers(ctx: ReportContext) -> Report:
    reasons = [reason for reason, _label in ExitReason.choices]
    measures = ["active", "new", "exited", *[f"exit_{r}" for r in reasons]]
    rows = _register_counts(ctx)
    by_register, by_unit = _fold(ctx, rows, ("register_id",), measures)
    registers = {r.pk: r for r in Register.objects.filter(pk__in=[k[0] for k in by_register])}
    used_reasons = [r for r in reasons if any(v.get(f"exit_{r}") for v in by_register.values())]
    table_rows = []
    for (register_id,), values in sorted(by_register.items(), key=lambda item: -item[1]["active"]):
        code = registers[register_id].code
        row = [Cell(registers[register_id].display_name)]
        row += [
            Cell(values[m], ctx.link(f"registers.{m}", register=code) if values[m] else "")
            for m in ("active", "new", "exited")
        ]
        row += [
            Cell(
                values[f"exit_{r}"],
                ctx.link("registers.exited", register=code, reason=r) if values[f"exit_{r}"] else "",
            )
            for r in used_reasons
        ]
        table_rows.append(row)
    labels = dict(ExitReason.choices)
    main = [_("On the register at the end of the period"), _("New in the period"), _("Exited in the period")]
    report = Report(
        "registers",
        str(REPORTS["registers"]),
        [
            Table(
                "by_register",
                _("By register"),
                [_("Register"), *main, *[_("Exited: %(reason)s") % {"reason": labels[r]} for r in used_reasons]],
                table_rows,
                chart=(1, 2, 3),
                horizontal=True,
            ),
            _unit_table(ctx, "registers", by_unit, _measures("registers", ("active", "new", "exited"), main)),
        ],
    )
    return _summarized(ctx, report)


def _register_counts(ctx: ReportContext) -> list[dict]:
    """Rows ``{unit_id, register_id, active, new, exited, exit_<reason>}`` from the report summaries. On the
    register at the period's end: the refresh's stock, or, for a period that ended before the refresh's day (on
    a month's last day), the entries up to that day less the exits up to it."""
    refresh = ctx.refresh
    from_flows = refresh is not None and ctx.as_of < refresh.as_of and ctx.as_of == month_bounds(ctx.as_of)[1]
    figures = (
        ("registers.new", "registers.exited")
        if from_flows
        else ("registers.new", "registers.exited", "registers.active")
    )
    rows = {}

    def row_of(unit_id, register_id) -> dict:
        return rows.setdefault((unit_id, register_id), {"unit_id": unit_id, "register_id": register_id})

    for found in _summed(ctx, figures, ("unit_id", "figure", "key", "detail"), amounts=False):
        row, figure, n = row_of(found["unit_id"], found["key"]), found["figure"], found["n"] or 0
        if figure == "registers.active":
            row["active"] = row.get("active", 0) + n
        elif figure == "registers.new":
            row["new"] = row.get("new", 0) + n
        else:
            row["exited"] = row.get("exited", 0) + n
            row[f"exit_{found['detail']}"] = row.get(f"exit_{found['detail']}", 0) + n
    if from_flows:
        # Every month up to the period's end, entries less exits, per community: one number per community and
        # register, without the months and exit reasons the period's figures above are split by. Grouped by
        # community, not by the table's row as in _summed: over every month's rows the row unit's CASE cost more
        # than it saved; _fold puts the communities in their rows.
        entered_less_exited = Case(
            When(figure="registers.exited", then=-F("n")), default=F("n"), output_field=BigIntegerField()
        )
        for unit_id, register_id, active in (
            ReportFigure.objects.filter(ctx.where(), figure__in=figures, month__lte=ctx.end)
            .values("unit_id", "key")
            .annotate(active=Sum(entered_less_exited))
            .order_by()
            .values_list("unit_id", "key", "active")
        ):
            row = row_of(unit_id, register_id)
            row["active"] = row.get("active", 0) + (active or 0)
    return [row for row in rows.values() if row.get("active") or row.get("new") or row.get("exited")]


# --- Contact coverage (逐一联系) --------------------------------------------------------------------------------


def _coverage_entries(ctx: ReportContext):
    """Open entries of persons on registers with a contact duty, each with the person's last contact (the
    register page's definition)."""
    last = Contact.objects.filter(person=OuterRef("person")).order_by("-contacted_on").values("contacted_on")[:1]
    return (
        _entries(ctx)
        .filter(register__needs_contact=True, exited_on__isnull=True, person__isnull=False)
        .annotate(last_contacted_on=Subquery(last))
    )


def _q_coverage(ctx: ReportContext, measure: str) -> Q:
    cutoff = ctx.today - datetime.timedelta(days=CONTACT_DUE_DAYS)
    return {
        "total": Q(),
        "recent": Q(last_contacted_on__gte=cutoff),
        "overdue": Q(last_contacted_on__lt=cutoff),
        "never": Q(last_contacted_on__isnull=True),
    }[measure]


COVERAGE = ("total", "recent", "overdue", "never")


def _coverage_percent(values: dict) -> str:
    return f"{100 * values.get('recent', 0) / values['total']:.1f}%" if values.get("total") else "–"


def coverage_counts(entries, today: datetime.date) -> list[dict]:
    """The open entries with a contact duty among ``entries`` counted by community and register in one statement
    (``COVERAGE`` on ``today``). The last contacts come from one grouped pass over the contacts (a derived table)
    rather than a look-up per entry: the same dates, at a city's scale in a fraction of the time.
    ``_q_coverage`` over ``_coverage_entries`` gives the same rows (the lists); the tests hold the two to the same
    numbers."""
    entries = entries.filter(register__needs_contact=True, exited_on__isnull=True, person__isnull=False).values(
        "unit_id", "register_id", "person_id"
    )
    sql, params = entries.query.sql_with_params()
    cutoff = today - datetime.timedelta(days=CONTACT_DUE_DAYS)
    query = f"""
        SELECT e.unit_id, e.register_id, COUNT(*) AS total,
               COUNT(*) FILTER (WHERE c.last_on >= %s) AS recent,
               COUNT(*) FILTER (WHERE c.last_on < %s) AS overdue,
               COUNT(*) FILTER (WHERE c.last_on IS NULL) AS never
        FROM ({sql}) AS e
        LEFT JOIN (
            SELECT person_id, MAX(contacted_on) AS last_on FROM {Contact._meta.db_table} GROUP BY person_id
        ) AS c ON c.person_id = e.person_id
        GROUP BY e.unit_id, e.register_id
    """  # noqa: S608 (the ORM's own SQL and a table name; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(query, [cutoff, cutoff, *params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def report_contacts(ctx: ReportContext) -> Report:
    counted = {}
    for found in _summed(ctx, tuple(f"contacts.{m}" for m in COVERAGE), ("unit_id", "key", "figure"), amounts=False):
        row = counted.setdefault(
            (found["unit_id"], found["key"]), {"unit_id": found["unit_id"], "register_id": found["key"]}
        )
        row[found["figure"].partition(".")[2]] = found["n"]
    by_register, by_unit = _fold(ctx, counted.values(), ("register_id",), list(COVERAGE))
    registers = {r.pk: r for r in Register.objects.filter(needs_contact=True)}
    table_rows = []
    for (register_id,), values in sorted(by_register.items(), key=lambda item: -item[1]["total"]):
        code = registers[register_id].code
        table_rows.append(
            [Cell(registers[register_id].display_name)]
            + [Cell(values[m], ctx.link(f"contacts.{m}", register=code) if values[m] else "") for m in COVERAGE]
            + [Cell(_coverage_percent(values))]
        )
    columns = [
        _("On the register"),
        _("Contacted within 30 days"),
        _("Overdue"),
        _("Never contacted"),
        _("Coverage"),
    ]
    note = _("Overdue: the last contact is more than 30 days old.")
    unit_table = _unit_table(ctx, "contacts", by_unit, _measures("contacts", COVERAGE, columns[:4]), chart=(2, 3, 4))
    unit_table.columns.append(columns[4])
    unit_table.note = note
    for cells, unit in zip(unit_table.rows, ctx.rows, strict=True):
        cells.append(Cell(_coverage_percent(by_unit.get(unit.pk, {}))))
    return _summarized(
        ctx,
        Report(
            "contacts",
            str(REPORTS["contacts"]),
            [
                Table("by_register", _("By register"), [_("Register"), *columns], table_rows, chart=(2, 3, 4)),
                unit_table,
            ],
        ),
    )


# --- Zero-employment households (动态清零) ----------------------------------------------------------------------


def _q_households(ctx: ReportContext, measure: str) -> Q:
    return {
        "zero": Q(is_zero_employment=True),
        "fell_back": Q(fell_back_on__isnull=False),
        "cleared": Q(cleared_on__gte=ctx.start, cleared_on__lte=ctx.end),
    }[measure]


HOUSEHOLD_MEASURES = ("zero", "fell_back", "cleared")


def report_households(ctx: ReportContext) -> Report:
    measures = {m: _count(_q_households(ctx, m)) for m in HOUSEHOLD_MEASURES}
    rows = Household.objects.filter(ctx.where()).values("unit_id").annotate(**measures).order_by()
    by_key, by_unit = _fold(ctx, rows, (), list(measures))
    totals = by_key.get((), {})
    columns = [
        _("Zero-employment households now"),
        _("Of which fell back"),
        _("Cleared in the period"),
    ]
    total_row = [Cell(_("All"))] + [
        Cell(totals.get(m, 0), ctx.link(f"households.{m}") if totals.get(m) else "") for m in HOUSEHOLD_MEASURES
    ]
    return Report(
        "households",
        str(REPORTS["households"]),
        [
            Table("total", _("In the area"), ["", *columns], [total_row], chart=(1, 2, 3)),
            _unit_table(ctx, "households", by_unit, _measures("households", HOUSEHOLD_MEASURES, columns)),
        ],
    )


# --- Applications ---------------------------------------------------------------------------------------------


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _overdue_cutoff(today: datetime.date, days: int) -> datetime.date:
    """The first submission day whose deadline (``days`` working days later) is not yet past on ``today``:
    applications submitted before it are overdue (the deadline grows with the submission day)."""
    day = today
    while add_working_days(day - datetime.timedelta(days=1), days) >= today:
        day -= datetime.timedelta(days=1)
    return day


def _q_overdue(ctx: ReportContext) -> Q:
    """Waiting for a decision past the city's time limit (``selectors.application_deadline``), in SQL."""
    limits = processing_limits(on=ctx.today)
    default = settings.CASEWORK_APPLICATION_WORKING_DAYS
    by_city = Q()
    for city, days in limits.items():
        by_city |= Q(program__city=city, submitted_at__lt=_day_start(_overdue_cutoff(ctx.today, days)))
    q = by_city | (
        ~Q(program__city__in=list(limits)) & Q(submitted_at__lt=_day_start(_overdue_cutoff(ctx.today, default)))
    )
    return Q(state__in=WAITING) & q


def _q_applications(ctx: ReportContext, measure: str, state: str = "") -> Q:
    if measure == "received":
        q = Q(created_at__gte=_day_start(ctx.start), created_at__lt=_day_start(ctx.end + datetime.timedelta(days=1)))
        return q & Q(state=state) if state else q
    if measure == "decided":
        q = Q(decided_on__gte=ctx.start, decided_on__lte=ctx.end, state__in=["approved", "rejected"])
        return q & Q(state=state) if state else q
    if measure == "waiting":
        return Q(state__in=WAITING)
    return _q_overdue(ctx)


def report_applications(ctx: ReportContext) -> Report:
    states = list(Application.State.values)
    measures = {f"received_{s}": _count(_q_applications(ctx, "received", s)) for s in states}
    measures.update(
        approved=_count(_q_applications(ctx, "decided", "approved")),
        rejected=_count(_q_applications(ctx, "decided", "rejected")),
        waiting=_count(_q_applications(ctx, "waiting")),
        overdue=_count(_q_applications(ctx, "overdue")),
    )
    base = Application.objects.filter(ctx.where())
    rows = base.values("unit_id").annotate(**measures).order_by()
    by_key, by_unit = _fold(ctx, rows, (), list(measures))
    totals = by_key.get((), {})
    labels = dict(Application.State.choices)
    by_state = [
        [Cell(labels[s]), Cell(totals.get(f"received_{s}", 0), ctx.link("applications.received", state=s))]
        for s in states
    ]
    for row in by_state:
        if not row[1].value:
            row[1].link = ""
    decided = (
        base.filter(_q_applications(ctx, "decided"), submitted_at__isnull=False)
        .values("program_id")
        .annotate(
            approved=_count(Q(state="approved")),
            rejected=_count(Q(state="rejected")),
            median=Median(DaysBetween(TruncDate("submitted_at"), F("decided_on"))),
        )
        .order_by()
    )
    decided = list(decided)
    programs = {p.pk: p for p in Program.objects.filter(pk__in=[row["program_id"] for row in decided])}
    overall = (
        base.filter(_q_applications(ctx, "decided"), submitted_at__isnull=False)
        .aggregate(median=Median(DaysBetween(TruncDate("submitted_at"), F("decided_on"))))
        .get("median")
    )
    decision_rows = []
    for row in sorted(decided, key=lambda r: -(r["approved"] + r["rejected"])):
        code = programs[row["program_id"]].code
        decision_rows.append(
            [
                Cell(programs[row["program_id"]].display_name),
                *[
                    Cell(row[s], ctx.link("applications.decided", state=s, program=code) if row[s] else "")
                    for s in ("approved", "rejected")
                ],
                Cell(_days(row["median"])),
            ]
        )
    decision_rows.append(
        [
            Cell(_("All")),
            *[
                Cell(totals.get(s, 0), ctx.link("applications.decided", state=s) if totals.get(s) else "")
                for s in ("approved", "rejected")
            ],
            Cell(_days(overall)),
        ]
    )
    return Report(
        "applications",
        str(REPORTS["applications"]),
        [
            Table(
                "by_state",
                _("Applications created in the period, by state now"),
                [_("State"), _("Applications")],
                by_state,
                chart=(1,),
                horizontal=True,
            ),
            Table(
                "decisions",
                _("Decided in the period"),
                [_("Program"), _("Approved"), _("Rejected"), _("Median days from submission to decision")],
                decision_rows,
            ),
            _unit_table(
                ctx,
                "applications",
                by_unit,
                {
                    "waiting": (_("Waiting for a decision now"), "applications.waiting", {}),
                    "overdue": (_("Of which overdue"), "applications.overdue", {}),
                    "approved": (_("Approved"), "applications.decided", {"state": "approved"}),
                    "rejected": (_("Rejected"), "applications.decided", {"state": "rejected"}),
                },
                chart=(1, 2),
                note=_("Overdue: past the city's time limit in working days from submission."),
            ),
        ],
    )


def _days(value) -> str:
    return "–" if value is None else f"{value:.1f}"


# --- Grants ---------------------------------------------------------------------------------------------------


def _q_grants(ctx: ReportContext, measure: str, program: str = "") -> Q:
    if measure == "active":
        q = Q(status=Entitlement.Status.ACTIVE)
    elif measure == "ending":
        q = Q(status=Entitlement.Status.ACTIVE, end__lte=ctx.today + datetime.timedelta(days=ENDING_DAYS))
    else:  # started in the period
        q = Q(start__gte=ctx.start, start__lte=ctx.end)
    return q & Q(program__code=program) if program else q


GRANT_MEASURES = ("active", "ending", "started")


def report_entitlements(ctx: ReportContext) -> Report:
    measures = {m: _count(_q_grants(ctx, m)) for m in GRANT_MEASURES}
    measures["monthly"] = Sum("amount_per_period", filter=_q_grants(ctx, "active") & Q(period="month"))
    rows = (
        Entitlement.objects.filter(ctx.where())
        .filter(_q_grants(ctx, "active") | _q_grants(ctx, "started"))
        .values("unit_id", "program_id")
        .annotate(**measures)
        .order_by()
    )
    by_program, by_unit = _fold(ctx, rows, ("program_id",), list(measures))
    programs = {p.pk: p for p in Program.objects.filter(pk__in=[k[0] for k in by_program])}
    table_rows = []
    for (program_id,), values in sorted(by_program.items(), key=lambda item: -item[1]["active"]):
        code = programs[program_id].code
        table_rows.append(
            [Cell(programs[program_id].display_name)]
            + [Cell(values[m], ctx.link(f"grants.{m}", program=code) if values[m] else "") for m in GRANT_MEASURES]
            + [Cell(_money(values["monthly"]))]
        )
    columns = [_("Active now"), _("Ending within 30 days"), _("Started in the period")]
    return Report(
        "entitlements",
        str(REPORTS["entitlements"]),
        [
            Table(
                "by_program",
                _("By program"),
                [_("Program"), *columns, _("Monthly amount of the active grants")],
                table_rows,
                chart=(1, 2, 3),
                horizontal=True,
            ),
            _unit_table(ctx, "entitlements", by_unit, _measures("grants", GRANT_MEASURES, columns)),
        ],
    )


def _money(value) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


# --- Money ------------------------------------------------------------------------------------------------------


def _lines(ctx: ReportContext):
    """Payment lines of batches generated for a month of the period (cancelled lines left out)."""
    return (
        Disbursement.objects.filter(ctx.where())
        .filter(batch__month__gte=ctx.start, batch__month__lte=ctx.end)
        .exclude(status=Disbursement.Status.CANCELLED)
    )


def q_lines(measure: str) -> Q:
    if measure == "approved":
        return Q(batch__status__in=APPROVED_BATCHES)
    if measure == "reversed":
        return Q(Exists(LedgerEntry.objects.filter(disbursement=OuterRef("pk"), kind=LedgerEntry.Kind.REVERSAL)))
    return Q(status=measure)


MONEY_MEASURES = ("approved", "paid", "failed", "reversed")


def report_payments(ctx: ReportContext) -> Report:
    cells = {}
    for found in _summed(ctx, tuple(f"lines.{m}" for m in MONEY_MEASURES), ("figure", "key", "month")):
        measure = found["figure"].partition(".")[2]
        values = cells.setdefault((found["key"], found["month"]), {})
        values[f"{measure}_n"], values[f"{measure}_sum"] = found["n"], found["amount"]
    programs = {p.pk: p for p in Program.objects.filter(pk__in=[key[0] for key in cells])}
    by_month: dict[datetime.date, dict] = {}
    detail_rows = []
    for (program_id, month), values in sorted(cells.items(), key=lambda item: (item[0][1], programs[item[0][0]].code)):
        values["reversed_sum"] = -(values.get("reversed_sum") or 0)  # the reversals' amounts are negative
        totals = by_month.setdefault(month, {})
        row = [Cell(f"{month:%Y-%m}"), Cell(programs[program_id].display_name)]
        for measure in MONEY_MEASURES:
            n, amount = values.get(f"{measure}_n") or 0, _money(values.get(f"{measure}_sum"))
            totals[f"{measure}_n"] = totals.get(f"{measure}_n", 0) + n
            totals[f"{measure}_sum"] = totals.get(f"{measure}_sum", Decimal("0.00")) + amount
            link = ctx.link(f"lines.{measure}", program=programs[program_id].code, month=f"{month:%Y-%m}")
            row += [Cell(n, link if n else ""), Cell(amount)]
        detail_rows.append(row)
    month_rows = []
    for month, totals in sorted(by_month.items()):
        row = [Cell(f"{month:%Y-%m}")]
        for measure in MONEY_MEASURES:
            n = totals[f"{measure}_n"]
            row += [
                Cell(n, ctx.link(f"lines.{measure}", month=f"{month:%Y-%m}") if n else ""),
                Cell(totals[f"{measure}_sum"]),
            ]
        month_rows.append(row)
    headings = []
    for label in (_("Approved"), _("Paid"), _("Failed"), _("Reversed")):
        headings += [_("%(measure)s: lines") % {"measure": label}, _("%(measure)s: amount") % {"measure": label}]
    return _summarized(
        ctx,
        Report(
            "payments",
            str(REPORTS["payments"]),
            [
                Table(
                    "by_month",
                    _("By month"),
                    [_("Month"), *headings],
                    month_rows,
                    chart=(2, 4, 6, 8),
                    note=_("By the month of the payment batch; approved: in a batch finance has approved."),
                ),
                Table("by_program", _("By program and month"), [_("Month"), _("Program"), *headings], detail_rows),
            ],
        ),
    )


# --- Worklists and workload -----------------------------------------------------------------------------------


def _q_followups(ctx: ReportContext, measure: str, kind: str = "") -> Q:
    q = Q(done_at__isnull=True)
    if measure == "overdue":
        q &= Q(due_on__lt=ctx.today)
    return q & Q(kind=kind) if kind else q


def report_workload(ctx: ReportContext) -> Report:
    counts, leads, work = {}, 0, {}
    figures = ("followups.open", "followups.overdue", "leads.open", "work.contacts", "work.assistance")
    for found in _summed(ctx, (*figures, "work.applications"), ("figure", "key", "detail"), amounts=False):
        group, _dot, measure = found["figure"].partition(".")
        if group == "followups":
            counts.setdefault(found["detail"], {})[measure] = found["n"]
        elif group == "leads":
            leads += found["n"] or 0
        elif found["key"] is not None and found["n"]:
            work.setdefault(found["key"], {})[measure] = found["n"]
    kind_rows = []
    for kind, label in FollowUp.Kind.choices:
        values = counts.get(kind, {})
        kind_rows.append(
            [Cell(label)]
            + [
                Cell(values.get(m, 0), ctx.link(f"followups.{m}", kind=kind) if values.get(m) else "")
                for m in ("open", "overdue")
            ]
        )
    lead_rows = [[Cell(_("Open leads")), Cell(leads, ctx.link("leads.open") if leads else "")]]
    users = {u.pk: u for u in User.objects.filter(pk__in=list(work), kind=User.Kind.STAFF)}
    worker_rows = []
    for user_id, values in sorted(work.items(), key=lambda item: -sum(item[1].values())):
        if user_id not in users:  # the system account (jobs, imports) is not a caseworker
            continue
        worker_rows.append(
            [Cell(str(users[user_id]))]
            + [
                Cell(values.get(m, 0), ctx.link(f"work.{m}", caseworker=user_id) if values.get(m) else "")
                for m in ("contacts", "assistance", "applications")
            ]
        )
    return _summarized(
        ctx,
        Report(
            "workload",
            str(REPORTS["workload"]),
            [
                Table("followups", _("Worklist"), [_("Kind"), _("Open"), _("Overdue")], kind_rows, chart=(1, 2)),
                Table("leads", _("Proactive service (主动服务)"), ["", _("Number")], lead_rows),
                Table(
                    "caseworkers",
                    _("Caseworker workload"),
                    [
                        _("Staff member"),
                        _("Contacts logged in the period"),
                        _("Open one-on-one assistance"),
                        _("Applications created in the period"),
                    ],
                    worker_rows,
                ),
            ],
        ),
    )


BUILDERS = {
    "registers": report_registers,
    "contacts": report_contacts,
    "households": report_households,
    "applications": report_applications,
    "entitlements": report_entitlements,
    "payments": report_payments,
    "workload": report_workload,
}


def report_build(ctx: ReportContext, name: str) -> Report:
    return BUILDERS[name](ctx)


REPORT_WORK_MEM = "32MB"  # a city's GROUP BY over the summaries spills to disk at PostgreSQL's default 4 MB


def reports_build(ctx: ReportContext, names: list[str]) -> list[Report]:
    """The reports ``names`` read in one transaction, with room for their aggregates on PostgreSQL."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        return [report_build(ctx, name) for name in names]


# --- Drill-down: the list behind each number ---------------------------------------------------------------------


class DrillDown:
    """What a figure's list shows: the rows' kind (which columns) and the queryset (scoped, filtered)."""

    def __init__(self, kind: str, rows, title: str):
        self.kind, self.rows, self.title = kind, rows, title


def _register_param(params) -> Q:
    code = params.get("register", "")
    return Q(register__code=code) if code else Q()


def drill_down(ctx: ReportContext, figure: str, params) -> DrillDown | None:
    """The list behind ``figure`` (``registers.active`` …) for the query-string ``params``; None if unknown."""
    group, _dot, measure = figure.partition(".")
    title = ""
    if group == "registers" and measure in ("active", "new", "exited"):
        reason = params.get("reason", "") if measure == "exited" else ""
        if reason and reason not in ExitReason.values:
            return None
        rows = _entries(ctx).filter(_q_entries(ctx, measure, reason), _register_param(params))
        rows = rows.select_related("register", "person", "household", "unit")
        return DrillDown("entries", rows.order_by("unit__path", "register__code", "pk"), title)
    if group == "contacts" and measure in COVERAGE:
        rows = _coverage_entries(ctx).filter(_q_coverage(ctx, measure), _register_param(params))
        rows = rows.select_related("register", "person", "unit")
        return DrillDown("coverage", rows.order_by("unit__path", "person__name", "pk"), title)
    if group == "households" and measure in HOUSEHOLD_MEASURES:
        rows = Household.objects.filter(ctx.where()).filter(_q_households(ctx, measure)).select_related("unit")
        rows = rows.prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
        ).annotate(member_count=Count("members"))
        return DrillDown("households", rows.order_by("unit__path", "pk"), title)
    if group == "applications" and measure in ("received", "decided", "waiting", "overdue"):
        state = params.get("state", "")
        if state and state not in Application.State.values:
            return None
        rows = Application.objects.filter(ctx.where()).filter(_q_applications(ctx, measure, state))
        if params.get("program"):
            rows = rows.filter(program__code=params["program"])
        if params.get("caseworker"):
            rows = rows.filter(created_by_id=_int(params["caseworker"]))
        rows = rows.select_related("program", "person", "organization", "unit")
        return DrillDown("applications", rows.order_by("-created_at", "-pk"), title)
    if group == "grants" and measure in GRANT_MEASURES:
        rows = Entitlement.objects.filter(ctx.where()).filter(_q_grants(ctx, measure, params.get("program", "")))
        rows = rows.select_related("program", "person", "organization", "unit")
        return DrillDown("grants", rows.order_by(F("end").asc(nulls_last=True), "-pk"), title)
    if group == "lines" and measure in MONEY_MEASURES:
        rows = _lines(ctx).filter(q_lines(measure))
        if params.get("program"):
            rows = rows.filter(program__code=params["program"])
        month = parse_month(params.get("month"))
        if params.get("month"):
            if month is None:
                return None
            rows = rows.filter(batch__month=month)
        rows = rows.select_related("program", "person", "organization", "unit", "batch")
        return DrillDown("lines", rows.order_by("batch__month", "pk"), title)
    if group == "followups" and measure in ("open", "overdue"):
        kind = params.get("kind", "")
        if kind and kind not in FollowUp.Kind.values:
            return None
        rows = FollowUp.objects.filter(ctx.where()).filter(_q_followups(ctx, measure, kind))
        rows = rows.select_related("person", "household", "unit").prefetch_related(
            Prefetch("household__members", queryset=HouseholdMember.objects.select_related("person"))
        )
        return DrillDown("followups", rows.order_by("due_on", "pk"), title)
    if group == "leads" and measure == "open":
        rows = Lead.objects.filter(ctx.where()).filter(closed_on__isnull=True)
        return DrillDown("leads", rows.select_related("person", "program", "unit").order_by("unit__path", "pk"), title)
    if group == "work" and measure in ("contacts", "assistance", "applications"):
        worker = _int(params.get("caseworker"))
        if worker is None:
            return None
        if measure == "applications":
            return drill_down(ctx, "applications.received", {"caseworker": worker})
        if measure == "contacts":
            rows = Contact.objects.filter(ctx.where("person__residence_unit")).filter(
                contacted_on__gte=ctx.start, contacted_on__lte=ctx.end, caseworker_id=worker
            )
            rows = rows.select_related("person", "person__residence_unit", "caseworker")
            return DrillDown("contacts", rows.order_by("-contacted_on", "-pk"), title)
        rows = Assistance.objects.filter(ctx.where("person__residence_unit")).filter(
            ended_on__isnull=True, caseworker_id=worker
        )
        rows = rows.select_related("person", "person__residence_unit", "caseworker")
        return DrillDown("assistance", rows.order_by("person__name", "pk"), title)
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- The columns of a drill-down list (the page and its export) --------------------------------------------------


def _person_link(person) -> str:
    return reverse("casework:person-detail", args=[person.pk]) if person else ""


def _party(row) -> tuple[str, str, str]:
    """Name, ID number (masked or full: the caller decides), link of a row's person or organization."""
    if getattr(row, "person_id", None):
        return row.person.name, row.person.id_number, _person_link(row.person)
    organization = getattr(row, "organization", None)
    if organization is not None:
        return organization.name, organization.uscc, reverse("casework:organization-detail", args=[organization.pk])
    return "", "", ""


def list_columns(kind: str) -> list[str]:
    name, number = _("Name"), _("ID number")
    return {
        "entries": [name, number, _("Register"), _("Community"), _("Entered on"), _("Exited on"), _("Exit reason")],
        "coverage": [name, number, _("Register"), _("Community"), _("Entered on"), _("Last contacted")],
        "households": [_("Household"), _("Community"), _("Members"), _("Zero employment since"), _("Cleared on"),
                       _("Fell back on")],
        "applications": [name, number, _("Program"), _("State"), _("Submitted at"), _("Decided on"), _("Unit")],
        "grants": [name, number, _("Program"), _("Status"), _("Start"), _("End"), _("Amount per period")],
        "lines": [_("Line"), name, number, _("Program"), _("Batch month"), _("Period"), _("Amount"), _("Status")],
        "followups": [_("Kind"), name, number, _("Community"), _("Due on")],
        "leads": [name, number, _("Program"), _("Community"), _("First found on")],
        "contacts": [name, number, _("Community"), _("Date"), _("Channel"), _("Outcome")],
        "assistance": [name, number, _("Community"), _("Caseworker"), _("From")],
    }[kind]  # fmt: skip


def list_row(kind: str, row, *, mask) -> list[Cell]:
    """The cells of one drill-down row; ``mask(number)`` turns an ID number into what the viewer may see."""
    name, number, link = _party(row)
    party = [Cell(name, link), Cell(mask(number) if getattr(row, "person_id", None) else number)]
    if kind == "entries":
        if row.household_id:
            party = [Cell(str(_("Household %(id)s") % {"id": row.household_id}),
                          reverse("casework:household-detail", args=[row.household_id])), Cell("")]  # fmt: skip
        return [
            *party,
            Cell(row.register.display_name),
            Cell(row.unit.name),
            Cell(row.entered_on),
            Cell(row.exited_on),
            Cell(row.get_exit_reason_display()),
        ]
    if kind == "coverage":
        return [
            *party,
            Cell(row.register.display_name),
            Cell(row.unit.name),
            Cell(row.entered_on),
            Cell(row.last_contacted_on),
        ]
    if kind == "households":
        return [
            Cell(str(row), reverse("casework:household-detail", args=[row.pk])),
            Cell(row.unit.name),
            Cell(row.member_count),
            Cell(row.zero_employment_since),
            Cell(row.cleared_on),
            Cell(row.fell_back_on),
        ]
    if kind == "applications":
        party[0].link = reverse("benefits:application-detail", args=[row.pk])
        submitted = timezone.localtime(row.submitted_at).date() if row.submitted_at else None
        return [
            *party,
            Cell(row.program.display_name),
            Cell(row.get_state_display()),
            Cell(submitted),
            Cell(row.decided_on),
            Cell(row.unit.name),
        ]
    if kind == "grants":
        party[0].link = reverse("benefits:entitlement-detail", args=[row.pk])
        return [
            *party,
            Cell(row.program.display_name),
            Cell(row.get_status_display()),
            Cell(row.start),
            Cell(row.end),
            Cell(row.amount_per_period),
        ]
    if kind == "lines":
        return [
            Cell(row.reference, reverse("benefits:disbursement-detail", args=[row.pk])),
            *party,
            Cell(row.program.display_name),
            Cell(f"{row.batch.month:%Y-%m}"),
            Cell(row.period),
            Cell(row.amount_cny),
            Cell(row.get_status_display()),
        ]
    if kind == "followups":
        if row.household_id:
            party = [Cell(str(row.household), reverse("casework:household-detail", args=[row.household_id])), Cell("")]
        return [Cell(row.get_kind_display()), *party, Cell(row.unit.name), Cell(row.due_on)]
    if kind == "leads":
        return [*party, Cell(row.program.display_name), Cell(row.unit.name), Cell(row.first_found_on)]
    if kind == "contacts":
        return [
            *party,
            Cell(row.person.residence_unit.name),
            Cell(row.contacted_on),
            Cell(row.get_channel_display()),
            Cell(row.get_outcome_display()),
        ]
    return [*party, Cell(row.person.residence_unit.name), Cell(str(row.caseworker)), Cell(row.started_on)]
