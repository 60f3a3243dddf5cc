"""Create the demo service units and users for the five cities (idempotent) and print the logins."""

from django.conf import settings
from django.core.management.base import CommandError

from accounts.demo import bootstrap_demo
from accounts.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Create demo service units and users for the five cities (idempotent) and print the logins."

    def handle(self, *args, **options):
        if not settings.CASEWORK_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is switched off here (CASEWORK_DEMO_ALLOWED=false): "
                "it creates users with a published password."
            )
        logins = bootstrap_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {settings.CASEWORK_DEMO_PASSWORD})"))
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.unit} ({login.role})")
