"""Permission predicates. Each returns ``(allowed, reason)`` so a refusal can be shown and logged."""

from django.utils.translation import gettext as _

from .models import Membership, Role, ServiceUnit

STAFF_ROLES = frozenset(Role.values)


def has_role(user, role: str, unit: ServiceUnit | None = None) -> bool:
    """Whether the user holds ``role`` in ``unit`` or one of its ancestors (anywhere, without a unit)."""
    return has_any_role(user, [role], unit)


def has_any_role(user, roles, unit: ServiceUnit | None = None) -> bool:
    """Whether the user holds one of ``roles`` in ``unit`` or one of its ancestors (one query)."""
    if not user.is_authenticated or not user.is_active:
        return False
    memberships = Membership.objects.filter(user=user, role__in=roles, unit__is_active=True)
    if unit is not None:
        memberships = memberships.filter(unit_id__in=unit.lineage_ids)
    return memberships.exists()


def can_view_unit(user, unit: ServiceUnit) -> tuple[bool, str]:
    if user.is_superuser:
        return True, ""
    if ServiceUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
        return True, ""
    return False, _("This service unit is outside your area.")


def can_administer_unit(user, unit: ServiceUnit) -> tuple[bool, str]:
    """Administrators manage units, users and roles in their subtree."""
    if user.is_superuser or has_role(user, Role.ADMIN, unit):
        return True, ""
    return False, _("Only an administrator of this unit or a unit above it can do this.")


def can_use_console(user) -> tuple[bool, str]:
    """The staff console is for staff with at least one role (or a superuser)."""
    if not user.is_authenticated:
        return False, _("Please sign in.")
    if user.is_superuser or (user.kind == user.Kind.STAFF and user.roles()):
        return True, ""
    if user.kind == user.Kind.APPLICANT:
        return False, _("Applicants use the applicant portal, not the staff console.")
    return False, _("Your account has no role in any service unit yet. Ask an administrator to grant one.")
