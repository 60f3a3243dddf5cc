from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_catalogue(sender, **kwargs):
    from .catalogue.services import parameter_sync, program_sync

    program_sync()
    parameter_sync()


def _sqlite_functions(sender, connection, **kwargs):
    """The aggregates the reports need that SQLite lacks (PostgreSQL has them built in)."""
    if connection.vendor == "sqlite":
        from .reports.aggregates import SqliteMedian

        connection.connection.create_aggregate("MEDIAN", 1, SqliteMedian)


class BenefitsConfig(AppConfig):
    """What people get, how much, when paid: programs, parameters, rules (and later applications, payments)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "benefits"
    verbose_name = _("Benefits and payments")

    def ready(self):
        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="benefits.sync_catalogue")
        connection_created.connect(_sqlite_functions, dispatch_uid="benefits.sqlite_functions")
