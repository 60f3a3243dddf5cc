"""Reads of the policy catalogue: programs and parameters as the plain data the rules take, and the day each
city's policy took effect."""

import datetime
import functools
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from core.yamlfile import read_yaml

from ..models import (
    Parameter,
    ParameterValue,
    Program,
)
from ..rules.engine import Params, ProgramInfo

# The day taken for a policy whose text carries no date (大庆, 朝阳): docs/policy-decisions.md,
# "Dates of 大庆 and 朝阳".
UNDATED_POLICY_FROM = datetime.date(2017, 1, 1)


@functools.cache
def policy_dates() -> dict[str, datetime.date]:
    """City code → the day its policy document took effect (its date in the catalogue), the earliest day a grant
    of its programs can start."""
    path = Path(settings.BASE_DIR) / "fixtures" / "policy" / "catalogue.yaml"
    cities = read_yaml(path)["cities"]
    return {
        city["code"]: datetime.date.fromisoformat(city["issued"]) if city.get("issued") else UNDATED_POLICY_FROM
        for city in cities
    }


@functools.cache
def evidence_labels_zh() -> dict[str, str]:
    """The catalogue's evidence item (its English working note) → what the document is called in Chinese
    (fixtures/policy/evidence_zh.yaml)."""
    path = Path(settings.BASE_DIR) / "fixtures" / "policy" / "evidence_zh.yaml"
    return read_yaml(path) or {}


def evidence_label(item: str) -> str:
    """What a program's evidence item is called in the interface language: Chinese unless English is asked for."""
    from django.utils.translation import get_language

    if (get_language() or "zh").startswith("en"):
        return item
    return evidence_labels_zh().get(item, item)


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
            beneficiary=p.beneficiary,
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
    candidates = parameter_list().filter(city__in=[program.city, "national"])
    return [parameter for parameter in candidates if program.code in parameter.used_by]


def parameter_list(*, city: str = "", open_only: bool = False):
    parameters = Parameter.objects.all()
    if city:
        parameters = parameters.filter(city=city)
    if open_only:
        parameters = parameters.exclude(open_code="")
    return parameters.prefetch_related(
        Prefetch("values", queryset=ParameterValue.objects.order_by("-valid_from"))
    ).order_by("city", "code")
