"""What a report shows and an export writes: cells (a number and the link to the list behind it), tables and
reports, and the summing of the hourly summaries by the rows of a table."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from ..models import (
    ReportFigure,
)
from .context import ReportContext


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


def fold_rows(ctx: ReportContext, rows, keys: tuple[str, ...], measures: list[str]) -> tuple[dict, dict]:
    """Sum grouped rows ``{"unit_id", *keys, *measures}`` into totals per key and per (row unit, key)."""
    by_key, by_unit = {}, {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        row_unit = ctx.row_of.get(row["unit_id"])
        for target in (by_key.setdefault(key, {}), by_unit.setdefault(row_unit, {})):
            for measure in measures:
                target[measure] = target.get(measure, 0) + (row.get(measure) or 0)
    return by_key, by_unit


def table_by_unit(ctx: ReportContext, report: str, by_unit: dict, measures: dict, *, chart=None, note="") -> Table:
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


def measure_columns(group: str, names, titles) -> dict:
    """Measure → (column title, figure ``group.measure``, no parameters), in order."""
    return {name: (title, f"{group}.{name}", {}) for name, title in zip(names, titles, strict=True)}


def count_figure(figure_q: Q) -> Count:
    return Count("pk", filter=figure_q)


def summed_rows(ctx: ReportContext, figures: tuple[str, ...], group: tuple[str, ...], *, amounts=True) -> list[dict]:
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


def from_summaries(ctx: ReportContext, report: Report) -> Report:
    report.summarized, report.refreshed_at = True, ctx.refresh.refreshed_at if ctx.refresh else None
    return report
