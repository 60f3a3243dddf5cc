"""Django admin (superusers only) for applications and entitlements: read-only, because every change of state
goes through the workflow's services; the one bulk action approves through ``application_approve`` item by item,
so four eyes and the rules hold for each."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError

from .applications.services import application_approve
from .models import Application, Entitlement


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "program", "person", "organization", "unit", "state", "created_by", "decided_by"]
    list_filter = ["state", "program__city"]
    search_fields = ["program__code", "person__name", "organization__name"]
    actions = ["approve_selected"]

    @admin.action(description=_("Approve the selected applications (each checked like any approval)"))
    def approve_selected(self, request, queryset):
        approved = 0
        for application in queryset:
            try:
                application_approve(actor=request.user, application=application)
                approved += 1
            except (DomainError, ValidationError) as error:
                message = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"#{application.pk}: {message}", messages.ERROR)
        if approved:
            self.message_user(request, _("%(count)s approved.") % {"count": approved}, messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.is_superuser  # the changelist and its action, never the form


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ["id", "program", "person", "organization", "start", "end", "amount_per_period", "status"]
    list_filter = ["status", "program__city"]
