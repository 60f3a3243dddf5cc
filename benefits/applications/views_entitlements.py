"""Console pages of the grants: the list of the area's entitlements (those ending first on top) and one grant's
page with its status, the registers it rests on, its history, and the supervisor's suspend / resume / end forms,
each calling its service."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.views import ConsoleView
from core.forms import run_service

from ..loans import services as loans
from ..loans.forms import InterestStatementForm, LoanForm
from ..loans.selectors import loan_of
from ..models import Entitlement
from ..rules.interest import LOAN_PROGRAMS
from . import entitlements, selectors
from .forms import EntitlementActionForm

CHANGES = {
    None: gettext_lazy("Granted"),
    "expired at its period limit": gettext_lazy("Expired at its period limit"),
    "suspended: death": gettext_lazy("Suspended: the person died"),
    "suspended: off the register": gettext_lazy("Suspended: left the register"),
    "suspended by hand": gettext_lazy("Suspended"),
    "resumed": gettext_lazy("Resumed"),
    "resumed after its end: expired": gettext_lazy("Resumed after its end: expired"),
    "terminated": gettext_lazy("Terminated"),
}


class EntitlementListView(ConsoleView):
    template_name = "benefits/entitlement_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", Entitlement.Status.ACTIVE)
        if status not in Entitlement.Status.values:
            status = ""
        ending = self.request.GET.get("ending") == "30"
        today = timezone.localdate()
        rows = selectors.entitlement_list(
            user=self.request.user,
            status=status,
            ending_by=today + datetime.timedelta(days=30) if ending else None,
        )
        return super().get_context_data(
            page=Paginator(rows, 50).get_page(self.request.GET.get("page")),
            status=status,
            statuses=Entitlement.Status.choices,
            ending=ending,
            today=today,
            **kwargs,
        )


class EntitlementDetailView(ConsoleView):
    template_name = "benefits/entitlement_detail.html"

    def entitlement(self):
        return selectors.entitlement_get_for_user(user=self.request.user, entitlement_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        entitlement = kwargs.pop("entitlement", None) or self.entitlement()
        loan = loan_of(entitlement=entitlement, with_statements=True)
        user = self.request.user
        names = selectors.register_names(codes=entitlement.holds_while_on)
        return super().get_context_data(
            entitlement=entitlement,
            registers=[names.get(code, code) for code in entitlement.holds_while_on],
            history=[
                (
                    row.history_date,
                    row.history_user,
                    CHANGES.get(row.history_change_reason, row.history_change_reason),
                    row,
                )
                for row in entitlement.history.select_related("history_user").order_by("history_date", "history_id")
            ],
            form=kwargs.pop("form", None) or EntitlementActionForm(),
            can_change=entitlements.can_change_entitlement(user, entitlement)[0],
            loan=loan,
            loan_form=kwargs.pop("loan_form", None)
            if entitlement.program.code in LOAN_PROGRAMS
            and loan is None
            and loans.can_record_loan(user, entitlement)[0]
            else None,
            statement_form=kwargs.pop("statement_form", None)
            if loan is not None and loans.can_record_statement(user, loan)[0]
            else None,
            **kwargs,
        )

    def post(self, request, pk):
        entitlement = self.entitlement()
        action = request.POST.get("action", "")
        if action == "loan":
            return self.record_loan(request, entitlement)
        if action == "statement":
            return self.record_statement(request, entitlement)
        if action not in entitlements.ENTITLEMENT_ACTIONS:
            raise Http404
        form = EntitlementActionForm(request.POST)
        service, fields = entitlements.ENTITLEMENT_ACTIONS[action]
        if form.is_valid() and run_service(
            form, service, actor=request.user, entitlement=entitlement, **{f: form.cleaned_data[f] for f in fields}
        ):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(entitlement=entitlement, form=form))

    def record_loan(self, request, entitlement):
        form = LoanForm(request.POST)
        if form.is_valid() and run_service(
            form, loans.loan_record, actor=request.user, entitlement=entitlement, **form.cleaned_data
        ):
            messages.success(request, _("The loan is recorded."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(entitlement=entitlement, loan_form=form))

    def record_statement(self, request, entitlement):
        loan = loan_of(entitlement=entitlement)
        if loan is None:
            raise Http404
        form = InterestStatementForm(request.POST)
        statement = form.is_valid() and run_service(
            form, loans.loan_interest_record, actor=request.user, loan=loan, **form.cleaned_data
        )
        if statement:
            messages.success(
                request,
                _("Statement recorded: a subsidy of %(amount)s CNY, paid in the next batch.")
                % {"amount": statement.subsidy_cny},
            )
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(entitlement=entitlement, statement_form=form))
