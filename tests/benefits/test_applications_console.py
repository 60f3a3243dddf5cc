"""The console's application pages: a draft from the person page, the queue, the page with the rules' answer,
evidence and timeline, and every button a call of the transition's service."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benefits.models import Application

from .test_applications_api import PDF
from .workflow import JOB_SEEKING, recommended

pytestmark = pytest.mark.django_db


def test_a_caseworker_takes_an_application_and_a_supervisor_approves_it(
    world, graduate, console_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    alice = console_as(world.alice)
    person_page = alice.get(reverse("casework:person-detail", args=[graduate.pk]) + "?tab=eligibility").content.decode()
    create_url = reverse("benefits:application-create", args=[graduate.pk])
    assert f"{create_url}?program={JOB_SEEKING}" in person_page  # "Apply" beside a likely program
    response = alice.post(
        create_url, {"program": JOB_SEEKING, "requested_start": datetime.date.today().isoformat(), "note": ""}
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "benefits:application-detail", args=[application.pk]
    )
    page_url = response["Location"]
    alice.post(page_url, {"action": "evidence", "label": "毕业证书", "file": SimpleUploadedFile("证书.pdf", PDF)})
    alice.post(page_url, {"action": "submit"})
    alice.post(page_url, {"action": "recommend"})
    page = alice.get(page_url).content.decode()
    assert "证书.pdf" in page and graduate.id_number not in page and graduate.masked_id_number in page
    assert 'value="approve"' not in page  # a caseworker is not offered the decision
    refused = alice.post(page_url, {"action": "approve"})
    assert refused.status_code == 200 and "审核人员" in refused.content.decode()
    bob = console_as(world.bob)
    queue = bob.get(reverse("benefits:application-list")).content.decode()
    assert graduate.name in queue  # a supervisor's queue starts with what waits for a decision
    assert bob.post(page_url, {"action": "approve", "note": "同意"}).status_code == 302
    application.refresh_from_db()
    assert application.state == "approved" and application.entitlement.amount_per_period == 1000
    timeline = bob.get(page_url).content.decode()
    assert "已批准" in timeline and "已初审推荐" in timeline and world.bob.full_name in timeline


def test_other_areas_get_404(world, graduate, console_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = console_as(world.alice)
    alice.post(
        reverse("benefits:application-create", args=[graduate.pk]),
        {"program": JOB_SEEKING, "requested_start": datetime.date.today().isoformat()},
    )
    application = Application.objects.get()
    carol = console_as(world.carol)
    assert carol.get(reverse("benefits:application-detail", args=[application.pk])).status_code == 404
    assert (
        carol.post(reverse("benefits:application-detail", args=[application.pk]), {"action": "withdraw"}).status_code
        == 404
    )
    assert carol.get(reverse("benefits:application-create", args=[graduate.pk])).status_code == 404
    assert Application.objects.get().state == "draft"


def test_a_decided_application_has_a_printable_notice_in_chinese(world, graduate, console_as):
    from benefits.applications.services import application_approve

    application = recommended(world, graduate)
    notice_url = reverse("benefits:application-notice", args=[application.pk])
    assert console_as(world.alice).get(notice_url).status_code == 404  # not decided yet
    application_approve(actor=world.bob, application=application)
    bob = console_as(world.bob)
    bob.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = bob.get(notice_url).content.decode()
    assert "批准通知书" in page  # in Chinese whatever the console language
    assert graduate.masked_id_number in page and graduate.id_number not in page and "1000.00" in page
    assert console_as(world.carol).get(notice_url).status_code == 404


def test_the_console_bulk_approval_checks_each_item(world, graduate, console_as):
    own, theirs = recommended(world, graduate, by=world.bob), recommended(world, graduate)
    bob = console_as(world.bob)
    queue = bob.get(reverse("benefits:application-list")).content.decode()
    assert f'value="{own.pk}"' in queue and f'value="{theirs.pk}"' in queue
    response = bob.post(reverse("benefits:application-bulk-approve"), {"application": [own.pk, theirs.pk]}, follow=True)
    page = response.content.decode()
    assert f"#{own.pk}" in page and "须由另一位审核人员审批" in page  # refused, with the reason
    assert Application.objects.get(pk=own.pk).state == "recommended"
    assert Application.objects.get(pk=theirs.pk).state == "approved"
    assert console_as(world.carol).post(reverse("benefits:application-bulk-approve"), {"application": [own.pk]})
    assert Application.objects.get(pk=own.pk).state == "recommended"  # carol cannot reach it at all
