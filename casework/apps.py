from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """About whom: persons, households, organizations and the real-name registers (built in later issues)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = _("Real-name registers")
