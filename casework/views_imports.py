"""Console pages of register import and export. Thin: load through an access function (404 outside the area),
validate a form, call ``casework.imports`` or ``casework.exports``, render or send the file.

Routes are reversed in the namespace this module was reached under, so the pages work wherever
``casework.import_urls`` is included."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.security import reauth_redirect, recently_authenticated
from accounts.views import ConsoleView
from core.db_router import replica_read_view
from core.errors import DomainError
from core.errors import PermissionDenied as DomainPermissionDenied
from core.forms import run_service
from core.spreadsheets import XLSX_CONTENT_TYPE

from . import exports, imports, selectors
from .forms_imports import ExportForm, ImportCommitForm, ImportUploadForm, person_registers
from .models import ImportRun
from .permissions import can_edit_in_unit, can_unmask

ERRORS_PER_PAGE = 100


def _messages_of(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.message)


class ImportPage(ConsoleView):
    """A console page of the import screens: knows its URL namespace and the user's person registers."""

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.request.resolver_match.namespace}:{name}", args=args)

    def get_context_data(self, **kwargs):
        return super().get_context_data(ns=self.request.resolver_match.namespace, **kwargs)

    def register(self, code: str):
        """A person register of the user's cities, or 404."""
        for register in person_registers(selectors.registers_for_user(user=self.request.user)):
            if register.code == code:
                return register
        raise Http404

    def run(self) -> ImportRun:
        return imports.import_run_get_for_user(user=self.request.user, run_id=self.kwargs["pk"])


class ImportUploadView(ImportPage):
    template_name = "casework/imports/upload.html"

    def get(self, request):
        return self.page(self.form())

    def post(self, request):
        form = self.form(data=request.POST, files=request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = run_service(
                form,
                imports.import_preview,
                actor=request.user,
                register=form.cleaned_data["register"],
                unit=form.cleaned_data["unit"],
                uploaded_file=upload,
                file_name=upload.name,
            )
            if run:
                return HttpResponseRedirect(self.url("preview", run.pk))
        return self.page(form)

    def form(self, **kwargs):
        registers = selectors.registers_for_user(user=self.request.user)
        return ImportUploadForm(user=self.request.user, registers=registers, **kwargs)

    def page(self, form):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                registers=list(form.registers.values()),
                runs=imports.import_runs_for_user(user=self.request.user)[:20],
                can_unmask=can_unmask(self.request.user)[0],
            )
        )


class ImportRunView(ImportPage):
    """The preview of an upload (counts, the rows with errors, the two commit buttons) and, once committed,
    its result with the report to download."""

    template_name = "casework/imports/run.html"

    def get_context_data(self, **kwargs):
        run = self.run()
        errors = imports.import_report_rows(run=run, status="error")
        earlier = (
            imports.import_runs_for_user(user=self.request.user)
            .filter(file_sha256=run.file_sha256, register=run.register, status=ImportRun.Status.COMMITTED)
            .exclude(pk=run.pk)
            .first()
        )
        return super().get_context_data(
            run=run,
            errors=Paginator(errors, ERRORS_PER_PAGE).get_page(self.request.GET.get("page")),
            error_count=len(errors),
            can_commit=run.status != ImportRun.Status.COMMITTED and can_edit_in_unit(self.request.user, run.unit)[0],
            modes=ImportRun.Mode,
            earlier=earlier,
            **kwargs,
        )


class ImportCommitView(ImportPage):
    http_method_names = ["post"]

    def post(self, request, pk):
        run = self.run()
        form = ImportCommitForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how to commit the import."))
            return HttpResponseRedirect(self.url("preview", run.pk))
        try:
            run = imports.import_commit(actor=request.user, run=run, mode=form.cleaned_data["mode"])
        except (ValidationError, DomainError) as error:
            messages.error(request, _messages_of(error))
            return HttpResponseRedirect(self.url("preview", run.pk))
        if run.status == ImportRun.Status.COMMITTED:
            messages.success(
                request,
                _("Stored: %(new)d new entries, %(existing)d already on the register, %(errors)d rows skipped.")
                % {"new": run.created_count, "existing": run.existing_count, "errors": run.error_rows},
            )
        else:
            messages.error(
                request,
                _("Nothing was stored: %(errors)d rows have errors.") % {"errors": run.error_rows},
            )
        return HttpResponseRedirect(self.url("result", run.pk))


class ImportReportView(ImportPage):
    @replica_read_view
    def get(self, request, pk):
        run = self.run()
        return FileResponse(
            exports.import_report(run=run),
            as_attachment=True,
            filename=f"import-{run.pk}-report.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class ImportTemplateView(ImportPage):
    def get(self, request, code):
        register = self.register(code)
        return FileResponse(
            exports.import_template(register=register),
            as_attachment=True,
            filename=exports.export_file_name(register, kind="template"),
            content_type=XLSX_CONTENT_TYPE,
        )


class RegisterExportView(ImportPage):
    """The register's open entries in the user's area as a workbook, masked (GET). A POST with ``unmasked=1``
    and a reason gives the full numbers (needs the permission; logged): a POST, so the reason and the request
    stay out of URLs, browser history and access logs. The masked file is read from the read replica where there
    is one (``core.db_router``); the full numbers' export, logged, from the primary."""

    @replica_read_view
    def get(self, request, code):
        return self.export(request, code, ExportForm({}))

    def post(self, request, code):
        return self.export(request, code, ExportForm(request.POST))

    def export(self, request, code, form):
        register = self.register(code)
        form.is_valid()
        data = {"unmasked": False, "reason": "", **form.cleaned_data}
        if data["unmasked"] and not recently_authenticated(request):
            return reauth_redirect(request, request.META.get("HTTP_REFERER") or self.url("upload"))
        try:
            workbook = exports.register_export(
                user=request.user, register=register, unmasked=data["unmasked"], reason=data["reason"]
            )
        except DomainPermissionDenied as error:
            raise PermissionDenied(str(error.message)) from None
        except ValidationError as error:
            messages.error(request, _messages_of(error))
            return HttpResponseRedirect(self.url("upload"))
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=exports.export_file_name(register, kind="full" if data["unmasked"] else "masked"),
            content_type=XLSX_CONTENT_TYPE,
        )
