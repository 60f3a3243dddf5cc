"""What a report shows and an export writes: cells (a number and the link to the list behind it), tables and
reports, and the reading of the report summaries by the rows of a table."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Q,
    Sum,
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
        sub = ReportContext(user=ctx.user, unit=unit, start=ctx.start, end=ctx.end, today=ctx.today, _paths=ctx._paths)
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


def summary_units(ctx: ReportContext, *, by_unit: bool) -> list[int]:
    """The units whose report summaries a page reads. A unit's summaries count its whole subtree (the refresh adds
    each figure up the tree), so the area's totals are the rows of its top units (``ctx.tops``, disjoint) and a
    by-unit table's rows the rows of its units (``ctx.rows``): a city reads its own rows and its ten districts',
    never its thousand communities'. Both lists come from the units visible to the user (``report_context``)."""
    units = {unit.pk for unit in ctx.tops}
    if by_unit:
        units.update(unit.pk for unit in ctx.rows)
    return sorted(units)


def summed_rows(ctx: ReportContext, figures: tuple[str, ...], group: tuple[str, ...], *, amounts=True) -> list[dict]:
    """The report summaries' rows of ``figures`` for the area summed by ``group``: a stock (no month) as counted
    on the refresh's day, a flow over the months of the period, as ``n`` (and ``amount``). With ``unit_id`` in
    ``group``, the rows of the area's top units and of the by-unit tables' units (``fold_summaries`` sorts them);
    without, those of the top units only."""
    sums = {"sum_n": Sum("n")}
    if amounts:  # counts only: no Decimal to convert on each row
        sums["sum_amount"] = Sum("amount")
    rows = ReportFigure.objects.filter(
        Q(month__isnull=True) | Q(month__gte=ctx.start, month__lte=ctx.end),
        figure__in=figures,
        unit_id__in=summary_units(ctx, by_unit="unit_id" in group),
    )
    found = list(rows.values(*group).annotate(**sums).order_by())
    for row in found:
        row["n"], row["amount"] = row.pop("sum_n"), row.pop("sum_amount", None)
    return found


def fold_summaries(ctx: ReportContext, rows, keys: tuple[str, ...], measures: list[str]) -> tuple[dict, dict]:
    """Like ``fold_rows`` for rows of ``summed_rows`` grouped by ``unit_id``: the totals per key from the top units'
    rows, the by-unit tables' from their units' rows (a unit that is both counts in both)."""
    tops, row_units = {unit.pk for unit in ctx.tops}, {unit.pk for unit in ctx.rows}
    by_key, by_unit = {}, {}
    for row in rows:
        targets = []
        if row["unit_id"] in tops:
            targets.append(by_key.setdefault(tuple(row[k] for k in keys), {}))
        if row["unit_id"] in row_units:
            targets.append(by_unit.setdefault(row["unit_id"], {}))
        for target in targets:
            for measure in measures:
                target[measure] = target.get(measure, 0) + (row.get(measure) or 0)
    return by_key, by_unit


def from_summaries(ctx: ReportContext, report: Report) -> Report:
    report.summarized, report.refreshed_at = True, ctx.refresh.refreshed_at if ctx.refresh else None
    return report
