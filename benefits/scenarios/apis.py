"""REST endpoints of policy scenarios (政策测算): the scenarios of the caller's cities, drafting them (values,
programs switched off, alternative readings), running them over the registers with their progress, the people
behind a result's figures (ID numbers masked), and adoption by two administrators. Staff only: every write goes
through benefits.scenarios.services (and the run through benefits.tasks), every read through its selectors."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_use_console
from accounts.validators import MULTILINE
from core.api_base import FilteredListApi
from core.errors import require

from ..applications.apis import UserRefSerializer
from ..catalogue.forms import CITIES
from ..models import Parameter, Program, Scenario, ScenarioChange, ScenarioOutcome, ScenarioRun
from ..rules.readings import READINGS, readings_for_city
from ..tasks import scenario_run_launch
from . import services
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

CITY_CODES = [code for code, _name in CITIES]
RUN_STATES = {
    "running": gettext_lazy("Running"),
    "finished": gettext_lazy("Finished"),
    "cancelled": gettext_lazy("Cancelled"),
}
ADOPTION_STATES = {
    "draft": gettext_lazy("Not proposed"),
    "proposed": gettext_lazy("Proposed, waiting for a second administrator"),
    "adopted": gettext_lazy("Adopted"),
}
# outcome_list's ``change``: one of the changes, or everyone eligible now (``base``) or in the scenario
CHANGES = [*ScenarioChange.values, "base", "scenario"]


def _check_staff(request) -> None:
    """Scenarios are for the staff console's users: an applicant gets a 403 that says so."""
    require(can_use_console(request.user))


def _scenario(request, pk) -> Scenario:
    """The scenario if the caller works in its city (404 for another city's, like a missing one)."""
    _check_staff(request)
    return scenario_get(user=request.user, pk=pk)


def _run(request, pk) -> ScenarioRun:
    """The run, reached through its scenario (404 for another city's run, like a missing one)."""
    _check_staff(request)
    run = get_object_or_404(ScenarioRun.objects.select_related("started_by"), pk=pk)
    run.scenario = scenario_get(user=request.user, pk=run.scenario_id)
    return run


def _adoption_state(scenario: Scenario) -> str:
    if scenario.adopted_at is not None:
        return "adopted"
    return "proposed" if scenario.adoption_proposed_by_id else "draft"


# --- Output -------------------------------------------------------------------------------------------------------


class ScenarioProgressSerializer(serializers.Serializer):
    """``run_progress``: chunks done of the total, people screened, and the time left at the pace so far."""

    state = serializers.CharField(help_text="running, finished or cancelled")
    state_label = serializers.CharField()
    done = serializers.IntegerField(help_text="chunks finished")
    total = serializers.IntegerField(help_text="chunks in all")
    percent = serializers.IntegerField()
    screened = serializers.IntegerField(help_text="people screened so far")
    people = serializers.IntegerField(help_text="people to screen")
    seconds_left = serializers.IntegerField(allow_null=True, help_text="an estimate while running, else null")


def progress_data(run: ScenarioRun) -> dict:
    progress = run_progress(run)
    return {**progress, "state_label": str(RUN_STATES[progress["state"]])}


class ScenarioRunSerializer(serializers.ModelSerializer):
    """A run of a scenario with its progress; ``is_current``: it screened the scenario as it is now (a result of
    a scenario changed since is not the scenario's any more)."""

    started_by = UserRefSerializer()
    progress = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = ScenarioRun
        fields = [
            "id",
            "scenario",
            "started_by",
            "started_at",
            "finished_at",
            "cancelled_at",
            "as_of",
            "people",
            "chunks_total",
            "progress",
            "is_current",
        ]

    @extend_schema_field(ScenarioProgressSerializer)
    def get_progress(self, run) -> dict:
        return progress_data(run)

    def get_is_current(self, run) -> bool:
        return run_is_current(run, run.scenario)


class ScenarioFiguresSerializer(serializers.Serializer):
    """A result's figures for one program, district or register; amounts in CNY, one per month of the twelve
    from ``first_month``."""

    base_people = serializers.IntegerField(help_text="eligible now")
    scenario_people = serializers.IntegerField(help_text="eligible in the scenario")
    gained = serializers.IntegerField(help_text="newly eligible")
    lost = serializers.IntegerField(help_text="no longer eligible")
    amount = serializers.IntegerField(help_text="eligible in both, the amount changes")
    same = serializers.IntegerField(help_text="eligible in both, unchanged")
    uncosted = serializers.IntegerField(help_text="eligible without an amount the forecast can count")
    base = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    scenario = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))


