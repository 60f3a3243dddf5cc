"""What the nightly jobs do to entitlements and applications: an entitlement ends at its period limit; reminders
go out before an entitlement ends and when an application waits past its time limit."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Role
from accounts.selectors import users_with_role_over
from accounts.services import notify_staff
from casework.models import ExitReason, RegistryEntry

from ..models import Application, Entitlement
from ..selectors import application_deadline, processing_limits

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


def entitlements_suspend_deceased(*, today: datetime.date) -> int:
    """Active entitlements of a person taken off a register as deceased on or before ``today`` are suspended (not
    terminated: a caseworker settles what was due up to the death). Idempotent: a suspended one is not active."""
    deceased = RegistryEntry.objects.filter(
        exit_reason=ExitReason.DECEASED, exited_on__lte=today, person_id=OuterRef("person_id")
    )
    with transaction.atomic():
        batch = list(
            Entitlement.objects.select_for_update(skip_locked=True)
            .filter(status=Entitlement.Status.ACTIVE, person__isnull=False)
            .filter(Exists(deceased))
        )
        for entitlement in batch:
            entitlement.status = Entitlement.Status.SUSPENDED
            entitlement.status_reason = _("The person died: suspended until the caseworker settles what was due")
        bulk_update_with_history(
            batch, Entitlement, ["status", "status_reason"], batch_size=BATCH, default_change_reason="suspended: death"
        )
    return len(batch)


def reminders_send(*, today: datetime.date) -> dict:
    """Reminders, each once however often the job runs: the caseworker of an entitlement that ends within 30
    days; whoever must act on an application past its time limit (the caseworker while it is submitted, the
    supervisors once it is recommended)."""
    ending = Entitlement.objects.filter(
        status=Entitlement.Status.ACTIVE, end__gte=today, end__lte=today + datetime.timedelta(days=30)
    ).select_related("application__created_by", "program", "person", "organization")
    told = 0
    for grant in ending:
        told += len(
            notify_staff(
                users=[grant.application.created_by],
                subject=_("Ends on %(date)s: %(name)s")
                % {
                    "date": grant.end.isoformat(),
                    "name": f"{grant.person or grant.organization} · {grant.program.name_zh}",
                },
                link=reverse("benefits:application-detail", args=[grant.application_id]),
                key=f"ending:{grant.pk}",
            )
        )
    limits = processing_limits(on=today)
    waiting = Application.objects.filter(
        state__in=[Application.State.SUBMITTED, Application.State.RECOMMENDED], submitted_at__isnull=False
    ).select_related("program", "unit", "created_by", "person", "organization")
    overdue = 0
    for application in waiting:
        deadline = application_deadline(application, limits)
        if deadline >= today:
            continue
        overdue += 1
        if application.state == Application.State.SUBMITTED:
            users = [application.created_by]
        else:
            users = users_with_role_over(unit=application.unit, role=Role.SUPERVISOR)
        told += len(
            notify_staff(
                users=users,
                subject=_("Past its time limit (%(date)s): %(name)s")
                % {"date": deadline.isoformat(), "name": f"{application.party} · {application.program.name_zh}"},
                link=reverse("benefits:application-detail", args=[application.pk]),
                key=f"overdue:{application.pk}:{application.state}",
            )
        )
    return {"ending": len(ending), "overdue": overdue, "notified": told}
