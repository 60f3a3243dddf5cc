"""The figures of each report (registers, contact coverage, zero-employment households, applications, grants,
money, workload), each defined once as a filter that the drill-down lists use too; and the building of a page."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import (
    Contact,
    ExitReason,
    FollowUp,
    Household,
    Register,
    RegistryEntry,
)
from casework.selectors import CONTACT_DUE_DAYS
from casework.workdays import add_working_days
from core.dates import month_bounds

from ..applications.selectors import processing_limits
from ..models import (
    Application,
    Disbursement,
    Entitlement,
    LedgerEntry,
    Program,
    ReportFigure,
)
from .context import APPROVED_BATCHES, ENDING_DAYS, REPORTS, WAITING, ReportContext
from .tables import (
    Cell,
    Report,
    Table,
    count_figure,
    fold_rows,
    fold_summaries,
    from_summaries,
    measure_columns,
    summary_units,
    summed_rows,
    table_by_unit,
)


def register_entries(ctx: ReportContext):
    return RegistryEntry.objects.filter(ctx.where())


def q_entries(ctx: ReportContext, measure: str, reason: str = "") -> Q:
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
    by_register, by_unit = fold_summaries(ctx, rows, ("register_id",), measures)
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
            table_by_unit(ctx, "registers", by_unit, measure_columns("registers", ("active", "new", "exited"), main)),
        ],
    )
    return from_summaries(ctx, report)


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

    for found in summed_rows(ctx, figures, ("unit_id", "figure", "key", "detail"), amounts=False):
        row, figure, n = row_of(found["unit_id"], found["key"]), found["figure"], found["n"] or 0
        if figure == "registers.active":
            row["active"] = row.get("active", 0) + n
        elif figure == "registers.new":
            row["new"] = row.get("new", 0) + n
        else:
            row["exited"] = row.get("exited", 0) + n
            row[f"exit_{found['detail']}"] = row.get(f"exit_{found['detail']}", 0) + n
    if from_flows:
        # Every month up to the period's end, entries less exits: one number per unit and register, without the
        # months and exit reasons the period's figures above are split by.
        entered_less_exited = Case(
            When(figure="registers.exited", then=-F("n")), default=F("n"), output_field=BigIntegerField()
        )
        for unit_id, register_id, active in (
            ReportFigure.objects.filter(
                figure__in=figures, month__lte=ctx.end, unit_id__in=summary_units(ctx, by_unit=True)
            )
            .values("unit_id", "key")
            .annotate(active=Sum(entered_less_exited))
            .order_by()
            .values_list("unit_id", "key", "active")
        ):
            row = row_of(unit_id, register_id)
            row["active"] = row.get("active", 0) + (active or 0)
    return [row for row in rows.values() if row.get("active") or row.get("new") or row.get("exited")]


def coverage_entries(ctx: ReportContext):
    """Open entries of persons on registers with a contact duty, each with the person's last contact (the
    register page's definition)."""
    last = Contact.objects.filter(person=OuterRef("person")).order_by("-contacted_on").values("contacted_on")[:1]
    return (
        register_entries(ctx)
        .filter(register__needs_contact=True, exited_on__isnull=True, person__isnull=False)
        .annotate(last_contacted_on=Subquery(last))
    )


