"""The bank's result-file template of an exported batch: one row per line waiting for a result, the batch's and
the line's references and the amount filled in, the result for the bank to write. CSV (UTF-8 with a byte-order mark,
so Excel opens the Chinese headings) or Excel with a sheet explaining each column in Chinese and a drop-down of the
two results. ``services.results_import`` reads either back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import BOLD, HEADING_FILL, safe_cell, saved_workbook

from ..models import Disbursement, DisbursementBatch
from .services.results import RESULT_COLUMNS, RESULT_HEADINGS

# What each column holds, for the bank's clerk (the file format is Chinese whatever the console's language).
RESULT_HELP = {
    "batch_reference": "本批次的编号，已填好，请勿修改。",
    "line_reference": "每笔发放明细的编号，已填好，请勿修改；每笔一行，不得重复。",
    "result": "填写“成功”或“失败”（也可填 paid / failed）。",
    "amount_cny": "本笔应发金额（元），已填好；银行实际发放的金额不同时请照实填写，系统将转为发放异常。",
    "bank_reference": "发放成功时的银行流水号。",
    "reason": "发放失败时的原因，例如“账户已注销”“户名不符”。",
}


def _rows(batch: DisbursementBatch):
    lines = batch.lines.filter(status=Disbursement.Status.SENT).order_by("reference")
    for reference, amount in lines.values_list("reference", "amount_cny").iterator(chunk_size=2000):
        yield {"batch_reference": batch.reference, "line_reference": reference, "amount_cny": amount}


def result_template_csv(batch: DisbursementBatch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([RESULT_HEADINGS[key] for key in RESULT_COLUMNS])
    for row in _rows(batch):
        writer.writerow([safe_cell(row.get(key, "")) for key in RESULT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def result_template_xlsx(batch: DisbursementBatch):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "发放结果"
    sheet.append([RESULT_HEADINGS[key] for key in RESULT_COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    count = 0
    for count, row in enumerate(_rows(batch), start=1):  # noqa: B007 (the count is read below)
        sheet.append([safe_cell(row.get(key)) for key in RESULT_COLUMNS])
    for letter, width in zip("ABCDEF", (24, 28, 12, 14, 24, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in range(2, count + 2):
        sheet.cell(row=row, column=2).number_format = "@"
        sheet.cell(row=row, column=4).number_format = "0.00"
    results = DataValidation(type="list", formula1='"成功,失败"', allow_blank=True)
    results.add(f"C2:C{max(count, 1) + 1}")
    sheet.add_data_validation(results)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["批次", safe_cell(batch.reference)])
    notes.append(["填写方法", "每笔发放一行：填写“发放结果”，成功的填银行流水号，失败的填原因；其余各列请勿修改。"])
    notes.append([])
    notes.append(["列名", "说明"])
    for cell in notes[4]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    for key in RESULT_COLUMNS:
        notes.append([RESULT_HEADINGS[key], RESULT_HELP[key]])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 16, 90
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return saved_workbook(workbook)
