"""Every write to accounts: service units, staff users, memberships, worker heartbeats, default schedules,
notifications, applicant registration."""

import datetime
import json
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.errors import PermissionDenied, TooSoon, require

from . import verification
from .models import Membership, Notification, PhoneCode, Role, ServiceUnit, User, WorkerHeartbeat
from .permissions import can_administer_unit
from .security import totp_of
from .sms import sms_backend


def _check_admin(actor, unit):
    if actor is None:  # the system itself (bootstrap, migrations)
        return
    require(can_administer_unit(actor, unit))


@transaction.atomic
def unit_create(
    *,
    name: str,
    level: str,
    parent: ServiceUnit | None = None,
    region_code: str = "",
    city_code: str = "",
    actor: User | None = None,
) -> ServiceUnit:
    """Add a unit under ``parent`` one level deeper (a city has no parent and names its catalogue city code)."""
    if parent is not None:
        _check_admin(actor, parent)
        expected = ServiceUnit.LEVEL_ORDER[ServiceUnit.LEVEL_ORDER.index(parent.level) + 1 :][:1]
        if [level] != expected:
            raise ValidationError(
                {
                    "level": _("A unit under a %(parent)s must be a %(child)s.")
                    % {
                        "parent": parent.get_level_display(),
                        "child": ServiceUnit.Level(expected[0]).label if expected else "-",
                    }
                }
            )
        city_code = parent.city_code
    elif level != ServiceUnit.Level.CITY:
        raise ValidationError({"parent": _("Only a city can be created without a parent unit.")})
    elif actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator can add a city."))
    if not city_code:
        raise ValidationError({"city_code": _("A city needs its policy catalogue code.")})

    unit = ServiceUnit(name=name, level=level, parent=parent, region_code=region_code, city_code=city_code)
    unit.path = f"/pending-{uuid4().hex}/"  # replaced once the row has its id
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_update(*, unit: ServiceUnit, actor: User | None, **changes) -> ServiceUnit:
    """Rename a unit, set its region code, or (de)activate it; the tree position never changes here."""
    _check_admin(actor, unit)
    allowed = {"name", "region_code", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in sorted(unknown)})
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["path"])
    unit.save(update_fields=sorted(changes))
    return unit


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    actor: User | None = None,
) -> User:
    user = User(username=username, full_name=full_name, email=email, kind=User.Kind.STAFF)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, unit: ServiceUnit, role: str, actor: User | None = None) -> Membership:
    """Give ``user`` a role in ``unit`` (idempotent: an existing grant is returned as it is)."""
    _check_admin(actor, unit)
    if user.kind != User.Kind.STAFF:
        raise ValidationError({"user": _("Only staff accounts can hold a role in a service unit.")})
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None = None) -> None:
    """Take a role away (the history keeps who held it until when). Nobody removes their own administrator role:
    another administrator does, so nobody locks a unit out of its administration by a slip."""
    _check_admin(actor, membership.unit)
    if actor is not None and membership.user_id == actor.pk and membership.role == Role.ADMIN:
        raise PermissionDenied(_("You cannot remove your own administrator role; another administrator can."))
    membership.delete()


def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})
    return heartbeat


