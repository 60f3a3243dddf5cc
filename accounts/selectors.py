"""Reads for accounts, always scoped to what the requesting user may see (404 for missing and forbidden)."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy

from .models import Membership, Notification, Role, ServiceUnit, User


def unit_list(*, user, parent: ServiceUnit | None = None, level: str = "", search: str = ""):
    units = ServiceUnit.objects.visible_to(user).select_related("parent")
    if parent is not None:
        units = units.filter(parent=parent)
    if level:
        units = units.filter(level=level)
    if search:
        units = units.filter(Q(name__contains=search) | Q(region_code__startswith=search))
    return units.order_by("path")


def user_city_codes(*, user) -> set[str]:
    """The catalogue codes of the cities the user works in (their units' cities)."""
    return set(ServiceUnit.objects.visible_to(user).order_by().values_list("city_code", flat=True).distinct())


def unit_get_for_user(*, user, unit_id) -> ServiceUnit:
    return get_object_or_404(ServiceUnit.objects.visible_to(user).select_related("parent"), pk=unit_id)


def unit_ancestors(*, user, unit: ServiceUnit):
    """The unit's ancestors that the user may see, outermost first (for breadcrumbs)."""
    return ServiceUnit.objects.visible_to(user).filter(pk__in=unit.ancestor_ids).order_by("path")


def unit_children(*, user, unit: ServiceUnit):
    return (
        ServiceUnit.objects.visible_to(user)
        .filter(parent=unit)
        .annotate(member_count=Count("memberships", distinct=True), child_count=Count("children", distinct=True))
        .order_by("name")
    )


def _with_memberships(users, *, viewer):
    """Prefetch each user's roles, only those in units the viewer may see (no unit names leak across areas)."""
    memberships = Membership.objects.filter(unit__in=ServiceUnit.objects.visible_to(viewer))
    return users.prefetch_related(
        Prefetch("memberships", queryset=memberships.select_related("unit").order_by("unit__path", "role"))
    )


def user_list(*, user, unit: ServiceUnit | None = None, role: str = "", search: str = ""):
    users = User.objects.visible_to(user)
    if unit is not None:
        users = users.filter(memberships__unit__path__startswith=unit.path)
    if role:
        users = users.filter(memberships__role=role)
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__contains=search))
    if unit is not None or role:
        users = users.distinct()
    return _with_memberships(users, viewer=user).order_by("username")


def units_administered_by(*, user):
    """The active units where ``user`` may grant and revoke roles: the subtrees of their administrator roles."""
    units = ServiceUnit.objects.filter(is_active=True)
    if user.is_superuser:
        return units.order_by("path")
    paths = Membership.objects.filter(user=user, role=Role.ADMIN, unit__is_active=True).values_list(
        "unit__path", flat=True
    )
    return units.under_paths(paths).order_by("path")


def user_get_for_user(*, user, user_id) -> User:
    return get_object_or_404(_with_memberships(User.objects.visible_to(user), viewer=user), pk=user_id)


def unit_members(*, unit: ServiceUnit):
    return Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


# What each scheduled job does, in the administrator's words (the job's name is a code of the schedule).
JOB_LABELS = {
    "worker-heartbeat": gettext_lazy("Worker heartbeat"),
    "notifications-requeue": gettext_lazy("Send again the email and SMS left unsent"),
    "register-windows-close": gettext_lazy("Take people off registers whose window closed"),
    "zero-employment-sync": gettext_lazy("Zero-employment households"),
    "contacts-due-sync": gettext_lazy("Contacts due (worklist)"),
    "residence-eligible-sync": gettext_lazy("Resident long enough to register (worklist)"),
    "windows-closing-sync": gettext_lazy("Register windows closing (worklist)"),
    "entitlements-expire": gettext_lazy("End grants at their period limit"),
    "complaints-escalate": gettext_lazy("Escalate overdue complaints to the supervisors"),
    "reminders-send": gettext_lazy("Reminders"),
    "disbursements-generate": gettext_lazy("Monthly payment lines and batches"),
    "proactive-screen": gettext_lazy("Proactive service screening"),
    "report-summaries-refresh": gettext_lazy("Report summaries"),
    "report-summaries-catch-up": gettext_lazy("Report summaries after changes"),
    "ledger-checkpoint": gettext_lazy("Ledger checkpoint"),
    "duplicates-detect": gettext_lazy("Likely duplicate persons"),
}


def schedule_text(task) -> str:
    """A job's schedule in words: every 20 seconds, every hour at :40, every day at 01:25, the 1st of each month
    at 03:00 (Celery's own notation for anything else)."""
    if task.interval_id:
        interval = task.interval
        if interval.period == "seconds":
            return gettext("every %(count)s seconds") % {"count": interval.every}
        return str(interval)
    if task.crontab_id:
        cron = task.crontab
        if not (cron.minute.isdigit() and cron.month_of_year == "*"):
            return str(cron)
        minute = int(cron.minute)
        if cron.hour == "*" and cron.day_of_week == "*" and cron.day_of_month == "*":
            return gettext("every hour at minute %(minute)s") % {"minute": minute}
        if not cron.hour.isdigit():
            return str(cron)
        time = f"{int(cron.hour):02d}:{minute:02d}"
        if cron.day_of_week == "*" and cron.day_of_month == "*":
            return gettext("every day at %(time)s") % {"time": time}
        if cron.day_of_week == "*" and cron.day_of_month.isdigit():
            return gettext("day %(day)s of each month at %(time)s") % {"day": cron.day_of_month, "time": time}
        return str(cron)
    return ""


def periodic_task_list():
    """The beat schedule as django-celery-beat holds it (administrators see and change it), each job with its
    label and its schedule in words."""
    from django_celery_beat.models import PeriodicTask

    tasks = list(PeriodicTask.objects.select_related("interval", "crontab").order_by("name"))
    for task in tasks:
        task.label = JOB_LABELS.get(task.name, task.name)
        task.schedule_text = schedule_text(task)
    return tasks


def recent_changes(*, user, limit: int = 20):
    """The latest history rows of units and memberships in the user's area, newest first (for auditors)."""
    units = ServiceUnit.objects.visible_to(user).values("pk")
    unit_rows = ServiceUnit.history.filter(id__in=units).select_related("history_user")[:limit]
    membership_rows = Membership.history.filter(unit_id__in=units).select_related("history_user", "unit")[:limit]
    rows = sorted([*unit_rows, *membership_rows], key=lambda row: row.history_date, reverse=True)
    return rows[:limit]


def users_with_role_over(*, unit: ServiceUnit, role: str | tuple[str, ...]):
    """Active users holding ``role`` (or one of several) in ``unit`` or an active unit above it (who may act on the
    unit's cases)."""
    roles = [role] if isinstance(role, str) else list(role)
    return User.objects.filter(
        is_active=True,
        memberships__role__in=roles,
        memberships__unit_id__in=unit.lineage_ids,
        memberships__unit__is_active=True,
    ).distinct()


def notification_list(*, user):
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP).order_by(
        "-created_at", "-pk"
    )
