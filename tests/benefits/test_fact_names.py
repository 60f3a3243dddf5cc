"""Every fact path a rule reads or names as missing has an entry in the fact catalogue (benefits/rules/questions.yaml)
with a name and a question in both languages, so a reason never shows a raw path and every missing fact can be
asked: every program of every city is decided on an empty document, a graduate's and an organization's, with the
reads traced."""

import pytest
from django.utils import translation

from benefits.catalogue.selectors import params_for_city, program_infos
from benefits.models import Parameter
from benefits.rules.facts import Facts, schema_node
from benefits.rules.names import FACT_LABELS, fact_label
from benefits.rules.questions import RECORDED, catalogue
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


@pytest.mark.parametrize("city", CITIES)
def test_every_fact_a_rule_reads_has_a_question_or_says_who_decides(city):
    paths = {path for path in read_and_missing(city) if "." in path and not path.startswith(("national.", city + "."))}
    entries = catalogue()
    assert sorted(path for path in paths if path not in entries) == []
    for path in paths:
        question = entries[path]
        if question.type == "evidence":
            assert question.decided_by and all(question.decided_by), path
        else:
            english, chinese = question.ask
            assert english.endswith("?") and chinese.endswith("？"), path
        assert question.recorded in RECORDED


def test_the_catalogues_choices_are_the_schemas_values():
    checked = 0
    for path, question in catalogue().items():
        node = schema_node(path)
        if node is None or not question.choices:
            continue
        enum = node.get("enum") or node.get("items", {}).get("enum")
        if enum:
            assert {code for code, _pair in question.choices} == set(enum), path
            checked += 1
    assert checked >= 8


def test_every_choice_and_section_reads_in_chinese():
    import re

    for path, question in catalogue().items():
        pairs = [question.label, *(pair for _code, pair in question.choices)]
        pairs += [pair for pair in (question.ask, question.help, question.decided_by) if pair]
        for english, chinese in pairs:
            assert re.search(r"[\u4e00-\u9fff]", chinese) and not re.search(r"[A-Za-z]{3,}", chinese), (path, chinese)
            assert english and english != chinese, path
