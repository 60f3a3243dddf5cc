"""Console pages of portal claims: the one-time claim code a caseworker prints for a person, and the employer
claims waiting for a caseworker of the organization's unit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.views import ConsolePage, ConsoleView
from core.forms import ActionForm, run_service
from core.views import redirect_to, report_form_errors

from . import selectors, services_claims
from .models import OrganizationClaim


class PersonClaimCodeView(ConsoleView):
    """POST: make a claim code and show it once, on a slip to print or read out (a new code replaces the last)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        form = ActionForm({})
        issued = run_service(form, services_claims.claim_code_issue, actor=request.user, person=person)
        if issued is None:
            report_form_errors(request, form)
            return redirect_to("casework:person-detail", person.pk)
        code, row = issued
        return render(
            request,
            "casework/claim_code.html",
            {"person": person, "code": f"{code[:4]}-{code[4:]}", "expires_at": row.expires_at},
        )


class OrganizationClaimListView(ConsolePage):
    """Employer claims on organizations in my area: the pending ones to confirm or reject, then the decided."""

    template_name = "casework/claim_list.html"

    def get_context_data(self, **kwargs):
        claims = selectors.organization_claim_list(user=self.request.user)
        return super().get_context_data(
            pending=claims.filter(status=OrganizationClaim.Status.PENDING),
            decided=claims.exclude(status=OrganizationClaim.Status.PENDING)[:50],
            **kwargs,
        )


class OrganizationClaimDecideView(ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        if action not in ("confirm", "reject"):
            raise Http404
        claim = selectors.organization_claim_get_for_user(user=request.user, claim_id=pk)
        form = ActionForm({})
        decided = run_service(
            form,
            services_claims.organization_claim_decide,
            actor=request.user,
            claim=claim,
            confirm=action == "confirm",
            note=request.POST.get("note", "")[:255],
        )
        if decided is not None:
            messages.success(
                request,
                _("Confirmed: the applicant now acts for %(name)s in the portal.")
                if action == "confirm"
                else _("Rejected: the applicant has been told."),
            )
        else:
            report_form_errors(request, form)
        return redirect_to("casework:claim-list")
