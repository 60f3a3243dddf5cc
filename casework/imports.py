"""Register import: a list of people (.xlsx or .csv) is streamed row by row, checked against the rules of
``services.person_create`` and ``services.registry_entry_add`` without writing (preview), then committed in
chunks of set-based writes that leave the same rows and history as those services would.

The columns of the file are defined once, in ``COLUMNS``; the template, the parser, the export and the report
all read them from there. Reports carry masked ID numbers only.
"""

import codecs
import csv
import datetime
import gc
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from accounts.audit import history_user, system_user
from accounts.models import ServiceUnit
from accounts.validators import check_date, check_text
from core.errors import Conflict, require
from core.plausible import CONTROL_ANY

from .identity import check_id_number, check_mobile, mask_id_number
from .models import Education, ImportRun, Person, Register, RegistryEntry, Source
from .permissions import can_edit_in_unit
from .registers import window_end
from .services import name_conflict_record

CHUNK_SIZE = 2000  # rows validated and written together: one lookup query per chunk, not per row
BATCH_SIZE = CHUNK_SIZE  # rows per INSERT statement
MAX_ROWS = 200_000
MAX_FILE_BYTES = 50 * 1024 * 1024
EXTENSIONS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    """One column of the register file. ``header`` is part of the file format (Chinese in every language)."""

    key: str
    header: str
    required: bool
    help: Promise
    example: str
    width: int = 14
    kind: str = "text"  # "text", "date", or "code" (kept as text so Excel does not turn it into a number)


COLUMNS = [
    Column("name", "姓名", True, gettext_lazy("Full name, as on the ID card."), "张三", width=12),
    Column(
        "id_number",
        "身份证号码",
        True,
        gettext_lazy("18-character resident ID number. Keep the column formatted as text."),
        "210202199001010015",
        width=22,
        kind="code",
    ),
    Column("phone", "手机号码", False, gettext_lazy("11-digit mobile number."), "13812345678", kind="code"),
    Column(
        "community",
        "所在社区",
        False,
        gettext_lazy(
            "A community in the unit you import into (write “street/community” if two have the same name). "
            "May be left blank when you import into a community."
        ),
        "友好社区",
        width=18,
    ),
    Column(
        "entered_on", "登记日期", True, gettext_lazy("Date of registration: YYYY-MM-DD."), "2026-01-05", kind="date"
    ),
    Column(
        "graduation_date",
        "毕业时间",
        False,
        gettext_lazy("Graduation date, YYYY-MM-DD. Registers with a window count it from this date."),
        "2025-07-01",
        kind="date",
    ),
    Column("education", "学历", False, gettext_lazy("One of the education levels listed below."), "本科"),
    Column("note", "备注", False, gettext_lazy("Kept with the register entry (at most 255 characters)."), "", width=30),
]
COLUMN = {column.key: column for column in COLUMNS}
HEADER = {column.key: column.header for column in COLUMNS}

# The file format is Chinese: these are the values written by the template and the export, and read back.
EDUCATION_ZH = {
    Education.NONE: "未上过学",
    Education.PRIMARY: "小学",
    Education.JUNIOR: "初中",
    Education.SENIOR: "高中",
    Education.SECONDARY_VOCATIONAL: "中专",
    Education.TECHNICIAN: "技工院校",
    Education.JUNIOR_COLLEGE: "大专",
    Education.BACHELOR: "本科",
    Education.MASTER: "硕士研究生",
    Education.DOCTOR: "博士研究生",
}
EDUCATION_ALIASES = {
    "无": Education.NONE,
    "文盲": Education.NONE,
    "普通高中": Education.SENIOR,
    "中职": Education.SECONDARY_VOCATIONAL,
    "中等职业学校": Education.SECONDARY_VOCATIONAL,
    "职高": Education.SECONDARY_VOCATIONAL,
    "技校": Education.TECHNICIAN,
    "技师学院": Education.TECHNICIAN,
    "专科": Education.JUNIOR_COLLEGE,
    "大学专科": Education.JUNIOR_COLLEGE,
    "高职": Education.JUNIOR_COLLEGE,
    "大学本科": Education.BACHELOR,
    "学士": Education.BACHELOR,
    "硕士": Education.MASTER,
    "研究生": Education.MASTER,
    "博士": Education.DOCTOR,
}

