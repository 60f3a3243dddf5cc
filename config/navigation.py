"""The console's navigation, by role: each entry shows only to the roles it lists (None = every staff user)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

NAVIGATION = [
    ("accounts:home", _("Home"), None),
    ("accounts:notification-list", _("Notifications"), None),
    ("casework:worklist", _("Worklist"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("casework:person-list", _("People"), None),
    ("casework:register-list", _("Registers"), None),
    ("casework:household-list", _("Households"), None),
    ("casework:organization-list", _("Organizations"), None),
    ("casework:claim-list", _("Employer claims"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("casework:duplicate-list", _("Possible duplicates"), {Role.SUPERVISOR, Role.ADMIN}),
    # the roles that keep the registers verify what people ask to change on their records
    ("casework:change-request-list", _("Change requests"), {Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN}),
    ("benefits:application-list", _("Applications"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("benefits:appeal-list", _("Review requests"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("benefits:grant-review-list", _("Grants to review"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("benefits:complaint-list", _("Complaints"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("benefits:entitlement-list", _("Grants"), {Role.CASEWORKER, Role.SUPERVISOR, Role.FINANCE, Role.AUDITOR}),
    ("benefits:batch-list", _("Payments"), {Role.FINANCE, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}),
    ("benefits:lead-list", _("Proactive service"), {Role.CASEWORKER, Role.SUPERVISOR}),
    # Every role: a caseworker sees the figures of their own community, finance the money.
    (
        "benefits:report-dashboard",
        _("Reports"),
        {Role.CASEWORKER, Role.SUPERVISOR, Role.FINANCE, Role.ADMIN, Role.AUDITOR},
    ),
    ("benefits:program-list", _("Programs"), None),
    ("benefits:what-if", _("Screener"), {Role.CASEWORKER, Role.SUPERVISOR}),
    ("accounts:unit-list", _("Service units"), None),
    ("accounts:user-list", _("Staff"), {Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}),
    ("benefits:parameter-list", _("Parameters"), {Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR}),
    # drafted by administrators and supervisors, read by the rest of the city's staff
    ("benefits:scenario-list", _("Policy scenarios"), None),
    ("casework:access-log", _("Access log"), {Role.AUDITOR, Role.ADMIN}),
    ("swagger-ui", _("API"), {Role.ADMIN}),
    ("admin:index", _("Administration"), set()),  # the Django admin is not scoped: system administrators only
]


def console(request):
    """Template context: the navigation entries the signed-in staff user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.kind != user.Kind.STAFF:
        return {"nav_items": []}
    roles = user.roles()
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, allowed in NAVIGATION
        if user.is_superuser or (roles and (allowed is None or roles & allowed))
    ]
    return {"nav_items": items, "user_roles": sorted(roles, key=Role.values.index)}
