"""The list behind each number of a report, with the columns of the page and of its export."""

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.models import (
    Assistance,
    Contact,
    ExitReason,
    FollowUp,
    Household,
    HouseholdMember,
)
from core.dates import parse_month

from ..models import Application, Entitlement, Lead
from .context import ReportContext
from .figures import (
    COVERAGE,
    ENTITLEMENT_MEASURES,
    HOUSEHOLD_MEASURES,
    MONEY_MEASURES,
    coverage_entries,
    payment_lines,
    q_applications,
    q_coverage,
    q_entitlements,
    q_entries,
    q_followups,
    q_households,
    q_lines,
    register_entries,
)
from .tables import Cell


class DrillDown:
    """What a figure's list shows: the rows' kind (which columns) and the queryset (scoped, filtered)."""

    def __init__(self, kind: str, rows, title: str):
        self.kind, self.rows, self.title = kind, rows, title


def _register_param(params) -> Q:
    code = params.get("register", "")
    return Q(register__code=code) if code else Q()


def drill_down(ctx: ReportContext, figure: str, params) -> DrillDown | None:
    """The list behind ``figure`` (``registers.active`` …) for the query-string ``params``; None if unknown."""
    group, _dot, measure = figure.partition(".")
    title = ""
    if group == "registers" and measure in ("active", "new", "exited"):
        reason = params.get("reason", "") if measure == "exited" else ""
        if reason and reason not in ExitReason.values:
            return None
        rows = register_entries(ctx).filter(q_entries(ctx, measure, reason), _register_param(params))
        rows = rows.select_related("register", "person", "household", "unit")
        return DrillDown("entries", rows.order_by("unit__path", "register__code", "pk"), title)
    if group == "contacts" and measure in COVERAGE:
        rows = coverage_entries(ctx).filter(q_coverage(ctx, measure), _register_param(params))
        rows = rows.select_related("register", "person", "unit")
        return DrillDown("coverage", rows.order_by("unit__path", "person__name", "pk"), title)
    if group == "households" and measure in HOUSEHOLD_MEASURES:
        rows = Household.objects.filter(ctx.where()).filter(q_households(ctx, measure)).select_related("unit")
        rows = rows.prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
        ).annotate(member_count=Count("members"))
        return DrillDown("households", rows.order_by("unit__path", "pk"), title)
    if group == "applications" and measure in ("received", "decided", "waiting", "overdue"):
        state = params.get("state", "")
        if state and state not in Application.State.values:
            return None
        rows = Application.objects.filter(ctx.where()).filter(q_applications(ctx, measure, state))
        if params.get("program"):
            rows = rows.filter(program__code=params["program"])
        if params.get("caseworker"):
            rows = rows.filter(created_by_id=_int(params["caseworker"]))
        rows = rows.select_related("program", "person", "organization", "unit")
        return DrillDown("applications", rows.order_by("-created_at", "-pk"), title)
    if group == "grants" and measure in ENTITLEMENT_MEASURES:
        rows = Entitlement.objects.filter(ctx.where()).filter(q_entitlements(ctx, measure, params.get("program", "")))
        rows = rows.select_related("program", "person", "organization", "unit")
        return DrillDown("grants", rows.order_by(F("end").asc(nulls_last=True), "-pk"), title)
    if group == "lines" and measure in MONEY_MEASURES:
        rows = payment_lines(ctx).filter(q_lines(measure))
        if params.get("program"):
            rows = rows.filter(program__code=params["program"])
        month = parse_month(params.get("month"))
        if params.get("month"):
            if month is None:
                return None
            rows = rows.filter(batch__month=month)
        rows = rows.select_related("program", "person", "organization", "unit", "batch")
        return DrillDown("lines", rows.order_by("batch__month", "pk"), title)
    if group == "followups" and measure in ("open", "overdue"):
        kind = params.get("kind", "")
        if kind and kind not in FollowUp.Kind.values:
            return None
        rows = FollowUp.objects.filter(ctx.where()).filter(q_followups(ctx, measure, kind))
        rows = rows.select_related("person", "household", "unit").prefetch_related(
            Prefetch("household__members", queryset=HouseholdMember.objects.select_related("person"))
        )
        return DrillDown("followups", rows.order_by("due_on", "pk"), title)
    if group == "leads" and measure == "open":
        rows = Lead.objects.filter(ctx.where()).filter(closed_on__isnull=True)
        return DrillDown("leads", rows.select_related("person", "program", "unit").order_by("unit__path", "pk"), title)
    if group == "work" and measure in ("contacts", "assistance", "applications"):
        worker = _int(params.get("caseworker"))
        if worker is None:
            return None
        if measure == "applications":
            return drill_down(ctx, "applications.received", {"caseworker": worker})
        if measure == "contacts":
            rows = Contact.objects.filter(ctx.where("person__residence_unit")).filter(
                contacted_on__gte=ctx.start, contacted_on__lte=ctx.end, caseworker_id=worker
            )
            rows = rows.select_related("person", "person__residence_unit", "caseworker")
            return DrillDown("contacts", rows.order_by("-contacted_on", "-pk"), title)
        rows = Assistance.objects.filter(ctx.where("person__residence_unit")).filter(
            ended_on__isnull=True, caseworker_id=worker
        )
        rows = rows.select_related("person", "person__residence_unit", "caseworker")
        return DrillDown("assistance", rows.order_by("person__name", "pk"), title)
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _person_link(person) -> str:
    return reverse("casework:person-detail", args=[person.pk]) if person else ""


