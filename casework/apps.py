from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_registers(sender, **kwargs):
    from .registers import register_sync

    register_sync()


class CaseworkConfig(AppConfig):
    """About whom: persons, households, organizations and the real-name registers."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = _("Real-name registers")

    def ready(self):
        from django.db.models import Field, ForeignObject

        from core.lookups import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own
        post_migrate.connect(_sync_registers, sender=self, dispatch_uid="casework.sync_registers")