def periodic_tasks_sync() -> list[str]:
    """Create the default periodic tasks that are missing; leave existing ones as an administrator set them.

    A task runs every ``every_seconds`` or on a ``crontab`` ({"minute": "15", "hour": "1"}; fields left out
    are "*"), read in the Celery time zone (Asia/Shanghai)."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = []
    for name, spec in settings.CASEWORK_PERIODIC_TASKS.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if "crontab" in spec:
            fields = dict.fromkeys(["minute", "hour", "day_of_week", "day_of_month", "month_of_year"], "*")
            fields.update({field: str(value) for field, value in spec["crontab"].items()})
            crontab, _created = CrontabSchedule.objects.get_or_create(
                timezone=ZoneInfo(settings.CELERY_TIMEZONE), **fields
            )
            schedule = {"crontab": crontab}
        else:
            interval, _created = IntervalSchedule.objects.get_or_create(
                every=spec["every_seconds"], period=IntervalSchedule.SECONDS
            )
            schedule = {"interval": interval}
        PeriodicTask.objects.create(
            name=name,
            task=spec["task"],
            **schedule,
            description=spec.get("description", ""),
            kwargs=json.dumps(spec.get("kwargs", {})),
        )
        created.append(name)
    return created


# --- Notifications -------------------------------------------------------------------------------------------


def notify_staff(
    *, users, subject: str, body: str = "", link: str = "", key: str = "", pending: str = ""
) -> list[Notification]:
    """An in-console notification for each of ``users`` and, for those with an email address, an email sent after
    the surrounding transaction commits (never if it rolls back). With a ``key`` (reminders), a user who already
    has that key gets nothing more. With ``pending`` (the step it asks for, e.g. ``application:7:decide``), it is
    resolved for everyone as soon as someone takes that step (``notifications_resolve``)."""
    users = list(users)
    if key:
        told = set(Notification.objects.filter(key=key, recipient__in=users).values_list("recipient_id", flat=True))
        users = [user for user in users if user.pk not in told]
    rows = []
    for user in users:
        rows.append(
            Notification(
                channel=Notification.Channel.IN_APP,
                recipient=user,
                subject=subject,
                body=body,
                link=link,
                key=key,
                pending=pending,
            )
        )
        if user.email:
            rows.append(
                Notification(
                    channel=Notification.Channel.EMAIL,
                    recipient=user,
                    address=user.email,
                    subject=subject,
                    body=body,
                    link=link,
                    key=key,
                    pending=pending,
                )
            )
    created = Notification.objects.bulk_create(rows)
    _send_on_commit([row for row in created if row.channel != Notification.Channel.IN_APP])
    return created


def notify_by_sms(*, number: str, text: str) -> Notification:
    """An SMS to an applicant's mobile number, sent after the surrounding transaction commits."""
    notification = Notification.objects.create(
        channel=Notification.Channel.SMS, address=number, subject=text[:255], body=text
    )
    _send_on_commit([notification])
    return notification


def _send_on_commit(notifications) -> None:
    """Queue the sending once the transaction commits. The row is the record of the work: if the broker cannot
    take the task then (Redis down), the failure is logged rather than turned into an error for a request whose
    change has already committed, and ``notifications_requeue`` queues the row again later."""
    from .tasks import notification_send

    for notification in notifications:
        transaction.on_commit(_queue_sending(notification_send, notification.pk), robust=True)


def _queue_sending(task, notification_id: int):
    def queue_notification_send():
        task.delay(notification_id)

    return queue_notification_send


# Unsent email and SMS younger than this are queued again; older ones are left (a day-old code is no use).
REQUEUE_WITHIN = datetime.timedelta(days=1)


