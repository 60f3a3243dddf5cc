"""Console pages of the money side, for finance (and, read-only, supervisors, auditors and administrators): the
area's payment batches, one batch with its totals, its bank file and result files, and its lines; the result
lines the import could not match; one payment line with its history and ledger entries. Every button posts to a
service of ``benefits.payments.services``; its refusal shows on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.security import reauth_redirect, recently_authenticated
from accounts.views import ConsoleView
from core.dates import parse_month
from core.errors import Conflict, DomainError, require
from core.forms import ActionForm, run_service
from core.spreadsheets import XLSX_CONTENT_TYPE

from ..models import Disbursement, DisbursementBatch, LedgerEntry
from . import exports, selectors
from . import services as payments
from .forms import BatchApproveForm, ExceptionResolveForm, LineActionForm, ResultFileForm

BATCHES_PER_PAGE = 50
LINES_PER_PAGE = 100

# The change reasons the services write on a line's history rows, as the page says them.
LINE_CHANGES = {
    "sent to the bank": gettext_lazy("Sent to the bank"),
    "paid": gettext_lazy("Paid"),
    "failed": gettext_lazy("Failed"),
    "re-issued": gettext_lazy("Re-issued"),
    "put in a batch": gettext_lazy("Put in a batch"),
    "cancelled": gettext_lazy("Cancelled"),
}


def _change(row) -> str:
    return LINE_CHANGES.get(row.history_change_reason, row.history_change_reason)


def _check_can_read_batches(user) -> None:
    require(selectors.can_read_batches(user), error=PermissionDenied)


def _is_finance(user, unit) -> bool:
    """Whether the page offers the finance buttons (the services decide; this only hides what would be refused)."""
    return payments.can_handle_batch(user, unit)[0]


def _mismatch(batch) -> bool:
    """The batch's live lines no longer count or sum to its declared control totals."""
    return (batch.lines_count, batch.lines_sum or 0) != (batch.control_count, batch.control_sum_cny)


