"""An xlsx register list reads the same through calamine (the fast reader) as through openpyxl (the streaming one):
every value the import looks at, row by row; files the two would read differently go to openpyxl."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from casework.imports import reading

from .test_imports import HEADERS, person_row, xlsx


def _workbook(fill) -> io.BytesIO:
    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _cells(sheet):
    sheet["B2"] = "姓名"
    sheet["C2"] = " 张三 "
    sheet.append([None, 13812345678, 1.5, 210202199901010011, 2.5e17, True, 0, -1, 1e-7, "x"])
    sheet.append(
        [
            None,
            datetime.datetime(2026, 1, 5),
            datetime.date(2026, 2, 1),
            datetime.datetime(2026, 1, 5, 12, 30),
            datetime.time(12, 0),
            datetime.timedelta(hours=30),
            45000,
            "2026-01-05",
            "多行\n备注",
            "",
        ]
    )
    sheet.append([])
    sheet["K9"] = 20260105
    for cell, number_format in (("C3", "0.00"), ("H4", "yyyy/m/d"), ("G3", "@")):
        sheet[cell].number_format = number_format


def _rows(file, *, calamine: bool, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        if not calamine:
            patch.setattr(reading, "_read_alike", lambda raw: False)
        rows = list(reading.file_rows(file, "名单.xlsx"))
    while rows and not any(value is not None for value in rows[-1][1]):
        rows.pop()  # openpyxl may go on with empty rows that a sheet keeps formatted: the import skips them
    return [(number, tuple(values)[: max((i + 1 for i, v in enumerate(values) if v is not None), default=0)])
            for number, values in rows]  # fmt: skip


@pytest.mark.parametrize(
    "make",
    [
        lambda: _workbook(_cells),
        lambda: io.BytesIO(xlsx([person_row(i) for i in range(5)]).read()),
        lambda: io.BytesIO(
            xlsx([person_row(1, id_number=int(person_row(1)["id_number"]), entered_on="2026/2/1")]).read()
        ),
    ],
    ids=["every kind of cell, from B2", "a register list", "an ID number typed as a number"],
)
def test_calamine_reads_what_openpyxl_reads(make, monkeypatch):
    file = make()
    assert reading._read_alike(file)
    assert _rows(file, calamine=True, monkeypatch=monkeypatch) == _rows(file, calamine=False, monkeypatch=monkeypatch)


def _with_sheet_xml(change) -> io.BytesIO:
    source = zipfile.ZipFile(_workbook(lambda sheet: sheet.append(HEADERS) or sheet.append(["张三", "X"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace(b'<c r="B2" t="inlineStr"><is><t>X</t></is></c>', b'<c r="B2" t="e"><v>#N/A</v></c>'),
        lambda xml: xml.replace(b"<t>X</t>", b"<t>a_x000D_b</t>"),
        lambda xml: xml.replace(b"<t>X</t>", b"<t>a\r\nb</t>"),
    ],
    ids=["an error cell", "an _xHHHH_ escape", "a carriage return"],
)
def test_what_calamine_reads_otherwise_goes_to_openpyxl(change, monkeypatch):
    file = _with_sheet_xml(change)
    assert not reading._read_alike(file)
    rows = _rows(file, calamine=True, monkeypatch=monkeypatch)
    assert rows == _rows(file, calamine=False, monkeypatch=monkeypatch)
    assert rows[1][1][0] == "张三" and rows[1][1][1] in {"#N/A", "a_x000D_b", "a\nb"}


def test_a_sheet_too_large_to_hold_is_streamed(monkeypatch):
    monkeypatch.setattr(reading, "CALAMINE_MAX_XML", 100)
    assert not reading._read_alike(io.BytesIO(xlsx([person_row(1)]).read()))


def test_a_file_that_is_not_a_workbook_is_refused_as_before():
    for content in (b"not a zip", _workbook(lambda sheet: None).getvalue()[:200]):
        with pytest.raises(Exception) as refused:
            list(reading.file_rows(io.BytesIO(content), "x.xlsx"))
        assert "Excel" in str(refused.value) or "xlsx" in str(refused.value)
