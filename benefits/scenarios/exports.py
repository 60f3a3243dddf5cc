"""The workbook of a scenario's result: the same tables as the page, one sheet each, in Chinese (it goes up to
the bureau); every text through ``safe_cell`` (a program or unit name never runs as a formula)."""

from django.utils import translation
from openpyxl import Workbook

from core.spreadsheets import BOLD, HEADING_FILL, safe_cell, saved_workbook

from ..models import ScenarioRun
from .results import result_tables

MONEY_FORMAT = "#,##0.00"


def run_workbook(run: ScenarioRun):
    with translation.override("zh-hans"):
        tables = result_tables(run)
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in tables:
            sheet = workbook.create_sheet(table.title[:31])
            sheet.append([safe_cell(run.scenario.name)])
            sheet.append([safe_cell(column) for column in table.columns])
            for cell in sheet[2]:
                cell.font, cell.fill = BOLD, HEADING_FILL
            for row in table.rows:
                sheet.append([cell.value if cell.numeric else safe_cell(cell.text) for cell in row])
                for cell, source in zip(sheet[sheet.max_row], row, strict=True):
                    if source.numeric and not isinstance(source.value, int):
                        cell.number_format = MONEY_FORMAT
            if table.note:
                sheet.append([])
                sheet.append([safe_cell(table.note)])
            sheet.column_dimensions["A"].width = 36
    return saved_workbook(workbook)