NAME_MAX = Person._meta.get_field("name").max_length
NOTE_MAX = RegistryEntry._meta.get_field("note").max_length
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def education_lookup() -> dict[str, str]:
    """Every spelling accepted in the 学历 column: codes, the file's Chinese labels, aliases, and the model's
    labels in each interface language."""
    lookup = {code: code for code in Education.values}
    lookup.update({label: code for code, label in EDUCATION_ZH.items()})
    lookup.update(EDUCATION_ALIASES)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({str(label): code for code, label in Education.choices})
    return {key.strip().lower(): value for key, value in lookup.items()}


# --- Reading the file ---------------------------------------------------------------------------------------


def file_extension(file_name: str) -> str:
    return PurePath(file_name or "").suffix.lower().lstrip(".")


def _raw(file):
    """The underlying binary stream of a Django ``File`` (uploaded, stored or opened by hand)."""
    while isinstance(file, File):
        file = file.file
    return file


def _xlsx_rows(file) -> Iterator[tuple]:
    """Rows of the first sheet as value tuples, streamed (openpyxl read-only mode); gaps come as empty rows."""
    raw = _raw(file)
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


def _rows(file, file_name: str) -> Iterator[tuple[int, tuple | list]]:
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


def _header_map(values) -> dict[str, int]:
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


# --- Cell values --------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _date(value) -> datetime.date:
    """A date from a real Excel date cell, an Excel serial number, or text (YYYY-MM-DD; / . 年月日 and
    YYYYMMDD also read). Raises ValidationError with a message for people."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return _date(str(int(value)))
        if not 1 <= value < 2958466:
            raise ValidationError(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": _text(value)})
        result = from_excel(value).date()
    else:
        text = _text(value).split(" ")[0].split("T")[0]
        match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
        if not match:
            raise ValidationError(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": _text(value)})
        try:
            result = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a real date.") % {"value": _text(value)}) from None
    return check_date(result)  # 1900-01-01 to ten years ahead (accounts.validators)


def _community_key(name: str) -> str:
    return re.sub(r"\s", "", name).replace("／", "/")


def _id_text(value) -> str:
    if isinstance(value, float) or SCIENTIFIC_RE.match(_text(value)):
        raise ValidationError(
            _(
                "The ID number was stored as a number and lost its last digits: format the column as text "
                "and type the number again."
            )
        )
    return _text(value)


# --- Validation and commit ----------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    name: str = ""
    id_text: str = ""
    id_info: object = None  # identity.IdNumber when the number is valid
    phone: str = ""
    community: ServiceUnit | None = None
    entered_on: datetime.date | None = None
    graduation_date: datetime.date | None = None
    education: str = ""
    note: str = ""
    errors: tuple = ()

    def error(self, key: str, message) -> None:
        # A tuple keeps a report row free of containers the cyclic garbage collector would have to track.
        self.errors += ({"column": HEADER[key], "message": str(message)},)

    @property
    def id_number(self) -> str:
        return self.id_info.number if self.id_info else ""


@dataclass
class ImportOutcome:
    total_rows: int = 0
    error_rows: int = 0
    created_count: int = 0
    existing_count: int = 0
    report: list = field(default_factory=list)
    name_conflicts: list = field(default_factory=list)  # (person id, name received, row number)


@contextmanager
def _gc_paused():
    """No automatic full garbage collections while a file is read. Each chunk's rows live long enough to reach
    the oldest generation, so the collector would otherwise rescan every object of the process (all of
    Django) dozens of times per file: a fifth of the time of a 100,000-row import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Rejected(Exception):
    """Rolls back an all-or-nothing commit that met an invalid row."""

    def __init__(self, outcome: ImportOutcome):
        self.outcome = outcome


