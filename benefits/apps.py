from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """What people get, how much, when paid: programs, rules, applications, payments (built in later issues)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "benefits"
    verbose_name = _("Benefits and payments")
