"""Portal claims: an applicant links their account to their person record with its ID number, name and the code
sent to the phone on file, or with a caseworker's one-time code; an employer by its credit code, confirmed by a
caseworker. A wrong ID number and a wrong code get the same answer; wrong codes lock the account's claims."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from casework.models import ClaimAttempt, Organization, OrganizationClaim, Person
from tests.factories import ApplicantFactory, make_id_number

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    """A client of its own (``api_as`` shares one client, signed in as the last user given)."""
    client = APIClient()
    client.force_login(user)
    return client


def claim(client, id_number, name):
    return client.post(reverse("api:casework:my-claim-person"), {"id_number": id_number, "name": name}, format="json")


def confirm(client, code):
    return client.post(reverse("api:casework:my-claim-person-confirm"), {"code": code}, format="json")


def redeem(client, code):
    return client.post(reverse("api:casework:my-claim-code"), {"code": code}, format="json")


def sent_code(phone) -> str:
    body = Notification.objects.filter(channel="sms", address=phone).order_by("-pk").first().body
    return re.search(r"\d{6}", body).group(0)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1000000:06d}"


def test_an_applicant_claims_their_record_with_the_code_sent_to_the_phone_on_file(world, people):
    zhang = people["zhang"]
    dan = client_for(world.dan)
    started = claim(dan, zhang.id_number.lower(), "张三")
    assert started.status_code == 202
    confirmed = confirm(dan, sent_code(zhang.phone))
    assert confirmed.status_code == 200, confirmed.json()
    profile = confirmed.json()
    assert profile["kind"] == "person" and profile["person"]["name"] == "张三"
    assert profile["person"]["id_number_masked"] == zhang.masked_id_number != zhang.id_number
    assert zhang.phone not in str(profile)
    zhang.refresh_from_db()
    assert zhang.account == world.dan
    assert zhang.history.first().history_change_reason == "portal claim"
    assert claim(dan, people["li"].id_number, "李四").status_code == 409  # one record per account


def test_the_answer_is_the_same_whether_the_id_number_exists_or_not(world, people):
    zhang = people["zhang"]
    answers = [
        claim(client_for(world.dan), zhang.id_number, "张三"),  # matches
        claim(client_for(world.erin), zhang.id_number, "张四"),  # the right ID number with another name
    ]
    stranger = client_for(ApplicantFactory(username="frank"))
    answers.append(claim(stranger, make_id_number("210202", "19850505", 7), "无此人"))
    assert {response.status_code for response in answers} == {202}
    assert len({str(response.json()) for response in answers}) == 1
    assert Notification.objects.filter(channel="sms").count() == 1  # only the record's own phone got a code
    code = sent_code(zhang.phone)
    assert confirm(stranger, code).json() == confirm(client_for(world.erin), code).json()  # refused alike


def test_wrong_codes_lock_the_claim_for_a_while_even_for_the_right_code(world, people, settings):
    zhang = people["zhang"]
    dan = client_for(world.dan)
    claim(dan, zhang.id_number, "张三")
    code = sent_code(zhang.phone)
    first = confirm(dan, wrong(code))
    assert first.status_code == 400 and first.json()["fields"]["code"]
    for _ in range(settings.CASEWORK_CLAIM_FAILURES - 2):
        assert confirm(dan, wrong(code)).status_code == 400
    locking = confirm(dan, wrong(code))  # the fifth wrong code
    assert locking.status_code == 429 and "锁定" in locking.json()["message"]
    assert confirm(dan, code).status_code == 429  # the right code waits too
    assert redeem(dan, "ABCD2345").status_code == 429
    assert not Person.objects.filter(account__isnull=False).exists()

    # The lock passes with its window.
    ClaimAttempt.objects.update(
        created_at=timezone.now() - datetime.timedelta(minutes=settings.CASEWORK_CLAIM_LOCK_MINUTES)
    )
    assert confirm(dan, code).status_code == 200


def test_a_caseworker_hands_over_a_one_time_claim_code(world, people):
    zhang = people["zhang"]
    url = reverse("api:casework:person-claim-code", args=[zhang.pk])
    assert client_for(world.carol).post(url).status_code == 404  # another city's caseworker
    first = client_for(world.alice).post(url).json()["code"]
    issued = client_for(world.alice).post(url)
    assert issued.status_code == 201
    code = issued.json()["code"]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code)

    dan = client_for(world.dan)
    assert redeem(dan, first).status_code == 400  # a new code replaces the old one
    linked = redeem(dan, f"{code[:4].lower()}-{code[4:]}")  # typed with a dash, in lower case
    assert linked.status_code == 200 and linked.json()["person"]["name"] == "张三"
    zhang.refresh_from_db()
    assert zhang.account == world.dan

    # A handed-over code moves a record to a new account (a lost phone): the caseworker checked the person.
    again = client_for(world.alice).post(url).json()["code"]
    assert redeem(client_for(world.erin), again).status_code == 200
    zhang.refresh_from_db()
    assert zhang.account == world.erin
    assert redeem(client_for(world.erin), again).status_code == 409  # now linked: nothing more to claim


def test_an_employer_claims_an_organization_and_a_caseworker_confirms(world, records):
    organization = records["organization"]
    boss = ApplicantFactory(username="13512340000", full_name="周老板")
    dan = client_for(boss)
    unknown = dan.post(reverse("api:casework:my-claim-organization"), {"credit_code": "91350100M000100Y43"})
    assert unknown.status_code == 400 and "credit_code" in unknown.json()["fields"]
    asked = dan.post(reverse("api:casework:my-claim-organization"), {"credit_code": organization.uscc.lower()})
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    again = dan.post(reverse("api:casework:my-claim-organization"), {"credit_code": organization.uscc})
    assert again.status_code == 409
    assert world.alice.notifications.filter(subject__contains="友好物流").exists()

    assert client_for(world.carol).get(reverse("api:casework:organization-claim-list")).json()["count"] == 0
    listed = client_for(world.alice).get(reverse("api:casework:organization-claim-list"), {"status": "pending"}).json()
    assert listed["count"] == 1 and listed["results"][0]["applicant_phone_masked"] == "135****0000"
    claim_id = listed["results"][0]["id"]
    assert (
        client_for(world.carol).post(reverse("api:casework:organization-claim-confirm", args=[claim_id])).status_code
        == 404
    )
    confirmed = client_for(world.alice).post(reverse("api:casework:organization-claim-confirm", args=[claim_id]))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert Organization.objects.get(pk=organization.pk).account == boss
    assert "已确认" in Notification.objects.filter(address=boss.username).get().body
    profile = dan.get(reverse("api:casework:my-profile")).json()
    assert profile["kind"] == "organization" and profile["organization"]["credit_code"] == organization.uscc
    again = client_for(world.alice).post(reverse("api:casework:organization-claim-reject", args=[claim_id]))
    assert again.status_code == 409
    assert OrganizationClaim.objects.get().history.count() == 2


def test_my_registers_and_programs_are_my_own(world, records, people):
    Person.objects.filter(pk=records["person"].pk).update(account=world.dan)
    dan, erin = client_for(world.dan), client_for(world.erin)
    mine = dan.get(reverse("api:casework:my-register-list")).json()
    assert [row["register"] for row in mine] == ["unemployed_graduates_after_leaving", "zero_employment_households"][
        : len(mine)
    ]
    assert erin.get(reverse("api:casework:my-register-list")).json() == []
    programs = dan.get(reverse("api:benefits:my-program-list"))
    assert programs.status_code == 200 and programs.json()["city"] == "dalian" and programs.json()["results"]
    assert erin.get(reverse("api:benefits:my-program-list")).status_code == 403  # nothing claimed yet
    assert erin.get(reverse("api:casework:my-profile")).json() == {
        "kind": None,
        "person": None,
        "organization": None,
        "claims": [],
    }
    staff = client_for(world.alice)
    assert staff.get(reverse("api:casework:my-register-list")).json() == []
