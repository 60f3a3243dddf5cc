"""The checks of a register list that need only the file: every row read once, each cell checked (and each error
named by its column), the community found, the ID number's facts taken; then the checked rows kept beside the
upload (JSON, one line per chunk) so that the commit writes what the preview checked without reading the file
again."""

import datetime
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceUnit
from accounts.validators import check_text
from core.plausible import CONTROL, CONTROL_ANY, latest_date

from ..identity import IdNumber, check_id_number, check_mobile
from .columns import CHUNK_SIZE, COLUMN, EDUCATION_ZH, HEADER, MAX_ROWS, NAME_MAX, NOTE_MAX, education_lookup
from .reading import cell_date, cell_text, community_key, file_rows, header_map, id_text


@dataclass(slots=True)
class Row:
    """One row of the file as checked: the values it stands for and the errors of its cells."""

    number: int
    name: str = ""
    id_text: str = ""
    id_info: IdNumber | None = None  # when the number is valid (and not already on an earlier row)
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


@contextmanager
def gc_paused():
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


def communities_of(unit: ServiceUnit) -> dict[int, ServiceUnit]:
    """The active communities an import into ``unit`` may name, by id."""
    communities = ServiceUnit.objects.subtree_of(unit).filter(level=ServiceUnit.Level.COMMUNITY, is_active=True)
    return {community.pk: community for community in communities.select_related("parent")}


