"""Writing what an import commits: the new persons and the register entries, each with its history row ("+", the
importing user, "import #N"), as ``services._person_insert`` and ``registry_entry_add`` would store them.

On PostgreSQL the rows of each chunk are copied into a temporary table as they are decided, and one statement
inserts the persons, the entries and the history rows of both at the end (``core.bulk``); elsewhere (SQLite, the
embedded default) each chunk is written with ``bulk_create_with_history``. Both write the same rows."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import ServiceUnit
from core.bulk import Stamp, copy_rows, insert_ctes, temp_table

from ..models import Person, Register, RegistryEntry, Source
from ..pinyin import pinyin_of
from .checking import Row
from .columns import BATCH_SIZE


@dataclass(slots=True)
class NewEntry:
    """A register entry to write for a checked row: for the person on file (``person_id``) or, when None, for a
    new person made of the row."""

    row: Row
    person_id: int | None
    unit: ServiceUnit
    window_ends_on: datetime.date | None


class OrmWriter:
    """Each chunk with ``bulk_create_with_history``: persons first, then their entries."""

    def __init__(self, *, register: Register, user, reason: str):
        self.register = register
        self.history = {"default_user": user, "default_change_reason": reason}
        self.person_ids: list[int] = []

    def add(self, entries: list[NewEntry]) -> None:
        persons = [_person(entry.row) for entry in entries if entry.person_id is None]
        history = self.history
        if persons:
            bulk_create_with_history(persons, Person, batch_size=BATCH_SIZE, **history)
        created = {person.id_number: person.pk for person in persons}
        rows = [
            RegistryEntry(
                register=self.register,
                person_id=entry.person_id or created[entry.row.id_number],
                unit=entry.unit,
                entered_on=entry.row.entered_on,
                window_ends_on=entry.window_ends_on,
                source=Source.IMPORT,
                note=entry.row.note,
            )
            for entry in entries
        ]
        if rows:
            bulk_create_with_history(rows, RegistryEntry, batch_size=BATCH_SIZE, **history)
        self.person_ids += [row.person_id for row in rows]

    def finish(self) -> list[int]:
        """The people who got an entry."""
        return self.person_ids


def _person(row: Row) -> Person:
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


class SetBasedWriter:
    """PostgreSQL: the decided rows go into a temporary table chunk by chunk (COPY); ``finish`` inserts the persons
    and the entries, with their history rows, in one statement."""

    TABLE = "casework_import_rows"
    COLUMNS = (
        ("row_number", "integer"),
        ("person_id", "bigint"),  # the person on file, or NULL for a new one
        ("name", "text"),
        ("name_pinyin", "text"),
        ("name_initials", "text"),
        ("id_number", "text"),
        ("id_number_reversed", "text"),
        ("id_region_known", "boolean"),
        ("birth_date", "date"),
        ("sex", "text"),
        ("residence_unit_id", "bigint"),
        ("phone", "text"),
        ("education", "text"),
        ("graduation_date", "date"),
        ("unit_id", "bigint"),
        ("entered_on", "date"),
        ("window_ends_on", "date"),
        ("note", "text"),
    )

    def __init__(self, *, register: Register, user, reason: str):
        self.register = register
        self.user_id, self.reason = (user.pk if user else None), reason
        self.pinyin: dict[str, tuple[str, str]] = {}  # names repeat: each one's pinyin computed once
        self.count = 0
        with connection.cursor() as cursor:
            temp_table(cursor, self.TABLE, self.COLUMNS)

    def add(self, entries: list[NewEntry]) -> None:
        with connection.cursor() as cursor:
            copy_rows(cursor, self.TABLE, [column for column, _type in self.COLUMNS], map(self._values, entries))
        self.count += len(entries)

    def _values(self, entry: NewEntry) -> tuple:
        row = entry.row
        if entry.person_id is not None:
            person = (entry.person_id, *(None,) * 12)
        else:
            info = row.id_info
            if (pinyin := self.pinyin.get(row.name)) is None:
                pinyin = self.pinyin[row.name] = pinyin_of(row.name)  # what NamePinyinField.pre_save stores
            person = (
                None,
                row.name,
                *pinyin,
                info.number,
                info.number[::-1],
                info.region_known,
                info.birth_date,
                info.sex,
                row.community.pk,
                row.phone,
                row.education,
                row.graduation_date,
            )
        return (row.number, *person, entry.unit.pk, row.entered_on, entry.window_ends_on, row.note)

    def finish(self) -> list[int]:
        """Insert everything; the people who got an entry."""
        if not self.count:
            return []
        rows = self.TABLE
        stamp = Stamp(date=timezone.now(), user_id=self.user_id, reason=self.reason)
        person_ctes, person_params = insert_ctes(
            Person,
            name="new_person",
            values={
                column: column
                for column in (
                    "name",
                    "name_pinyin",
                    "name_initials",
                    "id_number",
                    "id_number_reversed",
                    "id_region_known",
                    "birth_date",
                    "sex",
                    "residence_unit_id",
                    "phone",
                    "education",
                    "graduation_date",
                )
            },
            source=f"FROM {rows} WHERE person_id IS NULL ORDER BY row_number",
            stamp=stamp,
        )
        entry_ctes, entry_params = insert_ctes(
            RegistryEntry,
            name="new_entry",
            values={
                "register_id": "CAST(%(import_register)s AS bigint)",
                "person_id": "COALESCE(r.person_id, p.id)",
                "unit_id": "r.unit_id",
                "entered_on": "r.entered_on",
                "window_ends_on": "r.window_ends_on",
                "source": "CAST(%(import_source)s AS text)",
                "note": "r.note",
            },
            source=f"FROM {rows} r LEFT JOIN new_person p ON p.id_number = r.id_number ORDER BY r.row_number",
            stamp=stamp,
        )
        params = {
            **person_params,
            **entry_params,
            "import_register": self.register.pk,
            "import_source": Source.IMPORT.value,
        }
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(person_ctes + entry_ctes)} SELECT person_id FROM new_entry", params)  # noqa: S608
            person_ids = [person_id for (person_id,) in cursor.fetchall()]
            cursor.execute(f"DROP TABLE {rows}")
        return person_ids
