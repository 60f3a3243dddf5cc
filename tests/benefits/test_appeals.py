"""Review requests (复核申请): filed by the applicant within 60 days of a rejection, decided by a supervisor who took
no part in the decision; an overturned rejection goes back to the supervisors' normal decision."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Notification, Role
from benefits.appeals.services import (
    appeal_deadline,
    appeal_document_add,
    appeal_file,
    appeal_overturn,
    appeal_uphold,
)
from benefits.applications.services import application_approve, application_reject
from benefits.models import Appeal, Application, Entitlement
from casework.models import Person
from core.errors import Conflict, PermissionDenied
from tests.factories import UserFactory

from .workflow import recommended

pytestmark = pytest.mark.django_db
DECIDED = timezone.localdate()  # the rejection's day: the API files on the real today
DEADLINE = DECIDED + datetime.timedelta(days=60)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def vera(world):
    """韦拉, a second supervisor of 中山区, who took no part in the decision."""
    user = UserFactory(username="vera", full_name="韦拉")
    Membership.objects.create(user=user, unit=world.zhongshan, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def rejected(world, graduate):
    """张三's application, claimed by dan, recommended by alice and rejected by bob today."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    application = recommended(world, graduate)
    return application_reject(actor=world.bob, application=application, note="材料不足", on=DECIDED)


def test_the_review_period_is_sixty_days_from_the_decision(rejected):
    assert appeal_deadline(rejected) == DEADLINE


def test_an_applicant_asks_within_the_period_and_not_after(world, rejected):
    late = DEADLINE + datetime.timedelta(days=1)
    with pytest.raises(PermissionDenied, match=DEADLINE.isoformat()):
        appeal_file(actor=world.dan, application=rejected, reasons="我已找到材料", on=late)
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="我已找到材料", on=DECIDED)
    assert (appeal.status, appeal.decision_by, appeal.person, appeal.unit) == (
        "pending",
        world.bob,
        rejected.person,
        rejected.unit,
    )
    with pytest.raises(PermissionDenied):  # once per decision
        appeal_file(actor=world.dan, application=rejected, reasons="再次", on=DECIDED)
    assert Appeal.objects.count() == 1


def test_nobody_else_files_or_adds_documents(world, rejected):
    with pytest.raises(PermissionDenied):
        appeal_file(actor=world.erin, application=rejected, reasons="不是我的", on=DECIDED)
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="理由", on=DECIDED)
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        appeal_document_add(actor=world.erin, appeal=appeal, upload=upload, label="证明")
    document = appeal_document_add(actor=world.dan, appeal=appeal, upload=upload, label="证明")
    assert (document.label, document.content_type) == ("证明", "application/pdf")


def test_only_a_supervisor_who_took_no_part_reviews(world, rejected, vera):
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="理由", on=DECIDED)
    for user in (world.bob, world.alice, world.carol):  # the decider, the caseworker, another city
        with pytest.raises(PermissionDenied):
            appeal_overturn(actor=user, appeal=appeal, reason="撤销")
    with pytest.raises(Exception, match="reason"):
        appeal_uphold(actor=vera, appeal=appeal, reason="  ")
    appeal_uphold(actor=vera, appeal=appeal, reason="材料确实不足")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reviewed_by, appeal.review_reason) == ("upheld", vera, "材料确实不足")
    assert Application.objects.get(pk=rejected.pk).state == "rejected"
    with pytest.raises(Conflict):
        appeal_overturn(actor=vera, appeal=appeal, reason="改主意")


def test_an_overturned_rejection_is_decided_anew_through_the_normal_approval(world, rejected, vera):
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="我符合条件", on=DECIDED)
    assert Notification.objects.filter(recipient=vera, pending=f"appeal:{appeal.pk}:review").exists()
    assert not Notification.objects.filter(recipient=world.bob, pending=f"appeal:{appeal.pk}:review").exists()

    appeal_overturn(actor=vera, appeal=appeal, reason="原决定认定事实有误")
    application = Application.objects.get(pk=rejected.pk)
    assert (application.state, application.decided_by, application.decision) == ("recommended", None, None)
    assert not Entitlement.objects.exists()  # nothing granted on the side
    assert Notification.objects.filter(pending=f"application:{application.pk}:decide").exists()
    assert application.history.first().history_change_reason == "reopened on review"

    application_approve(actor=vera, application=application, on=DECIDED)  # the normal approval
    application.refresh_from_db()
    assert (application.state, application.decided_by) == ("approved", vera)
    assert Entitlement.objects.get().application == application


def test_the_notice_names_the_review_right_and_its_deadline(world, rejected, console_as):
    page = console_as(world.bob).get(reverse("benefits:application-notice", args=[rejected.pk]))
    text = page.content.decode()
    assert "复核" in text and DEADLINE.isoformat() in text


