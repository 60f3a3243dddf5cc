"""What the records about a party share: one party (a person or an organization) in its service unit, and the
workflow actor fields only services set."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartyRecord(models.Model):
    """A record about one party, a person or an organization (never both), kept in the party's service unit."""

    person = models.ForeignKey(
        "casework.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    organization = models.ForeignKey(
        "casework.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="%(class)s_one_party",
            ),
        ]


def workflow_actor(verbose_name):
    """Who took a step of the workflow: set by the services only."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