class _ImportPass:
    """One pass over the file: validate every row; when ``write``, store the valid ones chunk by chunk."""

    def __init__(self, *, actor, register: Register, unit: ServiceUnit, write: bool, all_or_nothing: bool, reason=""):
        self.actor, self.register, self.unit = actor, register, unit
        self.write, self.all_or_nothing, self.reason = write, all_or_nothing, reason
        self.outcome = ImportOutcome()
        self.seen: dict[str, int] = {}  # ID number → first row it is on
        self.education = education_lookup()
        self.history_user = history_user() or actor
        communities = ServiceUnit.objects.subtree_of(unit).filter(level=ServiceUnit.Level.COMMUNITY, is_active=True)
        self.units = {u.pk: u for u in communities.select_related("parent")}
        self.by_name: dict[str, list[ServiceUnit]] = {}
        for community in self.units.values():
            self.by_name.setdefault(_community_key(community.name), []).append(community)
            self.by_name.setdefault(_community_key(f"{community.parent.name}/{community.name}"), []).append(community)
        self.editable: dict[int, bool] = {}

    # Rows ---------------------------------------------------------------------------------------------------

    def run(self, file, file_name: str) -> ImportOutcome:
        with _gc_paused():
            return self._run(file, file_name)

    def _run(self, file, file_name: str) -> ImportOutcome:
        with closing(_rows(file, file_name)) as rows:
            return self._read(rows)

    def _read(self, rows) -> ImportOutcome:
        header = None
        chunk = []
        for number, values in rows:
            if header is None:
                header = _header_map(values)
                continue
            if all(value is None or str(value).strip() == "" for value in values):
                continue
            self.outcome.total_rows += 1
            if self.outcome.total_rows > MAX_ROWS:
                raise ValidationError({"file": _("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS}})
            chunk.append(self._parse(number, values, header))
            if len(chunk) >= CHUNK_SIZE:
                self._flush(chunk)
                chunk = []
                gc.collect(1)  # the young generations only: cheap, and frees whatever cycles the chunk made
        if header is None:
            raise ValidationError({"file": _("The file is empty.")})
        self._flush(chunk)
        if not self.outcome.total_rows:
            raise ValidationError({"file": _("The file has no rows below the headings.")})
        return self.outcome

    def _parse(self, number: int, values, header: dict[str, int]) -> _Row:
        def cell(key):
            index = header.get(key)
            return values[index] if index is not None and index < len(values) else None

        row = _Row(number=number)
        if self._control_characters(row, cell):
            return row
        row.name = _text(cell("name"))
        if not row.name:
            row.error("name", _("A name is required."))
        elif len(row.name) > NAME_MAX:
            row.error("name", _("A name has at most %(n)d characters.") % {"n": NAME_MAX})
        try:
            row.id_text = _id_text(cell("id_number"))
            if not row.id_text:
                row.error("id_number", _("An ID number is required."))
            else:
                row.id_info = check_id_number(row.id_text)
        except ValidationError as error:
            row.error("id_number", " ".join(error.messages))
        if row.id_info:
            first = self.seen.setdefault(row.id_info.number, number)
            if first != number:
                row.error("id_number", _("This ID number is already on row %(row)d of this file.") % {"row": first})
                row.id_info = None  # the row stays in the report, but is not looked up or stored
        phone = _text(cell("phone"))
        if phone:
            try:
                row.phone = check_mobile(phone)
            except ValidationError as error:
                row.error("phone", " ".join(error.messages))
        row.community = self._community(row, _text(cell("community")))
        for key in ("entered_on", "graduation_date"):
            value = cell(key)
            if value is None or _text(value) == "":
                if COLUMN[key].required:
                    row.error(key, _("A date is required."))
                continue
            try:
                setattr(row, key, _date(value))
            except ValidationError as error:
                row.error(key, " ".join(error.messages))
        education = _text(cell("education"))
        if education:
            row.education = self.education.get(education.lower(), "")
            if not row.education:
                row.error(
                    "education",
                    _("Unknown education level “%(value)s”: use one of %(choices)s.")
                    % {"value": education, "choices": "、".join(EDUCATION_ZH.values())},
                )
        row.note = _text(cell("note"))
        if len(row.note) > NOTE_MAX:
            row.error("note", _("A note has at most %(n)d characters.") % {"n": NOTE_MAX})
        return row

    @staticmethod
    def _control_characters(row: _Row, cell) -> bool:
        """Refuse the row when a cell holds control characters (a note may hold line breaks): PostgreSQL cannot
        store a NUL, nor the report that would repeat it. Only the name, without them, is kept for the report."""
        for key in HEADER:
            value = cell(key)
            if isinstance(value, str):
                try:
                    check_text(value, multiline=key == "note")
                except ValidationError as error:
                    row.error(key, " ".join(error.messages))
        if row.errors:
            row.name = CONTROL_ANY.sub("", _text(cell("name")))
        return bool(row.errors)

    def _community(self, row: _Row, name: str) -> ServiceUnit | None:
        if not name:
            if self.unit.level == ServiceUnit.Level.COMMUNITY:
                return self.unit
            row.error(
                "community",
                _("Name the community: %(unit)s, which you import into, is not a community.")
                % {"unit": self.unit.name},
            )
            return None
        found = self.by_name.get(_community_key(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            row.error(
                "community",
                _("Several communities in %(unit)s are called “%(name)s”: write it as “street/community”.")
                % {"unit": self.unit.name, "name": name},
            )
        else:
            row.error(
                "community", _("“%(name)s” is not a community in %(unit)s.") % {"name": name, "unit": self.unit.name}
            )
        return None

    # Chunks ------------------------------------------------------------------------------------------------

    def _can_edit(self, unit: ServiceUnit) -> bool:
        """Mirrors ``services._check_edit``; the chosen unit's subtree was checked once, up front."""
        if self.actor is None or unit.path.startswith(self.unit.path):
            return True
        if unit.pk not in self.editable:
            self.editable[unit.pk] = can_edit_in_unit(self.actor, unit)[0]
        return self.editable[unit.pk]

    def _flush(self, rows: list[_Row]) -> None:
        numbers = {row.id_number for row in rows if row.id_info}
        persons = {
            person.id_number: person
            for person in Person.objects.filter(id_number__in=numbers).only(
                "pk", "name", "id_number", "residence_unit_id", "graduation_date"
            )
        }
        missing_units = {p.residence_unit_id for p in persons.values()} - set(self.units)
        if missing_units:
            self.units.update(ServiceUnit.objects.in_bulk(missing_units))
        on_register = set(
            RegistryEntry.objects.filter(
                register=self.register, exited_on__isnull=True, person__in=[p.pk for p in persons.values()]
            ).values_list("person_id", flat=True)
        )
        new_persons, new_entries = [], []
        for row in rows:
            status = self._decide(row, persons.get(row.id_number), on_register, new_persons, new_entries)
            self.outcome.report.append(
                {
                    "row": row.number,
                    "name": row.name[:NAME_MAX],
                    "id_number_masked": mask_id_number(row.id_number or row.id_text[:18]),
                    "status": status,
                    "errors": row.errors,
                }
            )
        if not self.write or (self.all_or_nothing and self.outcome.error_rows):
            return
        if new_persons:
            bulk_create_with_history(
                new_persons,
                Person,
                batch_size=BATCH_SIZE,
                default_user=self.history_user,
                default_change_reason=self.reason,
            )
        if new_entries:
            bulk_create_with_history(
                new_entries,
                RegistryEntry,
                batch_size=BATCH_SIZE,
                default_user=self.history_user,
                default_change_reason=self.reason,
            )

    def _decide(self, row: _Row, person: Person | None, on_register: set, new_persons: list, new_entries: list) -> str:
        """The rules of ``person_create`` and ``registry_entry_add``, in their order, without writing."""
        register = self.register
        if person is not None:
            if row.name and person.name != row.name:
                row.error(
                    "name",
                    _(
                        "A person with this ID number is already registered under another name. The name on file "
                        "is kept; the difference is recorded for review when the import is committed."
                    ),
                )
                self.outcome.name_conflicts.append((person.pk, row.name, row.number))
            elif not self._can_edit(self.units[person.residence_unit_id]):
                row.error("id_number", _("This person is registered in a community outside your area."))
            else:
                unit = self.units[person.residence_unit_id]
                if unit.city_code not in register.cities:
                    row.error(
                        "community",
                        _("“%(register)s” is not a register of this city.") % {"register": register.name_zh},
                    )
                elif person.pk in on_register:  # the service returns the open entry before any window check
                    if not row.errors:
                        self.outcome.existing_count += 1
                        return "existing"
                else:
                    self._check_window(row, unit, person.graduation_date)
                    if not row.errors and self.write:
                        new_entries.append(self._entry(row, person=person, unit=unit))
        elif row.community is not None:
            if row.community.city_code not in register.cities:
                row.error(
                    "community", _("“%(register)s” is not a register of this city.") % {"register": register.name_zh}
                )
            else:
                self._check_window(row, row.community, row.graduation_date)
            if not row.errors and self.write:
                person = self._person(row)
                new_persons.append(person)
                new_entries.append(self._entry(row, person=person, unit=row.community))
        if row.errors:
            self.outcome.error_rows += 1
            return "error"
        self.outcome.created_count += 1
        return "new"

    def _check_window(self, row: _Row, unit: ServiceUnit, graduation_date) -> None:
        if row.entered_on is None:
            return
        ends = window_end(self.register, city_code=unit.city_code, graduation_date=graduation_date)
        if ends is not None and ends < row.entered_on:
            row.error(
                "entered_on",
                _("The register's window closed on %(date)s for this person.") % {"date": ends.isoformat()},
            )

    def _person(self, row: _Row) -> Person:
        """The row ``services._person_insert`` would write."""
        info = row.id_info
        return Person(
            name=row.name,
            id_number=info.number,
            id_number_reversed=info.number[::-1],
            birth_date=info.birth_date,
            sex=info.sex,
            id_region_known=info.region_known,
            residence_unit=row.community,
            phone=row.phone,
            education=row.education,
            graduation_date=row.graduation_date,
        )

    def _entry(self, row: _Row, *, person: Person, unit: ServiceUnit) -> RegistryEntry:
        return RegistryEntry(
            register=self.register,
            person=person,
            unit=unit,
            entered_on=row.entered_on,
            window_ends_on=window_end(self.register, city_code=unit.city_code, graduation_date=person.graduation_date),
            source=Source.IMPORT,
            note=row.note,
        )


def _check_edit(actor, unit: ServiceUnit) -> None:
    if actor is None:  # the system itself (commands, the benchmark)
        return
    require(can_edit_in_unit(actor, unit))


def _check_register(register: Register) -> None:
    if register.subject != Register.Subject.PERSON:
        raise ValidationError(
            {
                "register": _("“%(register)s” lists households; an import lists persons.")
                % {"register": register.name_zh}
            }
        )


def _apply(run: ImportRun, outcome: ImportOutcome) -> None:
    run.total_rows, run.error_rows = outcome.total_rows, outcome.error_rows
    run.created_count, run.existing_count = outcome.created_count, outcome.existing_count
    for row in outcome.report:
        row["errors"] = list(row["errors"])  # what the JSON column gives back when the run is read again
    run.report = outcome.report


def import_preview(*, actor, register: Register, unit: ServiceUnit, uploaded_file, file_name: str) -> ImportRun:
    """Check every row of the file against the register's rules without storing any person or entry; keep the
    file and the per-row report on a new ``ImportRun`` (status previewed). ``actor=None`` is the system."""
    _check_edit(actor, unit)
    _check_register(register)
    if file_extension(file_name) not in EXTENSIONS:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")})
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}}
        )
    upload = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file, name=file_name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    outcome = _ImportPass(actor=actor, register=register, unit=unit, write=False, all_or_nothing=False).run(
        upload, file_name
    )
    run = ImportRun(
        register=register,
        unit=unit,
        created_by=actor or system_user(),
        file_name=PurePath(file_name).name[:255],
        file_sha256=digest.hexdigest(),
    )
    _apply(run, outcome)
    run.file.save(f"{run.file_sha256[:24]}.{file_extension(file_name)}", upload, save=False)
    try:
        run.save()
    except Exception:
        run.file.delete(save=False)  # a file without its run would stay on disk, unseen and never removed
        raise
    return run


def import_commit(*, actor, run: ImportRun, mode: str) -> ImportRun:
    """Check the stored file again (the registers may have changed since the preview) and store it.

    ``valid``: every valid row is stored, the others are skipped. ``all-or-nothing``: nothing is stored if any
    row is invalid (status rejected). A person already on file under the same name is reused; an open entry
    on the register is reused (counted as existing). A different name with a known ID number is never written
    over the name on file; it is recorded as a ``NameConflict`` for review (in either mode).
    """
    if mode not in ImportRun.Mode.values:
        raise ValidationError({"mode": _("Choose how to commit the import.")})
    _check_edit(actor, run.unit)
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(of=("self",))
            .select_related("register", "unit")
            .defer("report")  # replaced below; reading 100,000 rows of JSON back would be wasted
            .get(pk=run.pk)
        )
        if run.status == ImportRun.Status.COMMITTED:
            raise Conflict(_("This import was already committed."), code="already_committed")
        _check_register(run.register)
        all_or_nothing = mode == ImportRun.Mode.ALL_OR_NOTHING
        importer = _ImportPass(
            actor=actor,
            register=run.register,
            unit=run.unit,
            write=True,
            all_or_nothing=all_or_nothing,
            reason=f"import #{run.pk}",
        )
        try:
            with transaction.atomic(), _stored_file(run) as stored:
                outcome = importer.run(stored, run.file_name)
                if all_or_nothing and outcome.error_rows:
                    raise _Rejected(outcome)
        except _Rejected as rejected:
            outcome = rejected.outcome
            outcome.created_count = outcome.existing_count = 0
            run.status, run.committed_at = ImportRun.Status.REJECTED, None
        except IntegrityError:
            raise Conflict(
                _("Someone changed these registers while the import ran; nothing was stored. Commit it again."),
                code="concurrent_change",
            ) from None
        else:
            run.status, run.committed_at = ImportRun.Status.COMMITTED, timezone.now()
        _record_name_conflicts(run, outcome.name_conflicts)
        run.mode = mode
        _apply(run, outcome)
        run.save()
    return run


class _stored_file:
    """The run's stored upload, opened for reading; a missing file is a message, not a 500."""

    def __init__(self, run: ImportRun):
        self.run = run

    def __enter__(self):
        try:
            self.file = self.run.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise ValidationError({"file": _("The uploaded file is no longer available; upload it again.")}) from None
        return self.file

    def __exit__(self, *exc):
        self.file.close()


def _record_name_conflicts(run: ImportRun, conflicts: list) -> None:
    for start in range(0, len(conflicts), CHUNK_SIZE):
        part = conflicts[start : start + CHUNK_SIZE]
        persons = Person.objects.in_bulk({person_id for person_id, _name, _row in part})
        for person_id, name, row in part:
            name_conflict_record(
                person=persons[person_id],
                name_received=name,
                source=Source.IMPORT,
                detail=(_("Import #%(run)d, row %(row)d") % {"run": run.pk, "row": row})[:255],
            )


# --- Reads --------------------------------------------------------------------------------------------------


def import_run_get_for_user(*, user, run_id) -> ImportRun:
    """The access function of import runs: 404 for missing and out-of-area alike."""
    return get_object_or_404(
        ImportRun.objects.visible_to(user).select_related("register", "unit", "created_by"), pk=run_id
    )


def import_runs_for_user(*, user):
    return ImportRun.objects.visible_to(user).select_related("register", "unit", "created_by").defer("report")


def import_units_for_user(*, user):
    """Units a user may pick to import into: the streets and communities of their area."""
    return ServiceUnit.objects.visible_to(user).filter(
        level__in=[ServiceUnit.Level.STREET, ServiceUnit.Level.COMMUNITY], is_active=True
    )


def import_report_rows(*, run: ImportRun, status: str = "") -> list[dict]:
    return [row for row in run.report if not status or row["status"] == status]