def q_coverage(ctx: ReportContext, measure: str) -> Q:
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
    ``q_coverage`` over ``coverage_entries`` gives the same rows (the lists); the tests hold the two to the same
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
    with connections[router.db_for_read(Contact)].cursor() as cursor:  # the database the ORM reads from here
        cursor.execute(query, [cutoff, cutoff, *params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def report_contacts(ctx: ReportContext) -> Report:
    counted = {}
    for found in summed_rows(
        ctx, tuple(f"contacts.{m}" for m in COVERAGE), ("unit_id", "key", "figure"), amounts=False
    ):
        row = counted.setdefault(
            (found["unit_id"], found["key"]), {"unit_id": found["unit_id"], "register_id": found["key"]}
        )
        row[found["figure"].partition(".")[2]] = found["n"]
    by_register, by_unit = fold_summaries(ctx, counted.values(), ("register_id",), list(COVERAGE))
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
    unit_table = table_by_unit(
        ctx, "contacts", by_unit, measure_columns("contacts", COVERAGE, columns[:4]), chart=(2, 3, 4)
    )
    unit_table.columns.append(columns[4])
    unit_table.note = note
    for cells, unit in zip(unit_table.rows, ctx.rows, strict=True):
        cells.append(Cell(_coverage_percent(by_unit.get(unit.pk, {}))))
    return from_summaries(
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


def q_households(ctx: ReportContext, measure: str) -> Q:
    return {
        "zero": Q(is_zero_employment=True),
        "fell_back": Q(fell_back_on__isnull=False),
        "cleared": Q(cleared_on__gte=ctx.start, cleared_on__lte=ctx.end),
    }[measure]


HOUSEHOLD_MEASURES = ("zero", "fell_back", "cleared")


def report_households(ctx: ReportContext) -> Report:
    measures = {m: count_figure(q_households(ctx, m)) for m in HOUSEHOLD_MEASURES}
    rows = Household.objects.filter(ctx.where()).values("unit_id").annotate(**measures).order_by()
    by_key, by_unit = fold_rows(ctx, rows, (), list(measures))
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
            table_by_unit(ctx, "households", by_unit, measure_columns("households", HOUSEHOLD_MEASURES, columns)),
        ],
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _overdue_cutoff(today: datetime.date, days: int) -> datetime.date:
    """The first submission day whose deadline (``days`` working days later) is not yet past on ``today``:
    applications submitted before it are overdue (the deadline grows with the submission day)."""
    day = today
    while add_working_days(day - datetime.timedelta(days=1), days) >= today:
        day -= datetime.timedelta(days=1)
    return day


def q_overdue(today: datetime.date) -> Q:
    """Waiting for a decision past the city's time limit on ``today`` (``selectors.application_deadline``), in
    SQL."""
    limits = processing_limits(on=today)
    default = settings.CASEWORK_APPLICATION_WORKING_DAYS
    by_city = Q()
    for city, days in limits.items():
        by_city |= Q(program__city=city, submitted_at__lt=_day_start(_overdue_cutoff(today, days)))
    q = by_city | (~Q(program__city__in=list(limits)) & Q(submitted_at__lt=_day_start(_overdue_cutoff(today, default))))
    return Q(state__in=WAITING) & q


DECIDED_STATES = (Application.State.APPROVED, Application.State.REJECTED)


def q_applications(ctx: ReportContext, measure: str, state: str = "") -> Q:
    if measure == "received":
        q = Q(created_at__gte=_day_start(ctx.start), created_at__lt=_day_start(ctx.end + datetime.timedelta(days=1)))
        return q & Q(state=state) if state else q
    if measure == "decided":
        q = Q(decided_on__gte=ctx.start, decided_on__lte=ctx.end, state__in=DECIDED_STATES)
        return q & Q(state=state) if state else q
    if measure == "waiting":
        return Q(state__in=WAITING)
    return q_overdue(ctx.today)


def report_applications(ctx: ReportContext) -> Report:
    """From the report summaries: applications created per month by their state now, decided per month by
    program and state (with the days from submission to decision, for the medians), waiting and overdue on the
    refresh's day."""
    states = list(Application.State.values)
    received, days = {}, {}
    for found in summed_rows(
        ctx, ("applications.received", "applications.decision_days"), ("figure", "key", "detail"), amounts=False
    ):
        if found["figure"] == "applications.received":
            received[found["detail"]] = received.get(found["detail"], 0) + found["n"]
        else:
            histogram = days.setdefault(found["key"], {})
            histogram[int(found["detail"])] = histogram.get(int(found["detail"]), 0) + found["n"]
    measures = ["waiting", "overdue", *DECIDED_STATES]
    rows = []
    for found in summed_rows(
        ctx,
        ("applications.waiting", "applications.overdue", "applications.decided"),
        ("unit_id", "figure", "key", "detail"),
        amounts=False,
    ):
        measure = found["figure"].partition(".")[2]
        rows.append({"unit_id": found["unit_id"], "program_id": found["key"], found["detail"] or measure: found["n"]})
    by_program, by_unit = fold_summaries(ctx, rows, ("program_id",), measures)
    totals = {m: sum(values[m] for values in by_program.values()) for m in measures}
    labels = dict(Application.State.choices)
    by_state = [
        [
            Cell(labels[s]),
            Cell(received.get(s, 0), ctx.link("applications.received", state=s) if received.get(s) else ""),
        ]
        for s in states
    ]
    decided = {key[0]: values for key, values in by_program.items() if values["approved"] or values["rejected"]}
    programs = {p.pk: p for p in Program.objects.filter(pk__in=list(decided))}
    decision_rows = []
    for program_id, values in sorted(
        decided.items(), key=lambda item: (-(item[1]["approved"] + item[1]["rejected"]), programs[item[0]].code)
    ):
        code = programs[program_id].code
        decision_rows.append(
            [
                Cell(programs[program_id].display_name),
                *[
                    Cell(values[s], ctx.link("applications.decided", state=s, program=code) if values[s] else "")
                    for s in DECIDED_STATES
                ],
                Cell(_days(histogram_median(days.get(program_id, {})))),
            ]
        )
    overall = {}
    for histogram in days.values():
        for value, n in histogram.items():
            overall[value] = overall.get(value, 0) + n
    decision_rows.append(
        [
            Cell(_("All")),
            *[Cell(totals[s], ctx.link("applications.decided", state=s) if totals[s] else "") for s in DECIDED_STATES],
            Cell(_days(histogram_median(overall))),
        ]
    )
    return from_summaries(
        ctx,
        Report(
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
                table_by_unit(
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
        ),
    )


def histogram_median(counts: dict[int, int]) -> float | None:
    """The median of values given as ``{value: how many}``, as PostgreSQL's ``percentile_cont(0.5)`` gives it
    (the mean of the two middle values of an even count); None for none."""
    total = sum(counts.values())
    if not total:
        return None

    def at(position: int) -> int:
        seen = 0
        for value, n in sorted(counts.items()):
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2


def _days(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def q_grants_now(measure: str, today: datetime.date) -> Q:
    """The grants' stocks on ``today``: active, and active ending within ``ENDING_DAYS``."""
    q = Q(status=Entitlement.Status.ACTIVE)
    return q & Q(end__lte=today + datetime.timedelta(days=ENDING_DAYS)) if measure == "ending" else q


def q_entitlements(ctx: ReportContext, measure: str, program: str = "") -> Q:
    q = Q(start__gte=ctx.start, start__lte=ctx.end) if measure == "started" else q_grants_now(measure, ctx.today)
    return q & Q(program__code=program) if program else q


ENTITLEMENT_MEASURES = ("active", "ending", "started")


def report_entitlements(ctx: ReportContext) -> Report:
    """From the report summaries: active and ending grants on the refresh's day (with the active monthly grants'
    amount), grants started per month, each by program."""
    measures = [*ENTITLEMENT_MEASURES, "monthly"]
    rows = []
    for found in summed_rows(ctx, tuple(f"grants.{m}" for m in ENTITLEMENT_MEASURES), ("unit_id", "figure", "key")):
        measure = found["figure"].partition(".")[2]
        row = {"unit_id": found["unit_id"], "program_id": found["key"], measure: found["n"]}
        if measure == "active":
            row["monthly"] = found["amount"]
        rows.append(row)
    by_program, by_unit = fold_summaries(ctx, rows, ("program_id",), measures)
    programs = {p.pk: p for p in Program.objects.filter(pk__in=[k[0] for k in by_program])}
    table_rows = []
    for (program_id,), values in sorted(
        by_program.items(), key=lambda item: (-item[1]["active"], programs[item[0][0]].code)
    ):
        code = programs[program_id].code
        table_rows.append(
            [Cell(programs[program_id].display_name)]
            + [
                Cell(values[m], ctx.link(f"grants.{m}", program=code) if values[m] else "")
                for m in ENTITLEMENT_MEASURES
            ]
            + [Cell(_money(values["monthly"]))]
        )
    columns = [_("Active now"), _("Ending within 30 days"), _("Started in the period")]
    return from_summaries(
        ctx,
        Report(
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
                table_by_unit(ctx, "entitlements", by_unit, measure_columns("grants", ENTITLEMENT_MEASURES, columns)),
            ],
        ),
    )


def _money(value) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def payment_lines(ctx: ReportContext):
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
    for found in summed_rows(ctx, tuple(f"lines.{m}" for m in MONEY_MEASURES), ("figure", "key", "month")):
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
    return from_summaries(
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


def q_followups(ctx: ReportContext, measure: str, kind: str = "") -> Q:
    q = Q(done_at__isnull=True)
    if measure == "overdue":
        q &= Q(due_on__lt=ctx.today)
    return q & Q(kind=kind) if kind else q


def report_workload(ctx: ReportContext) -> Report:
    counts, leads, work = {}, 0, {}
    figures = ("followups.open", "followups.overdue", "leads.open", "work.contacts", "work.assistance")
    for found in summed_rows(ctx, (*figures, "work.applications"), ("figure", "key", "detail"), amounts=False):
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
    return from_summaries(
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


# Room for a page's aggregates. Since the summaries are added up the tree a page's largest (a past month's register
# stock, the live households) needs well under PostgreSQL's default 4 MB; a city's GROUP BY over its communities'
# rows spilled to disk at that default before.
REPORT_WORK_MEM = "32MB"


def reports_build(ctx: ReportContext, names: list[str]) -> list[Report]:
    """The reports ``names`` read in one transaction, with room for their aggregates on PostgreSQL, on the database
    the reads go to (the read replica inside ``core.db_router.replica_reads``)."""
    using = router.db_for_read(ReportFigure)
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        return [report_build(ctx, name) for name in names]
