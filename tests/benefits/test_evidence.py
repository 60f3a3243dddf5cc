"""The evidence checklist: every item of every program has a Chinese name; each document is tagged with the item it
satisfies (chosen, or suggested from its name); the checklist says in Chinese what is in and what is missing, in the
console, the staff API and the portal."""

import re

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from benefits.applications.evidence import checklist_item_for
from benefits.applications.services import evidence_add
from benefits.catalogue.selectors import evidence_label, evidence_labels_zh
from benefits.models import Program
from casework.models import Person

from .test_applications_api import PDF
from .workflow import JOB_SEEKING, TODAY

pytestmark = pytest.mark.django_db
PROOF = "Household/disability/loan status proof"


def test_every_evidence_item_of_the_catalogue_has_a_chinese_name():
    catalogue = yaml.safe_load((settings.BASE_DIR / "fixtures" / "policy" / "catalogue.yaml").read_text())
    items = {item for program in catalogue["programs"] for item in program.get("conditions_on_evidence") or []}
    names = evidence_labels_zh()
    assert items <= set(names), sorted(items - set(names))
    assert all(any("\u4e00" <= char <= "\u9fff" for char in names[item]) for item in items)
    with translation.override("zh-hans"):
        assert evidence_label(PROOF) == "家庭困难、残疾或助学贷款情况证明"
    with translation.override("en"):
        assert evidence_label(PROOF) == PROOF


ITEMS = [PROOF, "Labour contract ≥1 year (1年以上劳动合同)", "Graduation date"]


@pytest.mark.parametrize(
    ("label", "file_name", "expected"),
    [
        ("", "国家助学贷款合同.pdf", PROOF),  # 助学贷款: in 家庭困难、残疾或助学贷款情况证明 only
        ("毕业证书", "scan.pdf", "Graduation date"),  # the label names 毕业证书（载明毕业时间）
        ("", "劳动合同-张三.pdf", "Labour contract ≥1 year (1年以上劳动合同)"),
        ("家庭困难、残疾或助学贷款情况证明", "x.pdf", PROOF),  # the item's own name
        ("", "IMG_2031.jpg", ""),  # says nothing: another document
        ("证明", "证明.pdf", ""),  # two characters say nothing either
    ],
)
def test_a_document_is_matched_to_the_item_its_name_says(label, file_name, expected):
    assert checklist_item_for(ITEMS, label=label, file_name=file_name) == expected


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _draft(world, graduate):
    from benefits.applications.services import application_create

    program = Program.objects.get(code=JOB_SEEKING)
    return application_create(actor=world.alice, program=program, person=graduate, requested_start=TODAY, on=TODAY)


def test_the_uploaded_loan_contract_ticks_the_checklist_in_the_console_and_the_portal(
    world, graduate, console_as, api_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = _draft(world, graduate)
    page_url = reverse("benefits:application-detail", args=[application.pk])
    before = console_as(world.alice).get(page_url)
    assert [(row["document"], row["attached"]) for row in before.context["checklist"]] == [
        ("家庭困难、残疾或助学贷款情况证明", False)
    ]
    assert "尚未提交" in before.content.decode() and PROOF not in visible_text(before.content.decode())
    upload = SimpleUploadedFile("国家助学贷款合同.pdf", PDF, content_type="application/pdf")
    console_as(world.alice).post(page_url, {"action": "evidence", "checklist_item": "", "label": "", "file": upload})
    document = application.evidence.get()
    assert (document.checklist_item, document.label) == (PROOF, "家庭困难、残疾或助学贷款情况证明")
    after = console_as(world.alice).get(page_url).content.decode()
    assert "已收到（国家助学贷款合同.pdf）" in after

    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    mine = api_as(world.dan).get(reverse("api:benefits:my-application-detail", args=[application.pk])).json()
    assert mine["checklist"] == [
        {
            "item": PROOF,
            "document": "家庭困难、残疾或助学贷款情况证明",
            "attached": True,
            "files": ["国家助学贷款合同.pdf"],
        }
    ]


def test_a_chosen_item_must_be_the_programs_and_nothing_is_stored_otherwise(world, graduate, settings, tmp_path):
    from django.core.exceptions import ValidationError

    settings.MEDIA_ROOT = tmp_path
    application = _draft(world, graduate)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as raised:
        evidence_add(actor=world.alice, application=application, upload=upload, checklist_item="Marriage certificate")
    assert "checklist_item" in raised.value.message_dict and not application.evidence.exists()
    upload = SimpleUploadedFile("IMG_1.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as raised:  # no item, no label, a name that says nothing
        evidence_add(actor=world.alice, application=application, upload=upload)
    assert "label" in raised.value.message_dict
