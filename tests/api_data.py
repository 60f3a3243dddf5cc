"""One record of every kind the REST API serves, for the tests that walk the whole schema (schemathesis and the
applicant isolation table): a household, an employer, a register entry, contacts, an approved application with a
document and its monthly grant, an exported batch with a bank result file (paid, failed, an exception), a loan with
an interest statement, a policy scenario of 大连 with a value and a finished run, and two applicants who have
claimed their records: dan (张三, the grant and its payments, a draft; his change requests: a new address waiting
with a document, a new bank account waiting for the code sent by SMS, and a review of his grant) and erin (李四, a
draft of her own)."""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Role, User
from benefits.appeals.services import appeal_document_add, appeal_file, complaint_file
from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_reject,
    application_submit,
    evidence_add,
)
from benefits.loans.services import loan_interest_record
from benefits.models import (
    Appeal,
    AppealDocument,
    Application,
    Complaint,
    Disbursement,
    DisbursementBatch,
    Entitlement,
    Evidence,
    GrantReview,
    Loan,
    Parameter,
    PaymentException,
    Program,
    Scenario,
    ScenarioRun,
    ScenarioValue,
)
from benefits.payments.services.batches import batch_approve, batch_export
from benefits.payments.services.generation import disbursements_generate
from benefits.payments.services.results import results_import
from benefits.scenarios import services as scenarios
from casework import services as casework
from casework.duplicates import duplicates_detect
from casework.models import (
    AccountChange,
    ChangeRequest,
    ChangeRequestDocument,
    Contact,
    DuplicateCandidate,
    Household,
    Organization,
    OrganizationClaim,
    Person,
    RegistryEntry,
)
from casework.services_changes import change_request_apply, change_request_document_add, change_request_submit
from casework.services_claims import organization_claim_request

from .benefits.conftest import result_file
from .benefits.workflow import JOB_SEEKING, TODAY, as_loan_grant, loan_benchmark, monthly_grant, record_loan
from .factories import ApplicantFactory, UserFactory, make_employer, make_person

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FLEXIBLE = "dalian_graduate_flexible_si_subsidy"
GRADUATES = "unemployed_graduates_after_leaving"


@dataclass
class ApiData:
    finance: User
    zhang: Person  # dan's record
    li: Person  # erin's record
    household: Household
    organization: Organization
    entry: RegistryEntry
    contact: Contact
    application: Application  # 张三's, approved, with a document
    evidence: Evidence
    grant: Entitlement
    dan_draft: Application
    erin_draft: Application
    erin_evidence: Evidence
    batch: DisbursementBatch
    lines: list[Disbursement]
    exception: PaymentException
    loan: Loan
    claim: OrganizationClaim  # frank's, waiting for a caseworker
    scenario: Scenario  # 大连's, by grace: a value and a finished run
    scenario_value: ScenarioValue
    scenario_run: ScenarioRun
    rejected: Application  # dan's, rejected by bob, with his review request
    appeal: Appeal
    appeal_document: AppealDocument  # dan's, on his review request
    complaint: Complaint  # dan's, about the service
    pair: DuplicateCandidate  # two records of 钱七 with one mobile number, for a supervisor to decide
    change_request: ChangeRequest  # dan's, waiting: a new address, with a document
    change_document: ChangeRequestDocument
    account_change: AccountChange  # dan's new bank account, applied by alice: waiting for the code sent by SMS
    grant_review: GrantReview  # of dan's grant, open, raised by the change of his bank account


def _document(actor, application, label="毕业证书") -> Evidence:
    upload = SimpleUploadedFile("document.pdf", PDF, content_type="application/pdf")
    return evidence_add(actor=actor, application=application, upload=upload, label=label)


def duplicate_pair(world) -> DuplicateCandidate:
    """钱七 registered twice, in two communities of 大连, with one mobile number: the nightly detection pairs them."""
    one = make_person(world.youhao, "钱七", phone="13600007777")
    other = make_person(world.tianjinjie, "钱七", phone="13600007777")
    duplicates_detect()
    return DuplicateCandidate.objects.get(
        person_a=min(one, other, key=lambda p: p.pk), person_b=max(one, other, key=lambda p: p.pk)
    )


