"""Every fact path a rule reads or names as missing has a name in both languages (benefits/rules/names.py), so a
reason never shows a raw path: every program of every city is decided on an empty document, a graduate's and an
organization's, with the reads traced."""

import pytest
from django.utils import translation

from benefits.catalogue.selectors import params_for_city, program_infos
from benefits.models import Parameter
from benefits.rules.facts import Facts
from benefits.rules.names import FACT_LABELS, fact_label
from benefits.rules.registry import decide

from .test_engine import CITIES, graduate

pytestmark = pytest.mark.django_db


def documents(city):
    yield {"city": city, "as_of": "2026-11-21", "subject": "person", "person": {}}
    yield graduate(city)
    yield {"city": city, "as_of": "2026-11-21", "subject": "organization", "organization": {}}


def read_and_missing(city) -> set[str]:
    paths = set()
    params = params_for_city(city=city)
    for document in documents(city):
        for program in program_infos(city=city):
            facts = Facts(document)
            facts.trace = []
            decision = decide(program, facts, params)
            paths |= {question[1] for question, _answer in facts.trace if question[0] == "get"}
            paths |= {path for reason in decision.reasons for path in reason.missing}
    return paths


@pytest.mark.parametrize("city", CITIES)
def test_every_fact_a_rule_reads_has_a_name_in_both_languages(city):
    paths = read_and_missing(city)
    assert paths
    parameters = set(Parameter.objects.values_list("code", flat=True))
    unnamed = sorted(path for path in paths if path not in {*FACT_LABELS, *parameters} and ".evidence." not in path)
    assert unnamed == [], unnamed
    with translation.override("zh-hans"):
        assert all(fact_label(path) != path for path in paths)
    with translation.override("en"):
        assert all(fact_label(path) != path for path in paths)