def notifications_requeue(*, older_than: datetime.timedelta, limit: int = 500) -> int:
    """Queue again the email and SMS made more than ``older_than`` ago (and within a day) that are still unsent:
    their task never reached the broker, or was lost. Sending claims the row first, so a notification queued
    twice is still sent once. Returns how many were queued."""
    from .tasks import notification_send

    now = timezone.now()
    unsent = (
        Notification.objects.filter(sent_at__isnull=True, created_at__lte=now - older_than)
        .filter(created_at__gte=now - REQUEUE_WITHIN)
        .exclude(channel=Notification.Channel.IN_APP)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in unsent:
        notification_send.delay(pk)
        queued += 1
    return queued


def notification_deliver(*, notification_id: int) -> bool:
    """Send an email or SMS once: the row is claimed (``sent_at`` set) before the gateway is called, so a task
    delivered twice sends nothing the second time. Returns whether this call sent it."""
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .exclude(channel=Notification.Channel.IN_APP)
        .update(sent_at=timezone.now())
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    if notification.channel == Notification.Channel.SMS:
        sms_backend().send(notification.address, notification.body)
    else:
        send_mail(
            notification.subject, f"{notification.body}\n{notification.link}".strip(), None, [notification.address]
        )
    return True


def notifications_resolve(*, pending: str) -> int:
    """The step ``pending`` names is done: every notification that asked for it is resolved now (in the
    transaction of the step), so nobody is still told to do what someone already did."""
    return Notification.objects.filter(pending=pending, resolved_at__isnull=True).update(resolved_at=timezone.now())


def notifications_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Applicant accounts (the portal) ----------------------------------------------------------------------------


def _mobile(phone: str, field: str = "phone") -> str:
    try:
        return verification.check_mobile(phone)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def registration_code_send(*, phone: str) -> None:
    """Send a registration code to ``phone``. A number that already has an account gets a message saying so
    instead (the caller is told the same either way), and no number gets a second SMS within the resend
    interval."""
    phone = _mobile(phone)
    now = timezone.now()
    resend = datetime.timedelta(seconds=settings.CASEWORK_SMS_RESEND_SECONDS)
    if PhoneCode.objects.filter(phone=phone, created_at__gt=now - resend).exists():
        raise TooSoon(_("A code was sent to this number less than a minute ago. Wait a moment before asking again."))
    code = verification.numeric_code()
    registered = User.objects.filter(username=phone).exists()
    minutes = settings.CASEWORK_SMS_CODE_MINUTES
    PhoneCode.objects.create(
        phone=phone,
        # An account holder's number gets a digest of a code nobody is sent: registering with it always fails.
        digest=verification.digest(verification.numeric_code() if registered else code, purpose="register"),
        expires_at=now + datetime.timedelta(minutes=minutes),
    )
    if registered:
        text = _("This mobile number already has a Casework account: sign in with it, or ask your job centre.")
    else:
        text = _("Your Casework registration code is %(code)s. It expires in %(minutes)d minutes.") % {
            "code": code,
            "minutes": minutes,
        }
    notify_by_sms(number=phone, text=text)


def applicant_register(*, phone: str, code: str, password: str, full_name: str) -> User:
    """Create an applicant account for a mobile number proven by its SMS code (the number is the username).
    A wrong code counts against that code; after a few wrong tries it is spent."""
    phone = _mobile(phone)
    user = User(username=phone, full_name=full_name.strip(), kind=User.Kind.APPLICANT)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    now = timezone.now()
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        usable = row is not None and row.attempts < settings.CASEWORK_SMS_CODE_ATTEMPTS
        accepted = usable and verification.matches(row.digest, code.strip(), purpose="register")
        if row is not None and not accepted:
            row.attempts += 1
            row.save(update_fields=["attempts"])
        if accepted and not User.objects.filter(username=phone).exists():
            row.used_at = now
            row.save(update_fields=["used_at"])
            user.set_password(password)
            user.full_clean(exclude=["password"])
            user.save()
            return user
    raise ValidationError({"code": _("The code is wrong or has expired. Ask for a new one.")})


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new API token for ``user``, any earlier one deleted: a token's age is the time since its holder
    authenticated (the idle and absolute timeouts count from it)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> None:
    """Delete ``user``'s API token (signing out of a token client)."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def authenticator_confirm(*, user: User, key: str, code: str) -> TOTPDevice | None:
    """The authenticator app set up with ``key`` (hex, made for the setup page) becomes ``user``'s confirmed
    device when ``code`` is its current code; nothing is stored otherwise. One authenticator per user: an
    unconfirmed device left by an earlier setup is replaced."""
    device = TOTPDevice(user=user, name="authenticator", key=key, confirmed=True)
    totp = totp_of(device)
    if not code.isdecimal() or not totp.verify(int(code), device.tolerance):
        return None
    device.last_t = totp.t()  # the code is spent: it cannot sign in again
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.save()
    return device
