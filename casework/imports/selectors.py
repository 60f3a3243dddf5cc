"""Reads of the import runs: the user's runs and units, one run, and its report rows."""

from django.shortcuts import get_object_or_404

from accounts.models import ServiceUnit

from ..models import ImportRun


def import_run_get_for_user(*, user, run_id) -> ImportRun:
    """The access function of import runs: 404 for missing and out-of-area alike."""
    return get_object_or_404(
        ImportRun.objects.visible_to(user).select_related("register", "unit", "created_by"), pk=run_id
    )


def import_runs_for_user(*, user):
    return ImportRun.objects.visible_to(user).select_related("register", "unit", "created_by").defer("report")


def import_units_for_user(*, user):
    """Units a user may pick to import into: the streets and communities of their area."""
    return ServiceUnit.objects.visible_to(user).filter(
        level__in=[ServiceUnit.Level.STREET, ServiceUnit.Level.COMMUNITY], is_active=True
    )


def import_report_rows(*, run: ImportRun, status: str = "") -> list[dict]:
    return [row for row in run.report if not status or row["status"] == status]
