"""Who may change and who may unmask register data. Each predicate returns ``(allowed, reason)``."""

from django.utils.translation import gettext as _

from accounts.models import Role, ServiceUnit
from accounts.permissions import has_any_role

WRITE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN)


def can_edit_in_unit(user, unit: ServiceUnit) -> tuple[bool, str]:
    """Caseworkers, supervisors and administrators of the unit or a unit above it keep its registers."""
    if user.is_superuser or has_any_role(user, WRITE_ROLES, unit):
        return True, ""
    if ServiceUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
        return False, _("Your role lets you read these records but not change them.")
    return False, _("This service unit is outside your area.")


def can_unmask(user) -> tuple[bool, str]:
    if user.is_active and user.has_perm("casework.unmask_personal_data"):
        return True, ""
    return False, _("You do not have permission to see full ID and phone numbers.")


def can_read_access_log(user) -> tuple[bool, str]:
    """Auditors (and administrators) read who unmasked whose personal data."""
    if user.is_superuser or {Role.AUDITOR, Role.ADMIN} & user.roles():
        return True, ""
    return False, _("Only auditors and administrators can read the personal-data access log.")


DUPLICATE_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def can_review_duplicates(user) -> tuple[bool, str]:
    """Supervisors and administrators (the roles that decide) review the possible duplicates of their area."""
    if user.is_superuser or set(DUPLICATE_ROLES) & user.roles():
        return True, ""
    return False, _("Only a supervisor or administrator of the area decides about duplicates.")


def can_decide_duplicate(user, units: list[ServiceUnit], *, all_units: bool = False) -> tuple[bool, str]:
    """Supervisors and administrators decide about possible duplicates: "not a duplicate" needs the role over one
    of the two records' communities, a merge over both (``all_units``)."""
    if user.is_superuser:
        return True, ""
    holds = [has_any_role(user, DUPLICATE_ROLES, unit) for unit in units]
    if all(holds) if all_units else any(holds):
        return True, ""
    if all_units and any(holds):
        return False, _("One of the two records is outside your area: a supervisor over both must merge them.")
    return False, _("Only a supervisor or administrator of the area decides about duplicates.")
