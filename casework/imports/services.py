"""Importing a register list: a preview that checks every row (and says which column of which row is wrong) and
keeps the file, then a commit of the valid rows or of all or nothing, set-based in chunks, with history; the same
file again creates no duplicates."""

import datetime
import gc
import hashlib
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.audit import history_user, system_user
from accounts.models import ServiceUnit
from accounts.validators import check_text
from core.errors import Conflict, require
from core.plausible import CONTROL_ANY

from .. import follow_ups
from ..identity import check_id_number, check_mobile, mask_id_number
from ..models import ImportRun, Person, Register, RegistryEntry, Source
from ..permissions import can_edit_in_unit
from ..registers import window_end
from ..services import name_conflict_record
from .columns import (
    BATCH_SIZE,
    CHUNK_SIZE,
    COLUMN,
    EDUCATION_ZH,
    EXTENSIONS,
    HEADER,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NAME_MAX,
    NOTE_MAX,
    education_lookup,
)
from .reading import cell_date, cell_text, community_key, file_extension, file_rows, header_map, id_text

# People whose worklist items one statement looks at, after an import (an id list a query carries well).
FOLLOW_UP_CHUNK = 2000


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
            self.by_name.setdefault(community_key(community.name), []).append(community)
            self.by_name.setdefault(community_key(f"{community.parent.name}/{community.name}"), []).append(community)
        self.editable: dict[int, bool] = {}

    # Rows ---------------------------------------------------------------------------------------------------

    def run(self, file, file_name: str) -> ImportOutcome:
        with _gc_paused():
            return self._run(file, file_name)

    def _run(self, file, file_name: str) -> ImportOutcome:
        with closing(file_rows(file, file_name)) as rows:
            return self._read(rows)

    def _read(self, rows) -> ImportOutcome:
        header = None
        chunk = []
        for number, values in rows:
            if header is None:
                header = header_map(values)
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
                row.id_info = check_id_number(row.id_text)
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
                setattr(row, key, cell_date(value))
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
            row.name = CONTROL_ANY.sub("", cell_text(cell("name")))
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
        found = self.by_name.get(community_key(name), [])
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
        fields = ("pk", "name", "id_number", "residence_unit_id", "graduation_date", "merged_into_id")
        found = list(Person.objects.filter(id_number__in=numbers).only(*fields))
        # a number of a record merged into another (a mistyped copy) is the kept record's row: follow it
        kept = Person.objects.only(*fields).in_bulk({p.merged_into_id for p in found if p.merged_into_id})
        persons = {person.id_number: kept.get(person.merged_into_id, person) for person in found}
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
            # a register with a duty (逐一联系, a closing window) puts the new entries on the worklist now
            people = [entry.person_id for entry in new_entries if entry.person_id]
            for start in range(0, len(people), FOLLOW_UP_CHUNK):
                follow_ups.refresh(person_ids=people[start : start + FOLLOW_UP_CHUNK])

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
