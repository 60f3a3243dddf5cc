"""What happens to an entitlement after the approval: the nightly jobs end it at its period limit and suspend it
on a death or when the person leaves the registers it rests on; a supervisor suspends, resumes or terminates it by
hand, with a reason. Reminders go out before an entitlement ends and when an application waits past its time
limit. Every change of ``Entitlement.status`` goes through this module and leaves a history row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import users_with_role_over
from accounts.services import notify_staff
from casework import follow_ups
from casework.models import ExitReason, Register, RegistryEntry
from core.errors import Conflict, require

from ..models import Application, Entitlement, GrantReview
from .selectors import application_deadline, processing_limits
from .services import caseworkers_of

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


def entitlements_suspend_off_register(*, today: datetime.date) -> int:
    """Active grants that rest on registers (``holds_while_on``, from the rule) are suspended once the person is on
    none of them on ``today`` (left on or before it, whatever the reason: the status is the ground of the grant).
    The reason names the register, the day and the exit reason; a supervisor resumes or terminates it. Idempotent;
    a week late, it suspends the week's in one run."""
    suspended, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Entitlement.objects.select_for_update(skip_locked=True)
                .filter(status=Entitlement.Status.ACTIVE, person__isnull=False, pk__gt=after)
                .exclude(holds_while_on=[])
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return suspended
            after = batch[-1].pk
            people = {entitlement.person_id for entitlement in batch}
            codes = {code for entitlement in batch for code in entitlement.holds_while_on}
            on = set(
                RegistryEntry.objects.active(on=today)
                .filter(person_id__in=people, register__code__in=codes)
                .values_list("person_id", "register__code")
            )
            off = [
                entitlement
                for entitlement in batch
                if not any((entitlement.person_id, c) in on for c in entitlement.holds_while_on)
            ]
            last_exits = _last_exits({entitlement.person_id for entitlement in off}, codes, today)
            for entitlement in off:
                entitlement.status = Entitlement.Status.SUSPENDED
                entitlement.status_reason = _off_register_reason(entitlement, last_exits)[:255]
            bulk_update_with_history(
                off,
                Entitlement,
                ["status", "status_reason"],
                batch_size=BATCH,
                default_change_reason="suspended: off the register",
            )
            suspended += len(off)


def _last_exits(people: set[int], codes: set[str], today: datetime.date) -> dict[tuple[int, str], RegistryEntry]:
    """(person, register code) → the person's latest exit from that register on or before ``today``."""
    exits = (
        RegistryEntry.objects.filter(person_id__in=people, register__code__in=codes, exited_on__lte=today)
        .select_related("register")
        .order_by("exited_on", "pk")
    )
    return {(entry.person_id, entry.register.code): entry for entry in exits}


def _off_register_reason(entitlement: Entitlement, last_exits: dict) -> str:
    keys = [(entitlement.person_id, code) for code in entitlement.holds_while_on]
    exits = [last_exits[key] for key in keys if key in last_exits]
    if not exits:
        return _("Not on the register this grant rests on: suspended until a supervisor reviews it")
    entry = max(exits, key=lambda entry: entry.exited_on)
    return _("Left the register “%(register)s” on %(date)s (%(reason)s): suspended until a supervisor reviews it") % {
        "register": entry.register.name_zh,
        "date": entry.exited_on.isoformat(),
        "reason": entry.get_exit_reason_display(),
    }


# --- by hand ------------------------------------------------------------------------------------------------------


def can_change_entitlement(actor, entitlement: Entitlement) -> tuple[bool, str]:
    """A supervisor of the grant's unit or a unit above it."""
    if actor.is_superuser or has_role(actor, Role.SUPERVISOR, entitlement.unit):
        return True, ""
    return False, _("Only a supervisor of this unit or a unit above it can suspend, resume or end a grant.")


def _locked_entitlement(actor, entitlement: Entitlement, reason: str, *allowed: str) -> Entitlement:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    entitlement = Entitlement.objects.select_for_update().select_related("unit", "program").get(pk=entitlement.pk)
    require(can_change_entitlement(actor, entitlement))
    if entitlement.status not in allowed:
        raise Conflict(
            _("This grant is %(status)s: it cannot be changed that way.") % {"status": entitlement.get_status_display()}
        )
    return entitlement


def _save_status(entitlement: Entitlement, status: str, reason: str, change: str) -> Entitlement:
    entitlement.status, entitlement.status_reason = status, reason.strip()[:255]
    entitlement._change_reason = change
    try:
        with transaction.atomic():
            entitlement.save(update_fields=["status", "status_reason", "pay_from"])
    except IntegrityError as error:
        raise Conflict(_("This person already has an active grant of this kind: end that one first.")) from error
    return entitlement


