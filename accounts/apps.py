from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_periodic_tasks(sender, **kwargs):
    from .services import periodic_tasks_sync

    periodic_tasks_sync()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and service units")

    def ready(self):
        from .validators import install

        post_migrate.connect(_sync_periodic_tasks, sender=self, dispatch_uid="accounts.sync_periodic_tasks")
        install()  # every form and serializer field refuses control characters and implausible dates