class ScenarioCommittedSerializer(serializers.Serializer):
    """What the active grants still pay in each of the twelve months, by program code and by district id."""

    programs = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    districts = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ScenarioSummarySerializer(serializers.Serializer):
    """Every figure of a finished run: by program code, by district id ("": the city level) and by register code
    (a person on two registers counts under each), beside the committed spend."""

    programs = serializers.DictField(child=ScenarioFiguresSerializer())
    districts = serializers.DictField(child=ScenarioFiguresSerializer())
    registers = serializers.DictField(child=ScenarioFiguresSerializer())
    committed = ScenarioCommittedSerializer()
    first_month = serializers.DateField()


class ScenarioRunDetailSerializer(ScenarioRunSerializer):
    summary = serializers.SerializerMethodField(help_text="once the run has finished, else null")

    class Meta(ScenarioRunSerializer.Meta):
        fields = [*ScenarioRunSerializer.Meta.fields, "summary"]

    @extend_schema_field(ScenarioSummarySerializer(allow_null=True))
    def get_summary(self, run) -> dict | None:
        return run.summary if run.finished_at is not None else None


class ScenarioValueOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parameter = serializers.CharField(source="parameter.code")
    parameter_name = serializers.CharField(source="parameter.name_zh")
    unit = serializers.CharField(source="parameter.unit")
    unit_label = serializers.CharField(source="parameter.get_unit_display")
    valid_from = serializers.DateField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, help_text="null: not set from that day"
    )


class ScenarioSwitchOutputSerializer(serializers.Serializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")


class ScenarioReadingTakenSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class ScenarioAdoptionSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="draft, proposed or adopted")
    state_label = serializers.CharField()
    proposed_by = UserRefSerializer(allow_null=True)
    proposed_at = serializers.DateTimeField(allow_null=True)
    proposed_fingerprint = serializers.CharField(help_text="the values the first administrator proposed")
    fingerprint = serializers.CharField(
        help_text="the scenario's values as they are now: send it back to propose or confirm what you saw"
    )
    adopted_by = UserRefSerializer(allow_null=True)
    adopted_at = serializers.DateTimeField(allow_null=True)


class ScenarioSerializer(serializers.ModelSerializer):
    """A scenario of the list: its day, author and where it stands (the latest run, adoption)."""

    author = UserRefSerializer()
    city_name = serializers.SerializerMethodField()
    adoption_state = serializers.SerializerMethodField()
    adoption_state_label = serializers.SerializerMethodField()
    latest_run_id = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "id",
            "city",
            "city_name",
            "name",
            "description",
            "as_of",
            "author",
            "created_at",
            "changed_at",
            "adoption_state",
            "adoption_state_label",
            "latest_run_id",
        ]

    def get_city_name(self, scenario) -> str:
        return dict(CITIES).get(scenario.city, scenario.city)

    @extend_schema_field(serializers.CharField(help_text="draft, proposed or adopted"))
    def get_adoption_state(self, scenario) -> str:
        return _adoption_state(scenario)

    def get_adoption_state_label(self, scenario) -> str:
        return str(ADOPTION_STATES[_adoption_state(scenario)])

    def get_latest_run_id(self, scenario) -> int | None:
        # the runs are prefetched by scenario_list: no query per scenario
        runs = sorted(scenario.runs.all(), key=lambda run: run.started_at, reverse=True)
        return runs[0].pk if runs else None


