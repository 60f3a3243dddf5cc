"""Generate a month's payment lines and draft batches (what the monthly job does), and print a JSON summary:

    python manage.py generate_disbursements --period 2026-11 [--as finance_user]

Running it again, or twice at once, adds nothing; a run stopped part-way left nothing and the next does it all.
"""

import datetime
import json

from django.core.management.base import CommandError

from accounts.audit import acting_as
from accounts.management.base import AuditedCommand
from accounts.models import User
from benefits.payments.services.generation import disbursements_generate
from core.dates import parse_month


def month(value: str) -> datetime.date:
    parsed = parse_month(value)
    if parsed is None:
        raise CommandError(f"--period must be YYYY-MM, not {value!r}.")
    return parsed


class Command(AuditedCommand):
    help = "Generate the payment lines and draft batches of a month (idempotent); prints a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--as", dest="username", help="The staff user recorded as having run it (else: system).")

    def handle(self, *, period, username, **options):
        actor = None
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {username!r}.")
        if actor is None:
            summary = disbursements_generate(month=month(period))
        else:
            with acting_as(actor):
                summary = disbursements_generate(month=month(period), actor=actor)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
