"""Nothing new is recorded in benefits about a record merged into another (a tombstone: ``Person.merged_into`` set),
as casework refuses it for the registers: an application, a recorded answer or its confirmation, a complaint, a
review request or its documents, a loan. Each refusal is a Conflict pointing to the kept record, and nothing is
stored; the same writes about the kept record go through."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from benefits.appeals.services import appeal_document_add, appeal_file, complaint_file
from benefits.applications.services import application_create, application_reject
from benefits.models import Appeal, AppealDocument, Application, Complaint, Entitlement, FactAnswer, Loan, Program
from benefits.screening.services import fact_answer_confirm, fact_answer_record, fact_answer_state
from casework.duplicates import duplicates_detect
from casework.models import DuplicateCandidate, Person
from casework.services_duplicates import duplicate_merge
from core.errors import Conflict

from ..factories import make_person
from .workflow import JOB_SEEKING, TODAY, as_loan_grant, loan_benchmark, monthly_grant, recommended, record_loan

pytestmark = pytest.mark.django_db

PAYING = "person.employment.paying_social_insurance"  # kept in the recorded answers, not on the person's row
MERGED = "该记录已合并到另一条记录，请在保留的记录上登记。"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def id_of(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def merged(world):
    """赵六 of 友好社区 and a copy of him whose ID number has one digit mistyped, merged by bob into the first."""
    keep = make_person(world.youhao, "赵六", id_number=id_of("21020219850304015"))
    gone = make_person(world.youhao, "赵六", id_number=id_of("21020319850304015"))
    duplicates_detect()
    duplicate_merge(actor=world.bob, candidate=DuplicateCandidate.objects.get(), keep=keep)
    gone.refresh_from_db()
    assert gone.merged_into == keep
    return keep, gone


def refused(call):
    with pytest.raises(Conflict) as error:
        call()
    assert (error.value.code, str(error.value.message)) == ("merged_record", MERGED)


def test_no_application_for_a_merged_record(world, merged):
    keep, gone = merged
    program = Program.objects.get(code=JOB_SEEKING)
    refused(lambda: application_create(actor=world.alice, program=program, person=gone, requested_start=TODAY))
    assert not Application.objects.exists()
    assert application_create(actor=world.alice, program=program, person=keep, requested_start=TODAY, on=TODAY)


def test_the_api_answers_409_in_chinese_and_stores_nothing(world, merged, api_as):
    _keep, gone = merged
    body = {"program": JOB_SEEKING, "person": gone.pk, "requested_start": str(timezone.localdate())}
    response = api_as(world.alice).post(reverse("api:benefits:application-list"), body, format="json")
    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["message"]) == ("merged_record", MERGED)
    assert not Application.objects.exists()
    complaint = {"person": gone.pk, "category": "delay", "subject": "办理太慢", "text": "等了一个月"}
    response = api_as(world.alice).post(reverse("api:benefits:complaint-list"), complaint, format="json")
    assert response.status_code == 409 and response.json()["message"] == MERGED
    assert not Complaint.objects.exists()


def test_no_answer_is_recorded_or_confirmed_on_a_merged_record(world, merged):
    keep, gone = merged
    refused(lambda: fact_answer_record(actor=world.alice, person=gone, path=PAYING, value="yes"))
    assert not FactAnswer.objects.exists()
    # an answer the tombstone kept (the kept record answered the same question) is not confirmed there either
    stated = FactAnswer.objects.create(
        person=gone, path=PAYING, value=True, source="applicant", recorded_by=world.dan, recorded_at=timezone.now()
    )
    refused(lambda: fact_answer_confirm(actor=world.alice, answer=stated))
    stated.refresh_from_db()
    assert stated.confirmed_at is None
    assert fact_answer_record(actor=world.alice, person=keep, path=PAYING, value="yes").confirmed_by == world.alice


def test_an_applicant_states_nothing_about_a_record_merged_away(world, merged):
    _keep, gone = merged
    Person.objects.filter(pk=gone.pk).update(account=world.erin)  # as an account left behind would be
    gone.refresh_from_db()
    refused(lambda: fact_answer_state(actor=world.erin, person=gone, path=PAYING, value=True))
    assert not FactAnswer.objects.exists()


def test_no_complaint_about_a_merged_record(world, merged):
    keep, gone = merged
    terms = {"category": "delay", "subject": "办理太慢", "text": "等了一个月"}
    refused(lambda: complaint_file(actor=world.alice, person=gone, **terms))
    assert not Complaint.objects.exists()
    assert complaint_file(actor=world.alice, person=keep, **terms).person == keep


def test_no_review_request_or_document_on_a_merged_record(world, merged):
    """A merge moves the applications and their review requests to the kept record; one left pointing at the
    tombstone (as before the move existed) takes no new request and no new document."""
    keep, gone = merged
    rejected = application_reject(actor=world.bob, application=recommended(world, keep), note="材料不足")
    Application.objects.filter(pk=rejected.pk).update(person=gone)  # an application left on the tombstone
    rejected.refresh_from_db()
    refused(lambda: appeal_file(actor=world.bob, application=rejected, reasons="我符合条件"))
    assert not Appeal.objects.exists()

    Application.objects.filter(pk=rejected.pk).update(person=keep)
    appeal = appeal_file(actor=world.bob, application=Application.objects.get(pk=rejected.pk), reasons="理由")
    Appeal.objects.filter(pk=appeal.pk).update(person=gone)  # a review request left on the tombstone
    appeal.refresh_from_db()
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    refused(lambda: appeal_document_add(actor=world.bob, appeal=appeal, upload=upload, label="证明"))
    assert not AppealDocument.objects.exists()


def test_no_loan_on_a_grant_of_a_merged_record(world, merged):
    keep, gone = merged
    grant = as_loan_grant(monthly_grant(world, keep, end=datetime.date(2027, 11, 20), override_reason="创业贷款"))
    loan_benchmark()
    Entitlement.objects.filter(pk=grant.pk).update(person=gone)  # a grant left on the tombstone
    grant.refresh_from_db()
    refused(lambda: record_loan(world, grant))
    assert not Loan.objects.exists()
    Entitlement.objects.filter(pk=grant.pk).update(person=keep)
    grant.refresh_from_db()
    assert record_loan(world, grant).principal_cny == Decimal("100000")
