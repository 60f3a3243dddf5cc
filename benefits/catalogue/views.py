"""Console pages of the policy catalogue: the programs of the user's cities with their legal basis, and the
effective-dated parameters an administrator sets."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import user_city_codes
from accounts.views import ConsoleView
from core.forms import run_service

from ..models import Parameter, Program
from . import selectors, services
from .forms import CITIES, ParameterValueForm


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
            program=program,
            parameters=selectors.parameters_of_program(program=program),
            evidence=[selectors.evidence_label(item) for item in program.evidence or []],
            **kwargs,
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
            used_by=Program.objects.filter(code__in=parameter.used_by).order_by("code"),
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
