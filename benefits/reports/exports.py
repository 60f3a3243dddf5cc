"""Spreadsheets of the reports: a report (or the monthly statistics workbook, one sheet per report) with the same
tables and numbers as the page, and the list behind a number. Written in Chinese whatever the page's language
(they go up to the bureau); ID numbers masked unless a user with the permission asks with a reason (logged)."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from casework.services import personal_data_access_record
from core.spreadsheets import BOLD, DATE_FORMAT, HEADING_FILL, safe_cell, saved_workbook

from .context import ReportContext
from .tables import Report

MONEY_FORMAT = "#,##0.00"
EXPORT_LANGUAGE = "zh-hans"


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of []:*?/\\), unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return name


def _value(sheet, value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return safe_cell(value)  # names of people, organizations and units are typed by users
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(str(value))  # a translated label


def _heading(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(value)))
        cell.font, cell.fill = BOLD, HEADING_FILL
        cells.append(cell)
    return cells


def scope_label(ctx: ReportContext) -> str:
    return ctx.unit.name if ctx.unit is not None else _("My whole area")


def reports_workbook(*, ctx: ReportContext, reports: list[Report]):
    """One sheet per report: what, where and when on top, then each table with its heading row."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    with translation.override(EXPORT_LANGUAGE):
        for report in reports:
            sheet = workbook.create_sheet(_sheet_title(report.title, used))
            sheet.append(_heading(sheet, [report.title]))
            sheet.append([_("Unit"), safe_cell(scope_label(ctx))])
            sheet.append([_("Period"), f"{ctx.start:%Y-%m-%d} – {ctx.end:%Y-%m-%d}"])
            sheet.append([_("Made on"), timezone.localdate().isoformat()])
            if report.summarized and report.refreshed_at:
                sheet.append([_("Counts as of"), f"{timezone.localtime(report.refreshed_at):%Y-%m-%d %H:%M}"])
            for table in report.tables:
                sheet.append([])
                sheet.append(_heading(sheet, [table.title]))
                sheet.append(_heading(sheet, table.columns))
                for row in table.rows:
                    sheet.append([_value(sheet, cell.value) for cell in row])
                if table.note:
                    sheet.append([_value(sheet, table.note)])
    return saved_workbook(workbook)


def drill_down_workbook(*, user, title: str, columns: list[str], rows, unmasked: bool, reason: str = ""):
    """The list behind a number, one row per person, application, grant or line. ``unmasked`` needs the
    permission and a reason and is logged once per file (``personal_data_access_record``)."""
    if unmasked:
        personal_data_access_record(user=user, fields="id_number (report list export)", reason=reason)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title, set()))
    sheet.append(_heading(sheet, columns))
    for row in rows:
        sheet.append([_value(sheet, cell.value) for cell in row])
    return saved_workbook(workbook)


def file_name(ctx: ReportContext, title: str) -> str:
    """A name a person reads in their downloads: the area, what it is and the months, e.g.
    ``中山区-就业服务统计月报-2026年12月.xlsx`` (no characters a file system refuses)."""
    where = ctx.unit.name if ctx.unit is not None else _("whole area")
    months = f"{ctx.start:%Y}年{ctx.start.month}月"
    if (ctx.start.year, ctx.start.month) != (ctx.end.year, ctx.end.month):
        months += f"至{ctx.end:%Y}年{ctx.end.month}月"
    name = "-".join(str(part) for part in (where, title, months))
    return "".join("_" if char in '\\/:*?"<>|' or ord(char) < 32 else char for char in name)[:120] + ".xlsx"
