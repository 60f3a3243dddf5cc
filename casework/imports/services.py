"""Importing a register list: a preview that reads the file once, checks every row (and says which column of which
row is wrong) and keeps the file with its checked rows; then a commit of the valid rows or of all or nothing, which
checks those rows against the registers again (they may have changed since) and writes them set-based, with
history; the same file again creates no duplicates."""

import hashlib
import json
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

import psycopg
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import history_user, system_user
from accounts.models import ServiceUnit
from core.bulk import set_based
from core.errors import Conflict, require

from .. import follow_ups
from ..identity import mask_id_number
from ..models import ImportRun, Person, Register, RegistryEntry, Source
from ..permissions import can_edit_in_unit
from ..registers import window_end
from ..services import name_conflict_record
from .checking import Row, RowChecker, chunks, communities_of, gc_paused, staged_line, staged_rows
from .columns import CHUNK_SIZE, EXTENSIONS, MAX_FILE_BYTES, NAME_MAX
from .reading import file_extension
from .writing import NewEntry, OrmWriter, SetBasedWriter

# People whose worklist items one refresh looks at, after an import (their ids go as one array parameter).
FOLLOW_UP_CHUNK = 100_000


@dataclass
class ImportOutcome:
    total_rows: int = 0
    error_rows: int = 0
    created_count: int = 0
    existing_count: int = 0
    # the per-row report, serialised chunk by chunk (100,000 rows as dicts took 50 MB; as JSON, 12 MB)
    report_json: list = field(default_factory=list)
    name_conflicts: list = field(default_factory=list)  # (person id, name received, row number)


class _Rejected(Exception):
    """Rolls back an all-or-nothing commit that met an invalid row."""

    def __init__(self, outcome: ImportOutcome):
        self.outcome = outcome


class _Decider:
    """The rules of ``person_create`` and ``registry_entry_add`` that need the database, chunk by chunk of checked
    rows: the person on file for each ID number, the open entry, the area, the city, the window. Each row gets its
    line of the report; with ``write``, the rows to store come back as ``NewEntry``."""

    def __init__(self, *, actor, register: Register, unit: ServiceUnit, units: dict, write: bool, all_or_nothing: bool):
        self.actor, self.register, self.unit = actor, register, unit
        self.write, self.all_or_nothing = write, all_or_nothing
        self.units = dict(units)  # grows with the communities of the people found on file
        self.editable: dict[int, bool] = {}
        self.outcome = ImportOutcome()

    def _can_edit(self, unit: ServiceUnit) -> bool:
        """Mirrors ``services._check_edit``; the chosen unit's subtree was checked once, up front."""
        if self.actor is None or unit.path.startswith(self.unit.path):
            return True
        if unit.pk not in self.editable:
            self.editable[unit.pk] = can_edit_in_unit(self.actor, unit)[0]
        return self.editable[unit.pk]

    def decide(self, rows: list[Row]) -> list[NewEntry]:
        self.outcome.total_rows += len(rows)
        numbers = {row.id_number for row in rows if row.id_info}
        fields = ("pk", "name", "id_number", "residence_unit_id", "graduation_date", "merged_into_id")
        found = list(Person.objects.filter(id_number__any=list(numbers)).only(*fields))
        # a number of a record merged into another (a mistyped copy) is the kept record's row: follow it
        kept = Person.objects.only(*fields).in_bulk({p.merged_into_id for p in found if p.merged_into_id})
        persons = {person.id_number: kept.get(person.merged_into_id, person) for person in found}
        missing_units = {p.residence_unit_id for p in persons.values()} - set(self.units)
        if missing_units:
            self.units.update(ServiceUnit.objects.in_bulk(missing_units))
        on_register = set(
            RegistryEntry.objects.filter(
                register=self.register, exited_on__isnull=True, person_id__any=[p.pk for p in persons.values()]
            ).values_list("person_id", flat=True)
        )
        new, report = [], []
        for row in rows:
            status = self._decide(row, persons.get(row.id_number), on_register, new)
            report.append(
                {
                    "row": row.number,
                    "name": row.name[:NAME_MAX],
                    "id_number_masked": mask_id_number(row.id_number or row.id_text[:18]),
                    "status": status,
                    "errors": row.errors,
                }
            )
        if report:
            self.outcome.report_json.append(json.dumps(report, ensure_ascii=False, separators=(",", ":"))[1:-1])
        if not self.write or (self.all_or_nothing and self.outcome.error_rows):
            return []
        return new

    def _decide(self, row: Row, person: Person | None, on_register: set, new: list) -> str:
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
                    ends = self._check_window(row, unit, person.graduation_date)
                    if not row.errors and self.write:
                        new.append(NewEntry(row=row, person_id=person.pk, unit=unit, window_ends_on=ends))
        elif row.community is not None:
            if row.community.city_code not in register.cities:
                row.error(
                    "community", _("“%(register)s” is not a register of this city.") % {"register": register.name_zh}
                )
            else:
                ends = self._check_window(row, row.community, row.graduation_date)
                if not row.errors and self.write:
                    new.append(NewEntry(row=row, person_id=None, unit=row.community, window_ends_on=ends))
        if row.errors:
            self.outcome.error_rows += 1
            return "error"
        self.outcome.created_count += 1
        return "new"

    def _check_window(self, row: Row, unit: ServiceUnit, graduation_date):
        """The window's last day for this person (None: no window); an error when it closed before the entry."""
        ends = window_end(self.register, city_code=unit.city_code, graduation_date=graduation_date)
        if row.entered_on is not None and ends is not None and ends < row.entered_on:
            row.error(
                "entered_on",
                _("The register's window closed on %(date)s for this person.") % {"date": ends.isoformat()},
            )
        return ends


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


