"""Answers to the open questions (docs/facts.md "Recorded answers"): a caseworker answers on the person's
可能符合的政策 tab and the tab re-screens at once; each answer is kept where the fact catalogue says (a field of the
person's record, or the person's recorded answers with history and author); an applicant's statement is never
official until a caseworker confirms it; bad input names the fact and stores nothing."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.audit import acting_as
from accounts.models import Membership, Role
from benefits.models import FactAnswer
from benefits.rules.facts import Facts
from benefits.rules.questions import catalogue, question_for
from benefits.screening.answers import answered_here, clean_answer, with_answers
from benefits.screening.screen import screen_person
from benefits.screening.services import (
    fact_answer_confirm,
    fact_answer_record,
    fact_answer_state,
    fact_answer_withdraw,
)
from casework import services
from casework.models import Person
from core.errors import PermissionDenied
from tests.factories import UserFactory

from .test_open_questions import flexible_graduate

pytestmark = pytest.mark.django_db

D = datetime.date
FLEXIBLE_SI = "dalian_graduate_flexible_si_subsidy"
PAYING = "person.employment.paying_social_insurance"


DAY = D(2026, 12, 1)


def decision(person, program=FLEXIBLE_SI):
    return next(r for r in screen_person(person=person, as_of=DAY)["results"] if r["program"] == program)


def open_facts(person) -> set[str]:
    return {q["fact"] for q in screen_person(person=person, as_of=DAY)["open_questions"]}


@pytest.fixture
def flexible(world, graduate):
    """张三, the 2026 graduate on the 离校未就业 register, in flexible employment since 2026-09-01."""
    services.employment_record_add(actor=world.alice, person=graduate, status="flexible", started_on=D(2026, 9, 1))
    return graduate


# --- what an answer means -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, raw, value",
    [
        (PAYING, "yes", True),
        (PAYING, False, False),
        ("business", "no", False),
        ("loan.annual_rate", "4.35", "0.0435"),
        ("loan.principal_cny", "100000", "100000.00"),
        ("business.registered_on", "2026-03-01", "2026-03-01"),
        ("training.certificate_level", "4", 4),
        ("person.skill_upgrade_levels_received", ["5", "4"], [4, 5]),
        ("person.skill_upgrade_levels_received", [], []),
        ("person.work_away_from_hukou", "other_city", "other_city"),
        ("business.county", "  甘井子区 ", "甘井子区"),
        ("person.ui_insured_months", "14", 14),
    ],
)
def test_an_answer_becomes_the_facts_value(path, raw, value):
    assert clean_answer(question_for(path), raw) == value


@pytest.mark.parametrize(
    "path, raw",
    [
        ("business.registered_on", "9999-12-31"),
        ("business.registered_on", "2026-02-30"),
        ("business.county", "甘井子\x00区"),
        ("business.county", "甘井子\x1b区"),
        ("loan.principal_cny", "-5"),
        ("loan.principal_cny", "1e400"),
        ("loan.annual_rate", "101"),
        ("loan.term_months", "0"),
        ("training.certificate_level", "6"),
        (PAYING, "maybe"),
        (PAYING, {"nested": [[[]]]}),
        ("person.ui_insured_months", "99999999999999999999"),
    ],
)
def test_a_bad_answer_names_the_fact(path, raw):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        clean_answer(question_for(path), raw)
    label = question_for(path).label[1]
    assert all(message.startswith(f"{label}：") or message.startswith(label) for message in caught.value.messages)


def test_every_question_answered_here_gives_a_value_the_facts_format_takes():
    samples = {"yes_no": "yes", "section": "yes", "date": "2025-03-01", "integer": "12", "money": "3000"}
    samples |= {"rate": "4", "text": "中山区"}
    document = flexible_graduate()
    answers = []
    for path, question in catalogue().items():
        if not answered_here(question) or question.recorded != "answers":
            continue
        raw = samples.get(question.type) or [question.choices[0][0]]
        raw = raw[0] if question.type == "choice" else raw
        answers.append((path, clean_answer(question, raw), D(2026, 11, 1)))
    assert len(answers) >= 35
    merged = with_answers(document, answers)
    Facts.parse(merged)  # raises FactsError listing what the schema refuses
    assert merged["business"]["lease"]["monthly_rent_cny"] == "3000.00"
    assert merged["person"]["employment"][0]["paying_social_insurance"] is True


def test_the_records_win_and_a_section_said_not_to_exist_drops_its_details():
    document = flexible_graduate(education="bachelor")
    with_answers(
        document,
        [
            ("business", False, D(2026, 11, 1)),
            ("business.registered_on", "2026-01-01", D(2026, 11, 1)),
            ("loan.principal_cny", "5000.00", D(2026, 11, 1)),  # nobody said there is a loan
            ("person.retirement_category", "female_55", D(2026, 11, 1)),
        ],
    )
    assert document["none"] == ["business"]
    assert "business" not in document and "loan" not in document
    assert document["person"]["retirement_category"] == "female_55"


def test_an_answer_about_the_current_work_does_not_carry_over_to_a_later_job():
    document = flexible_graduate(
        employment=[
            {"status": "flexible", "from": "2025-01-01", "to": "2026-05-31"},
            {"status": "employed", "from": "2026-06-01"},
        ]
    )
    with_answers(document, [(PAYING, True, D(2026, 3, 1))])
    assert all("paying_social_insurance" not in spell for spell in document["person"]["employment"])


# --- the caseworker records, the screening reads ---------------------------------------------------------------


def test_a_caseworkers_answer_settles_the_program_and_leaves_history(world, flexible):
    assert decision(flexible)["eligible"] is None
    assert PAYING in open_facts(flexible)
    with acting_as(world.alice):  # as a request of hers would
        answer = fact_answer_record(actor=world.alice, person=flexible, path=PAYING, value="yes")
    assert decision(flexible)["eligible"] is True
    assert PAYING not in open_facts(flexible)
    assert answer.source == "caseworker" and answer.confirmed_by == world.alice
    with acting_as(world.alice):
        fact_answer_record(actor=world.alice, person=flexible, path=PAYING, value="no")
    assert decision(flexible)["eligible"] is False
    history = list(FactAnswer.history.filter(person=flexible).order_by("history_date"))
    assert [row.value for row in history] == [True, False]
    assert {row.history_user for row in history} == {world.alice}


def test_an_answer_the_person_record_keeps_is_written_there(world, people):
    li = people["li"]
    fact_answer_record(actor=world.bob, person=li, path="person.education", value="junior_college")
    li.refresh_from_db()
    assert li.education == "junior_college"
    assert not FactAnswer.objects.filter(person=li).exists()
    assert li.history.first().education == "junior_college"


def test_withdrawing_opens_the_question_again(world, flexible):
    answer = fact_answer_record(actor=world.alice, person=flexible, path=PAYING, value="yes")
    fact_answer_withdraw(actor=world.alice, answer=answer)
    assert decision(flexible)["eligible"] is None
    assert PAYING in open_facts(flexible)
    assert FactAnswer.history.filter(person=flexible, history_type="-").exists()


def test_a_refused_answer_stores_nothing(world, flexible):
    with pytest.raises(ValidationError):
        fact_answer_record(actor=world.alice, person=flexible, path="business.registered_on", value="9999-12-31")
    with pytest.raises(ValidationError):
        fact_answer_record(actor=world.alice, person=flexible, path="person.employment", value="flexible")
    with pytest.raises(ValidationError):
        fact_answer_record(actor=world.alice, person=flexible, path="no.such.fact", value="yes")
    assert not FactAnswer.objects.exists()


def test_only_who_keeps_the_persons_records_answers(world, flexible):
    auditor = UserFactory(username="audrey", full_name="审计")
    Membership.objects.create(user=auditor, unit=world.dalian, role=Role.AUDITOR)
    for outsider in (world.carol, auditor, world.dan):
        with pytest.raises(PermissionDenied):
            fact_answer_record(actor=outsider, person=flexible, path=PAYING, value="yes")
    assert not FactAnswer.objects.exists()


# --- the applicant states, a caseworker confirms -----------------------------------------------------------------


def test_what_the_applicant_states_is_official_only_once_confirmed(world, flexible):
    Person.objects.filter(pk=flexible.pk).update(account=world.dan)
    flexible.refresh_from_db()
    stated = fact_answer_state(actor=world.dan, person=flexible, path=PAYING, value=True)
    assert stated.confirmed_at is None
    assert decision(flexible)["eligible"] is None  # the record's screening does not read it
    fact_answer_confirm(actor=world.alice, answer=stated)
    assert decision(flexible)["eligible"] is True
    with pytest.raises(ValidationError):  # the job center's answer is not overwritten by a statement
        fact_answer_state(actor=world.dan, person=flexible, path=PAYING, value=False)
    assert decision(flexible)["eligible"] is True


def test_an_applicant_states_only_about_their_own_record(world, flexible):
    with pytest.raises(PermissionDenied):
        fact_answer_state(actor=world.erin, person=flexible, path=PAYING, value=True)


def test_a_confirmed_statement_the_person_record_keeps_is_written_there(world, people):
    li = people["li"]
    Person.objects.filter(pk=li.pk).update(account=world.dan)
    li.refresh_from_db()
    stated = fact_answer_state(actor=world.dan, person=li, path="person.is_disabled", value="yes")
    li.refresh_from_db()
    assert li.is_disabled is False
    fact_answer_confirm(actor=world.bob, answer=stated)
    li.refresh_from_db()
    assert li.is_disabled is True


# --- the console tab ------------------------------------------------------------------------------------------------


def tab_url(person):
    return reverse("casework:person-detail", args=[person.pk]) + "?tab=eligibility&as_of=2026-12-01"


def answer(client, person, path, value, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"path": path, "value": value, "as_of": "2026-12-01"}
    return client.post(reverse("benefits:person-answer", args=[person.pk]), data, **headers)


def test_the_tab_answers_in_place_and_re_screens(world, flexible, console_as):
    client = console_as(world.alice)
    with translation.override("zh-hans"):
        page = client.get(tab_url(flexible), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-fact="{PAYING}"' in page and 'name="path"' in page
    response = answer(client, flexible, PAYING, "yes")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card eligibility"')  # the tab itself, for HTMX to swap
    likely = body.split("To check: facts missing")[0] if "To check" in body else body.split("待核实")[0]
    assert "dalian_graduate_flexible_si_subsidy" in likely
    assert f'data-fact="{PAYING}"' in body  # now among the recorded answers
    assert FactAnswer.objects.get(person=flexible, path=PAYING).value is True


def test_a_bad_answer_on_the_tab_is_said_next_to_its_question(world, flexible, console_as):
    client = console_as(world.alice)
    response = answer(client, flexible, "business", "perhaps")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not FactAnswer.objects.exists()
    plain = answer(client, flexible, PAYING, "yes", htmx=False)
    assert plain.status_code == 302 and "tab=eligibility" in plain["Location"]


def test_the_tab_denies_who_may_not_answer(world, flexible, console_as):
    assert answer(console_as(world.carol), flexible, PAYING, "yes").status_code == 404
    auditor = UserFactory(username="audrey", full_name="审计")
    Membership.objects.create(user=auditor, unit=world.dalian, role=Role.AUDITOR)
    client = console_as(auditor)
    page = client.get(tab_url(flexible)).content.decode()
    assert 'name="path"' not in page  # questions are shown, not answered
    assert answer(client, flexible, PAYING, "yes").status_code == 200
    assert not FactAnswer.objects.exists()


def test_confirm_and_withdraw_on_the_tab(world, flexible, console_as):
    Person.objects.filter(pk=flexible.pk).update(account=world.dan)
    flexible.refresh_from_db()
    stated = fact_answer_state(actor=world.dan, person=flexible, path=PAYING, value=True)
    client = console_as(world.alice)
    page = client.get(tab_url(flexible)).content.decode()
    assert re.search(r"stated by the applicant|申请人自述", page)
    url = reverse("benefits:answer-action", args=[stated.pk, "confirm"])
    assert console_as(world.carol).post(url, {"as_of": "2026-12-01"}).status_code == 404
    client = console_as(world.alice)
    assert client.post(url, {"as_of": "2026-12-01"}, HTTP_HX_REQUEST="true").status_code == 200
    assert FactAnswer.objects.get(pk=stated.pk).confirmed_by == world.alice
    client.post(reverse("benefits:answer-action", args=[stated.pk, "withdraw"]), {"as_of": "2026-12-01"})
    assert not FactAnswer.objects.exists()
    assert client.post(reverse("benefits:answer-action", args=[stated.pk, "nonsense"])).status_code == 404


def test_the_home_count_of_statements_to_confirm_is_the_list_it_opens(world, flexible, console_as):
    Person.objects.filter(pk=flexible.pk).update(account=world.dan)
    flexible.refresh_from_db()
    stated = fact_answer_state(actor=world.dan, person=flexible, path=PAYING, value=True)
    listing = reverse("benefits:stated-answer-list")
    client = console_as(world.alice)
    home = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{listing}" data-count="1"' in home
    rows = client.get(listing).content.decode()
    assert rows.count(f'<tr data-fact="{PAYING}">') == 1 and flexible.name in rows
    assert flexible.id_number not in rows  # masked
    other = console_as(world.carol)
    assert f'href="{listing}" data-count="0"' in other.get(reverse("accounts:home")).content.decode()
    assert flexible.name not in other.get(listing).content.decode()
    client = console_as(world.alice)
    fact_answer_confirm(actor=world.alice, answer=stated)  # confirmed: off the list at once
    assert f'href="{listing}" data-count="0"' in client.get(reverse("accounts:home")).content.decode()
    assert f'<tr data-fact="{PAYING}">' not in client.get(listing).content.decode()
