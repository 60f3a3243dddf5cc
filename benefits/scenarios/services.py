"""Writes of policy scenarios: drafting (values, switches, readings), running over the registers in chunks the
workers share, cancelling, and adoption by two administrators. Nothing here writes outside the scenario tables,
except adoption, which adds parameter values through the parameter service."""

import datetime
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import check_text
from casework.models import Person, RegistryEntry
from core.errors import Conflict, PermissionDenied, require

from ..catalogue.selectors import policy_dates, program_infos
from ..catalogue.services import parameter_value_add
from ..models import (
    Application,
    Parameter,
    Program,
    Scenario,
    ScenarioChange,
    ScenarioChunk,
    ScenarioOutcome,
    ScenarioReading,
    ScenarioRun,
    ScenarioSwitch,
    ScenarioValue,
)
from ..rules.engine import money
from ..rules.facts import Facts
from ..rules.readings import READINGS
from ..rules.registry import RULES, ScreeningMemo, load_families, screening
from ..screening.facts import people_facts
from .forecast import HORIZON, ZERO, costed, months_cost
from .selectors import (
    can_adopt_scenarios,
    can_draft_scenarios,
    committed_spend,
    districts_of,
    run_params,
    scenario_inputs,
)

CHUNK_SIZE = 1000
LATEST_DAY = datetime.date(2100, 12, 31)


def _check_day(day: datetime.date, field: str, city: str) -> None:
    """A scenario's day lies between the city's policy and the end of the century (a date in year 9999 is a
    typing error, not a plan)."""
    earliest = policy_dates().get(city, datetime.date(2017, 1, 1))
    if not earliest <= day <= LATEST_DAY:
        raise ValidationError(
            {field: _("Give a day from %(first)s to %(last)s.") % {"first": earliest, "last": LATEST_DAY}}
        )


def _editable(actor, scenario: Scenario) -> Scenario:
    """The scenario as stored now (locked for the change), if the actor may change it and it can be changed."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    require(can_draft_scenarios(actor, scenario.city))
    if scenario.adopted_at is not None:
        raise Conflict(_("This scenario has been adopted; copy it to try other values."))
    if _running(scenario):
        raise Conflict(_("The scenario is being run; wait for the run to finish or cancel it."))
    return scenario


def _running(scenario: Scenario) -> bool:
    return scenario.runs.filter(finished_at__isnull=True, cancelled_at__isnull=True).exists()


def _touched(scenario: Scenario) -> None:
    """Any change withdraws a pending adoption (the second administrator would confirm something else)."""
    scenario.adoption_proposed_by, scenario.adoption_proposed_at, scenario.adoption_fingerprint = None, None, ""
    scenario.save()


@transaction.atomic
def scenario_create(*, actor, city: str, name: str, as_of: datetime.date, description: str = "") -> Scenario:
    require(can_draft_scenarios(actor, city))
    if not Program.objects.filter(city=city).exists():
        raise ValidationError({"city": _("Unknown city.")})
    _check_day(as_of, "as_of", city)
    name = check_text((name or "").strip(), "name")
    if not name:
        raise ValidationError({"name": _("Give the scenario a name.")})
    return Scenario.objects.create(
        city=city,
        name=name,
        description=check_text((description or "").strip(), "description", multiline=True),
        as_of=as_of,
        author=actor,
    )


@transaction.atomic
def scenario_update(*, actor, scenario: Scenario, name: str, as_of: datetime.date, description: str = "") -> Scenario:
    scenario = _editable(actor, scenario)
    _check_day(as_of, "as_of", scenario.city)
    name = check_text((name or "").strip(), "name")
    if not name:
        raise ValidationError({"name": _("Give the scenario a name.")})
    scenario.name, scenario.as_of, scenario.description = (
        name,
        as_of,
        check_text((description or "").strip(), "description", multiline=True),
    )
    _touched(scenario)
    return scenario


@transaction.atomic
def scenario_value_set(
    *, actor, scenario: Scenario, parameter: Parameter, valid_from: datetime.date, value
) -> ScenarioValue:
    """The parameter's value in the scenario from ``valid_from`` (None: not set from that day); the same day again
    replaces the scenario's earlier figure for it."""
    scenario = _editable(actor, scenario)
    if parameter.city not in (scenario.city, "national"):
        raise ValidationError({"parameter": _("This parameter belongs to another city.")})
    _check_day(valid_from, "valid_from", scenario.city)
    if value is not None:
        value = Decimal(value)
        if not value.is_finite() or value < 0 or value >= Decimal("1e14"):
            raise ValidationError({"value": _("Give a number from 0 up to 99,999,999,999,999.")})
    row, _created = ScenarioValue.objects.update_or_create(
        scenario=scenario, parameter=parameter, valid_from=valid_from, defaults={"value": value}
    )
    _touched(scenario)
    return row


