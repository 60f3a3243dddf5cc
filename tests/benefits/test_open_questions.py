"""A screening names what it does not know as questions (docs/facts.md "Open questions"): the missing facts grouped
into the fact catalogue's questions, each with the programs it would help settle, those settling the most first;
what a panel, an agency or an administrator decides is listed apart and never asked. Answering the questions
settles every program except those."""

import copy

import pytest
from django.utils import translation

from benefits.rules.questions import question_for
from benefits.screening.screen import screen_document

from .test_engine import CITIES

pytestmark = pytest.mark.django_db

FLEXIBLE_SI = "dalian_graduate_flexible_si_subsidy"


def flexible_graduate(city="dalian", **person) -> dict:
    """A 2024 graduate on the 离校未就业 register, in flexible employment since 2025 (the issue's example)."""
    return {
        "city": city,
        "as_of": "2026-11-21",
        "person": {
            "birth_date": "2001-05-01",
            "sex": "F",
            "education": "bachelor",
            "graduation_date": "2024-07-01",
            "hukou_local": True,
            "registers": [{"code": "unemployed_graduates_after_leaving", "since": "2024-08-01"}],
            "employment": [{"status": "flexible", "from": "2025-01-01"}],
            **person,
        },
    }


def result(answer, program):
    return next(r for r in answer["results"] if r["program"] == program)


def asked(answer) -> dict:
    return {question["fact"]: question for question in answer["open_questions"]}


def test_the_flexible_employment_subsidy_asks_whether_social_insurance_is_paid():
    answer = screen_document(flexible_graduate())
    assert result(answer, FLEXIBLE_SI)["eligible"] is None
    question = asked(answer)["person.employment.paying_social_insurance"]
    assert FLEXIBLE_SI in [program["program"] for program in question["programs"]]
    assert question["type"] == "yes_no"
    with translation.override("zh-hans"):
        chinese = asked(screen_document(flexible_graduate()))["person.employment.paying_social_insurance"]
    assert chinese["question"] == "目前这份工作是否在缴纳社会保险？"
    assert chinese["recorded_in"] and "answers" not in chinese["recorded_in"]


def test_the_answer_settles_the_program():
    document = flexible_graduate(
        employment=[{"status": "flexible", "from": "2025-01-01", "paying_social_insurance": True}]
    )
    answer = screen_document(document)
    assert result(answer, FLEXIBLE_SI)["eligible"] is True
    assert "person.employment.paying_social_insurance" not in asked(answer)


def test_questions_that_settle_more_programs_come_first():
    questions = screen_document(flexible_graduate())["open_questions"]
    counts = [len(question["programs"]) for question in questions]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1


def test_a_section_is_asked_before_its_details():
    facts = asked(screen_document(flexible_graduate()))
    # whether there is a business, a loan, a course: one question, their details only after "yes"
    assert {"business", "loan", "training"} <= {choice["value"] for choice in facts["sections"]["choices"]}
    assert not any(fact.split(".")[0] in ("business", "loan", "training") for fact in facts)
    opened = asked(screen_document({**flexible_graduate(), "business": {}, "none": ["loan", "training"]}))
    assert "sections" not in opened and any(fact.startswith("business.") for fact in opened)


def test_hardship_circumstances_are_one_question_of_what_is_not_on_record():
    document = flexible_graduate(is_disabled=False)
    question = asked(screen_document(document)).get("circumstances")
    assert question is not None and question["type"] == "flags"
    offered = {choice["value"] for choice in question["choices"]}
    assert "person.has_student_loan" in offered
    assert "person.is_disabled" not in offered  # the document says it already


def test_no_business_settles_the_start_up_programs_as_not_met_and_says_so():
    before = screen_document(flexible_graduate())
    after = screen_document({**flexible_graduate(), "none": ["business", "loan", "training"]})
    unknown = lambda answer: {r["program"] for r in answer["results"] if r["eligible"] is None}  # noqa: E731
    assert unknown(after) < unknown(before)
    assert not any(fact.split(".")[0] in ("business", "loan", "training") for fact in asked(after))
    settled = [r for r in after["results"] if r["program"] in unknown(before) - unknown(after)]
    assert settled and all(r["eligible"] is False for r in settled)
    with translation.override("zh-hans"):
        after = screen_document({**flexible_graduate(), "none": ["business"]})
    details = [x["detail"] for r in after["results"] for x in r["reasons"] if x["detail"].startswith("没有")]
    assert "没有：本人经营实体" in details


def test_what_others_decide_is_never_asked():
    answer = screen_document({**flexible_graduate(), "business": {"kind": "individual_business"}})
    waiting = {item["fact"]: item for item in answer["waiting_on"]}
    assert any(fact.endswith(".evidence.borrower_eligible") for fact in waiting) or waiting
    assert not any(".evidence." in fact for fact in asked(answer))
    for item in answer["waiting_on"]:
        assert item["decided_by"] and item["programs"]


# --- sufficiency: answering every question leaves only what others decide ----------------------------------

TRUTH = {  # a plain answer per type, as a caseworker would record it
    "yes_no": False,
    "date": "2025-03-01",
    "integer": 12,
    "money": "3000",
    "rate": "0.04",
    "text": "某某区",
    "registers": [],
    "employment": [],
    "records": [],
    "choices": [],
}


def record(document: dict, question: dict) -> None:
    """Write the plain answer to ``question`` where its path says (into every row of a list on the way)."""
    if question["type"] == "section":
        document["none"] = sorted({*document.get("none", []), question["fact"]})
        return
    if question["type"] == "flags":  # none of the group applies (a section of it: there is none)
        for choice in question["choices"]:
            member = question_for(choice["value"])
            record(document, {"type": "section" if member.type == "section" else "yes_no", "fact": member.path})
        return
    value = question["choices"][0]["value"] if question["type"] == "choice" else TRUTH[question["type"]]
    parts = question["fact"].split(".")
    nodes = [document]
    for part in parts[:-1]:
        following = []
        for node in nodes:
            child = node.setdefault(part, {})
            following.extend(child if isinstance(child, list) else [child])
        nodes = following
    for node in nodes:
        node[parts[-1]] = value


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize(
    "person",
    [{}, {"employment": [{"status": "unemployed", "from": "2026-01-01"}], "registers": []}],
    ids=["graduate", "unemployed"],
)
def test_answering_every_question_leaves_only_what_others_decide(city, person):
    document = copy.deepcopy(flexible_graduate(city, **person))
    asked_count = 0
    for _round in range(60):
        answer = screen_document(document)
        if not answer["open_questions"]:
            break
        record(document, answer["open_questions"][0])
        asked_count += 1
    assert answer["open_questions"] == [], answer["open_questions"][:1]
    waiting = {item["fact"] for item in answer["waiting_on"]}
    for r in answer["results"]:
        if r["eligible"] is None:
            unknown = [x for x in r["reasons"] if x["met"] is None]
            assert all(x["condition"] == "not_quantified" or set(x["missing"]) <= waiting for x in unknown), r
    assert asked_count <= 40


def test_what_the_facts_already_hold_is_never_asked():
    """A reason may name every fact it reads (education and graduation date); only the one not given is asked."""
    document = flexible_graduate(education="senior")
    del document["person"]["graduation_date"]
    facts = asked(screen_document(document))
    assert "person.graduation_date" in facts
    assert "person.education" not in facts
