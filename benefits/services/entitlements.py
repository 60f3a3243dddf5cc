"""Writes to entitlements made by the nightly jobs: an entitlement ends at its period limit."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..models import Entitlement

BATCH = 1000


def entitlements_expire(*, today: datetime.date) -> int:
    """Active entitlements whose last day (``end``) is before ``today`` become expired: active on the last day,
    expired from the day after, whichever day the job runs (a week late, it expires the week's in one run). Each
    gets a history row; a second run finds nothing to do."""
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Entitlement.objects.select_for_update(skip_locked=True)
                .filter(status=Entitlement.Status.ACTIVE, end__lt=today)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return expired
            for entitlement in batch:
                entitlement.status = Entitlement.Status.EXPIRED
                entitlement.status_reason = _("Period limit reached: the last day was %(date)s") % {
                    "date": entitlement.end.isoformat()
                }
            bulk_update_with_history(
                batch,
                Entitlement,
                ["status", "status_reason"],
                batch_size=BATCH,
                default_change_reason="expired at its period limit",
            )
            expired += len(batch)