@transaction.atomic
def scenario_value_remove(*, actor, scenario: Scenario, value: ScenarioValue) -> None:
    scenario = _editable(actor, scenario)
    if value.scenario_id != scenario.pk:
        raise PermissionDenied(_("This value belongs to another scenario."))
    value.delete()
    _touched(scenario)


@transaction.atomic
def scenario_switch_set(*, actor, scenario: Scenario, program: Program, on: bool) -> None:
    """Switch ``program`` off in the scenario (nobody is found eligible for it), or on again."""
    scenario = _editable(actor, scenario)
    if program.city != scenario.city:
        raise ValidationError({"program": _("This program belongs to another city.")})
    if on:
        ScenarioSwitch.objects.filter(scenario=scenario, program=program).delete()
    else:
        ScenarioSwitch.objects.get_or_create(scenario=scenario, program=program)
    _touched(scenario)


@transaction.atomic
def scenario_reading_set(*, actor, scenario: Scenario, code: str, taken: bool) -> None:
    """Take the documented alternative reading ``code`` (``rules.readings``) in the scenario, or leave it."""
    scenario = _editable(actor, scenario)
    reading = READINGS.get(code)
    if reading is None or scenario.city not in reading.cities:
        raise ValidationError({"reading": _("No such alternative reading for this city.")})
    if taken:
        ScenarioReading.objects.get_or_create(scenario=scenario, code=code)
    else:
        ScenarioReading.objects.filter(scenario=scenario, code=code).delete()
    _touched(scenario)


# Running ---------------------------------------------------------------------------------------------------------


def _population(city: str, day: datetime.date):
    """The people the nightly screening screens (on a register that day) who live in the city."""
    return (
        RegistryEntry.objects.active(day)
        .filter(person__isnull=False, person__residence_unit__city_code=city)
        .order_by("person_id")
    )


