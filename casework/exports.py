"""Spreadsheets that leave the system: the import template of a register, the report of an import, and the
export of a register's open entries. ID and phone numbers are masked unless a user with the permission asks
for the full numbers with a reason, which is logged (``PersonalDataAccess``). Every value passes through
``core.spreadsheets.safe_cell``, as in every export of the project."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import BOLD, DATE_FORMAT, HEADING_FILL, safe_cell, saved_workbook

from . import selectors
from .identity import mask_id_number, mask_phone
from .imports import COLUMNS, EDUCATION_ZH, HEADER, MAX_ROWS
from .models import ImportRun, Register
from .services import personal_data_access_record

TEMPLATE_ROWS = 1000  # rows of the template pre-formatted cell by cell (the columns are formatted as well)


def import_template(*, register: Register):
    """The register's import template: the heading row, columns formatted for what they hold, and a sheet of
    instructions (in the interface language) naming each column and the accepted education levels."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "登记名单"
    sheet.append([column.header for column in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        heading = sheet.cell(row=1, column=index)
        heading.font, heading.fill = BOLD, HEADING_FILL
        sheet.column_dimensions[letter].width = column.width
        number_format = {"code": "@", "date": DATE_FORMAT}.get(column.kind)
        if number_format:
            # Excel keeps what is typed into a text cell as text: 18-digit ID numbers stay exact.
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
        if column.key == "education":
            levels = DataValidation(type="list", formula1='"' + ",".join(EDUCATION_ZH.values()) + '"', allow_blank=True)
            levels.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(levels)

    notes = workbook.create_sheet("填写说明")
    notes.append([_("Register"), safe_cell(f"{register.name_zh} ({register.code})")])
    notes.append([_("How to fill in"), _("One person a row on the first sheet; keep the headings of row 1.")])
    notes.append([])
    notes.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in notes[4]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    for column in COLUMNS:
        notes.append([column.header, _("yes") if column.required else _("no"), str(column.help), column.example])
    notes.append([])
    notes.append([HEADER["education"], "、".join(EDUCATION_ZH.values())])
    for letter, width in zip("ABCD", (14, 10, 80, 22), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return saved_workbook(workbook)


def import_report(*, run: ImportRun):
    """The per-row report of an import (row, status, name, masked ID number, errors), streamed to the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Report")[:31])
    labels = {"new": _("new"), "existing": _("already on the register"), "error": _("error")}
    if run.status == ImportRun.Status.PREVIEWED or run.status == ImportRun.Status.REJECTED:
        labels["new"] = _("new (not stored)")
    sheet.append([_("Row"), _("Status"), HEADER["name"], HEADER["id_number"], _("Errors")])
    for row in run.report:
        errors = "；".join(f"{error['column']}：{error['message']}" for error in row["errors"])
        values = [row["row"], labels.get(row["status"], row["status"]), row["name"], row["id_number_masked"], errors]
        sheet.append([safe_cell(value) for value in values])
    return saved_workbook(workbook)


def register_export(*, user, register: Register, unmasked: bool = False, reason: str = ""):
    """The open entries of a person register in the user's area, one row each in the columns of the import
    file. Masked, unless ``unmasked``: that needs the permission and a reason, and is logged once per export."""
    if register.subject != Register.Subject.PERSON:
        raise ValidationError({"register": _("Only registers of persons can be exported here.")})
    if unmasked:
        personal_data_access_record(user=user, fields="id_number,phone (export)", reason=reason)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("登记名单")
    sheet.append([column.header for column in COLUMNS])
    entries = selectors.register_entries(user=user, register=register)
    for entry in entries.iterator(chunk_size=2000):
        person = entry.person
        values = {
            "name": person.name,
            "id_number": person.id_number if unmasked else mask_id_number(person.id_number),
            "phone": person.phone if unmasked else mask_phone(person.phone),
            "community": entry.unit.name,
            "entered_on": entry.entered_on,
            "graduation_date": person.graduation_date,
            "education": EDUCATION_ZH.get(person.education, ""),
            "note": entry.note,
        }
        sheet.append([_cell(sheet, values[column.key]) for column in COLUMNS])
    return saved_workbook(workbook)


def _cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(value)


def export_file_name(register: Register, *, kind: str) -> str:
    return f"{register.code}-{kind}-{timezone.localdate():%Y%m%d}.xlsx"