class ScenarioDetailSerializer(ScenarioSerializer):
    """A scenario with what it changes, the latest run with its progress, adoption, and what the caller may do."""

    values = serializers.SerializerMethodField()
    switched_off = serializers.SerializerMethodField()
    readings = serializers.SerializerMethodField()
    adoption = serializers.SerializerMethodField()
    latest_run = serializers.SerializerMethodField()
    can_draft = serializers.SerializerMethodField(help_text="the caller may change and run it")
    can_adopt = serializers.SerializerMethodField(help_text="the caller may propose or confirm its adoption")

    class Meta(ScenarioSerializer.Meta):
        fields = [
            *ScenarioSerializer.Meta.fields,
            "values",
            "switched_off",
            "readings",
            "adoption",
            "latest_run",
            "can_draft",
            "can_adopt",
        ]

    def get_latest_run_id(self, scenario) -> int | None:
        run = self._latest_run(scenario)
        return run.pk if run else None

    def _latest_run(self, scenario) -> ScenarioRun | None:
        if not hasattr(scenario, "_latest_run"):
            scenario._latest_run = latest_run(scenario)
        return scenario._latest_run

    @extend_schema_field(ScenarioValueOutputSerializer(many=True))
    def get_values(self, scenario) -> list[dict]:
        rows = scenario.values.select_related("parameter").order_by("parameter__code", "valid_from")
        return ScenarioValueOutputSerializer(rows, many=True).data

    @extend_schema_field(ScenarioSwitchOutputSerializer(many=True))
    def get_switched_off(self, scenario) -> list[dict]:
        rows = scenario.switches.select_related("program").order_by("program__code")
        return ScenarioSwitchOutputSerializer(rows, many=True).data

    @extend_schema_field(ScenarioReadingTakenSerializer(many=True))
    def get_readings(self, scenario) -> list[dict]:
        codes = scenario.readings.order_by("code").values_list("code", flat=True)
        return [{"code": code, "title": str(READINGS[code].title) if code in READINGS else code} for code in codes]

    @extend_schema_field(ScenarioAdoptionSerializer)
    def get_adoption(self, scenario) -> dict:
        state = _adoption_state(scenario)
        return ScenarioAdoptionSerializer(
            {
                "state": state,
                "state_label": str(ADOPTION_STATES[state]),
                "proposed_by": scenario.adoption_proposed_by,
                "proposed_at": scenario.adoption_proposed_at,
                "proposed_fingerprint": scenario.adoption_fingerprint,
                "fingerprint": services.adoption_fingerprint(scenario),
                "adopted_by": scenario.adopted_by,
                "adopted_at": scenario.adopted_at,
            }
        ).data

    @extend_schema_field(ScenarioRunSerializer(allow_null=True))
    def get_latest_run(self, scenario) -> dict | None:
        run = self._latest_run(scenario)
        if run is None:
            return None
        run.scenario = scenario
        return ScenarioRunSerializer(run).data

    def get_can_draft(self, scenario) -> bool:
        return scenario.adopted_at is None and can_draft_scenarios(self.context["request"].user, scenario.city)[0]

    def get_can_adopt(self, scenario) -> bool:
        return scenario.adopted_at is None and can_adopt_scenarios(self.context["request"].user, scenario.city)[0]


def _detail(request, pk) -> dict:
    """The scenario as stored now (after a write too: the services change their own copy), read through the
    access function."""
    return ScenarioDetailSerializer(_scenario(request, pk), context={"request": request}).data


# --- Scenarios ----------------------------------------------------------------------------------------------------


class ScenarioFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    as_of = serializers.DateField(help_text="the day the registers are read; the forecast's first month")
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="", style=MULTILINE)


class ScenarioCreateInputSerializer(ScenarioFieldsSerializer):
    city = serializers.ChoiceField(choices=CITY_CODES)


class ScenarioListApi(FilteredListApi):
    """The scenarios of the caller's cities, the latest changed first (every staff member of a city reads them).
    POST drafts one (the city's administrators and supervisors)."""

    serializer_class = ScenarioSerializer

    class FilterSerializer(serializers.Serializer):
        city = serializers.ChoiceField(choices=CITY_CODES, required=False)

    def select(self, *, city=None):
        _check_staff(self.request)
        scenarios = scenario_list(user=self.request.user)
        return scenarios.filter(city=city) if city else scenarios

    @extend_schema(request=ScenarioCreateInputSerializer, responses={201: ScenarioDetailSerializer})
    def post(self, request):
        _check_staff(request)
        data = ScenarioCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scenario = services.scenario_create(actor=request.user, **data.validated_data)
        return Response(_detail(request, scenario.pk), status=status.HTTP_201_CREATED)


class ScenarioDetailApi(APIView):
    """One scenario: the values it sets, the programs it switches off, the readings it takes, the latest run with
    its progress, and adoption (with the ``fingerprint`` to send back). PATCH changes its name, day or description
    (withdraws a pending adoption)."""

    @extend_schema(responses=ScenarioDetailSerializer)
    def get(self, request, pk):
        return Response(_detail(request, pk))

    @extend_schema(request=ScenarioFieldsSerializer, responses=ScenarioDetailSerializer)
    def patch(self, request, pk):
        scenario = _scenario(request, pk)
        data = ScenarioFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {"name": scenario.name, "as_of": scenario.as_of, "description": scenario.description}
        fields.update(data.validated_data)
        services.scenario_update(actor=request.user, scenario=scenario, **fields)
        return Response(_detail(request, scenario.pk))


