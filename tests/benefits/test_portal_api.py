"""The applicant's own endpoints (/api/v1/me/): an applicant applies for themself through the same services as a
caseworker, sees only their own applications in applicant-facing words, and cannot reach anyone else's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification
from benefits.applications.services import application_approve, application_recommend
from benefits.models import Application, Entitlement
from casework.models import Person

from .workflow import JOB_SEEKING, TODAY

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def claimed(world, graduate, people):
    """dan has claimed 张三's record and erin 李四's (the claim itself is the portal's)."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    Person.objects.filter(pk=people["li"].pk).update(account=world.erin)
    return graduate


def apply(client, **extra):
    body = {"program": JOB_SEEKING, "requested_start": TODAY.isoformat(), **extra}
    return client.post(reverse("api:benefits:my-application-list"), body, format="json")


def act(client, pk, action):
    return client.post(reverse("api:benefits:my-application-action", args=[pk, action]))


def test_an_applicant_applies_for_themself_and_follows_it_in_their_own_words(world, claimed, api_as):
    dan = api_as(world.dan)
    created = apply(dan, state="approved", person=999, amount_cny="99999", facts={"person": {}}, note="请尽快")
    assert created.status_code == 201, created.json()
    body = created.json()
    application = Application.objects.get(pk=body["id"])
    # the party, the unit and the state come from the server, whatever the client sends
    assert (application.person, application.unit, application.state) == (claimed, claimed.residence_unit, "draft")
    assert application.created_by == world.dan and application.facts == {}
    assert body["status"] == "preparing" and body["note"] == "请尽快"
    assert not {"state", "decided_by", "override_reason", "facts", "decision", "recommended_by"} & set(body)

    upload = SimpleUploadedFile("diploma.pdf", PDF, content_type="application/pdf")
    attached = dan.post(
        reverse("api:benefits:my-evidence-list", args=[application.pk]), {"file": upload, "label": "毕业证书"}
    )
    assert attached.status_code == 201
    file_url = reverse("api:benefits:my-evidence-file", args=[application.pk, attached.json()["id"]])
    assert b"".join(dan.get(file_url).streaming_content) == PDF

    assert act(dan, application.pk, "submit").json()["status"] == "under_review"
    assert Notification.objects.filter(recipient=world.alice, link__contains=f"/{application.pk}/").exists()
    assert act(dan, application.pk, "recommend").status_code == 404  # not an applicant's step
    staff_step = reverse("api:benefits:application-transition", args=[application.pk, "recommend"])
    assert dan.post(staff_step).status_code == 404  # the staff endpoints do not see it either

    application_recommend(actor=world.alice, application=application)
    application_approve(actor=world.bob, application=application, note="材料齐全")
    dan = api_as(world.dan)
    detail = dan.get(reverse("api:benefits:my-application-detail", args=[application.pk])).json()
    assert (detail["status"], detail["status_label"], detail["message"]) == ("approved", "已批准", "材料齐全")
    assert [step["status"] for step in detail["timeline"]] == ["preparing", "under_review", "approved"]
    assert detail["entitlement"]["status"] == "active"
    grants = dan.get(reverse("api:benefits:my-entitlement-list")).json()
    assert [grant["id"] for grant in grants["results"]] == [Entitlement.objects.get().pk]


def test_an_applicant_reaches_nothing_of_anyone_else(world, claimed, api_as):
    dan = api_as(world.dan)
    pk = apply(dan).json()["id"]
    erin = api_as(world.erin)
    for url in (
        reverse("api:benefits:my-application-detail", args=[pk]),
        reverse("api:benefits:my-evidence-list", args=[pk]),
        reverse("api:benefits:my-evidence-file", args=[pk, 1]),
        reverse("api:benefits:application-detail", args=[pk]),
    ):
        assert erin.get(url).status_code == 404, url
    assert act(erin, pk, "withdraw").status_code == 404
    assert erin.get(reverse("api:benefits:my-application-list")).json()["count"] == 0
    assert erin.get(reverse("api:benefits:application-list")).json()["count"] == 0
    assert Application.objects.get(pk=pk).state == "draft"
    # staff see nothing under /me/
    assert api_as(world.alice).get(reverse("api:benefits:my-application-list")).json()["count"] == 0


def test_an_applicant_without_a_claimed_record_is_told_to_claim_it(world, graduate, api_as):
    refused = apply(api_as(world.dan))
    assert refused.status_code == 403 and "认领" in refused.json()["message"]
    assert not Application.objects.exists()


def test_an_applicant_withdraws_and_bad_input_names_the_field(world, claimed, api_as):
    dan = api_as(world.dan)
    bad = apply(dan, requested_start="2026-02-30")
    assert bad.status_code == 400 and "requested_start" in bad.json()["fields"]
    other_city = apply(dan, program="jinan_one_time_startup_subsidy")
    assert other_city.status_code == 400 and "program" in other_city.json()["fields"]
    pk = apply(dan).json()["id"]
    assert act(dan, pk, "withdraw").json()["status"] == "withdrawn"
    assert act(dan, pk, "submit").status_code == 409


def test_the_portal_names_programs_and_registers_in_the_readers_language(world, claimed, api_as):
    from benefits.models import Program
    from casework.models import Register

    dan = api_as(world.dan)
    created = apply(dan).json()
    program = Program.objects.get(code=JOB_SEEKING)
    assert created["program_name"] == program.name_zh
    english = dan.get(reverse("api:benefits:my-application-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["program_name"] == program.name_en != program.name_zh
    registers = dan.get(reverse("api:casework:my-register-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    graduates = Register.objects.get(code=registers[0]["register"])
    assert registers[0]["register_name"] == graduates.name_en
