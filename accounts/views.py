"""Staff console pages of accounts: sign-in, the home page of each role, service units and staff users."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from core.errors import require

from . import selectors
from .forms import LoginForm
from .models import Role, ServiceUnit
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


class UserDetailView(ConsoleView):
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        shown = selectors.user_get_for_user(user=self.request.user, user_id=self.kwargs["pk"])
        return super().get_context_data(shown=shown, **kwargs)


class NotificationListView(ConsoleView):
    """The signed-in user's notifications, newest first; opening the page marks them read."""

    template_name = "accounts/notification_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.notification_list(user=self.request.user), 50).get_page(self.request.GET.get("page"))
        context = super().get_context_data(page=page, **kwargs)
        notifications_read(user=self.request.user, ids=[row.pk for row in page])
        return context
