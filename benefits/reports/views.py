"""Console pages of the supervisors' reports: the dashboard (every report), one report, the list behind a number,
and their Excel files (a report, a list with masked ID numbers, the monthly statistics workbook of a unit).
Thin: the context, the figures and the lists come from ``context``, ``figures`` and ``drilldowns``, the files
from ``exports``. Every GET reads from the read replica where there is one (``core.db_router``); the POST of a
list's full numbers (logged) stays on the primary."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ServiceUnit
from accounts.security import reauth_redirect, recently_authenticated
from accounts.validators import check_date
from accounts.views import ConsoleView
from casework.identity import mask_id_number
from casework.permissions import can_unmask
from core.dates import parse_month
from core.db_router import replica_read_view
from core.errors import DomainError, InvalidQuery
from core.spreadsheets import XLSX_CONTENT_TYPE

from . import exports
from .charts import bar_chart
from .context import REPORTS, report_context, report_units
from .drilldowns import drill_down, list_columns, list_row
from .figures import reports_build

PAGE_SIZE = 50


class ReportFilterForm(forms.Form):
    """The period (from month to month) and the unit; everything optional (defaults: this year, the whole area).
    The unit list shows the units above community level; a community reached from a by-unit table is added."""

    start = forms.CharField(label=gettext_lazy("From"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    end = forms.CharField(label=gettext_lazy("To"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, user):
        data = {"start": data.get("from", ""), "end": data.get("to", ""), "unit": data.get("unit", "")}
        super().__init__(data)
        units = list(report_units(user=user))
        chosen = data["unit"] if str(data["unit"]).isdecimal() else None  # isdigit() takes "²", int() does not
        if chosen and int(chosen) not in {unit.pk for unit in units}:
            units += list(ServiceUnit.objects.visible_to(user).filter(pk=int(chosen)))
        self.fields["unit"].choices = [("", _("My whole area"))] + [
            (unit.pk, f"{'　' * unit.depth}{unit.name}") for unit in sorted(units, key=lambda u: u.path)
        ]

    def clean_start(self):
        return clean_month(self.cleaned_data["start"])

    def clean_end(self):
        return clean_month(self.cleaned_data["end"])


def clean_month(text: str | None):
    """``YYYY-MM`` → the month's first day, in the plausible range of dates (accounts.validators: 9999-12 would
    overflow the period's arithmetic); empty → None."""
    text = (text or "").strip()
    if not text:
        return None
    month = parse_month(text)
    if month is None:
        raise ValidationError(_("Enter a month as YYYY-MM."))
    return check_date(month)


def context_from_request(request, *, download: bool = False):
    """The report context of the query string: a unit outside the user's area (or no unit) is a 404. A period
    that is not a plausible month is the form's error on a report page (which then shows the default period); a
    file or a list has no form to show it on, so there it is a 400."""
    form = ReportFilterForm(request.GET, user=request.user)
    form.is_valid()
    data = form.cleaned_data  # the valid fields only
    unit_id = data.get("unit")
    if unit_id is None and request.GET.get("unit"):
        raise Http404
    if download and form.errors:
        raise InvalidQuery(
            " ".join(f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items())
        )
    ctx = report_context(user=request.user, unit_id=unit_id, start=data.get("start"), end=data.get("end"))
    return ctx, form


def with_charts(report):
    """Attach to each table that names chart columns its SVG (labels: the first column, series: those columns)."""
    for table in report.tables:
        table.svg = ""
        if table.chart and table.rows:
            table.svg = bar_chart(
                title=f"{report.title} · {table.title}",
                labels=[str(row[0].value) for row in table.rows],
                series=[(table.columns[i], [row[i].value for row in table.rows]) for i in table.chart],
                horizontal=table.horizontal,
            )
    return report


class ReportPage(ConsoleView):
    template_name = "benefits/reports.html"

    def names(self) -> list[str]:
        return list(REPORTS)

    @replica_read_view
    def get(self, request, *args, **kwargs):
        ctx, form = context_from_request(request, download=request.GET.get("format") == "xlsx")
        if request.GET.get("format") == "xlsx":
            names = self.names()
            return _workbook_response(
                ctx, names, REPORTS[names[0]] if len(names) == 1 else _("Employment service reports")
            )
        reports = reports_build(ctx, self.names())
        return self.render_to_response(
            self.get_context_data(
                ctx=ctx,
                form=form,
                reports=[with_charts(report) for report in reports],
                tabs=[(name, label) for name, label in REPORTS.items()],
                current=self.names()[0] if len(self.names()) == 1 else "",
                query=ctx.query(),
                month=f"{ctx.end:%Y-%m}",
            )
        )


class ReportDashboardView(ReportPage):
    """Every report for the user's area (or the chosen unit) and period."""


class ReportDetailView(ReportPage):
    def names(self) -> list[str]:
        if self.kwargs["name"] not in REPORTS:
            raise Http404
        return [self.kwargs["name"]]