class BatchListView(ConsoleView):
    template_name = "benefits/batch_list.html"

    def get_context_data(self, **kwargs):
        _check_can_read_batches(self.request.user)
        status = self.request.GET.get("status", "")
        if status not in DisbursementBatch.Status.values:
            status = ""
        month = parse_month(self.request.GET.get("month", ""))
        batches = selectors.batch_list(user=self.request.user, status=status, month=month)
        page = Paginator(batches.defer("export_csv", "export_xlsx"), BATCHES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        for batch in page:
            batch.mismatch = _mismatch(batch)
        return super().get_context_data(
            page=page,
            status=status,
            statuses=DisbursementBatch.Status.choices,
            month=month.strftime("%Y-%m") if month else "",
            **kwargs,
        )


class BatchDetailView(ConsoleView):
    """One batch: totals (declared and live), who did what, the finance buttons of its state, its result files
    and its lines (paginated; the queries do not grow with the lines)."""

    template_name = "benefits/batch_detail.html"

    def batch(self):
        _check_can_read_batches(self.request.user)
        return selectors.batch_get_for_user(user=self.request.user, batch_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        batch = kwargs.pop("batch", None) or self.batch()
        line_status = self.request.GET.get("line_status", "")
        if line_status not in Disbursement.Status.values:
            line_status = ""
        lines = Paginator(selectors.batch_lines(batch=batch, status=line_status), LINES_PER_PAGE)
        result_id = self.request.GET.get("result", "")
        return super().get_context_data(
            result_columns=[(exports.RESULT_HEADINGS[key], exports.RESULT_HELP[key]) for key in exports.RESULT_COLUMNS],
            batch=batch,
            mismatch=_mismatch(batch),
            is_finance=_is_finance(user, batch.unit),
            page=lines.get_page(self.request.GET.get("page")),
            line_status=line_status,
            line_statuses=Disbursement.Status.choices,
            result=selectors.bank_result_get(batch=batch, result_id=int(result_id)) if result_id.isdecimal() else None,
            result_files=selectors.result_files_of(batch=batch),
            action_form=kwargs.pop("action_form", None) or ActionForm(),
            approve_form=kwargs.pop("approve_form", None) or BatchApproveForm(),
            size_check=payments.batch_size_check(batch) if batch.status == DisbursementBatch.Status.DRAFT else None,
            result_form=kwargs.pop("result_form", None) or ResultFileForm(),
            **kwargs,
        )

    def post(self, request, pk):
        batch = self.batch()
        action = request.POST.get("action", "")
        if action == "results":
            return self.import_results(request, batch)
        if action not in payments.BATCH_ACTIONS:
            raise Http404
        service, fields = payments.BATCH_ACTIONS[action]
        # the approval's acknowledgement has a field of its own; another action's refusal shows on the plain form
        form_name, form = (
            ("approve_form", BatchApproveForm(request.POST)) if fields else ("action_form", ActionForm({}))
        )
        form.is_valid()
        if run_service(form, service, actor=request.user, batch=batch, **{f: form.cleaned_data[f] for f in fields}):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(batch=batch, **{form_name: form}))

    def import_results(self, request, batch):
        form = ResultFileForm(request.POST, request.FILES)
        started = timezone.now()
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = run_service(
                form, payments.results_import, actor=request.user, batch=batch, content=upload.read(), name=upload.name
            )
        if result is None:
            return self.render_to_response(self.get_context_data(batch=batch, result_form=form))
        if result.imported_at < started:  # the service returns the earlier import of the same bytes
            messages.warning(
                request,
                _("This file was already imported on %(when)s: nothing changed.")
                % {"when": timezone.localtime(result.imported_at).strftime("%Y-%m-%d %H:%M")},
            )
        else:
            messages.success(
                request,
                _("Result file imported: %(paid)s paid, %(failed)s failed, %(exceptions)s exceptions.")
                % {"paid": result.paid, "failed": result.failed, "exceptions": result.exceptions},
            )
        return HttpResponseRedirect(f"{request.path}?result={result.pk}")


class BatchFileView(ConsoleView):
    """The stored bank file of an exported batch (CSV or XLSX). It holds full account numbers: finance officers
    of the batch's unit (or above) with the permission to unmask only, and each download is logged."""

    FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}

    def get(self, request, pk, fmt):
        if fmt not in self.FORMATS:
            raise Http404
        _check_can_read_batches(request.user)
        batch = selectors.batch_get_for_user(user=request.user, batch_id=pk)
        if not recently_authenticated(request):
            return reauth_redirect(request, request.get_full_path())
        try:
            content = payments.bank_file_download(actor=request.user, batch=batch, fmt=fmt)
        except Conflict:
            raise Http404 from None
        except DomainError as error:
            raise PermissionDenied(str(error.message)) from None
        response = HttpResponse(content, content_type=self.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{fmt}"'
        return response


class ResultTemplateView(ConsoleView):
    """The result-file template of an exported batch, for the bank (CSV or Excel): references and amounts only,
    no account number, so no second sign-in; finance officers and the other readers of batches."""

    def get(self, request, pk, fmt):
        if fmt not in BatchFileView.FORMATS:
            raise Http404
        _check_can_read_batches(request.user)
        batch = selectors.batch_get_for_user(user=request.user, batch_id=pk)
        if batch.status not in (DisbursementBatch.Status.EXPORTED, DisbursementBatch.Status.SETTLED):
            raise Http404
        name = f"{batch.reference}-发放结果.{fmt}"
        if fmt == "csv":
            response = HttpResponse(exports.result_template_csv(batch), content_type=BatchFileView.FORMATS[fmt])
            response["Content-Disposition"] = content_disposition_header(True, name)
            return response
        return FileResponse(
            exports.result_template_xlsx(batch), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE
        )


class PaymentExceptionListView(ConsoleView):
    """Result lines the import could not match: open ones (``?all=1``: every one), each resolved by finance."""

    template_name = "benefits/payment_exception_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        _check_can_read_batches(user)
        show_all = self.request.GET.get("all") == "1"
        rows = selectors.exception_list(user=user, open_only=not show_all)
        return super().get_context_data(
            page=Paginator(rows, BATCHES_PER_PAGE).get_page(self.request.GET.get("page")),
            show_all=show_all,
            can_resolve=user.is_superuser or Role.FINANCE in user.roles(),
            **kwargs,
        )

    def post(self, request):
        _check_can_read_batches(request.user)
        exception_id = request.POST.get("exception", "")
        if not exception_id.isdecimal():  # isdigit() takes "²", which int() cannot read
            raise Http404
        exception = selectors.exception_get_for_user(user=request.user, exception_id=int(exception_id))
        form = ExceptionResolveForm(request.POST)
        if form.is_valid() and run_service(
            form,
            payments.exception_resolve,
            actor=request.user,
            exception=exception,
            resolution=form.cleaned_data["resolution"],
            back_pay=form.cleaned_data["back_pay"],
        ):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(form=form, failed=exception.pk))


class DisbursementDetailView(ConsoleView):
    """One payment line: its payee (masked), batch, history and ledger entries, and finance's re-issue, cancel
    and reverse. The batch page's per-line buttons post here and come back (``next``)."""

    template_name = "benefits/disbursement_detail.html"

    def line(self):
        return selectors.disbursement_get_for_user(user=self.request.user, disbursement_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        line = kwargs.pop("line", None) or self.line()
        ledger = list(line.ledger.all())
        history = line.history.select_related("history_user").order_by("history_date", "history_id")
        return super().get_context_data(
            line=line,
            party=line.person or line.organization,
            ledger=ledger,
            net=selectors.ledger_net(ledger),
            reversed=any(entry.kind == LedgerEntry.Kind.REVERSAL for entry in ledger),
            history=[(row.history_date, row.history_user, _change(row), row) for row in history],
            can_read_batches=selectors.can_read_batches(user)[0],
            is_finance=_is_finance(user, line.unit),
            form=kwargs.pop("form", None) or LineActionForm(),
            **kwargs,
        )

    def post(self, request, pk):
        line = self.line()
        action = request.POST.get("action", "")
        if action not in payments.LINE_ACTIONS:
            raise Http404
        service, fields = payments.LINE_ACTIONS[action]
        form = LineActionForm(request.POST)
        inputs = {f: form.cleaned_data[f] for f in fields if f in form.fields} if form.is_valid() else {}
        if form.is_valid() and run_service(form, service, actor=request.user, line=line, **inputs):
            messages.success(request, _("Done."))
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
                back = request.path
            return HttpResponseRedirect(back)
        return self.render_to_response(self.get_context_data(line=line, form=form))
