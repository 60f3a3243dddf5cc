"""Create the demo service units and users for the five cities (idempotent) and print the logins.

After the accounts' own demo, every other installed app with a ``demo`` module that defines
``bootstrap(*, logins)`` adds its demo data (found by name, so accounts never imports a higher app)."""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError

from accounts.demo import bootstrap_demo
from accounts.management.base import AuditedCommand


def app_demos():
    """``(app label, bootstrap function)`` for each installed app other than accounts that has one."""
    for config in apps.get_app_configs():
        if config.name == "accounts" or importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        bootstrap = getattr(importlib.import_module(f"{config.name}.demo"), "bootstrap", None)
        if callable(bootstrap):
            yield config.label, bootstrap


class Command(AuditedCommand):
    help = "Create demo service units and users for the five cities (idempotent) and print the logins."

    def handle(self, *args, **options):
        if not settings.CASEWORK_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is switched off here (CASEWORK_DEMO_ALLOWED=false): "
                "it creates users with a published password."
            )
        logins = bootstrap_demo()
        for label, bootstrap in app_demos():
            summary = bootstrap(logins=logins)
            if summary:
                self.stdout.write(f"{label}: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {settings.CASEWORK_DEMO_PASSWORD})"))
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.unit} ({login.role})")
