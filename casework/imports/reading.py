"""Reading a register list: xlsx (calamine, or openpyxl streaming) or CSV (UTF-8 or GB18030, streamed) row by row,
the heading row mapped to the columns, and each cell read as the text, date or ID number it stands for."""

import codecs
import csv
import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineWorkbook, SheetTypeEnum

from accounts.validators import check_date

from .columns import COLUMNS, COMPACT_DATE_RE, DATE_RE, HEADER, SCIENTIFIC_RE


def file_extension(file_name: str) -> str:
    return PurePath(file_name or "").suffix.lower().lstrip(".")


def _raw(file):
    """The underlying binary stream of a Django ``File`` (uploaded, stored or opened by hand)."""
    while isinstance(file, File):
        file = file.file
    return file


def _xlsx_rows(file) -> Iterator[tuple]:
    """Rows of the first sheet as value tuples, as openpyxl reads them (gaps come as empty rows): through calamine,
    ten times faster, where it reads the file the same; else streamed by openpyxl in read-only mode."""
    raw = _raw(file)
    raw.seek(0)
    sheet = _calamine_sheet(raw) if _read_alike(raw) else None
    if sheet is not None:
        yield from _calamine_rows(sheet)
        return
    raw.seek(0)
    unreadable = ValidationError({"file": _("This file could not be read as an Excel workbook (.xlsx).")})
    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError):
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong <dimension>; read whatever rows are there
        yield from sheet.iter_rows(values_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError):
        raise unreadable from None
    finally:
        workbook.close()


# calamine holds the whole sheet in memory (about 1.7 bytes per byte of its XML): above this much XML, the file is
# streamed by openpyxl instead, so memory stays flat (100,000 rows of a register list are about 45 MB).
CALAMINE_MAX_XML = 64 * 1024 * 1024

# What calamine reads otherwise than openpyxl: an error cell (openpyxl: its text, "#N/A"; calamine: blank), an
# "_xHHHH_" escape (openpyxl keeps it as typed; calamine decodes it) and a carriage return (the XML parser behind
# openpyxl makes it a line feed). A file with any of them, anywhere, is read by openpyxl.
_UNLIKE = (b't="e"', b"t='e'", b"\r")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def _read_alike(raw) -> bool:
    """Whether calamine reads this file as openpyxl would: a zip of XML worksheets, not too large, with nothing
    the two read differently (``_UNLIKE``)."""
    try:
        with zipfile.ZipFile(raw) as archive:
            names = [
                name
                for name in archive.namelist()
                if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "xl/sharedStrings.xml"
            ]
            if not any(name.startswith("xl/worksheets/") for name in names):
                return False
            size = 0
            for name in names:
                with archive.open(name) as member:
                    tail = b""
                    while block := member.read(1 << 20):
                        size += len(block)
                        if size > CALAMINE_MAX_XML:
                            return False
                        text = tail + block
                        if any(unlike in text for unlike in _UNLIKE) or (b"_x" in text and _ESCAPE.search(text)):
                            return False
                        tail = block[-8:]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, zlib.error):
        return False
    finally:
        raw.seek(0)
    return True


def _calamine_sheet(raw):
    """The first worksheet, read whole by calamine; None when calamine cannot read it (openpyxl then tries)."""
    try:
        workbook = CalamineWorkbook.from_filelike(raw)
        index = next(
            (n for n, sheet in enumerate(workbook.sheets_metadata) if sheet.typ == SheetTypeEnum.WorkSheet), None
        )
        return None if index is None else workbook.get_sheet_by_index(index)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # CalamineError, an I/O error, or a panic of calamine's Rust code (a BaseException)
        return None


def _calamine_rows(sheet) -> Iterator[tuple]:
    """calamine's rows as openpyxl gives them: from A1 (calamine's rows start at the first row, its columns at the
    first column with a value), blank cells None, whole numbers int (openpyxl: int unless written with a point or
    an exponent, as Excel writes numbers from 10^15 on), date cells datetime."""
    if sheet.start is None:  # no cell at all
        return
    before = (None,) * sheet.start[1]
    for values in sheet.iter_rows():
        yield before + tuple(map(_openpyxl_value, values))


def _openpyxl_value(value):
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _csv_encoding(raw) -> str:
    """UTF-8 (with or without BOM) or, failing that, GB18030 (what Chinese Excel saves as "CSV")."""
    for encoding in ("utf-8-sig", "gb18030"):
        raw.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValidationError({"file": _("This CSV file is neither UTF-8 nor GB18030 text.")})


def _csv_rows(file) -> Iterator[list]:
    raw = _raw(file)
    encoding = _csv_encoding(raw)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as error:
        raise ValidationError({"file": _("This CSV file is malformed: %(error)s") % {"error": error}}) from None
    finally:
        text.detach()  # leave the caller's file open


def file_rows(file, file_name: str) -> Iterator[tuple[int, tuple | list]]:
    """(row number as the spreadsheet shows it, values) for every row, the heading row included."""
    extension = file_extension(file_name)
    if extension == "xlsx":
        rows = _xlsx_rows(file)
    elif extension == "csv":
        rows = _csv_rows(file)
    else:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")})
    try:
        yield from enumerate(rows, start=1)
    finally:
        rows.close()  # releases the workbook at once, also when the caller stops early


def _header_text(value) -> str:
    text = str(value or "").strip().replace("*", "").replace("＊", "")
    return re.split(r"[（(]", text, maxsplit=1)[0].strip()


def header_map(values) -> dict[str, int]:
    """Column key → index, from the heading row. Unknown headings are ignored; required ones must be there."""
    by_header = {column.header: column.key for column in COLUMNS}
    found = {}
    for index, value in enumerate(values or ()):
        key = by_header.get(_header_text(value))
        if key is None:
            continue
        if key in found:
            raise ValidationError({"file": _("The column “%(column)s” appears twice.") % {"column": HEADER[key]}})
        found[key] = index
    missing = [column.header for column in COLUMNS if column.required and column.key not in found]
    if missing:
        raise ValidationError(
            {
                "file": _("The first row must hold the column headings; missing: %(columns)s.")
                % {"columns": "、".join(missing)}
            }
        )
    return found


def cell_text(value) -> str:
    if type(value) is str:  # most cells: the rest below, in this order
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value, *, latest: datetime.date | None = None) -> datetime.date:
    """A date from a real Excel date cell, an Excel serial number, or text (YYYY-MM-DD; / . 年月日 and
    YYYYMMDD also read), from 1900-01-01 to ``latest`` (default: ten years ahead). Raises ValidationError with a
    message for people."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return cell_date(str(int(value)), latest=latest)
        if not 1 <= value < 2958466:
            raise ValidationError(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": cell_text(value)})
        result = from_excel(value).date()
    else:
        text = cell_text(value).split(" ")[0].split("T")[0]
        match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
        if not match:
            raise ValidationError(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": cell_text(value)})
        try:
            result = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a real date.") % {"value": cell_text(value)}) from None
    return check_date(result, latest=latest)  # 1900-01-01 to ten years ahead (accounts.validators)


def community_key(name: str) -> str:
    return re.sub(r"\s", "", name).replace("／", "/")


def id_text(value) -> str:
    text = cell_text(value)
    if isinstance(value, float) or SCIENTIFIC_RE.match(text):
        raise ValidationError(
            _(
                "The ID number was stored as a number and lost its last digits: format the column as text "
                "and type the number again."
            )
        )
    return text