class ScenarioValueInputSerializer(serializers.Serializer):
    parameter = serializers.CharField(max_length=128, help_text="the parameter's code (the city's or national)")
    valid_from = serializers.DateField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=6, min_value=0, allow_null=True, help_text="null: not set from that day"
    )


class ScenarioValueListApi(APIView):
    """Set a parameter's value in the scenario from a day (the same parameter and day again replaces it)."""

    @extend_schema(request=ScenarioValueInputSerializer, responses=ScenarioDetailSerializer)
    def post(self, request, pk):
        scenario = _scenario(request, pk)
        data = ScenarioValueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        parameter = Parameter.objects.filter(code=fields.pop("parameter")).first()
        if parameter is None:
            raise serializers.ValidationError({"parameter": [_("There is no parameter with this code.")]})
        services.scenario_value_set(actor=request.user, scenario=scenario, parameter=parameter, **fields)
        return Response(_detail(request, scenario.pk))


class ScenarioValueDetailApi(APIView):
    """Take a value out of the scenario (the parameter's real values apply again from that day)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk, value_id):
        scenario = _scenario(request, pk)
        value = get_object_or_404(scenario.values.all(), pk=value_id)
        services.scenario_value_remove(actor=request.user, scenario=scenario, value=value)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScenarioSwitchInputSerializer(serializers.Serializer):
    program = serializers.SlugField(max_length=96, help_text="a program code of the scenario's city")
    on = serializers.BooleanField(help_text="false: nobody is found eligible for it in the scenario")


class ScenarioSwitchApi(APIView):
    """Switch a program of the city off in the scenario, or on again."""

    @extend_schema(request=ScenarioSwitchInputSerializer, responses=ScenarioDetailSerializer)
    def post(self, request, pk):
        scenario = _scenario(request, pk)
        data = ScenarioSwitchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = Program.objects.filter(code=data.validated_data["program"]).first()
        if program is None:
            raise serializers.ValidationError({"program": [_("There is no program with this code.")]})
        services.scenario_switch_set(
            actor=request.user, scenario=scenario, program=program, on=data.validated_data["on"]
        )
        return Response(_detail(request, scenario.pk))


class ScenarioReadingInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(READINGS), help_text="an alternative reading (GET readings/)")
    taken = serializers.BooleanField()


class ScenarioReadingApi(APIView):
    """Take a documented alternative reading of a clause in the scenario, or leave it."""

    @extend_schema(request=ScenarioReadingInputSerializer, responses=ScenarioDetailSerializer)
    def post(self, request, pk):
        scenario = _scenario(request, pk)
        data = ScenarioReadingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["code"]
        if scenario.city not in READINGS[code].cities:  # the service's own refusal, named after this input
            raise serializers.ValidationError({"code": [_("No such alternative reading for this city.")]})
        services.scenario_reading_set(actor=request.user, scenario=scenario, **data.validated_data)
        return Response(_detail(request, scenario.pk))


class ScenarioAdoptionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["propose", "confirm"], help_text="propose (a first administrator), confirm (a second one)"
    )
    fingerprint = serializers.CharField(max_length=64, help_text="``adoption.fingerprint`` of the detail you saw")


class ScenarioAdoptionApi(APIView):
    """Adoption of the scenario's values as real dated parameter values: one administrator proposes the values
    they saw, a second one confirms the very same values (a change in between withdraws the proposal)."""

    @extend_schema(request=ScenarioAdoptionInputSerializer, responses=ScenarioDetailSerializer)
    def post(self, request, pk):
        scenario = _scenario(request, pk)
        data = ScenarioAdoptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = {
            "propose": services.scenario_adoption_propose,
            "confirm": services.scenario_adoption_confirm,
        }[data.validated_data["action"]]
        service(actor=request.user, scenario=scenario, fingerprint=data.validated_data["fingerprint"])
        return Response(_detail(request, scenario.pk))


# --- Readings -----------------------------------------------------------------------------------------------------


class ReadingSerializer(serializers.Serializer):
    code = serializers.CharField()
    cities = serializers.ListField(child=serializers.CharField())
    clause = serializers.CharField()
    title = serializers.CharField()
    decided = serializers.CharField(help_text="what the system reads")
    alternative = serializers.CharField(help_text="what a scenario may read instead")
    programs = serializers.ListField(child=serializers.CharField(), help_text="the program codes it changes")


class ReadingListApi(APIView):
    """The documented alternative readings a scenario may take (docs/policy-decisions.md): of ``city``, or of the
    caller's cities."""

    class ReadingFilterSerializer(serializers.Serializer):
        city = serializers.ChoiceField(choices=CITY_CODES, required=False)

    @extend_schema(parameters=[ReadingFilterSerializer], responses=ReadingSerializer(many=True))
    def get(self, request):
        _check_staff(request)
        filters = self.ReadingFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        asked = filters.validated_data.get("city")
        cities = [asked] if asked else scenario_cities(user=request.user)
        readings = {reading.code: reading for city in cities for reading in readings_for_city(city)}
        return Response(ReadingSerializer([readings[code] for code in sorted(readings)], many=True).data)


