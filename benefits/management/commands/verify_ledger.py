"""Recompute the payment ledger's hash chain. Exit status 0 when intact; otherwise 1, naming the first entry that
was changed, removed or added behind the system's back:

    python manage.py verify_ledger
"""

import sys

from django.core.management.base import BaseCommand

from benefits.services.disbursements import ledger_verify


class Command(BaseCommand):
    help = "Verify the payment ledger's hash chain; exits non-zero naming the first broken entry."

    def handle(self, **options):
        checked, problem = ledger_verify()
        if problem:
            self.stderr.write(f"Ledger broken after {checked} good entries: {problem}")
            sys.exit(1)
        self.stdout.write(f"Ledger intact: {checked} entries.")
