"""Nothing a user wrote on an application is lost: every note is its own entry of the timeline (who, when, which
step, the text), in the console, the API and, where meant for the applicant, the portal."""

import pytest
from django.urls import reverse

from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_return,
    application_submit,
)
from benefits.models import Application, ApplicationNote, Program
from casework.models import Person

from .workflow import JOB_SEEKING, TODAY, recommended

pytestmark = pytest.mark.django_db


def _drafted(world, person, note):
    program = Program.objects.get(code=JOB_SEEKING)
    return application_create(
        actor=world.alice, program=program, person=person, requested_start=TODAY, note=note, on=TODAY
    )


def test_recommending_keeps_the_drafts_note_and_the_timeline_shows_both(world, graduate, api_as, console_as):
    application = _drafted(world, graduate, "申请人3月毕业，已登记失业")
    application_submit(actor=world.alice, application=application)
    application_recommend(actor=world.alice, application=application, note="材料齐全，建议批准")
    application.refresh_from_db()
    assert application.note == "申请人3月毕业，已登记失业"  # the draft's note is not overwritten

    body = api_as(world.bob).get(reverse("api:benefits:application-detail", args=[application.pk])).json()
    assert [(n["step"], n["text"], n["author"], n["for_applicant"]) for n in body["notes"]] == [
        ("created", "申请人3月毕业，已登记失业", world.alice.full_name, False),
        ("recommended", "材料齐全，建议批准", world.alice.full_name, False),
    ]
    page = console_as(world.bob).get(reverse("benefits:application-detail", args=[application.pk]))
    timeline = [(row["reason"], [n.text for n in row["notes"]]) for row in page.context["timeline"]]
    assert timeline == [
        ("created", ["申请人3月毕业，已登记失业"]),
        ("submitted", []),
        ("recommended", ["材料齐全，建议批准"]),
    ]
    html = page.content.decode()
    assert "申请人3月毕业，已登记失业" in html and "材料齐全，建议批准" in html


def test_a_note_on_its_own_is_added_in_the_console_and_the_api_by_staff_only(world, graduate, api_as, console_as):
    application = recommended(world, graduate)
    page_url = reverse("benefits:application-detail", args=[application.pk])
    assert console_as(world.alice).post(page_url, {"action": "note", "note": "已电话联系申请人"}).status_code == 302
    api = api_as(world.bob)
    note_url = reverse("api:benefits:application-transition", args=[application.pk, "note"])
    added = api.post(note_url, {"note": "核实无误"})
    assert added.status_code == 200, added.json()
    assert [(n.step, n.text, n.author) for n in application.notes.all()] == [
        ("note", "已电话联系申请人", world.alice),
        ("note", "核实无误", world.bob),
    ]
    empty = console_as(world.alice).post(page_url, {"action": "note", "note": "  "})
    assert empty.status_code == 200 and "note" in empty.context["note_form"].errors
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    refused = api_as(world.dan).post(reverse("api:benefits:application-transition", args=[application.pk, "note"]))
    assert refused.status_code == 404  # an applicant reaches no staff endpoint
    assert ApplicationNote.objects.count() == 2


def test_the_applicant_sees_the_notes_meant_for_them_at_their_step(world, graduate, api_as):
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    application = recommended(world, graduate)
    ApplicationNote.objects.create(application=application, step="note", text="内部：电话已核实", author=world.alice)
    application_return(actor=world.bob, application=application, note="请补充毕业证书")
    application_submit(actor=world.dan, application=Application.objects.get(pk=application.pk))
    application_recommend(actor=world.alice, application=application)
    application_approve(actor=world.bob, application=application, note="材料齐全，予以批准")
    detail = api_as(world.dan).get(reverse("api:benefits:my-application-detail", args=[application.pk])).json()
    notes = [(step["status"], step["note"]) for step in detail["timeline"]]
    assert ("documents_needed", "请补充毕业证书") in notes and ("approved", "材料齐全，予以批准") in notes
    assert "内部" not in str(detail)  # a staff note never reaches the applicant


def test_a_decided_application_offers_no_next_step_and_four_eyes_says_why(world, graduate, console_as):
    application = recommended(world, graduate, by=world.bob)  # bob, a supervisor, prepared it himself
    page_url = reverse("benefits:application-detail", args=[application.pk])
    page = console_as(world.bob).get(page_url).content.decode()
    assert 'value="approve"' not in page and "您推荐了此申请，须由另一位审核人员审批" in page
    other = _another_supervisor(world)
    application_approve(actor=other, application=application)
    decided = console_as(world.bob).get(page_url).content.decode()
    assert 'id="next-step"' not in decided and 'value="withdraw"' not in decided


def test_the_upload_form_names_its_two_fields_apart(world, graduate, console_as):
    application = _drafted(world, graduate, "")
    form = console_as(world.alice).get(reverse("benefits:application-detail", args=[application.pk]))
    labels = [str(form.context["evidence_form"][name].label) for name in ("label", "file")]
    assert labels == ["材料名称", "上传文件"]


def test_the_application_list_reads_every_note_in_a_fixed_number_of_queries(world, graduate, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = api_as(world.bob), reverse("api:benefits:application-list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        return len(captured.captured_queries), body

    _drafted(world, graduate, "备注")
    few, _body = queries()
    for _ in range(4):
        application = _drafted(world, graduate, "备注")
        ApplicationNote.objects.create(application=application, step="note", text="再记一笔", author=world.alice)
    many, body = queries()
    assert many == few and sorted(len(row["notes"]) for row in body["results"]) == [1, 2, 2, 2, 2]


def _another_supervisor(world):
    from accounts.services import membership_grant
    from tests.factories import UserFactory

    other = UserFactory(username="zhou", full_name="周主管")
    membership_grant(user=other, unit=world.zhongshan, role="supervisor")
    return other