def _party(row) -> tuple[str, str, str]:
    """Name, ID number (masked or full: the caller decides), link of a row's person or organization."""
    if getattr(row, "person_id", None):
        return row.person.name, row.person.id_number, _person_link(row.person)
    organization = getattr(row, "organization", None)
    if organization is not None:
        return organization.name, organization.uscc, reverse("casework:organization-detail", args=[organization.pk])
    return "", "", ""


def list_columns(kind: str) -> list[str]:
    name, number = pgettext("of a person", "Name"), _("ID number")
    return {
        "entries": [name, number, _("Register"), _("Community"), _("Entered on"), _("Exited on"), _("Exit reason")],
        "coverage": [name, number, _("Register"), _("Community"), _("Entered on"), _("Last contacted")],
        "households": [_("Household"), _("Community"), _("Members"), _("Zero employment since"), _("Cleared on"),
                       _("Fell back on")],
        "applications": [name, number, _("Program"), _("State"), _("Submitted at"), _("Decided on"), _("Unit")],
        "grants": [name, number, _("Program"), _("Status"), _("Start"), _("End"), _("Amount per period")],
        "lines": [_("Line"), name, number, _("Program"), _("Batch month"), _("Period"), _("Amount"), _("Status")],
        "followups": [_("Kind"), name, number, _("Community"), _("Due on")],
        "leads": [name, number, _("Program"), _("Community"), _("First found on")],
        "contacts": [name, number, _("Community"), _("Date"), _("Channel"), _("Outcome")],
        "assistance": [name, number, _("Community"), _("Caseworker"), _("From")],
    }[kind]  # fmt: skip


def list_row(kind: str, row, *, mask) -> list[Cell]:
    """The cells of one drill-down row; ``mask(number)`` turns an ID number into what the viewer may see."""
    name, number, link = _party(row)
    party = [Cell(name, link), Cell(mask(number) if getattr(row, "person_id", None) else number)]
    if kind == "entries":
        if row.household_id:
            party = [Cell(str(_("Household %(id)s") % {"id": row.household_id}),
                          reverse("casework:household-detail", args=[row.household_id])), Cell("")]  # fmt: skip
        return [
            *party,
            Cell(row.register.display_name),
            Cell(row.unit.name),
            Cell(row.entered_on),
            Cell(row.exited_on),
            Cell(row.get_exit_reason_display()),
        ]
    if kind == "coverage":
        return [
            *party,
            Cell(row.register.display_name),
            Cell(row.unit.name),
            Cell(row.entered_on),
            Cell(row.last_contacted_on),
        ]
    if kind == "households":
        return [
            Cell(str(row), reverse("casework:household-detail", args=[row.pk])),
            Cell(row.unit.name),
            Cell(row.member_count),
            Cell(row.zero_employment_since),
            Cell(row.cleared_on),
            Cell(row.fell_back_on),
        ]
    if kind == "applications":
        party[0].link = reverse("benefits:application-detail", args=[row.pk])
        submitted = timezone.localtime(row.submitted_at).date() if row.submitted_at else None
        return [
            *party,
            Cell(row.program.display_name),
            Cell(row.get_state_display()),
            Cell(submitted),
            Cell(row.decided_on),
            Cell(row.unit.name),
        ]
    if kind == "grants":
        party[0].link = reverse("benefits:entitlement-detail", args=[row.pk])
        return [
            *party,
            Cell(row.program.display_name),
            Cell(row.get_status_display()),
            Cell(row.start),
            Cell(row.end),
            Cell(row.amount_per_period),
        ]
    if kind == "lines":
        return [
            Cell(row.reference, reverse("benefits:disbursement-detail", args=[row.pk])),
            *party,
            Cell(row.program.display_name),
            Cell(f"{row.batch.month:%Y-%m}"),
            Cell(row.period),
            Cell(row.amount_cny),
            Cell(row.get_status_display()),
        ]
    if kind == "followups":
        if row.household_id:
            party = [Cell(str(row.household), reverse("casework:household-detail", args=[row.household_id])), Cell("")]
        return [Cell(row.get_kind_display()), *party, Cell(row.unit.name), Cell(row.due_on)]
    if kind == "leads":
        return [*party, Cell(row.program.display_name), Cell(row.unit.name), Cell(row.first_found_on)]
    if kind == "contacts":
        return [
            *party,
            Cell(row.person.residence_unit.name),
            Cell(row.contacted_on),
            Cell(row.get_channel_display()),
            Cell(row.get_outcome_display()),
        ]
    return [*party, Cell(row.person.residence_unit.name), Cell(str(row.caseworker)), Cell(row.started_on)]