def scenario_run_start(*, actor, scenario: Scenario, chunk_size: int = CHUNK_SIZE) -> tuple[ScenarioRun, list]:
    """Open a run of the scenario as it is now: the population cut into chunks of consecutive ids. Returns the run
    and each chunk's (first id, last id); the caller hands the chunks to the workers."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        require(can_draft_scenarios(actor, scenario.city))
        if _running(scenario):
            raise Conflict(_("The scenario is already being run."))
        ids = list(_population(scenario.city, scenario.as_of).values_list("person_id", flat=True).distinct())
        bounds = [(ids[start], ids[min(start + chunk_size, len(ids)) - 1]) for start in range(0, len(ids), chunk_size)]
        run = ScenarioRun.objects.create(
            scenario=scenario,
            started_by=actor,
            as_of=scenario.as_of,
            people=len(ids),
            chunks_total=len(bounds),
            inputs=scenario_inputs(scenario),
        )
    if not bounds:
        _finish(run.pk)
    return run, bounds


@transaction.atomic
def scenario_run_cancel(*, actor, run: ScenarioRun) -> ScenarioRun:
    """Stop a run: chunks not yet begun are skipped; the run keeps no result."""
    run = ScenarioRun.objects.select_for_update().get(pk=run.pk)
    require(can_draft_scenarios(actor, run.scenario.city))
    if run.finished_at is not None or run.cancelled_at is not None:
        raise Conflict(_("This run is no longer running."))
    run.cancelled_at = timezone.now()
    run.save(update_fields=["cancelled_at"])
    return run


@lru_cache(maxsize=2)
def _run_context(run_pk: int) -> dict:
    """What every chunk of a run reads, once per worker process: the city's programs a rule decides for
    individuals, both sets of parameters, the programs switched off and the program ids; a memo of decisions per
    side (benefits.rules.registry.ScreeningMemo)."""
    load_families()
    run = ScenarioRun.objects.select_related("scenario").get(pk=run_pk)
    city = run.scenario.city
    baseline, scenario = run_params(run.inputs, city)
    return {
        "programs": [p for p in program_infos(city=city) if p.code in RULES and p.beneficiary == "individual"],
        "baseline": baseline,
        "scenario": scenario,
        "off": frozenset(run.inputs["off"]),
        "ids": dict(Program.objects.filter(city=city).values_list("code", "pk")),
        "memos": (ScreeningMemo(), ScreeningMemo()),
    }


def _figures() -> dict:
    return {"base_people": 0, "scenario_people": 0, "gained": 0, "lost": 0, "amount": 0, "same": 0, "uncosted": 0,
            "base": [ZERO] * HORIZON, "scenario": [ZERO] * HORIZON}  # fmt: skip


def _add(figures: dict, change: str, base_months, scenario_months, base, changed, uncosted: bool) -> None:
    figures["base_people"] += base is not None
    figures["scenario_people"] += changed is not None
    figures[change] += 1
    figures["uncosted"] += uncosted
    figures["base"] = [a + b for a, b in zip(figures["base"], base_months, strict=True)]
    figures["scenario"] = [a + b for a, b in zip(figures["scenario"], scenario_months, strict=True)]


def _change(base, changed) -> str:
    if base is None:
        return ScenarioChange.GAINED
    if changed is None:
        return ScenarioChange.LOST
    same = (base.amount_cny, base.period, base.max_periods, base.interest_subsidy_cny) == (
        changed.amount_cny,
        changed.period,
        changed.max_periods,
        changed.interest_subsidy_cny,
    )
    return ScenarioChange.SAME if same else ScenarioChange.AMOUNT


def _amount(decision):
    if decision is None:
        return None
    value = decision.interest_subsidy_cny if decision.amount_is_loan_ceiling else decision.amount_cny
    return None if value is None else money(Decimal(value))


def screen_chunk(*, run_id: int, number: int, first: int, last: int) -> None:
    """Screen the people of the chunk under both sets of parameters and keep who is eligible under either, with
    the chunk's share of every figure; the last chunk to finish adds them up. A chunk delivered twice, or of a
    cancelled run, is skipped."""
    run = ScenarioRun.objects.select_related("scenario").get(pk=run_id)
    if run.cancelled_at is not None or run.chunks.filter(number=number).exists():
        return
    context = _run_context(run.pk)
    city, day = run.scenario.city, run.as_of
    registers = defaultdict(set)  # the chunk's people and the registers each is on that day, in one read
    for person_id, code in (
        _population(city, day)
        .filter(person_id__gte=first, person_id__lte=last)
        .values_list("person_id", "register__code")
    ):
        registers[person_id].add(code)
    ids = list(registers)
    people = list(Person.objects.filter(pk__any=ids).select_related("residence_unit"))
    documents = people_facts(people=people, as_of=day)
    # Whoever applied for a program (whatever became of it) is in the committed spend or was decided: not counted
    # as new spending (as the 主动服务 list counts its leads).
    applied = set(Application.objects.filter(person_id__any=ids).values_list("person_id", "program_id"))
    districts = districts_of({person.residence_unit_id for person in people})
    base_memo, scenario_memo = context["memos"]
    program_ids, off = context["ids"], context["off"]
    outcomes = []
    totals = {"programs": defaultdict(_figures), "districts": defaultdict(_figures), "registers": defaultdict(_figures)}
    with screening():
        for person in people:
            facts = Facts(documents[person.pk], as_of=day)
            codes = sorted(registers[person.pk])
            district = districts.get(person.residence_unit_id)
            for program in context["programs"]:
                program_id = program_ids[program.code]
                if (person.pk, program_id) in applied:
                    continue
                base = base_memo.eligible_decision(program, facts, context["baseline"])
                changed = (
                    None
                    if program.code in off
                    else scenario_memo.eligible_decision(program, facts, context["scenario"])
                )
                if base is None and changed is None:
                    continue
                change = _change(base, changed)
                base_months, scenario_months = months_cost(base), months_cost(changed)
                uncosted = not (costed(base) and costed(changed))
                for figures in (
                    totals["programs"][program.code],
                    totals["districts"][str(district or "")],
                    *(totals["registers"][code] for code in codes),
                ):
                    _add(figures, change, base_months, scenario_months, base, changed, uncosted)
                outcomes.append(
                    ScenarioOutcome(
                        run=run,
                        person_id=person.pk,
                        program_id=program_id,
                        unit_id=person.residence_unit_id,
                        district_id=district,
                        registers=f" {' '.join(codes)} ",
                        change=change,
                        base_amount=_amount(base),
                        base_period=(base.period or "") if base else "",
                        base_cost=sum(base_months, ZERO),
                        scenario_amount=_amount(changed),
                        scenario_period=(changed.period or "") if changed else "",
                        scenario_cost=sum(scenario_months, ZERO),
                    )
                )
    with transaction.atomic():
        if ScenarioRun.objects.select_for_update().filter(pk=run.pk, cancelled_at__isnull=True).exists():
            ScenarioOutcome.objects.bulk_create(outcomes, batch_size=2000)
            ScenarioChunk.objects.create(run=run, number=number, screened=len(people), totals=_as_json(totals))
    if run.chunks.count() == run.chunks_total:
        _finish(run.pk)


def _as_json(totals: dict) -> dict:
    return {
        group: {
            key: {
                **figures,
                "base": [str(v) for v in figures["base"]],
                "scenario": [str(v) for v in figures["scenario"]],
            }
            for key, figures in rows.items()
        }
        for group, rows in totals.items()
    }


def _summed(chunks) -> dict:
    totals = {"programs": defaultdict(_figures), "districts": defaultdict(_figures), "registers": defaultdict(_figures)}
    for chunk in chunks:
        for group, rows in chunk.items():
            for key, figures in rows.items():
                into = totals[group][key]
                for name, value in figures.items():
                    if name in ("base", "scenario"):
                        into[name] = [a + Decimal(b) for a, b in zip(into[name], value, strict=True)]
                    else:
                        into[name] += value
    return totals


def _finish(run_id: int) -> None:
    """The run's summary: the chunks' figures added up, beside the grants already committed."""
    with transaction.atomic():
        run = ScenarioRun.objects.select_for_update().select_related("scenario").get(pk=run_id)
        if run.finished_at is not None or run.cancelled_at is not None:
            return
        totals = _summed(run.chunks.values_list("totals", flat=True))
        committed = committed_spend(city=run.scenario.city, first_month=run.as_of)
        codes = dict(Program.objects.filter(city=run.scenario.city).values_list("pk", "code"))
        districts = districts_of({unit for _program, unit in committed})
        committed_by = {
            "programs": defaultdict(lambda: [ZERO] * HORIZON),
            "districts": defaultdict(lambda: [ZERO] * HORIZON),
        }
        for (program_id, unit_id), months in committed.items():
            for key, group in (
                (codes.get(program_id, ""), "programs"),
                (str(districts.get(unit_id) or ""), "districts"),
            ):
                committed_by[group][key] = [a + b for a, b in zip(committed_by[group][key], months, strict=True)]
        run.summary = {
            **_as_json(totals),
            "committed": {
                group: {key: [str(v) for v in months] for key, months in rows.items()}
                for group, rows in committed_by.items()
            },
            "first_month": run.as_of.replace(day=1).isoformat(),
        }
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])


def scenario_run(*, actor, scenario: Scenario, chunk_size: int = CHUNK_SIZE) -> ScenarioRun:
    """A whole run in this process, chunk after chunk (tests, the benchmark's single-process figure)."""
    run, bounds = scenario_run_start(actor=actor, scenario=scenario, chunk_size=chunk_size)
    for number, (first, last) in enumerate(bounds):
        screen_chunk(run_id=run.pk, number=number, first=first, last=last)
    run.refresh_from_db()
    return run


# Adoption --------------------------------------------------------------------------------------------------------


def adoption_fingerprint(scenario: Scenario) -> str:
    """What the first administrator saw: the scenario's values (and its day and name), hashed."""
    inputs = scenario_inputs(scenario)
    seen = {"name": scenario.name, "values": inputs["values"]}
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def scenario_adoption_propose(*, actor, scenario: Scenario, fingerprint: str) -> Scenario:
    """The first administrator asks for the scenario's parameter values to become real ones, on the values they
    saw (``fingerprint``: a form shows it, so a change made meanwhile is caught)."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    require(can_adopt_scenarios(actor, scenario.city))
    if scenario.adopted_at is not None:
        raise Conflict(_("This scenario has already been adopted."))
    if not scenario.values.exists():
        raise Conflict(_("The scenario changes no parameter value: there is nothing to adopt."))
    if fingerprint != adoption_fingerprint(scenario):
        raise Conflict(_("The scenario has changed since you opened it; look at its values again."))
    scenario.adoption_proposed_by, scenario.adoption_proposed_at = actor, timezone.now()
    scenario.adoption_fingerprint = fingerprint
    scenario.save()
    return scenario


@transaction.atomic
def scenario_adoption_confirm(*, actor, scenario: Scenario, fingerprint: str) -> list:
    """A second administrator confirms the very values the first proposed: each becomes a dated parameter value
    (the parameter service: history, a date already taken refused), linked to the scenario."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    require(can_adopt_scenarios(actor, scenario.city))
    if scenario.adopted_at is not None:
        raise Conflict(_("This scenario has already been adopted."))
    if scenario.adoption_proposed_by_id is None:
        raise Conflict(_("No administrator has proposed to adopt this scenario."))
    if scenario.adoption_proposed_by_id == actor.pk:
        raise PermissionDenied(_("A second administrator confirms the adoption, not the one who proposed it."))
    current = adoption_fingerprint(scenario)
    if fingerprint != scenario.adoption_fingerprint or current != scenario.adoption_fingerprint:
        raise Conflict(_("The values differ from those proposed; the proposal must be made again."))
    source = _("Scenario “%(name)s” (#%(pk)s), adopted") % {"name": scenario.name, "pk": scenario.pk}
    added = []
    for row in scenario.values.select_related("parameter").order_by("parameter__code", "valid_from"):
        value = parameter_value_add(
            actor=actor, parameter=row.parameter, valid_from=row.valid_from, value=row.value, source=source[:255]
        )
        value.scenario = scenario
        value.save(update_fields=["scenario"])
        added.append(value)
    scenario.adopted_by, scenario.adopted_at = actor, timezone.now()
    scenario.save()
    return added
