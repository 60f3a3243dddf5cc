"""Console pages of screening: the what-if screener, the proactive-service (主动服务) list of people likely
eligible who have not applied, and the answers recorded on a person's 可能符合的政策 tab."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.views import ConsoleView
from casework.selectors import person_get_for_user, registers_for_user
from core.errors import DomainError

from ..models import FactAnswer, Lead
from ..panels import eligibility_panel, grouped
from ..rules.questions import question_for
from .forms import WhatIfForm
from .proactive import lead_dismiss
from .screen import screen_document
from .selectors import described, stated_answers
from .services import fact_answer_confirm, fact_answer_record, fact_answer_withdraw


class WhatIfView(ConsoleView):
    """Screen facts typed in for someone not on file (or a change being considered); nothing is stored."""

    template_name = "benefits/what_if.html"

    def get_context_data(self, **kwargs):
        registers = registers_for_user(user=self.request.user)
        form = WhatIfForm(self.request.GET or None, registers=registers)
        result = None
        if form.is_bound and form.is_valid():
            result = grouped(screen_document(form.facts())["results"])
        return super().get_context_data(form=form, panel=result, **kwargs)


class LeadListView(ConsoleView):
    """主动服务: people in the user's area the nightly screening finds likely eligible, who have not applied."""

    template_name = "benefits/lead_list.html"

    def get_context_data(self, **kwargs):
        leads = (
            Lead.objects.visible_to(self.request.user)
            .open()
            .select_related("person", "program", "unit")
            .order_by("unit__path", "person__name", "program__code")
        )
        return super().get_context_data(page=Paginator(leads, 50).get_page(self.request.GET.get("page")), **kwargs)


class LeadDismissView(ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.visible_to(request.user).open(), pk=pk)
        try:
            lead_dismiss(actor=request.user, lead=lead)
            messages.success(request, _("Dismissed."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return HttpResponseRedirect(reverse("benefits:lead-list"))


class StatedAnswerListView(ConsoleView):
    """申请人自述，待核实: what applicants stated on their records in the user's area, for a caseworker to confirm
    on the person's 可能符合的政策 tab."""

    template_name = "benefits/stated_answers.html"

    def get_context_data(self, **kwargs):
        page = Paginator(stated_answers(user=self.request.user), 50).get_page(self.request.GET.get("page"))
        page.object_list = described(list(page.object_list))
        return super().get_context_data(page=page, **kwargs)


class PersonAnswerView(ConsoleView):
    """可能符合的政策 tab, HTMX: record the answer to one open question and show the tab again, re-screened (a plain
    form post comes back to the tab)."""

    http_method_names = ["post"]

    def post(self, request, person_id):
        person = person_get_for_user(user=request.user, person_id=person_id)
        path = request.POST.get("path", "")
        question = question_for(path)
        value = (
            request.POST.getlist("value")
            if question and question.type in ("choices", "flags")
            else request.POST.get("value")
        )
        errors = {}
        try:
            fact_answer_record(actor=request.user, person=person, path=path, value=value)
        except ValidationError as error:
            errors = _by_path(error, path)
        except DomainError as error:
            errors = {path: [str(error.message)]}
        return _panel_response(request, person, errors)


class AnswerActionView(ConsoleView):
    """Confirm what an applicant stated, or withdraw a recorded answer; the tab is shown again, re-screened."""

    http_method_names = ["post"]
    ACTIONS = {"confirm": fact_answer_confirm, "withdraw": fact_answer_withdraw}

    def post(self, request, pk, action):
        answer = get_object_or_404(
            FactAnswer.objects.visible_to(request.user).select_related("person__residence_unit"), pk=pk
        )
        if action not in self.ACTIONS:
            raise Http404
        errors = {}
        try:
            self.ACTIONS[action](actor=request.user, answer=answer)
        except (ValidationError, DomainError) as error:
            errors = {answer.path: getattr(error, "messages", None) or [str(error.message)]}
        return _panel_response(request, answer.person, errors)


def _by_path(error: ValidationError, path: str) -> dict:
    if hasattr(error, "error_dict"):
        return {path: [message for messages in error.message_dict.values() for message in messages]}
    return {path: error.messages}


def _as_of(request):
    try:
        return datetime.date.fromisoformat(request.POST.get("as_of", ""))
    except ValueError:
        return datetime.date.today()


def _panel_response(request, person, errors: dict):
    if not request.htmx:
        for messages_of in errors.values():
            messages.error(request, " ".join(messages_of))
        url = reverse("casework:person-detail", args=[person.pk])
        return HttpResponseRedirect(f"{url}?tab=eligibility&as_of={_as_of(request).isoformat()}")
    panel = eligibility_panel(user=request.user, person=person, as_of=_as_of(request), errors=errors)
    return render(request, panel["template"], {"panel": panel, "person": person})