def build_api_data(world, people, graduate) -> ApiData:
    """Everything above, made through the services (``graduate`` is 张三 on the unemployed-graduates register)."""
    zhang, li = graduate, people["li"]
    finance = UserFactory(username="fang", full_name="方芳")
    Membership.objects.create(user=finance, unit=world.dalian, role=Role.FINANCE)
    finance.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))

    household = casework.household_create(actor=world.alice, unit=world.youhao, members=[(zhang, "head", True)])
    organization = make_employer(world.youhao, actor=world.alice)
    entry = RegistryEntry.objects.get(person=zhang, register__code=GRADUATES)
    contact = casework.contact_log(
        actor=world.alice, person=zhang, contacted_on=TODAY, channel="phone", outcome="seeking", note="已联系"
    )
    casework.employment_record_add(actor=world.alice, person=zhang, status="unemployed", started_on=D(2026, 7, 1))
    casework.personal_data_unmask(user=finance, person=zhang, reason="核对身份")

    # 张三's job-seeking application with a document, approved into a monthly grant of three periods
    Person.objects.filter(pk=zhang.pk).update(bank_account="6222021234567890123", account=world.dan)
    zhang.refresh_from_db()
    program = Program.objects.get(code=JOB_SEEKING)
    application = application_create(actor=world.dan, program=program, person=zhang, requested_start=TODAY)
    evidence = _document(world.dan, application)
    application_submit(actor=world.dan, application=application)
    application_recommend(actor=world.alice, application=application)
    application_approve(actor=world.bob, application=application, on=TODAY)
    Entitlement.objects.filter(application=application).update(
        once=False, period="month", end=D(2027, 2, 20), max_periods=3
    )
    grant = Entitlement.objects.get(application=application)

    # its January 2027 batch, approved, exported, and the bank's answer: one paid, one failed, one stray row
    disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    batch = DisbursementBatch.objects.get(program=program)
    batch_approve(actor=finance, batch=batch)
    batch_export(actor=finance, batch=batch)
    lines = list(batch.lines.order_by("period"))
    rows = [f"{lines[0].reference},paid,1000.00,B001,", f"{lines[1].reference},failed,,,账户已销户"]
    rows.append("999-209901,paid,1.00,,")  # no such line
    results_import(actor=finance, batch=batch, content=result_file(batch, rows), name="result.csv")

    # dan's second application, a draft; erin (李四) has a draft of her own with a document
    dan_draft = application_create(
        actor=world.dan, program=Program.objects.get(code=FLEXIBLE), person=zhang, requested_start=TODAY
    )
    Person.objects.filter(pk=li.pk).update(account=world.erin)
    li.refresh_from_db()
    erin_draft = application_create(actor=world.erin, program=program, person=li, requested_start=TODAY)
    erin_evidence = _document(world.erin, erin_draft, label="身份证")

    # a guaranteed loan (济南's rule) on another person's grant, with one interest statement
    zhao = make_person(world.youhao, "赵六", phone="13811112222")
    loan_grant = as_loan_grant(monthly_grant(world, zhao, end=D(2027, 11, 20), override_reason="创业担保贷款"))
    loan_benchmark()
    loan = record_loan(world, loan_grant)
    loan_interest_record(
        actor=finance,
        loan=loan,
        period_start=D(2025, 3, 15),
        period_end=D(2025, 6, 20),
        interest_cny=Decimal("1200.00"),
        bank_reference="JN-INT-1",
    )
    # frank, a third applicant, asks to act for the employer
    frank = ApplicantFactory(username="frank", full_name="弗兰克")
    claim = organization_claim_request(user=frank, credit_code=organization.uscc)
    # a policy scenario: the job-seeking subsidy raised, run over 大连's registers
    scenario = scenarios.scenario_create(actor=world.grace, city="dalian", name="求职补贴提高", as_of=TODAY)
    scenario_value = scenarios.scenario_value_set(
        actor=world.grace,
        scenario=scenario,
        parameter=Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny"),
        valid_from=D(2026, 1, 1),
        value=Decimal("1500"),
    )
    scenario_run = scenarios.scenario_run(actor=world.grace, scenario=scenario)
    # dan's third application, rejected by bob today, and dan's request to review it; dan's complaint
    rejected = application_create(
        actor=world.dan, program=Program.objects.get(code=FLEXIBLE), person=zhang, requested_start=TODAY
    )
    application_submit(actor=world.dan, application=rejected)
    application_recommend(actor=world.alice, application=rejected)
    application_reject(actor=world.bob, application=rejected, note="不符合条件")
    appeal = appeal_file(actor=world.dan, application=rejected, reasons="我符合条件")
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    appeal_document = appeal_document_add(actor=world.dan, appeal=appeal, upload=upload, label="证明")
    complaint = complaint_file(actor=world.dan, person=zhang, category="delay", subject="办理太慢", text="等了很久")
    return ApiData(
        finance=finance,
        zhang=Person.objects.get(pk=zhang.pk),
        li=Person.objects.get(pk=li.pk),
        household=household,
        organization=organization,
        entry=entry,
        contact=contact,
        application=Application.objects.get(pk=application.pk),
        evidence=evidence,
        grant=grant,
        dan_draft=dan_draft,
        erin_draft=erin_draft,
        erin_evidence=erin_evidence,
        batch=DisbursementBatch.objects.get(pk=batch.pk),
        lines=lines,
        exception=PaymentException.objects.get(),
        loan=loan,
        claim=claim,
        scenario=scenario,
        scenario_value=scenario_value,
        scenario_run=scenario_run,
        rejected=Application.objects.get(pk=rejected.pk),
        appeal=appeal,
        appeal_document=appeal_document,
        complaint=complaint,
        pair=duplicate_pair(world),
        **_changes(world, zhang),
    )