@transaction.atomic
def entitlement_suspend(*, actor, entitlement: Entitlement, reason: str) -> Entitlement:
    """Active → suspended (payments stop) while something is checked."""
    entitlement = _locked_entitlement(actor, entitlement, reason, Entitlement.Status.ACTIVE)
    return _save_status(entitlement, Entitlement.Status.SUSPENDED, reason, "suspended by hand")


@transaction.atomic
def entitlement_resume(
    *, actor, entitlement: Entitlement, reason: str, today: datetime.date | None = None, back_pay: bool = False
) -> Entitlement:
    """Suspended → active, once the grant's ground holds again: the person is on one of the registers it rests on
    (else the nightly job would suspend it again). Paid again from the month it resumes in: the periods that
    started while it was suspended are not paid, unless the supervisor grants ``back_pay`` (it was suspended in
    error)."""
    today = today or timezone.localdate()
    entitlement = _locked_entitlement(actor, entitlement, reason, Entitlement.Status.SUSPENDED)
    if entitlement.holds_while_on and entitlement.person_id:
        on = RegistryEntry.objects.active(on=today).filter(
            person_id=entitlement.person_id, register__code__in=entitlement.holds_while_on
        )
        if not on.exists():
            names = Register.objects.filter(code__in=entitlement.holds_while_on).values_list("name_zh", flat=True)
            raise Conflict(
                _("The person is not on the register this grant rests on (%(names)s): put them back on it first.")
                % {"names": "、".join(names)}
            )
    if not back_pay:
        entitlement.pay_from = max(today.replace(day=1), entitlement.pay_from or today.replace(day=1))
    if entitlement.end is not None and entitlement.end < today:
        return _save_status(entitlement, Entitlement.Status.EXPIRED, reason, "resumed after its end: expired")
    return _save_status(entitlement, Entitlement.Status.ACTIVE, reason, "resumed")


@transaction.atomic
def entitlement_terminate(*, actor, entitlement: Entitlement, reason: str) -> Entitlement:
    """Active or suspended → terminated for good (granted in error, the person no longer qualifies …). A
    terminated one-time grant no longer counts as granted."""
    entitlement = _locked_entitlement(
        actor, entitlement, reason, Entitlement.Status.ACTIVE, Entitlement.Status.SUSPENDED
    )
    entitlement = _save_status(entitlement, Entitlement.Status.TERMINATED, reason, "terminated")
    _reviews_close(actor, entitlement, reason)
    return entitlement


def _reviews_close(actor, entitlement: Entitlement, reason: str) -> None:
    """The grant ended, however it was ended: its open review (benefits.changes) is decided "ended" now, and the
    worklist item with it."""
    reviews = list(GrantReview.objects.select_for_update().filter(entitlement=entitlement, status="open"))
    for review in reviews:
        review.status, review.decided_by, review.decided_at = GrantReview.Status.ENDED, actor, timezone.now()
        review.note = reason.strip()
        review._change_reason = "ended"
        review.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if reviews and entitlement.person_id:
        follow_ups.refresh(person_ids=[entitlement.person_id], reason="closed: grant ended")


# A supervisor's actions on a grant by name, with the inputs each takes beyond the actor and the grant: the API and
# the console dispatch through this one table.
ENTITLEMENT_ACTIONS = {
    "suspend": (entitlement_suspend, ("reason",)),
    "resume": (entitlement_resume, ("reason", "back_pay")),
    "terminate": (entitlement_terminate, ("reason",)),
}


def reminders_send(*, today: datetime.date) -> dict:
    """Reminders, each once however often the job runs: the caseworker of an entitlement that ends within 30
    days; whoever must act on an application past its time limit (the caseworker while it is submitted, the
    supervisors once it is recommended)."""
    ending = Entitlement.objects.filter(
        status=Entitlement.Status.ACTIVE, end__gte=today, end__lte=today + datetime.timedelta(days=30)
    ).select_related("application__created_by", "program", "person", "organization")
    told = 0
    for entitlement in ending:
        told += len(
            notify_staff(
                users=caseworkers_of(entitlement.application),
                subject=_("Ends on %(date)s: %(name)s")
                % {
                    "date": entitlement.end.isoformat(),
                    "name": f"{entitlement.person or entitlement.organization} · {entitlement.program.name_zh}",
                },
                link=reverse("benefits:application-detail", args=[entitlement.application_id]),
                key=f"ending:{entitlement.pk}",
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
            users = caseworkers_of(application)
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
