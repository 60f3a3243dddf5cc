"""Panels that the console home page shows (listed in settings.CASEWORK_HOME_PANELS): the register duties of
the signed-in user's area at a glance."""

from django.db.models import Count
from django.utils import timezone

from accounts.models import Role

from . import selectors
from .models import FollowUp, Household, Register


def register_duties(request) -> dict | None:
    """Worklist, 逐一联系 coverage and 动态清零 for staff who keep or supervise registers."""
    user = request.user
    if not (user.is_superuser or {Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN} & user.roles()):
        return None
    today = timezone.localdate()
    follow_ups = FollowUp.objects.visible_to(user).filter(done_at__isnull=True)
    counts = dict(follow_ups.values_list("kind").annotate(n=Count("id")).order_by())
    households = Household.objects.visible_to(user)
    graduates = Register.objects.filter(code="unemployed_graduates_after_leaving").first()
    return {
        "template": "casework/_home_panel.html",
        "follow_ups": [(label, counts.get(kind, 0)) for kind, label in FollowUp.Kind.choices],
        "due_now": follow_ups.filter(due_on__lte=today).select_related("person", "household")[:10],
        "coverage": selectors.register_contact_coverage(user=user, register=graduates, today=today)
        if graduates
        else None,
        "graduates": graduates,
        "zero_households": households.filter(is_zero_employment=True).count(),
        "fell_back": households.filter(fell_back_on__isnull=False).count(),
    }
