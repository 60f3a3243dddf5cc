"""``python manage.py sync_catalogue``: programs and parameters from fixtures/policy/ (also run after migrate).
Re-running updates what changed and never duplicates; existing parameter values are never changed."""

import json

from accounts.management.base import AuditedCommand
from benefits.catalogue.services import parameter_sync, program_sync


class Command(AuditedCommand):
    help = "Sync programs and parameters from the committed policy catalogue (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps({"programs": program_sync(), "parameters": parameter_sync()}))