# --- Runs ---------------------------------------------------------------------------------------------------------


class ScenarioRunStartApi(APIView):
    """Run the scenario as it is now over the city's registers, beside the baseline: the workers take its chunks;
    follow the progress at ``scenario-runs/<id>/``."""

    @extend_schema(request=None, responses={202: ScenarioRunSerializer})
    def post(self, request, pk):
        scenario = _scenario(request, pk)
        run = scenario_run_launch(actor=request.user, scenario=scenario)
        return Response(ScenarioRunSerializer(_run(request, run.pk)).data, status=status.HTTP_202_ACCEPTED)


class ScenarioRunDetailApi(APIView):
    """A run's progress (done / total, time left) and, once finished, its figures."""

    @extend_schema(responses=ScenarioRunDetailSerializer)
    def get(self, request, pk):
        return Response(ScenarioRunDetailSerializer(_run(request, pk)).data)


class ScenarioRunCancelApi(APIView):
    """Stop a run: chunks not yet begun are skipped and the run keeps no result."""

    @extend_schema(request=None, responses=ScenarioRunDetailSerializer)
    def post(self, request, pk):
        services.scenario_run_cancel(actor=request.user, run=_run(request, pk))
        return Response(ScenarioRunDetailSerializer(_run(request, pk)).data)


class ScenarioOutcomeSerializer(serializers.ModelSerializer):
    """A person behind a figure of a run (the ID number masked), with both amounts and both twelve months' cost."""

    person = serializers.SerializerMethodField()
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")
    change_label = serializers.CharField(source="get_change_display")
    unit = serializers.SerializerMethodField()
    registers = serializers.SerializerMethodField()

    class Meta:
        model = ScenarioOutcome
        fields = [
            "id",
            "person",
            "program",
            "program_name",
            "change",
            "change_label",
            "base_amount",
            "base_period",
            "base_cost",
            "scenario_amount",
            "scenario_period",
            "scenario_cost",
            "unit",
            "district",
            "registers",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "id_number_masked": {"type": "string"},
            },
            "required": ["id", "name", "id_number_masked"],
        }
    )
    def get_person(self, outcome) -> dict:
        person = outcome.person
        return {"id": person.pk, "name": person.name, "id_number_masked": person.masked_id_number}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_unit(self, outcome) -> dict:
        return {"id": outcome.unit_id, "name": outcome.unit.name}

    def get_registers(self, outcome) -> list[str]:
        return outcome.registers.split()


class ScenarioOutcomeListApi(FilteredListApi):
    """The people behind a figure of a run, in the caller's service units (paginated). Filters: ``program`` (code),
    ``change`` (gained, lost, amount, same; ``base``: everyone eligible now, ``scenario``: everyone eligible in the
    scenario), ``district`` (id), ``register`` (code)."""

    serializer_class = ScenarioOutcomeSerializer

    class FilterSerializer(serializers.Serializer):
        program = serializers.SlugField(max_length=96, required=False)
        change = serializers.ChoiceField(choices=CHANGES, required=False)
        district = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
        register = serializers.SlugField(max_length=96, required=False)

    def select(self, **params):
        return outcome_list(user=self.request.user, run=_run(self.request, self.kwargs["pk"]), **params)
