"""Console pages of change requests (信息变更申请) and bank-account changes: the area's list of requests, one
request with what is on file beside what was asked for (masked) and the caseworker's apply or refuse, a request
raised for a person, and the new bank accounts waiting for a second staff member. Each POST calls one service;
where a user may not decide, the page says why."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.views import ConsolePage, ConsoleView
from core.errors import require
from core.forms import ActionForm, run_service
from core.uploads import document_download
from core.views import redirect_to, report_form_errors

from . import selectors, selectors_changes, services_changes
from .forms_changes import ApplyForm, ChangeRequestForm, KindForm, RefuseForm, RevertForm, values_of
from .models import AccountChange, ChangeRequest
from .permissions import can_edit_in_unit

PAGE_SIZE = 50
# How long a settled account change stays on the list below the pending ones, and how many at most.
SETTLED_SHOWN_DAYS = 30
SETTLED_SHOWN_MAX = 50


class ChangeRequestListView(ConsolePage):
    """The area's change requests: those waiting for a caseworker (the default), or of another status."""

    template_name = "casework/change_request_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", ChangeRequest.Status.SUBMITTED)
        if status not in ("", *ChangeRequest.Status.values):
            status = ChangeRequest.Status.SUBMITTED
        kind = self.request.GET.get("kind", "")
        if kind not in ChangeRequest.Kind.values:
            kind = ""
        rows = selectors_changes.change_request_list(user=self.request.user, status=status, kind=kind)
        return super().get_context_data(
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            statuses=ChangeRequest.Status.choices,
            kind=kind,
            kinds=ChangeRequest.Kind.choices,
            **kwargs,
        )


class ChangeRequestDetailView(ConsolePage):
    template_name = "casework/change_request_detail.html"
    actions = {"apply", "refuse"}

    def change_request(self):
        return selectors_changes.change_request_get_for_user(
            user=self.request.user, change_request_id=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        change_request = kwargs.pop("change_request", None) or self.change_request()
        waiting = change_request.status == ChangeRequest.Status.SUBMITTED
        allowed, why_not = services_changes.can_decide(self.request.user, change_request)
        # what higher apps show of the request (benefits: the grant reviews it raised)
        panels = [
            panel
            for path in settings.CASEWORK_CHANGE_REQUEST_PANELS
            if (panel := import_string(path)(self.request, change_request))
        ]
        return super().get_context_data(
            change_request=change_request,
            person=change_request.person,
            waiting=waiting,
            can_decide=allowed and waiting,
            cannot_decide_because=why_not if waiting and not allowed else "",
            apply_form=kwargs.pop("apply_form", None) or ApplyForm(change_request=change_request),
            refuse_form=kwargs.pop("refuse_form", None) or RefuseForm(),
            account_changes=list(change_request.account_changes.all()),
            panels=panels,
            **selectors_changes.change_rows(change_request=change_request),
            **kwargs,
        )

    def post(self, request, pk):
        change_request = self.change_request()
        action = request.POST.get("action", "")
        if action not in self.actions:
            raise Http404
        if action == "apply":
            form = ApplyForm(request.POST, change_request=change_request)
            done = None
            if form.is_valid():
                done = run_service(
                    form,
                    services_changes.change_request_apply,
                    actor=request.user,
                    change_request=change_request,
                    note=form.cleaned_data["note"],
                    values=form.corrected_values(),
                )
            if done:
                messages.success(request, _("The change is applied to the person's record."))
                return HttpResponseRedirect(request.path)
            return self.render_page(change_request=self.change_request(), apply_form=form)
        form = RefuseForm(request.POST)
        if form.is_valid() and run_service(
            form,
            services_changes.change_request_refuse,
            actor=request.user,
            change_request=change_request,
            reason=form.cleaned_data["reason"],
        ):
            messages.success(request, _("The request is refused; the person is told why."))
            return HttpResponseRedirect(request.path)
        return self.render_page(change_request=self.change_request(), refuse_form=form)


class ChangeRequestDocumentView(ConsoleView):
    """A document of a change request, to staff who may see the request (404 for anyone else)."""

    def get(self, request, pk, document_id):
        change_request = selectors_changes.change_request_get_for_user(user=request.user, change_request_id=pk)
        document = selectors_changes.change_request_document_of(change_request, document_id)
        return document_download(document)


class ChangeRequestCreateView(ConsolePage):
    """A caseworker raises a request for the person: what to change first, then the fields of that kind."""

    template_name = "casework/change_request_form.html"

    def person(self):
        person = selectors.person_get_for_user(user=self.request.user, person_id=self.kwargs["pk"])
        require(can_edit_in_unit(self.request.user, person.residence_unit), error=PermissionDenied)
        return person

    def get(self, request, pk):
        person = self.person()
        kind_form = KindForm(request.GET or None)
        form = None
        if kind_form.is_bound and kind_form.is_valid():
            form = ChangeRequestForm(kind=kind_form.cleaned_data["kind"], person=person)
        return self.render_page(person=person, kind_form=kind_form, form=form)

    def post(self, request, pk):
        person = self.person()
        kind = request.POST.get("kind", "")
        if kind not in ChangeRequest.Kind.values:
            return redirect_to("casework:change-request-create", person.pk)
        form = ChangeRequestForm(request.POST, kind=kind, person=person)
        if form.is_valid():
            change_request = run_service(
                form,
                services_changes.change_request_submit,
                actor=request.user,
                person=person,
                kind=kind,
                values=values_of(form, kind, person),
                statement=form.cleaned_data["statement"],
            )
            if change_request:
                messages.success(request, _("The request is raised: another caseworker verifies and applies it."))
                return redirect_to("casework:change-request-detail", change_request.pk)
        return self.render_page(person=person, kind_form=KindForm(initial={"kind": kind}), form=form)


class AccountChangeListView(ConsolePage):
    """New bank accounts of the area waiting for a second staff member, and those settled lately."""

    template_name = "casework/account_change_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pending = selectors_changes.account_change_list(user=user, status=AccountChange.Status.PENDING)
        page = Paginator(pending, PAGE_SIZE).get_page(self.request.GET.get("page"))
        since = timezone.now() - datetime.timedelta(days=SETTLED_SHOWN_DAYS)
        return super().get_context_data(
            page=page,
            pending=selectors_changes.with_confirm_rights(user=user, changes=page.object_list),
            settled=selectors_changes.account_change_list(user=user, settled_since=since)[:SETTLED_SHOWN_MAX],
            revert_form=RevertForm(),
            **kwargs,
        )


class AccountChangeActionView(ConsoleView):
    """Confirm a new account (a second staff member) or revert it (the old account back), then the list."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        change = selectors_changes.account_change_get_for_user(user=request.user, change_id=pk)
        if action == "confirm":
            form = ActionForm({})
            form.is_valid()
            done = run_service(form, services_changes.account_change_confirm, actor=request.user, change=change)
            success = _("The new account is confirmed: payments go to it from the next generation.")
        elif action == "revert":
            form = RevertForm(request.POST)
            done = form.is_valid() and run_service(
                form,
                services_changes.account_change_revert,
                actor=request.user,
                change=change,
                reason=form.cleaned_data["reason"],
            )
            success = _("The change is reverted: the previous account is on file again.")
        else:
            raise Http404
        if done:
            messages.success(request, success)
        else:
            report_form_errors(request, form)
        return HttpResponseRedirect(f"{reverse('casework:account-change-list')}#change-{change.pk}")
