"""The application endpoints: the same services as every other route, scoped, and no protected field writable."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.models import Application, Entitlement

from .workflow import JOB_SEEKING

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def create(client, person, **extra):
    body = {"program": JOB_SEEKING, "person": person.pk, "requested_start": TODAY.isoformat(), **extra}
    return client.post(reverse("api:benefits:application-list"), body, format="json")


def act(client, application_id, action, **body):
    return client.post(
        reverse("api:benefits:application-transition", args=[application_id, action]), body, format="json"
    )


def test_the_whole_workflow_through_the_api(world, graduate, api_as):
    alice = api_as(world.alice)
    response = create(alice, graduate)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["party"]["id_masked"] == graduate.masked_id_number
    assert graduate.id_number not in response.content.decode()
    for action in ("submit", "recommend"):
        assert act(alice, body["id"], action).status_code == 200
    refused = act(alice, body["id"], "approve")
    assert refused.status_code == 403 and "审核人员" in refused.json()["message"]
    approved = act(api_as(world.bob), body["id"], "approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved" and approved.json()["entitlement"]["amount_per_period"] == "1000.00"


def test_protected_fields_are_not_writable(world, graduate, api_as):
    alice = api_as(world.alice)
    body = create(
        alice, graduate, state="approved", decided_by=world.bob.pk, unit=world.xigang.pk, decision={"eligible": True}
    ).json()
    application = Application.objects.get(pk=body["id"])
    assert (application.state, application.decided_by, application.unit) == ("draft", None, graduate.residence_unit)
    assert application.decision is None
    assert act(alice, body["id"], "approve", state="approved").status_code == 409  # a draft is not approved
    assert act(alice, body["id"], "publish").status_code == 404
    assert not Entitlement.objects.exists()


def test_other_areas_get_404_and_bad_input_names_the_field(world, graduate, api_as):
    body = create(api_as(world.alice), graduate).json()
    carol = api_as(world.carol)
    assert carol.get(reverse("api:benefits:application-detail", args=[body["id"]])).status_code == 404
    assert act(carol, body["id"], "submit").status_code == 404
    assert create(carol, graduate).status_code == 404  # the person is outside her area
    assert carol.get(reverse("api:benefits:application-list")).json()["count"] == 0
    bad = create(api_as(world.alice), graduate, requested_start="2026-13-01")
    assert bad.status_code == 400 and "requested_start" in bad.json()["fields"]


def test_the_unit_filter_takes_the_callers_units_only_and_a_missing_or_foreign_one_is_404(world, graduate, api_as):
    pk = create(api_as(world.alice), graduate).json()["id"]
    bob = api_as(world.bob)
    for name in ("application-list", "entitlement-list"):
        url = reverse(f"api:benefits:{name}")
        assert bob.get(url, {"unit": world.zhongshan.pk}).status_code == 200
        for unit in (world.furong.pk, 999999):  # another city's community; no such unit (was a 500)
            refused = bob.get(url, {"unit": unit})
            assert refused.status_code == 404 and refused.json()["code"] == "not_found", (name, unit)
    listed = bob.get(reverse("api:benefits:application-list"), {"unit": world.youhao.pk}).json()["results"]
    assert [row["id"] for row in listed] == [pk]
    assert bob.get(reverse("api:benefits:application-list"), {"unit": world.tianjinjie.pk}).json()["count"] == 0


def test_the_list_costs_the_same_queries_for_one_or_many(world, graduate, api_as):
    alice = api_as(world.alice)
    create(alice, graduate)
    with CaptureQueriesContext(connection) as one:
        alice.get(reverse("api:benefits:application-list"))
    for _ in range(5):
        create(alice, graduate)
    with CaptureQueriesContext(connection) as six:
        response = alice.get(reverse("api:benefits:application-list"))
    assert response.json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries) <= 8


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def upload(client, application_id, name, content, label="毕业证书"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("api:benefits:application-evidence", args=[application_id]),
        {"file": SimpleUploadedFile(name, content), "label": label},
        format="multipart",
    )


def test_evidence_is_sniffed_named_by_the_server_and_served_only_in_scope(world, graduate, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = api_as(world.alice)
    application_id = create(alice, graduate).json()["id"]
    response = upload(alice, application_id, "毕业证书.pdf", PDF)
    assert response.status_code == 201, response.json()
    evidence = response.json()
    stored = Application.objects.get(pk=application_id).evidence.get()
    assert stored.file.name.endswith(".pdf") and "毕业证书" not in stored.file.name  # the server's name
    assert (evidence["content_type"], evidence["size"]) == ("application/pdf", len(PDF))
    url = reverse("api:benefits:application-evidence-file", args=[application_id, evidence["id"]])
    download = alice.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert api_as(world.carol).get(url).status_code == 404  # another area: as if it did not exist


def test_a_png_name_with_pdf_bytes_or_an_oversized_file_is_refused(world, graduate, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = api_as(world.alice)
    application_id = create(alice, graduate).json()["id"]
    disguised = upload(alice, application_id, "photo.png", PDF)
    assert disguised.status_code == 400 and "PDF" in disguised.json()["fields"]["file"][0]
    settings.CASEWORK_UPLOAD_MAX_BYTES = 2**20
    too_big = upload(alice, application_id, "scan.png", PNG + b"\x00" * 2**20)
    assert too_big.status_code == 400 and "1 MB" in too_big.json()["fields"]["file"][0]
    not_allowed = upload(alice, application_id, "notes.txt", b"just text")
    assert not_allowed.status_code == 400
    assert not Application.objects.get(pk=application_id).evidence.exists()
    assert not any(tmp_path.rglob("*.*"))  # nothing stored


def test_the_checklist_follows_the_programs_evidence(world, graduate, api_as, settings, tmp_path):
    from benefits.models import Program

    settings.MEDIA_ROOT = tmp_path
    alice = api_as(world.alice)
    body = create(alice, graduate).json()
    wanted = Program.objects.get(code=JOB_SEEKING).evidence
    assert wanted and [item["item"] for item in body["checklist"]] == wanted
    assert [item["document"] for item in body["checklist"]] == ["家庭困难、残疾或助学贷款情况证明"]  # in Chinese
    assert not any(item["attached"] for item in body["checklist"])
    upload(alice, body["id"], "证明.pdf", PDF, label=wanted[0])  # labelled with the item: tagged with it
    detail = alice.get(reverse("api:benefits:application-detail", args=[body["id"]])).json()
    assert detail["checklist"][0] == {
        "item": wanted[0],
        "document": "家庭困难、残疾或助学贷款情况证明",
        "attached": True,
        "files": ["证明.pdf"],
    }
