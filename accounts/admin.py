"""Django admin for system administrators (superusers). The admin is not scoped to service units, so city
administrators work in the console instead; every change here still goes into the history."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, ServiceUnit, User, WorkerHeartbeat


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["unit", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # roles are granted through membership_grant, which checks who may grant them


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "is_active", "last_login"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Casework", {"fields": ["kind", "full_name"]})]
    inlines = [MembershipInline]


@admin.register(ServiceUnit)
class ServiceUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "region_code", "city_code", "path", "is_active"]
    list_filter = ["level", "city_code", "is_active"]
    search_fields = ["name", "region_code"]
    readonly_fields = ["path", "parent", "level", "city_code"]

    def has_add_permission(self, request):
        return False  # units are added through unit_create (console or bootstrap), which keeps the tree paths


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
