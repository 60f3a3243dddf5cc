"""Console pages of policy scenarios (政策测算): the list, a scenario's page (its changes, the run with its progress
bar, the result with the people behind every figure, adoption) and the workbook."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.views import ConsoleView
from casework.selectors import register_names
from core.forms import ActionForm, run_service
from core.spreadsheets import XLSX_CONTENT_TYPE

from ..catalogue.forms import CITIES
from ..models import Program, ScenarioRun, ScenarioValue
from ..rules.readings import readings_for_city
from ..tasks import scenario_run_launch
from . import services
from .exports import run_workbook
from .forms import ScenarioCreateForm, ScenarioForm, ScenarioSwitchForm, ScenarioValueForm
from .results import budget_chart, result_tables
from .selectors import (
    can_adopt_scenarios,
    can_draft_scenarios,
    latest_run,
    outcome_list,
    run_is_current,
    run_progress,
    scenario_cities,
    scenario_get,
    scenario_list,
)

PEOPLE_PER_PAGE = 50
CITY_NAMES = dict(CITIES)


class ScenarioListView(ConsoleView):
    template_name = "benefits/scenario_list.html"

    def drafting_cities(self) -> list[str]:
        user = self.request.user
        return [city for city in scenario_cities(user=user) if can_draft_scenarios(user, city)[0]]

    def get_context_data(self, **kwargs):
        cities = self.drafting_cities()
        if cities and "form" not in kwargs:
            kwargs["form"] = ScenarioCreateForm(cities=cities, initial={"city": cities[0]})
        scenarios = list(scenario_list(user=self.request.user))
        for scenario in scenarios:
            scenario.city_name = CITY_NAMES.get(scenario.city, scenario.city)
            scenario.last_run = max(scenario.runs.all(), key=lambda run: run.started_at, default=None)
        return super().get_context_data(scenarios=scenarios, **kwargs)

    def post(self, request):
        form = ScenarioCreateForm(request.POST, cities=self.drafting_cities())
        if form.is_valid() and (
            scenario := run_service(form, services.scenario_create, actor=request.user, **form.cleaned_data)
        ):
            return HttpResponseRedirect(reverse("benefits:scenario-detail", args=[scenario.pk]))
        return self.render_to_response(self.get_context_data(form=form))


def _progress_context(run: ScenarioRun | None) -> dict:
    return {"run": run, "progress": run_progress(run) if run else None}


class ScenarioDetailView(ConsoleView):
    template_name = "benefits/scenario_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scenario = kwargs.pop("scenario", None) or scenario_get(user=user, pk=self.kwargs["pk"])
        run = latest_run(scenario)
        finished = run if run and run.finished_at else scenario.runs.filter(finished_at__isnull=False).first()
        can_draft = can_draft_scenarios(user, scenario.city)[0] and scenario.adopted_at is None
        taken = set(scenario.readings.values_list("code", flat=True))
        if can_draft:
            kwargs.setdefault("form", ScenarioForm(initial={"name": scenario.name, "as_of": scenario.as_of,
                                                            "description": scenario.description}))  # fmt: skip
            kwargs.setdefault("value_form", ScenarioValueForm(city=scenario.city))
            kwargs.setdefault("switch_form", ScenarioSwitchForm(city=scenario.city))
        return super().get_context_data(
            scenario=scenario,
            city_name=CITY_NAMES.get(scenario.city, scenario.city),
            values=scenario.values.select_related("parameter").order_by("parameter__name_zh", "valid_from"),
            switches=scenario.switches.select_related("program").order_by("program__code"),
            readings=[(reading, reading.code in taken) for reading in readings_for_city(scenario.city)],
            can_draft=can_draft,
            can_adopt=can_adopt_scenarios(user, scenario.city)[0],
            fingerprint=services.adoption_fingerprint(scenario),
            finished=finished,
            current=finished is not None and run_is_current(finished, scenario),
            tables=result_tables(finished) if finished else [],
            chart=budget_chart(finished) if finished else "",
            **_progress_context(run if run and not run.finished_at else None),
            **kwargs,
        )

    ACTIONS = ("edit", "value", "remove", "switch", "reading", "run", "cancel", "propose", "confirm")

    def post(self, request, pk):
        scenario = scenario_get(user=request.user, pk=pk)
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            raise Http404
        form = getattr(self, f"_{action}")(request, scenario)
        if form is None:
            return HttpResponseRedirect(reverse("benefits:scenario-detail", args=[scenario.pk]))
        return self.render_to_response(self.get_context_data(scenario=scenario, **form))

    def _edit(self, request, scenario):
        form = ScenarioForm(request.POST)
        if form.is_valid() and run_service(
            form, services.scenario_update, actor=request.user, scenario=scenario, **form.cleaned_data
        ):
            return None
        return {"form": form}

    def _value(self, request, scenario):
        form = ScenarioValueForm(request.POST, city=scenario.city)
        if form.is_valid() and run_service(
            form, services.scenario_value_set, actor=request.user, scenario=scenario, **form.cleaned_data
        ):
            return None
        return {"value_form": form}

    def _remove(self, request, scenario):
        value = get_object_or_404(ScenarioValue, scenario=scenario, pk=request.POST.get("value") or 0)
        return self._plain(services.scenario_value_remove, actor=request.user, scenario=scenario, value=value)

    def _switch(self, request, scenario):
        if request.POST.get("on") == "1":
            program = get_object_or_404(Program, city=scenario.city, pk=request.POST.get("program") or 0)
            return self._plain(
                services.scenario_switch_set, actor=request.user, scenario=scenario, program=program, on=True
            )
        form = ScenarioSwitchForm(request.POST, city=scenario.city)
        if form.is_valid() and run_service(
            form, services.scenario_switch_set, actor=request.user, scenario=scenario, on=False, **form.cleaned_data
        ):
            return None
        return {"switch_form": form}

    def _reading(self, request, scenario):
        code, taken = request.POST.get("code", ""), request.POST.get("taken") == "1"
        return self._plain(services.scenario_reading_set, actor=request.user, scenario=scenario, code=code, taken=taken)

    def _run(self, request, scenario):
        return self._plain(scenario_run_launch, actor=request.user, scenario=scenario)

    def _cancel(self, request, scenario):
        run = get_object_or_404(ScenarioRun, scenario=scenario, pk=request.POST.get("run") or 0)
        return self._plain(services.scenario_run_cancel, actor=request.user, run=run)

    def _propose(self, request, scenario):
        fingerprint = request.POST.get("fingerprint", "")
        done = self._plain(
            services.scenario_adoption_propose, actor=request.user, scenario=scenario, fingerprint=fingerprint
        )
        if done is None:
            messages.success(request, _("Adoption proposed: a second administrator confirms it."))
        return done

    def _confirm(self, request, scenario):
        fingerprint = request.POST.get("fingerprint", "")
        done = self._plain(
            services.scenario_adoption_confirm, actor=request.user, scenario=scenario, fingerprint=fingerprint
        )
        if done is None:
            messages.success(request, _("The scenario's values are now real parameter values from their dates."))
        return done

    def _plain(self, service, **kwargs):
        """A POST without fields: its error is shown at the top of the page."""
        form = ActionForm({})
        form.is_valid()
        if run_service(form, service, **kwargs) is not None or not form.errors:
            return None
        return {"action_form": form}


class ScenarioProgressView(ConsoleView):
    """The progress bar (HTMX, polled every 2 seconds while the run goes on); a finished run asks for the page."""

    template_name = "benefits/_scenario_progress.html"

    def get(self, request, pk, run_id):
        scenario = scenario_get(user=request.user, pk=pk)
        run = get_object_or_404(ScenarioRun, scenario=scenario, pk=run_id)
        response = self.render_to_response({"scenario": scenario, **_progress_context(run)})
        if run.finished_at is not None:
            response["HX-Refresh"] = "true"
        return response


def _run_for(request, run_id) -> ScenarioRun:
    run = get_object_or_404(ScenarioRun.objects.select_related("scenario"), pk=run_id, finished_at__isnull=False)
    scenario_get(user=request.user, pk=run.scenario_id)  # 404 outside the user's cities
    return run


CHANGES = {
    "base": _("Eligible now"),
    "scenario": _("Eligible in the scenario"),
    "gained": _("Newly eligible"),
    "lost": _("No longer eligible"),
    "amount": _("Amount changes"),
}


class ScenarioPeopleView(ConsoleView):
    """The people behind a figure of the result (in the user's service units, ID numbers masked)."""

    template_name = "benefits/scenario_people.html"

    def get_context_data(self, **kwargs):
        run = _run_for(self.request, self.kwargs["run_id"])
        get = self.request.GET
        filters = {key: get.get(key, "") for key in ("program", "change", "district", "register")}
        if filters["change"] and filters["change"] not in CHANGES:
            raise Http404
        if filters["district"] and not filters["district"].isdigit():
            raise Http404
        outcomes = outcome_list(user=self.request.user, run=run, **filters)
        page = Paginator(outcomes, PEOPLE_PER_PAGE).get_page(get.get("page"))
        # the result's figure is the city's; a user whose units are part of it sees their part, and says so
        city_wide = outcome_list(user=None, run=run, **filters).count()
        program = Program.objects.filter(code=filters["program"]).first() if filters["program"] else None
        query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
        return super().get_context_data(
            run=run,
            scenario=run.scenario,
            page=page,
            rows=page.object_list,
            change=str(CHANGES.get(filters["change"], "")),
            program=program,
            register=register_names(city=run.scenario.city).get(filters["register"], ""),
            query=query,
            city_wide=city_wide,
            **kwargs,
        )


class ScenarioWorkbookView(ConsoleView):
    def get(self, request, run_id):
        run = _run_for(request, run_id)
        name = f"政策测算-{run.scenario.pk}-{run.as_of:%Y%m%d}.xlsx"
        return FileResponse(run_workbook(run), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