class ReportMonthlyView(ConsoleView):
    """The monthly statistics workbook of a unit: one sheet per report, the month as the period."""

    @replica_read_view
    def get(self, request):
        try:
            month = clean_month(request.GET.get("month")) or timezone.localdate().replace(day=1)
        except ValidationError as error:
            raise InvalidQuery(f"{_('Month')}：{' '.join(error.messages)}") from None
        ctx, _form = context_from_request(request, download=True)
        ctx = report_context(user=request.user, unit_id=ctx.unit.pk if ctx.unit else None, start=month, end=month)
        return _workbook_response(ctx, list(REPORTS), _("Monthly employment service statistics"))


def _workbook_response(ctx, names: list[str], title):
    """The reports as a workbook, built in Chinese whatever the page's language (it goes up to the bureau), under a
    Chinese file name."""
    with translation.override(exports.EXPORT_LANGUAGE):
        reports = reports_build(ctx, names)
        content = exports.reports_workbook(ctx=ctx, reports=reports)
        filename = exports.file_name(ctx, str(title))
    return FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class ReportListView(ConsoleView):
    """The list behind one number of a report (same filter, same scope): a page, or an Excel file with masked
    ID numbers (full numbers only by POST, for a user with the permission and a reason, logged)."""

    template_name = "benefits/report_list.html"

    def drill_down(self, request):
        ctx, _form = context_from_request(request, download=True)  # a list shows no form: a bad period is a 400
        found = drill_down(ctx, self.kwargs["figure"], request.GET)
        if found is None:
            raise Http404
        return ctx, found

    @replica_read_view
    def get(self, request, figure):
        ctx, found = self.drill_down(request)
        if request.GET.get("format") == "xlsx":
            return self.workbook(ctx, found, unmasked=False)
        page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render_to_response(
            self.get_context_data(
                ctx=ctx,
                figure=figure,
                title=_figure_title(figure),
                columns=list_columns(found.kind),
                page=page,
                rows=[list_row(found.kind, row, mask=mask_id_number) for row in page],
                can_unmask=can_unmask(request.user)[0],
                query=request.GET.urlencode(),
            )
        )

    def post(self, request, figure):
        ctx, found = self.drill_down(request)
        if not recently_authenticated(request):  # full numbers leave the system: the password again first
            return reauth_redirect(request, request.get_full_path())
        try:
            return self.workbook(ctx, found, unmasked=True, reason=request.POST.get("reason", ""))
        except (DomainError, ValidationError) as error:
            raise PermissionDenied(_("The full numbers need the permission and a reason.")) from error

    def workbook(self, ctx, found, *, unmasked: bool, reason: str = ""):
        mask = _identity if unmasked else mask_id_number
        with translation.override(exports.EXPORT_LANGUAGE):
            title = _figure_title(self.kwargs["figure"])
            content = exports.drill_down_workbook(
                user=self.request.user,
                title=title,
                columns=list_columns(found.kind),
                rows=(list_row(found.kind, row, mask=mask) for row in found.rows.iterator(chunk_size=2000)),
                unmasked=unmasked,
                reason=reason,
            )
            filename = exports.file_name(ctx, str(title))
        return FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _identity(number: str) -> str:
    return number


FIGURE_TITLES = {
    "registers.active": gettext_lazy("On the register at the end of the period"),
    "registers.new": gettext_lazy("New on the register in the period"),
    "registers.exited": gettext_lazy("Exited the register in the period"),
    "contacts.total": gettext_lazy("On a register with a contact duty"),
    "contacts.recent": gettext_lazy("Contacted within 30 days"),
    "contacts.overdue": gettext_lazy("Contact overdue"),
    "contacts.never": gettext_lazy("Never contacted"),
    "households.zero": gettext_lazy("Zero-employment households now"),
    "households.fell_back": gettext_lazy("Households that fell back to zero employment"),
    "households.cleared": gettext_lazy("Households cleared in the period"),
    "applications.received": gettext_lazy("Applications created in the period"),
    "applications.decided": gettext_lazy("Applications decided in the period"),
    "applications.waiting": gettext_lazy("Applications waiting for a decision"),
    "applications.overdue": gettext_lazy("Applications past their time limit"),
    "grants.active": gettext_lazy("Active grants"),
    "grants.ending": gettext_lazy("Grants ending within 30 days"),
    "grants.started": gettext_lazy("Grants started in the period"),
    "lines.approved": gettext_lazy("Payment lines approved by finance"),
    "lines.paid": gettext_lazy("Payment lines paid"),
    "lines.failed": gettext_lazy("Payment lines failed"),
    "lines.reversed": gettext_lazy("Payment lines reversed"),
    "followups.open": gettext_lazy("Open worklist items"),
    "followups.overdue": gettext_lazy("Overdue worklist items"),
    "leads.open": gettext_lazy("Open proactive-service leads"),
    "work.contacts": gettext_lazy("Contacts logged in the period"),
    "work.assistance": gettext_lazy("Open one-on-one assistance"),
    "work.applications": gettext_lazy("Applications created in the period"),
}


def _figure_title(figure: str) -> str:
    return str(FIGURE_TITLES.get(figure, figure))
