"""Reads of the policy engine: programs and parameters as the plain data rules take, and the facts of a stored
person as of a date (the one place records become facts)."""

import datetime
from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from casework.models import EmploymentRecord, HouseholdMember, Person, RegistryEntry
from casework.selectors import hukou_is_local

from .models import Parameter, ParameterValue, Program
from .rules.engine import Params, ProgramInfo


def program_infos(*, city: str) -> list[ProgramInfo]:
    return [
        ProgramInfo(
            code=p.code,
            city=p.city,
            family=p.family,
            name_zh=p.name_zh,
            payment_pattern=p.payment_pattern,
            clause=p.clause,
            once_per_lifetime=p.once_per_lifetime,
        )
        for p in Program.objects.of_city(city).order_by("family", "code")
    ]


def params_for_city(*, city: str) -> Params:
    """Every parameter of the city and the national ones, with all their dated values (a few hundred rows)."""
    parameters = Parameter.objects.filter(city__in=[city, "national"]).prefetch_related(
        Prefetch("values", queryset=ParameterValue.objects.order_by("valid_from"))
    )
    values = {p.code: [(v.valid_from, v.value) for v in p.values.all()] for p in parameters}
    return Params(values, names={p.code: p.name_zh for p in parameters})


def program_list(*, city: str = "", family: str = "", money_only: bool = False):
    programs = Program.objects.all()
    if city:
        programs = programs.filter(city=city)
    if family:
        programs = programs.filter(family=family)
    if money_only:
        programs = programs.with_money()
    return programs.order_by("city", "family", "code")


def program_get(*, code: str) -> Program:
    return get_object_or_404(Program, code=code)


def parameters_of_program(*, program: Program) -> list[Parameter]:
    """The parameters a program's rule reads (``used_by``), with their values newest first."""
    return [parameter for parameter in parameter_list(city=program.city) if program.code in parameter.used_by] + [
        parameter for parameter in parameter_list(city="national") if program.code in parameter.used_by
    ]


def parameter_list(*, city: str = "", open_only: bool = False):
    parameters = Parameter.objects.all()
    if city:
        parameters = parameters.filter(city=city)
    if open_only:
        parameters = parameters.exclude(open_code="")
    return parameters.prefetch_related(
        Prefetch("values", queryset=ParameterValue.objects.order_by("-valid_from"))
    ).order_by("city", "code")


def _spell(start, end):
    return {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}


def person_facts(*, person: Person, as_of: datetime.date) -> dict:
    """The facts document (docs/facts.md) of a stored person as of ``as_of``: only what was recorded by then."""
    entries = RegistryEntry.objects.filter(person=person, entered_on__lte=as_of).select_related("register")
    registers = [
        {
            "code": e.register.code,
            "since": e.entered_on.isoformat(),
            "until": (e.exited_on - datetime.timedelta(days=1)).isoformat() if e.exited_on else None,
        }
        for e in entries
    ]
    employment = [
        {"status": r.status, **_spell(r.started_on, r.ended_on)}
        for r in EmploymentRecord.objects.filter(person=person, started_on__lte=as_of).order_by("started_on")
    ]
    person_doc = {
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "is_disabled": person.is_disabled,
        "is_orphan": person.is_orphan,
        "has_student_loan": person.has_student_loan,
        "is_military_spouse": person.is_military_spouse,
        "is_single_parent": person.is_single_parent,
        "is_labor_model": person.is_labor_model,
        "veteran_status": person.veteran_status,
        "registers": registers,
        "employment": employment,
    }
    if person.sex == "M":
        person_doc["retirement_category"] = "male"
    optional = {
        "hukou_type": person.hukou_type,
        "education": person.education,
        "disability_grade": person.disability_grade,
        "graduation_date": person.graduation_date.isoformat() if person.graduation_date else None,
        "resident_since": person.resident_since.isoformat() if person.resident_since else None,
    }
    person_doc.update({key: value for key, value in optional.items() if value not in (None, "")})
    local = hukou_is_local(person)
    if local is not None:
        person_doc["hukou_local"] = local
    document = {
        "as_of": as_of.isoformat(),
        "city": person.residence_unit.city_code,
        "subject": "person",
        "person": person_doc,
    }
    membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
    if membership:
        household_entries = RegistryEntry.objects.filter(household=membership.household, entered_on__lte=as_of)
        document["household"] = {
            "registers": [
                {
                    "code": e.register.code,
                    "since": e.entered_on.isoformat(),
                    "until": (e.exited_on - datetime.timedelta(days=1)).isoformat() if e.exited_on else None,
                }
                for e in household_entries.select_related("register")
            ]
        }
        if membership.household.is_dibao and not any(
            r["code"] == "dibao_households" for r in document["household"]["registers"]
        ):
            since = membership.household.dibao_since
            if since is None or since <= as_of:
                document["household"]["registers"].append(
                    {"code": "dibao_households", "since": since.isoformat() if since else None}
                )
    return document


def programs_by_family() -> dict[str, list[Program]]:
    grouped = defaultdict(list)
    for program in Program.objects.order_by("family", "city"):
        grouped[program.family].append(program)
    return grouped
