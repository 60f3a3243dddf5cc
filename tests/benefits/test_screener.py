"""The portal's adaptive screener (docs/facts.md "Recorded answers"): after city, birth date and situation it asks
only the open questions, most informative first, until none is left; five typical applicants (one per city) are
settled in at most 8 questions. Anonymous answers go into the facts document sent (nothing stored); a signed-in
applicant's answers are stated on their record, for a caseworker to confirm, and never asked twice."""

import datetime

import pytest
from django.urls import reverse

from benefits.bench.questions import TYPICAL, ask_until_settled, first_answers
from benefits.models import FactAnswer
from benefits.screening.screen import screen_person
from casework import services
from casework.models import Person

pytestmark = pytest.mark.django_db

FLEXIBLE_SI = "dalian_graduate_flexible_si_subsidy"
PAYING = "person.employment.paying_social_insurance"


@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_a_typical_applicant_is_settled_in_at_most_eight_questions(name):
    walk = ask_until_settled(TYPICAL[name])
    assert walk["left"] == []  # nothing more the screener would ask
    assert 1 <= len(walk["asked"]) <= 8, walk["asked"]
    assert len(set(walk["asked"])) == len(walk["asked"])  # never the same question twice
    assert walk["unknown_after"] < walk["unknown_before"]
    for r in walk["result"]["results"]:  # what is still unknown waits on someone else, and says who
        if r["eligible"] is None:
            waiting = {item["fact"] for item in walk["result"]["waiting_on"]}
            unknown = [x for x in r["reasons"] if x["met"] is None]
            assert all(set(x["missing"]) <= waiting or not x["missing"] for x in unknown), r


def test_the_flexible_graduate_reaches_the_flexible_employment_subsidy():
    walk = ask_until_settled(TYPICAL["dalian-graduate"])
    assert PAYING in walk["asked"]
    assert FLEXIBLE_SI in walk["likely_after"]


def answers_api(api, facts, answers):
    return api.post(reverse("api:benefits:screen-answers"), {"facts": facts, "answers": answers}, format="json")


def test_the_answers_api_applies_the_answers_and_marks_what_it_asks(api):
    facts = first_answers(TYPICAL["dalian-graduate"])
    before = answers_api(api, facts, [])
    assert before.status_code == 200, before.json()
    questions = {q["fact"]: q for q in before.json()["open_questions"]}
    registers = questions["person.registers"]
    assert registers["answerable"] is True and registers["recorded"] == "register"
    assert "unemployed_graduates_after_leaving" in {c["value"] for c in registers["choices"]}
    answers = [
        {"fact": "person.registers", "value": ["unemployed_graduates_after_leaving"]},
        {"fact": "person.education", "value": "bachelor"},
        {"fact": "person.graduation_date", "value": "2025-07-01"},
        {"fact": PAYING, "value": True},
    ]
    after = answers_api(api, facts, answers).json()
    flexible = next(r for r in after["results"] if r["program"] == FLEXIBLE_SI)
    assert flexible["eligible"] is True
    assert not {a["fact"] for a in answers} & {q["fact"] for q in after["open_questions"]}


@pytest.mark.parametrize(
    "answer, where",
    [
        ({"fact": "person.graduation_date", "value": "9999-12-31"}, "value"),
        ({"fact": "person.registers", "value": ["no_such_register"]}, "value"),
        ({"fact": "business.county", "value": "区\x00"}, "value"),
        ({"fact": PAYING, "value": {"a": [[[[{}]]]]}}, "value"),
        ({"fact": "business.evidence.borrower_eligible", "value": True}, "fact"),
        ({"fact": "training.interns", "value": []}, "fact"),
        ({"fact": "x" * 101, "value": True}, "fact"),
    ],
)
def test_a_bad_answer_is_refused_naming_its_row(api, answer, where):
    facts = first_answers(TYPICAL["dalian-graduate"])
    response = answers_api(api, facts, [{"fact": PAYING, "value": True}, answer])
    assert response.status_code == 400
    fields = response.json()["fields"]
    # the row and its field: {"answers": {"1": {"value": …}}}, or a control character refused anywhere in the body
    # before it is read, as its JSON path
    named = fields.get("answers", {}).get("1", {}) if "answers" in fields else {}
    assert where in named or list(fields) == [f"answers/1/{where}"], fields
    assert "0" not in fields.get("answers", {})


def test_a_bad_facts_document_is_refused(api):
    assert answers_api(api, {"city": "atlantis"}, []).status_code == 400
    assert answers_api(api, ["not", "an", "object"], []).status_code == 400


# --- a signed-in applicant ---------------------------------------------------------------------------------------


@pytest.fixture
def claimed(world, graduate):
    """dan has claimed 张三's record: a 2026 graduate on the register, in flexible employment."""
    services.employment_record_add(
        actor=world.alice, person=graduate, status="flexible", started_on=datetime.date(2026, 9, 1)
    )
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    graduate.refresh_from_db()
    return graduate


def test_a_signed_in_applicant_states_answers_a_caseworker_confirms(world, claimed, api_as):
    dan = api_as(world.dan)
    mine = dan.get(reverse("api:benefits:my-program-list")).json()
    questions = {q["fact"]: q for q in mine["open_questions"]}
    assert questions[PAYING]["answerable"] is True
    assert "person.education" not in questions  # the record holds it: never asked
    assert "person.registers" not in questions

    stated = dan.post(reverse("api:benefits:my-answer-list"), {"fact": PAYING, "value": True}, format="json")
    assert stated.status_code == 201, stated.json()
    assert stated.json()["confirmed"] is False and stated.json()["answer"]

    mine = dan.get(reverse("api:benefits:my-program-list")).json()  # my own view reads what I stated
    assert next(r for r in mine["results"] if r["program"] == FLEXIBLE_SI)["eligible"] is True
    assert PAYING not in {q["fact"] for q in mine["open_questions"]}
    official = screen_person(person=claimed, as_of=datetime.date.today())  # the record's does not, yet
    assert next(r for r in official["results"] if r["program"] == FLEXIBLE_SI)["eligible"] is None

    from benefits.screening.services import fact_answer_confirm

    fact_answer_confirm(actor=world.alice, answer=FactAnswer.objects.get(person=claimed, path=PAYING))
    official = screen_person(person=claimed, as_of=datetime.date.today())
    assert next(r for r in official["results"] if r["program"] == FLEXIBLE_SI)["eligible"] is True
    listed = dan.get(reverse("api:benefits:my-answer-list")).json()
    assert [(a["fact"], a["confirmed"]) for a in listed] == [(PAYING, True)]
    again = dan.post(reverse("api:benefits:my-answer-list"), {"fact": PAYING, "value": False}, format="json")
    assert again.status_code == 400 and PAYING in again.json()["fields"]


def test_the_applicant_answers_only_for_their_own_record(world, claimed, api_as, api):
    erin = api_as(world.erin)  # no record claimed
    assert (
        erin.post(reverse("api:benefits:my-answer-list"), {"fact": PAYING, "value": True}, format="json").status_code
        == 403
    )
    assert erin.get(reverse("api:benefits:my-answer-list")).status_code == 403
    assert api.__class__().get(reverse("api:benefits:my-answer-list")).status_code in (401, 403)
    dan = api_as(world.dan)
    refused = dan.post(reverse("api:benefits:my-answer-list"), {"fact": "person.registers", "value": []}, format="json")
    assert refused.status_code == 400  # the job centre records registers
    assert not FactAnswer.objects.exists()