def test_the_applicant_files_and_follows_a_review_through_the_api(world, rejected, api_as, vera):
    dan = api_as(world.dan)
    detail = dan.get(reverse("api:benefits:my-application-detail", args=[rejected.pk])).json()
    assert detail["review"] == {"may_ask": True, "deadline": DEADLINE.isoformat(), "why_not": "", "appeal": None}
    body = {"application": rejected.pk, "reasons": "我符合条件", "status": "overturned", "reviewed_by": vera.pk}
    created = dan.post(reverse("api:benefits:my-appeal-list"), body, format="json")
    assert created.status_code == 201, created.json()
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.reviewed_by) == ("pending", None)
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    added = dan.post(reverse("api:benefits:my-appeal-documents", args=[appeal.pk]), {"file": upload, "label": "证明"})
    assert added.status_code == 201, added.json()

    erin = api_as(world.erin)
    assert erin.get(reverse("api:benefits:my-appeal-detail", args=[appeal.pk])).status_code == 404
    assert erin.post(reverse("api:benefits:my-appeal-action", args=[appeal.pk, "withdraw"])).status_code == 404
    stolen = erin.post(reverse("api:benefits:my-appeal-list"), {"application": rejected.pk, "reasons": "x"})
    assert stolen.status_code == 404
    assert erin.get(reverse("api:benefits:appeal-detail", args=[appeal.pk])).status_code == 404

    bob = api_as(world.bob)
    refused = bob.post(reverse("api:benefits:appeal-action", args=[appeal.pk, "overturn"]), {"reason": "x"})
    assert refused.status_code == 403
    vera_api = api_as(vera)
    done = vera_api.post(reverse("api:benefits:appeal-action", args=[appeal.pk, "overturn"]), {"reason": "事实有误"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "overturned"
    mine = api_as(world.dan).get(reverse("api:benefits:my-appeal-detail", args=[appeal.pk])).json()
    assert (mine["status"], mine["review_reason"]) == ("overturned", "事实有误")


@pytest.mark.parametrize(
    "body",
    [
        {"reasons": "理由\x00"},
        {"reasons": ""},
        {"reasons": "长" * 3000},
        {"application": "abc"},
        {"application": [[[[1]]]]},
    ],
)
def test_bad_input_names_the_field(world, rejected, api_as, body):
    dan = api_as(world.dan)
    response = dan.post(
        reverse("api:benefits:my-appeal-list"), {"application": rejected.pk, "reasons": "x", **body}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) & set(body)
    assert not Appeal.objects.exists()


def test_a_supervisor_sees_the_reviews_to_decide(world, rejected, vera, console_as):
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="理由", on=DECIDED)
    page = console_as(vera).get(reverse("benefits:appeal-list"))
    assert page.status_code == 200 and reverse("benefits:appeal-detail", args=[appeal.pk]) in page.content.decode()
    client = console_as(vera)
    detail = client.post(
        reverse("benefits:appeal-detail", args=[appeal.pk]), {"action": "overturn", "reason": "事实有误"}
    )
    assert detail.status_code == 302
    assert Appeal.objects.get().status == "overturned"
    assert console_as(world.carol).get(reverse("benefits:appeal-detail", args=[appeal.pk])).status_code == 404


def test_a_review_documents_open_where_they_are_listed_to_those_who_may_see_the_request(
    world, rejected, vera, api_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="理由", on=DECIDED)
    upload = SimpleUploadedFile("毕业证明.pdf", PDF, content_type="application/pdf")
    document = appeal_document_add(actor=world.dan, appeal=appeal, upload=upload, label="证明")
    staff_url = reverse("api:benefits:appeal-document-file", args=[appeal.pk, document.pk])
    my_url = reverse("api:benefits:my-appeal-document-file", args=[appeal.pk, document.pk])

    for user, url in ((vera, staff_url), (world.alice, staff_url), (world.dan, my_url)):
        response = api_as(user).get(url)
        assert response.status_code == 200, (user, url)
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF
    listed = api_as(world.dan).get(reverse("api:benefits:my-appeal-detail", args=[appeal.pk])).json()
    assert [d["id"] for d in listed["documents"]] == [document.pk]

    # nobody else: another city's caseworker, another applicant, the applicant on the staff's address
    assert api_as(world.carol).get(staff_url).status_code == 404
    assert api_as(world.erin).get(my_url).status_code == 404
    assert api_as(world.erin).get(staff_url).status_code == 404
    assert api_as(world.dan).get(staff_url).status_code == 404
    # a document only under its own request
    other = Appeal.objects.create(
        application=rejected,
        person=rejected.person,
        unit=rejected.unit,
        reasons="另一份",
        decision_on=DECIDED - datetime.timedelta(days=1),
        deadline=DEADLINE,
        filed_by=world.dan,
        status=Appeal.Status.WITHDRAWN,
    )
    assert (
        api_as(world.dan).get(reverse("api:benefits:my-appeal-document-file", args=[other.pk, document.pk])).status_code
        == 404
    )
    assert api_as(vera).get(reverse("api:benefits:appeal-document-file", args=[appeal.pk, 999999])).status_code == 404
    # (the portal's page links each listed document to the applicant's address: tests/browser/test_appeals.py)