def _changes(world, zhang) -> dict:
    """dan's change requests: a new address waiting with a document; a new bank account applied by alice, waiting
    for the code sent to 张三's phone; a review of his grant, open."""
    change_request = change_request_submit(
        actor=world.dan, person=zhang, kind="address", values={"address": "天津街8号"}, statement="搬家了"
    )
    upload = SimpleUploadedFile("lease.pdf", PDF, content_type="application/pdf")
    change_document = change_request_document_add(
        actor=world.dan, change_request=change_request, upload=upload, label="租房合同"
    )
    bank = change_request_submit(
        actor=world.dan, person=zhang, kind="bank_account", values={"bank_account": "6217000099998888777"}
    )
    change_request_apply(actor=world.alice, change_request=bank, note="核对银行卡")
    grant = Entitlement.objects.filter(person=zhang).order_by("pk").first()
    grant_review = GrantReview.objects.create(
        entitlement=grant,
        unit=grant.unit,
        change_request=bank,
        raised_on=TODAY,
        reasons=[{"condition": "c", "label": "条件", "met": False, "clause": "", "missing": [], "detail": ""}],
    )
    return {
        "change_request": change_request,
        "change_document": change_document,
        "account_change": AccountChange.objects.get(change_request=bank),
        "grant_review": grant_review,
    }


def stored_values(data: ApiData) -> dict[str, list]:
    """Path parameter values of stored records, by the path segment the parameter follows; the first is dan's
    (applicant A's) wherever he has one of that kind."""
    d = data
    return {
        "units": [d.zhang.residence_unit_id, d.zhang.residence_unit.parent_id],
        "users": [d.zhang.account_id, d.finance.pk],
        "persons": [d.zhang.pk, d.li.pk],
        "households": [d.household.pk],
        "organizations": [d.organization.pk],
        "registers": [d.entry.register.code],
        "register-entries": [d.entry.pk],
        "programs": [JOB_SEEKING, d.loan.entitlement.program.code],
        "parameters": ["national.pboc_loan_benchmark_rate_1_to_5y"],
        "applications": [d.application.pk, d.dan_draft.pk, d.erin_draft.pk],
        "evidence": [d.evidence.pk, d.erin_evidence.pk],
        "entitlements": [d.grant.pk, d.loan.entitlement_id],
        "payment-batches": [d.batch.pk],
        "disbursements": [line.pk for line in d.lines],
        "payment-exceptions": [d.exception.pk],
        "organization-claims": [d.claim.pk],
        "scenarios": [d.scenario.pk],
        "values": [d.scenario_value.pk],
        "scenario-runs": [d.scenario_run.pk],
        "appeals": [d.appeal.pk],
        "complaints": [d.complaint.pk],
        "documents": [d.appeal_document.pk, d.change_document.pk],
        "change-requests": [d.change_request.pk, d.account_change.change_request_id],
        "account-changes": [d.account_change.pk],
        "grant-reviews": [d.grant_review.pk],
        "duplicates": [d.pair.pk],
    }


def real_path_parameters(path: str, values: dict[str, list]) -> list[dict]:
    """Every combination of stored values for the path's parameters that name a record (not ``{action}``)."""
    segments = path.strip("/").split("/")
    choices = {}
    for before, segment in itertools.pairwise(segments):
        if segment.startswith("{") and before in values:
            choices[segment.strip("{}")] = values[before]
        elif segment.startswith("{") and not segment.endswith("action}"):
            raise AssertionError(f"{path}: say which stored records {segment} can name (stored_values)")
    return [dict(zip(choices, combination, strict=True)) for combination in itertools.product(*choices.values())]
