"""Base class for the project's management commands: writes are recorded as done by the system account."""

from django.core.management.base import BaseCommand

from accounts.audit import acting_as, system_user


class AuditedCommand(BaseCommand):
    def execute(self, *args, **options):
        with acting_as(system_user()):
            return super().execute(*args, **options)
