"""Console pages of the policy engine: programs with their legal basis, parameters with their dated values
(administrators add values here), and the what-if screener."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import user_city_codes
from accounts.views import ConsoleView
from casework.forms import run_service
from casework.selectors import registers_for_user
from core.errors import DomainError

from . import selectors, services
from .forms import CITIES, ParameterValueForm, WhatIfForm
from .models import Lead, Parameter
from .panels import grouped
from .proactive import lead_dismiss
from .screening import screen_document


def _user_cities(user) -> list[str]:
    return sorted(user_city_codes(user=user))


class ProgramListView(ConsoleView):
    template_name = "benefits/program_list.html"

    def get_context_data(self, **kwargs):
        cities = _user_cities(self.request.user)
        city = self.request.GET.get("city") or (cities[0] if len(cities) == 1 else "")
        money = self.request.GET.get("money") == "1"
        return super().get_context_data(
            programs=selectors.program_list(city=city, money_only=money),
            city=city,
            cities=CITIES,
            money=money,
            **kwargs,
        )


class ProgramDetailView(ConsoleView):
    template_name = "benefits/program_detail.html"

    def get_context_data(self, **kwargs):
        program = selectors.program_get(code=self.kwargs["code"])
        return super().get_context_data(
            program=program, parameters=selectors.parameters_of_program(program=program), **kwargs
        )


class ParameterListView(ConsoleView):
    template_name = "benefits/parameter_list.html"

    def get_context_data(self, **kwargs):
        cities = _user_cities(self.request.user)
        city = self.request.GET.get("city") or (cities[0] if len(cities) == 1 else "")
        open_only = self.request.GET.get("open") == "1"
        return super().get_context_data(
            parameters=selectors.parameter_list(city=city, open_only=open_only),
            city=city,
            cities=CITIES,
            open_only=open_only,
            **kwargs,
        )


class ParameterDetailView(ConsoleView):
    template_name = "benefits/parameter_detail.html"

    def parameter(self):
        return get_object_or_404(Parameter.objects.prefetch_related("values"), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        parameter = self.parameter()
        kwargs.setdefault("form", ParameterValueForm())
        return super().get_context_data(
            parameter=parameter,
            values=parameter.values.select_related("created_by").order_by("-valid_from"),
            history=parameter.values.model.history.filter(parameter_id=parameter.pk).select_related("history_user")[
                :50
            ],
            can_set=services.can_set_parameters(self.request.user)[0],
            **kwargs,
        )

    def post(self, request, code):
        parameter = self.parameter()
        form = ParameterValueForm(request.POST)
        if form.is_valid() and run_service(
            form, services.parameter_value_add, actor=request.user, parameter=parameter, **form.cleaned_data
        ):
            messages.success(
                request,
                _("The new value applies from %(date)s.") % {"date": form.cleaned_data["valid_from"].isoformat()},
            )
            return HttpResponseRedirect(reverse("benefits:parameter-detail", args=[parameter.code]))
        return self.render_to_response(self.get_context_data(form=form))


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
