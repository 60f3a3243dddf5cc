from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_catalogue(sender, **kwargs):
    from .catalogue.services import parameter_sync, program_sync

    program_sync()
    parameter_sync()


class BenefitsConfig(AppConfig):
    """What people get, how much, when paid: programs, parameters, rules (and later applications, payments)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "benefits"
    verbose_name = _("Benefits and payments")

    def ready(self):
        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="benefits.sync_catalogue")