def _save(run: ImportRun, outcome: ImportOutcome) -> ImportRun:
    """Save the run, then store its report as the JSON it already is; the run reads it back from the column when
    it is next used. On PostgreSQL the text goes as a bound parameter (psycopg's server-side binding): quoted
    into the statement, as Django's cursor does, 100,000 rows took three more copies of 12 MB."""
    if run.pk is None:
        run.report = []
    run.save()
    text = f"[{','.join(outcome.report_json)}]"
    if connection.vendor == "postgresql":
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                f"UPDATE {ImportRun._meta.db_table} SET report = %s::jsonb WHERE id = %s",  # noqa: S608 (the table)
                [text, run.pk],
            )
    else:
        ImportRun.objects.filter(pk=run.pk).update(report=RawSQL("%s", [text]))
    vars(run).pop("report", None)  # deferred: loaded from the column when read
    return run


def import_preview(*, actor, register: Register, unit: ServiceUnit, uploaded_file, file_name: str) -> ImportRun:
    """Check every row of the file against the register's rules without storing any person or entry; keep the
    file, its checked rows (what the commit writes) and the per-row report on a new ``ImportRun`` (status
    previewed). ``actor=None`` is the system."""
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
    units = communities_of(unit)
    checker = RowChecker(unit=unit, units=units)
    decider = _Decider(actor=actor, register=register, unit=unit, units=units, write=False, all_or_nothing=False)
    with tempfile.TemporaryFile() as checked:
        with gc_paused():
            for rows in chunks(checker.rows(upload, file_name)):
                decider.decide(rows)
                checked.write(staged_line(rows).encode())
                checked.write(b"\n")
        run = ImportRun(
            register=register,
            unit=unit,
            created_by=actor or system_user(),
            file_name=PurePath(file_name).name[:255],
            file_sha256=digest.hexdigest(),
        )
        _apply(run, decider.outcome)
        stem = run.file_sha256[:24]
        try:
            run.file.save(f"{stem}.{file_extension(file_name)}", upload, save=False)
            run.rows_file.save(f"{stem}.rows.jsonl", File(checked), save=False)
            _save(run, decider.outcome)
        except Exception:
            # a file without its run would stay on disk, unseen and never removed
            for stored in (run.file, run.rows_file):
                if stored:
                    stored.delete(save=False)
            raise
    return run


def import_commit(*, actor, run: ImportRun, mode: str) -> ImportRun:
    """Check the rows the preview checked against the registers again (they may have changed since) and store
    them.

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
        units = communities_of(run.unit)
        decider = _Decider(
            actor=actor, register=run.register, unit=run.unit, units=units, write=True, all_or_nothing=all_or_nothing
        )
        try:
            with transaction.atomic(), _checked_rows(run, units) as rows, gc_paused():
                writer = (SetBasedWriter if set_based() else OrmWriter)(
                    register=run.register, user=history_user() or actor, reason=f"import #{run.pk}"
                )
                for chunk in chunks(rows):
                    if new := decider.decide(chunk):
                        writer.add(new)
                if all_or_nothing and decider.outcome.error_rows:
                    raise _Rejected(decider.outcome)
                _refresh_follow_ups(writer.finish())
            outcome = decider.outcome
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
            if run.rows_file:  # written now; the run cannot be committed again
                checked = run.rows_file.name
                run.rows_file = ""
                transaction.on_commit(lambda: ImportRun.rows_file.field.storage.delete(checked))
        _record_name_conflicts(run, outcome.name_conflicts)
        run.mode = mode
        _apply(run, outcome)
        return _save(run, outcome)


def _refresh_follow_ups(person_ids: list[int]) -> None:
    """A register with a duty (逐一联系, a closing window) puts the new entries on the worklist now."""
    for start in range(0, len(person_ids), FOLLOW_UP_CHUNK):
        follow_ups.refresh(person_ids=person_ids[start : start + FOLLOW_UP_CHUNK])


@contextmanager
def _checked_rows(run: ImportRun, units: dict):
    """The rows the preview checked, read back; for a run previewed before they were kept, the stored file checked
    again. A missing file is a message, not a 500."""
    stored = run.rows_file or run.file
    try:
        file = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise ValidationError({"file": _("The uploaded file is no longer available; upload it again.")}) from None
    try:
        if run.rows_file:
            yield staged_rows(file, units=units, unit=run.unit)
        else:
            yield RowChecker(unit=run.unit, units=units).rows(file, run.file_name)
    finally:
        file.close()


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
