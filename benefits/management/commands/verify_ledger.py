"""Recompute the payment ledger's hash chain and hold it against the signed checkpoints kept outside the database.
Exit status 0 when intact; otherwise 1, naming the first entry that was changed, removed or added behind the
system's back, or the checkpoint line that is not signed with this server's key:

    python manage.py verify_ledger
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from benefits.payments.ledger import checkpoints_read
from benefits.payments.services.chain import ledger_verify


class Command(BaseCommand):
    help = "Verify the payment ledger's hash chain and its signed checkpoints; exits non-zero naming the first break."

    def handle(self, **options):
        checked, problem = ledger_verify()
        if problem:
            self.stderr.write(f"Ledger broken after {checked} good entries: {problem}")
            sys.exit(1)
        self.stdout.write(f"Ledger intact: {checked} entries.")
        checkpoints = checkpoints_read()  # its signatures were checked by ledger_verify
        if not checkpoints:
            # Nothing anchors the chain yet: a rewrite by someone who recomputed every hash would pass.
            self.stderr.write(
                f"No signed checkpoint in {settings.CASEWORK_LEDGER_CHECKPOINT_FILE}: the chain was checked against "
                "itself only."
            )
            return
        latest = max(checkpoints, key=lambda checkpoint: checkpoint.sequence)
        self.stdout.write(
            f"Signed checkpoints: {len(checkpoints)} match, the latest at entry {latest.sequence} ({latest.at})."
        )
