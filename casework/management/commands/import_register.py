"""``python manage.py import_register FILE --register CODE --unit UNIT [--commit valid|all-or-nothing] [--as USER]``

Checks a register list (.xlsx or .csv) like the console's import and, with ``--commit``, stores it. Prints a
JSON summary. Without ``--as`` it acts as the system (no area restriction; history names the system account).
"""

import json
from contextlib import nullcontext
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import CommandError

from accounts.audit import acting_as
from accounts.management.base import AuditedCommand
from accounts.models import ServiceUnit, User
from casework import imports
from casework.models import ImportRun, Register
from core.errors import DomainError

FIRST_ERRORS = 20


def _unit(value: str) -> ServiceUnit:
    """A service unit by region code, or else by id."""
    unit = ServiceUnit.objects.filter(region_code=value).first()
    if unit is None and value.isdecimal():
        unit = ServiceUnit.objects.filter(pk=int(value)).first()
    if unit is None:
        raise CommandError(f"No service unit has the region code or id {value!r}.")
    return unit


def _messages(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.message)


class Command(AuditedCommand):
    help = "Check a register list (.xlsx or .csv) and, with --commit, store it; prints a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--register", required=True, help="register code, e.g. unemployed_graduates_after_leaving")
        parser.add_argument("--unit", required=True, help="region code or id of the service unit to import into")
        parser.add_argument("--commit", choices=ImportRun.Mode.values, help="store the rows (default: preview only)")
        parser.add_argument("--as", dest="username", help="act as this staff user (default: the system)")

    def handle(self, *args, file, register, unit, commit=None, username=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        register_obj = Register.objects.filter(code=register).first()
        if register_obj is None:
            raise CommandError(f"No register has the code {register!r}.")
        unit_obj = _unit(unit)
        actor = None
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user is called {username!r}.")
        with acting_as(actor) if actor else nullcontext():
            try:
                with path.open("rb") as handle:
                    run = imports.import_preview(
                        actor=actor,
                        register=register_obj,
                        unit=unit_obj,
                        uploaded_file=File(handle, name=path.name),
                        file_name=path.name,
                    )
                if commit:
                    run = imports.import_commit(actor=actor, run=run, mode=commit)
            except (ValidationError, DomainError) as error:
                raise CommandError(_messages(error)) from None
        summary = {
            "run": run.pk,
            "status": run.status,
            "mode": run.mode,
            "total_rows": run.total_rows,
            "error_rows": run.error_rows,
            "created_count": run.created_count,
            "existing_count": run.existing_count,
            "errors": [row for row in run.report if row["status"] == "error"][:FIRST_ERRORS],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
