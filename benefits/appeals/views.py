"""Console pages of review requests and complaints: the supervisor's list of reviews to decide and a review's
page (uphold or overturn), the complaints list and page (take, answer and close) and the report of complaints per
unit. Each POST calls the service; nothing is decided here."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.views import ConsoleView
from casework.permissions import can_edit_in_unit
from core.forms import run_service
from core.uploads import document_download

from ..models import Appeal, Complaint
from . import selectors
from . import services as appeals
from .forms import ComplaintReplyForm, ReviewForm


class AppealListView(ConsoleView):
    """The review requests of the user's area: those waiting for a review first (the default)."""

    template_name = "benefits/appeals/appeal_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", Appeal.Status.PENDING)
        if status not in ("", *Appeal.Status.values):
            status = Appeal.Status.PENDING
        page = Paginator(selectors.appeal_list(user=self.request.user, status=status), 50).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page=page, status=status, statuses=Appeal.Status.choices, **kwargs)


class AppealDetailView(ConsoleView):
    template_name = "benefits/appeals/appeal_detail.html"

    def appeal(self):
        return selectors.appeal_get_for_user(user=self.request.user, appeal_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        appeal = kwargs.pop("appeal", None) or self.appeal()
        can_review, why_not = appeals.can_review(self.request.user, appeal)
        return super().get_context_data(
            appeal=appeal,
            can_review=can_review and appeal.status == Appeal.Status.PENDING,
            cannot_review_because=why_not,
            form=kwargs.pop("form", None) or ReviewForm(),
            **kwargs,
        )

    def post(self, request, pk):
        appeal = self.appeal()
        action = request.POST.get("action", "")
        if action not in appeals.APPEAL_ACTIONS:
            raise Http404
        service, _fields = appeals.APPEAL_ACTIONS[action]
        form = ReviewForm(request.POST)
        if form.is_valid() and run_service(
            form, service, actor=request.user, appeal=appeal, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(appeal=appeal, form=form))


class AppealDocumentView(ConsoleView):
    """A document of a review request, to whoever may see the request (404 for anyone else)."""

    def get(self, request, pk, document_id):
        appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=pk)
        return document_download(selectors.document_of(appeal, document_id))


class ComplaintListView(ConsoleView):
    """Complaints of the user's area, the earliest due first; open ones by default, or only the overdue."""

    template_name = "benefits/appeals/complaint_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        status = self.request.GET.get("status", Complaint.Status.OPEN)
        if status not in ("", *Complaint.Status.values):
            status = Complaint.Status.OPEN
        overdue = self.request.GET.get("overdue") == "1"
        complaints = selectors.complaint_list(
            user=self.request.user, status=status, overdue_on=today if overdue else None
        )
        page = Paginator(complaints, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page, status=status, statuses=Complaint.Status.choices, overdue=overdue, today=today, **kwargs
        )


class ComplaintDetailView(ConsoleView):
    template_name = "benefits/appeals/complaint_detail.html"

    def complaint(self):
        return selectors.complaint_get_for_user(user=self.request.user, complaint_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        complaint = kwargs.pop("complaint", None) or self.complaint()
        return super().get_context_data(
            complaint=complaint,
            can_write=can_edit_in_unit(self.request.user, complaint.unit)[0]
            and complaint.status == Complaint.Status.OPEN,
            form=kwargs.pop("form", None) or ComplaintReplyForm(),
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request, pk):
        complaint = self.complaint()
        action = request.POST.get("action", "")
        if action not in appeals.COMPLAINT_ACTIONS:
            raise Http404
        service, fields = appeals.COMPLAINT_ACTIONS[action]
        form = ComplaintReplyForm(request.POST) if fields else ReviewForm({"reason": "-"})
        if form.is_valid() and run_service(
            form, service, actor=request.user, complaint=complaint, **{f: form.cleaned_data[f] for f in fields}
        ):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(complaint=complaint, form=form))


class ComplaintReportView(ConsoleView):
    """Open, overdue and closed complaints per unit of the user's area."""

    template_name = "benefits/appeals/complaint_report.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = selectors.complaint_report(user=self.request.user, today=today)
        totals = {key: sum(row[key] for row in rows) for key in ("open", "overdue", "closed")}
        return super().get_context_data(rows=rows, totals=totals, today=today, **kwargs)
