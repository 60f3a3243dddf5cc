"""Writing spreadsheets and CSV files that leave the system: one gate for every value (``safe_cell``), the
house styles, and a saved workbook ready for a download."""

import tempfile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
# What makes a spreadsheet read a cell, or a CSV field, as a formula (OWASP, "CSV injection"). A tab or a carriage
# return counts too: some programs drop it on import and read what follows it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as an exported cell or CSV field may hold it. A string loses the control characters the xlsx
    format cannot store (openpyxl refuses the whole file otherwise), and one that starts like a formula gets a
    leading ``'``: it stays text, still reads as typed, and no spreadsheet runs it. Everything else (numbers,
    amounts, dates, None) is the system's own and is returned as it is."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # first: a control character must not hide a formula behind it
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def saved_workbook(workbook: Workbook):
    """The workbook in a temporary file, rewound: hand it to a FileResponse, which closes it."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the FileResponse closes it)
    workbook.save(out)
    out.seek(0)
    return out
