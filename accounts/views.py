"""Staff console pages of accounts: sign-in, the home page of each role, service units and staff users."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from core.errors import require
from core.forms import ActionForm, run_service
from core.views import redirect_to, report_form_errors

from . import selectors, services
from .forms import LoginForm, MembershipGrantForm
from .models import Role, ServiceUnit, User
from .permissions import can_use_console
from .services import notifications_read


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class ConsoleView(LoginRequiredMixin, TemplateView):
    """Base of every console page: signed in, and a staff user with a role."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(can_use_console(request.user), error=PermissionDenied)
        return super().dispatch(request, *args, **kwargs)


class ConsolePage(ConsoleView):
    """A console page that may also accept a POST (handled by ``post``)."""

    def render_page(self, **context):
        return self.render_to_response(self.get_context_data(**context))


class HomeView(ConsoleView):
    """One page, a panel per role the user holds: each role sees its own work first."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(user.memberships.select_related("unit").order_by("role", "unit__path"))
        units = selectors.unit_list(user=user)
        level_counts = dict(units.values_list("level").annotate(n=Count("id")).order_by())
        roles = {m.role for m in memberships}
        panels = [panel for path in settings.CASEWORK_HOME_PANELS if (panel := import_string(path)(self.request))]
        return super().get_context_data(
            panels=panels,
            memberships=memberships,
            periodic_tasks=selectors.periodic_task_list() if Role.ADMIN in roles or user.is_superuser else None,
            recent_changes=selectors.recent_changes(user=user) if Role.AUDITOR in roles or user.is_superuser else None,
            roles=sorted(roles, key=Role.values.index),
            level_counts=[(label, level_counts.get(value, 0)) for value, label in ServiceUnit.Level.choices],
            colleague_count=selectors.user_list(user=user).exclude(pk=user.pk).count(),
            **kwargs,
        )


class UnitListView(ConsoleView):
    template_name = "accounts/unit_list.html"

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "").strip()[:64]
        level = self.request.GET.get("level", "")
        if level not in ServiceUnit.Level.values:
            level = ""
        page = Paginator(selectors.unit_list(user=self.request.user, search=search, level=level), 100)
        return super().get_context_data(
            page=page.get_page(self.request.GET.get("page")),
            q=search,
            level=level,
            levels=ServiceUnit.Level.choices,
            **kwargs,
        )


class UnitDetailView(ConsoleView):
    template_name = "accounts/unit_detail.html"

    def get_context_data(self, **kwargs):
        unit = selectors.unit_get_for_user(user=self.request.user, unit_id=self.kwargs["pk"])
        return super().get_context_data(
            unit=unit,
            ancestors=selectors.unit_ancestors(user=self.request.user, unit=unit),
            children=selectors.unit_children(user=self.request.user, unit=unit),
            members=selectors.unit_members(unit=unit),
            **kwargs,
        )


class UserListView(ConsoleView):
    template_name = "accounts/user_list.html"

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "").strip()[:64]
        role = self.request.GET.get("role", "")
        if role not in Role.values:
            role = ""
        page = Paginator(selectors.user_list(user=self.request.user, search=search, role=role), 100)
        return super().get_context_data(
            page=page.get_page(self.request.GET.get("page")), q=search, role=role, roles=Role.choices, **kwargs
        )


class UserDetailView(ConsolePage):
    """A staff user's roles; an administrator grants a role in the units they look after and revokes one there."""

    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        shown = selectors.user_get_for_user(user=self.request.user, user_id=self.kwargs["pk"])
        units = selectors.units_administered_by(user=self.request.user)
        administered = set(units.values_list("pk", flat=True))
        can_grant = bool(administered) and shown.kind == User.Kind.STAFF
        if can_grant and "grant_form" not in kwargs:
            kwargs["grant_form"] = MembershipGrantForm(units=units)
        return super().get_context_data(
            shown=shown,
            memberships=[(m, m.unit_id in administered) for m in shown.memberships.all()],
            can_grant=can_grant,
            **kwargs,
        )

    def post(self, request, pk):
        shown = selectors.user_get_for_user(user=request.user, user_id=pk)
        if "revoke" in request.POST:
            revoke = request.POST["revoke"]
            membership = get_object_or_404(shown.memberships.all(), pk=int(revoke) if revoke.isdigit() else 0)
            form = ActionForm({})
            run_service(form, services.membership_revoke, membership=membership, actor=request.user)
            report_form_errors(request, form)
            return redirect_to("accounts:user-detail", shown.pk)
        form = MembershipGrantForm(request.POST, units=selectors.units_administered_by(user=request.user))
        if form.is_valid() and run_service(
            form, services.membership_grant, user=shown, actor=request.user, **form.cleaned_data
        ):
            report_form_errors(request, form)
            return redirect_to("accounts:user-detail", shown.pk)
        return self.render_page(grant_form=form)


class NotificationListView(ConsoleView):
    """The signed-in user's notifications, newest first; opening the page marks them read."""

    template_name = "accounts/notification_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.notification_list(user=self.request.user), 50).get_page(self.request.GET.get("page"))
        context = super().get_context_data(page=page, **kwargs)
        notifications_read(user=self.request.user, ids=[row.pk for row in page])
        return context