class RowChecker:
    """Reads a register file and checks each row against what the file alone can tell."""

    def __init__(self, *, unit: ServiceUnit, units: dict[int, ServiceUnit]):
        self.unit = unit
        self.education = education_lookup()
        self.seen: dict[str, int] = {}  # ID number → first row it is on
        self.by_name: dict[str, list[ServiceUnit]] = {}
        self.found: dict[str, list[ServiceUnit]] = {}  # the communities each name in the file stands for
        for community in units.values():
            self.by_name.setdefault(community_key(community.name), []).append(community)
            self.by_name.setdefault(community_key(f"{community.parent.name}/{community.name}"), []).append(community)
        self.today = timezone.localdate()
        self.latest = latest_date(today=self.today)  # the last plausible date, the same for every cell

    def rows(self, file, file_name: str) -> Iterator[Row]:
        """The checked rows below the heading row, blank rows skipped; a file that is not a register list raises
        ValidationError naming what is wrong."""
        with closing(file_rows(file, file_name)) as values_by_row:
            header, count = None, 0
            for number, values in values_by_row:
                if header is None:
                    header = header_map(values)
                    continue
                if all(value is None or str(value).strip() == "" for value in values):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise ValidationError({"file": _("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS}})
                yield self._parse(number, values, header)
            if header is None:
                raise ValidationError({"file": _("The file is empty.")})
            if not count:
                raise ValidationError({"file": _("The file has no rows below the headings.")})

    def _parse(self, number: int, values, header: dict[str, int]) -> Row:
        width = len(values)
        cells = {key: values[index] if index < width else None for key, index in header.items()}
        cell = cells.get
        row = Row(number=number)
        if self._control_characters(row, cells):
            return row
        row.name = cell_text(cell("name"))
        if not row.name:
            row.error("name", _("A name is required."))
        elif len(row.name) > NAME_MAX:
            row.error("name", _("A name has at most %(n)d characters.") % {"n": NAME_MAX})
        try:
            row.id_text = id_text(cell("id_number"))
            if not row.id_text:
                row.error("id_number", _("An ID number is required."))
            else:
                row.id_info = check_id_number(row.id_text, today=self.today)
        except ValidationError as error:
            row.error("id_number", " ".join(error.messages))
        if row.id_info:
            first = self.seen.setdefault(row.id_info.number, number)
            if first != number:
                row.error("id_number", _("This ID number is already on row %(row)d of this file.") % {"row": first})
                row.id_info = None  # the row stays in the report, but is not looked up or stored
        phone = cell_text(cell("phone"))
        if phone:
            try:
                row.phone = check_mobile(phone)
            except ValidationError as error:
                row.error("phone", " ".join(error.messages))
        row.community = self._community(row, cell_text(cell("community")))
        for key in ("entered_on", "graduation_date"):
            value = cell(key)
            if value is None or cell_text(value) == "":
                if COLUMN[key].required:
                    row.error(key, _("A date is required."))
                continue
            try:
                setattr(row, key, cell_date(value, latest=self.latest))
            except ValidationError as error:
                row.error(key, " ".join(error.messages))
        education = cell_text(cell("education"))
        if education:
            row.education = self.education.get(education.lower(), "")
            if not row.education:
                row.error(
                    "education",
                    _("Unknown education level “%(value)s”: use one of %(choices)s.")
                    % {"value": education, "choices": "、".join(EDUCATION_ZH.values())},
                )
        row.note = cell_text(cell("note"))
        if len(row.note) > NOTE_MAX:
            row.error("note", _("A note has at most %(n)d characters.") % {"n": NOTE_MAX})
        return row

    @staticmethod
    def _control_characters(row: Row, cells: dict) -> bool:
        """Refuse the row when a cell holds control characters (a note may hold line breaks): PostgreSQL cannot
        store a NUL, nor the report that would repeat it. Only the name, without them, is kept for the report."""
        note = cells.get("note")
        one_line = "".join(value for key, value in cells.items() if key != "note" and isinstance(value, str))
        if not CONTROL_ANY.search(one_line) and not (isinstance(note, str) and CONTROL.search(note)):
            return False  # the common case, in two searches; else each cell, to name the columns
        for key in HEADER:
            value = cells.get(key)
            if isinstance(value, str):
                try:
                    check_text(value, multiline=key == "note")
                except ValidationError as error:
                    row.error(key, " ".join(error.messages))
        if row.errors:
            row.name = CONTROL_ANY.sub("", cell_text(cells.get("name")))
        return bool(row.errors)

    def _community(self, row: Row, name: str) -> ServiceUnit | None:
        if not name:
            if self.unit.level == ServiceUnit.Level.COMMUNITY:
                return self.unit
            row.error(
                "community",
                _("Name the community: %(unit)s, which you import into, is not a community.")
                % {"unit": self.unit.name},
            )
            return None
        if (found := self.found.get(name)) is None:  # the same few names, row after row
            found = self.found[name] = self.by_name.get(community_key(name), [])
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


def chunks(rows: Iterable[Row], size: int = CHUNK_SIZE) -> Iterator[list[Row]]:
    """The rows in lists of ``size``, collecting the young garbage between two (cheap, and it frees whatever
    cycles a chunk made)."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
            gc.collect(1)
    if chunk:
        yield chunk


# Checked rows, kept --------------------------------------------------------------------------------------------


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def staged_line(rows: list[Row]) -> str:
    """One chunk of checked rows as one line of JSON: each row a list of its values, its errors as they will be
    reported."""
    return json.dumps(
        [
            [
                row.number,
                row.name,
                row.id_text,
                *(
                    (row.id_info.number, row.id_info.birth_date.isoformat(), row.id_info.sex, row.id_info.region_known)
                    if row.id_info
                    else (None, None, None, None)
                ),
                row.phone,
                row.community.pk if row.community else None,
                _day(row.entered_on),
                _day(row.graduation_date),
                row.education,
                row.note,
                [[error["column"], error["message"]] for error in row.errors],
            ]
            for row in rows
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def staged_rows(lines: Iterable[bytes | str], *, units: dict[int, ServiceUnit], unit: ServiceUnit) -> Iterator[Row]:
    """The checked rows back from their lines. A community that is no longer one of ``units`` (closed since the
    preview) is an error of the row, as it would be if the file were checked again."""
    for line in lines:
        for values in json.loads(line):
            (number, name, text, id_number, birth, sex, known, phone, community_id, entered, graduated, education,
             note, errors) = values  # fmt: skip
            row = Row(
                number=number,
                name=name,
                id_text=text,
                id_info=IdNumber(number=id_number, birth_date=_date(birth), sex=sex, region_known=known)
                if id_number
                else None,
                phone=phone,
                entered_on=_date(entered),
                graduation_date=_date(graduated),
                education=education,
                note=note,
                errors=tuple({"column": column, "message": message} for column, message in errors),
            )
            if community_id is not None:
                row.community = units.get(community_id)
                if row.community is None:
                    closed = ServiceUnit.objects.filter(pk=community_id).values_list("name", flat=True).first()
                    row.error(
                        "community",
                        _("“%(name)s” is not a community in %(unit)s.") % {"name": closed or "", "unit": unit.name},
                    )
            yield row
