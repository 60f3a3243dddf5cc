"""Applicant isolation, enumerated from the OpenAPI schema (RELIABILITY 15 and 16): for every operation an applicant
can reach, applicant B gets 404 on applicant A's objects, B's writes that name protected fields are refused or
ignored (the stored rows are checked), and B's lists show none of A's objects.

A is dan, who has claimed 张三 (two applications, a document, a grant, payments, a register entry); B is erin, who
has claimed 李四 (a draft of her own), or, for the claim endpoints that only an account without a record may call,
gus, an applicant with nothing yet (tests/api_data.py).

Which operations an applicant can reach is found by trying: every operation of the schema is called as A with A's
own records in its path, no query and an empty body (each call rolled back). Those that answer 2xx, every path
under /api/v1/me/ and every sign-in operation under /api/v1/auth/ are the applicant operations, and TABLE must list
exactly those, so a new one fails here until it has an entry. (A staff write outside /me/ that answers an empty
body with 400 is still reached with real bodies by the schemathesis applicant pass, where no staff write may
answer an applicant 2xx.)"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from benefits.models import Appeal, Application, Complaint, Disbursement, Entitlement, Evidence, FactAnswer
from benefits.screening.services import fact_answer_state
from casework.models import (
    AccountChange,
    ChangeRequest,
    ChangeRequestDocument,
    ClaimCode,
    Organization,
    OrganizationClaim,
    Person,
    RegistryEntry,
)
from casework.services import registry_entry_add

from .api_data import PDF, ApiData, build_api_data, real_path_parameters, stored_values
from .benefits.workflow import JOB_SEEKING, TODAY
from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db

FLEXIBLE = "dalian_graduate_flexible_si_subsidy"
ME = "/api/v1/me/"
AUTH = "/api/v1/auth/"
A_PASSWORD = "Dan-Only-Knows-7"  # A's own: every other test user has the shared one


@dataclass(frozen=True)
class Entry:
    """How to probe one applicant operation.

    kind: ``object`` (the path names A's object: B gets 404 for every action), ``list`` (B's list shows none of
    A's objects), ``self`` (about the caller only: B's answer carries nothing of A's), ``write`` (B's write names
    protected fields and A's records: refused or ignored), ``session`` (B signs their own session or token out,
    not A's), ``public`` (reference data about nobody)."""

    kind: str
    path: Callable[[ApiData], dict] | None = None  # A's object(s) in the path
    body: Callable[[ApiData], dict] | None = None  # what B sends
    status: tuple[int, ...] = (200,)  # B's expected answer (write, self, public, session)
    check: Callable | None = None  # (data, response, b) -> None: the stored rows after B's call
    a_ids: Callable[[ApiData], set] = field(default=lambda d: set())  # list: ids of A's objects in it
    as_b: str = "erin"
    multipart: bool = False


def protected(d: ApiData) -> dict:
    """Fields no client may write, each naming A's records or a decision."""
    return {
        "person": d.zhang.pk,
        "organization": d.organization.pk,
        "account": d.zhang.account_id,
        "user": d.zhang.account_id,
        "unit": d.zhang.residence_unit_id,
        "status": "approved",
        "state": "approved",
        "amount": "99999.00",
        "amount_cny": "99999.00",
        "approved_by": d.finance.pk,
        "decided_by": d.finance.pk,
        "created_by": d.zhang.account_id,
    }


def a_draft(d):
    return {"id": d.dan_draft.pk}


def b_application_is_hers(d, response, b):
    created = Application.objects.get(pk=response.json()["id"])
    assert (created.person, created.organization, created.unit) == (d.li, None, d.li.residence_unit)
    assert (created.state, created.decided_by, created.created_by, created.facts) == ("draft", None, b, {})


def b_answer_is_hers(d, response, b):
    answer = FactAnswer.objects.get(pk=response.json()["id"])
    assert (answer.person, answer.recorded_by, answer.confirmed_at) == (d.li, b, None)
    assert not d.zhang.fact_answers.filter(recorded_by=b).exists()


def no_claim_on_a(d, response, b):
    assert not ClaimCode.objects.filter(user=b, person__isnull=False).exists()  # nothing claimable was sent


def b_claim_waits(d, response, b):
    claim = OrganizationClaim.objects.get(pk=response.json()["id"])
    assert (claim.user, claim.status, claim.decided_by, claim.organization) == (b, "pending", None, d.organization)
    assert Organization.objects.get(pk=d.organization.pk).account is None


def b_appeals_nothing(d, response, b):
    assert not Appeal.objects.filter(filed_by=b).exists()


def b_complaint_is_hers(d, response, b):
    complaint = Complaint.objects.get(pk=response.json()["id"])
    assert (complaint.person, complaint.unit, complaint.status, complaint.owner) == (
        d.li,
        d.li.residence_unit,
        "open",
        None,
    )


def b_change_is_hers(d, response, b):
    change = ChangeRequest.objects.get(pk=response.json()["id"])
    assert (change.person, change.unit, change.status, change.raised_by, change.on_behalf) == (
        d.li,
        d.li.residence_unit,
        "submitted",
        b,
        False,
    )
    assert (change.decided_by, change.decision_note, change.proposed) == (None, "", {"address": "历山路1号"})


def b_herself(d, response, b):
    assert response.json()["id"] == b.pk


def b_profile(d, response, b):
    assert (response.json()["kind"], response.json()["person"]["name"]) == ("person", d.li.name)


TABLE: dict[tuple[str, str], Entry] = {
    # the applicant's own endpoints
    ("GET", "/api/v1/me/"): Entry("self", check=b_herself),
    ("GET", "/api/v1/me/profile/"): Entry("self", check=b_profile),
    ("GET", "/api/v1/me/programs/"): Entry("self"),
    ("GET", "/api/v1/me/answers/"): Entry(
        "list", a_ids=lambda d: set(d.zhang.fact_answers.values_list("pk", flat=True))
    ),
    ("POST", "/api/v1/me/answers/"): Entry(
        "write",
        body=lambda d: {**protected(d), "fact": "person.employment.paying_social_insurance", "value": True},
        status=(201,),
        check=b_answer_is_hers,
    ),
    ("GET", "/api/v1/me/registers/"): Entry("list"),
    ("GET", "/api/v1/me/applications/"): Entry("list", a_ids=lambda d: {d.application.pk, d.dan_draft.pk}),
    ("GET", "/api/v1/me/entitlements/"): Entry("list", a_ids=lambda d: {d.grant.pk}),
    ("GET", "/api/v1/me/payments/"): Entry("list", a_ids=lambda d: {line.pk for line in d.lines}),
    ("POST", "/api/v1/me/applications/"): Entry(
        "write",
        body=lambda d: {**protected(d), "program": FLEXIBLE, "requested_start": str(TODAY), "facts": {"a": 1}},
        status=(201,),
        check=b_application_is_hers,
    ),
    ("GET", "/api/v1/me/applications/{id}/"): Entry("object", path=a_draft),
    ("POST", "/api/v1/me/applications/{id}/{action}/"): Entry("object", path=a_draft, body=protected),
    ("GET", "/api/v1/me/applications/{id}/evidence/"): Entry("object", path=lambda d: {"id": d.application.pk}),
    ("POST", "/api/v1/me/applications/{id}/evidence/"): Entry("object", path=a_draft, multipart=True),
    ("GET", "/api/v1/me/applications/{id}/evidence/{evidence_id}/"): Entry(
        "object", path=lambda d: {"id": d.application.pk, "evidence_id": d.evidence.pk}
    ),
    # review requests and complaints
    ("GET", "/api/v1/me/appeals/"): Entry("list", a_ids=lambda d: {d.appeal.pk}),
    ("POST", "/api/v1/me/appeals/"): Entry(
        "write",
        body=lambda d: {**protected(d), "application": d.rejected.pk, "reasons": "不是我的"},
        status=(404,),
        check=b_appeals_nothing,
    ),
    ("GET", "/api/v1/me/appeals/{id}/"): Entry("object", path=lambda d: {"id": d.appeal.pk}),
    ("POST", "/api/v1/me/appeals/{id}/documents/"): Entry("object", path=lambda d: {"id": d.appeal.pk}, multipart=True),
    ("GET", "/api/v1/me/appeals/{id}/documents/{document_id}/"): Entry(
        "object", path=lambda d: {"id": d.appeal.pk, "document_id": d.appeal_document.pk}
    ),
    ("POST", "/api/v1/me/appeals/{id}/{action}/"): Entry("object", path=lambda d: {"id": d.appeal.pk}, body=protected),
    ("GET", "/api/v1/me/complaints/"): Entry("list", a_ids=lambda d: {d.complaint.pk}),
    ("POST", "/api/v1/me/complaints/"): Entry(
        "write",
        body=lambda d: {**protected(d), "category": "other", "subject": "建议", "text": "延长办公时间"},
        status=(201,),
        check=b_complaint_is_hers,
    ),
    ("GET", "/api/v1/me/complaints/{id}/"): Entry("object", path=lambda d: {"id": d.complaint.pk}),
    # change requests (信息变更) and the new bank account waiting for the code sent by SMS
    ("GET", "/api/v1/me/change-requests/"): Entry(
        "list", a_ids=lambda d: {d.change_request.pk, d.account_change.change_request_id}
    ),
    ("POST", "/api/v1/me/change-requests/"): Entry(
        "write",
        body=lambda d: {**protected(d), "kind": "address", "values": {"address": "历山路1号"}, "statement": "搬家"},
        status=(201,),
        check=b_change_is_hers,
    ),
    ("GET", "/api/v1/me/change-requests/options/"): Entry("self"),
    ("GET", "/api/v1/me/change-requests/{id}/"): Entry("object", path=lambda d: {"id": d.change_request.pk}),
    ("POST", "/api/v1/me/change-requests/{id}/documents/"): Entry(
        "object", path=lambda d: {"id": d.change_request.pk}, multipart=True
    ),
    ("POST", "/api/v1/me/change-requests/{id}/{action}/"): Entry(
        "object", path=lambda d: {"id": d.change_request.pk}, body=protected
    ),
    ("GET", "/api/v1/me/account-changes/"): Entry("list", a_ids=lambda d: {d.account_change.pk}),
    ("POST", "/api/v1/me/account-changes/{id}/confirm/"): Entry(
        "object", path=lambda d: {"id": d.account_change.pk}, body=lambda d: {**protected(d), "code": "000000"}
    ),
    ("POST", "/api/v1/me/account-changes/{id}/resend/"): Entry("object", path=lambda d: {"id": d.account_change.pk}),
    # claims: B is gus, who has no record yet, and tries to reach 张三's
    ("POST", "/api/v1/me/claims/person/"): Entry(
        "write",
        body=lambda d: {**protected(d), "id_number": d.zhang.id_number, "name": d.zhang.name},
        status=(202,),  # the same answer whether or not anything matched; 张三's record is claimed already
        check=no_claim_on_a,
        as_b="gus",
    ),
    ("POST", "/api/v1/me/claims/person/confirm/"): Entry(
        "write", body=lambda d: {**protected(d), "code": "000000"}, status=(400,), as_b="gus"
    ),
    ("POST", "/api/v1/me/claims/code/"): Entry(
        "write", body=lambda d: {**protected(d), "code": "ABCD-EFGH-JKLM"}, status=(400,), as_b="gus"
    ),
    ("POST", "/api/v1/me/claims/organization/"): Entry(
        "write",
        body=lambda d: {**protected(d), "credit_code": d.organization.uscc},
        status=(201,),
        check=b_claim_waits,
        as_b="gus",
    ),
    # staff lists an applicant may call: scoped to nothing for them
    ("GET", "/api/v1/applications/"): Entry("list", a_ids=lambda d: {d.application.pk, d.dan_draft.pk}),
    ("GET", "/api/v1/entitlements/"): Entry("list", a_ids=lambda d: {d.grant.pk}),
    ("GET", "/api/v1/appeals/"): Entry("list", a_ids=lambda d: {d.appeal.pk}),
    ("GET", "/api/v1/complaints/"): Entry("list", a_ids=lambda d: {d.complaint.pk}),
    ("GET", "/api/v1/persons/"): Entry("list", a_ids=lambda d: {d.zhang.pk}),
    ("GET", "/api/v1/households/"): Entry("list", a_ids=lambda d: {d.household.pk}),
    ("GET", "/api/v1/organizations/"): Entry("list", a_ids=lambda d: {d.organization.pk}),
    ("GET", "/api/v1/organization-claims/"): Entry("list", a_ids=lambda d: {d.claim.pk}),
    ("GET", "/api/v1/users/"): Entry("list", a_ids=lambda d: {d.zhang.account_id}),
    ("GET", "/api/v1/users/{id}/"): Entry("object", path=lambda d: {"id": d.zhang.account_id}),  # A's own account
    ("GET", "/api/v1/units/"): Entry("list", a_ids=lambda d: {d.zhang.residence_unit_id}),
    ("GET", "/api/v1/registers/{code}/entries/"): Entry(
        "list", path=lambda d: {"code": d.entry.register.code}, a_ids=lambda d: {d.entry.pk}
    ),
    # reference data about nobody
    ("GET", "/api/v1/registers/"): Entry("public"),
    ("GET", "/api/v1/parameters/"): Entry("public"),
    ("GET", "/api/v1/programs/"): Entry("public"),
    ("GET", "/api/v1/programs/{code}/"): Entry("public", path=lambda d: {"code": JOB_SEEKING}),
    ("GET", "/api/v1/screen/schema/"): Entry("public"),
    # sign-in: B names A's account but knows only her own password
    ("POST", "/api/v1/auth/token/"): Entry(
        "write", body=lambda d: {"username": "dan", "password": "a guess", "user": d.zhang.account_id}, status=(401,)
    ),
    ("POST", "/api/v1/auth/login/"): Entry(
        "write", body=lambda d: {"username": "dan", "password": "a guess", "user": d.zhang.account_id}, status=(400,)
    ),
    ("POST", "/api/v1/auth/confirm/"): Entry("write", body=lambda d: {"password": A_PASSWORD}, status=(400,)),
    ("POST", "/api/v1/auth/sms-code/"): Entry(
        "write",
        body=lambda d: {"phone": d.zhang.phone},
        status=(202,),  # the same answer for any number
    ),
    ("POST", "/api/v1/auth/register/"): Entry(
        "write",
        body=lambda d: {
            **protected(d),
            "phone": d.zhang.phone,
            "code": "000000",
            "password": "x" * 12,
            "full_name": "丙",
        },
        status=(400,),  # no code was sent to B for that number
    ),
    # B signs out: her own session and token, not A's
    ("POST", "/api/v1/auth/logout/"): Entry("session", status=(204,)),
    ("POST", "/api/v1/auth/token/revoke/"): Entry("session", status=(204,)),
}


@pytest.fixture
def data(world, people, graduate) -> ApiData:
    data = build_api_data(world, people, graduate)
    world.dan.set_password(A_PASSWORD)
    world.dan.save(update_fields=["password"])
    # 李四 on a register too, so that B's register list is not empty either
    registry_entry_add(actor=world.bob, register=data.entry.register, person=data.li, entered_on=TODAY)
    # A stated an answer about 张三 (B's list of answers must not show it)
    fact_answer_state(actor=world.dan, person=data.zhang, path="person.employment.paying_social_insurance", value=True)
    return data


@pytest.fixture
def schema(client) -> dict:
    return json.loads(client.get("/api/schema/?format=json").content)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    Token.objects.get_or_create(user=user)
    return client


def url_of(path: str, parameters: dict) -> str:
    return path.format(**parameters)


def call(client, method: str, url: str, body: dict | None = None, multipart: bool = False):
    if multipart:
        body = {**(body or {}), "file": SimpleUploadedFile("a.pdf", PDF), "label": "毕业证书"}
        return getattr(client, method.lower())(url, body, format="multipart")
    return getattr(client, method.lower())(url, body or {}, format="json")


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def actions(operation: dict) -> list[str]:
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "action":
            return parameter["schema"]["enum"]
    return [""]


def reached_by(user, schema, data) -> set[tuple[str, str]]:
    """The operations that answer 2xx to ``user`` with A's records in the path, no query and an empty body."""
    values = stored_values(data)
    reached = set()
    for method, path, operation in operations(schema):
        parameters = real_path_parameters(path, values)[0]
        parameters["action"] = actions(operation)[0]
        with transaction.atomic():
            response = call(signed_in(user), method, url_of(path, parameters))
            transaction.set_rollback(True)  # a probe changes nothing
        if 200 <= response.status_code < 300:
            reached.add((method, path))
    return reached


def test_the_table_lists_every_operation_an_applicant_can_reach(schema, data, world):
    reached = reached_by(world.dan, schema, data)
    named = {(method, path) for method, path, _ in operations(schema) if path.startswith((ME, AUTH))}
    applicant_operations = reached | named
    assert {("GET", "/api/v1/me/applications/"), ("GET", "/api/v1/persons/")} <= applicant_operations  # the probe works
    missing = sorted(applicant_operations - set(TABLE))
    stale = sorted(set(TABLE) - applicant_operations)
    assert not missing, f"applicant operations without an isolation entry in TABLE: {missing}"
    assert not stale, f"TABLE entries that are no applicant operation (any more): {stale}"


def snapshot(d: ApiData) -> dict:
    """A's stored records, to compare before and after each of B's calls."""
    zhang = d.zhang.pk
    return {
        "person": list(Person.objects.filter(pk=zhang).values()),
        "applications": list(Application.objects.filter(person=zhang).order_by("pk").values()),
        "evidence": list(Evidence.objects.filter(application__person=zhang).order_by("pk").values()),
        "grants": list(Entitlement.objects.filter(person=zhang).order_by("pk").values()),
        "payments": list(Disbursement.objects.filter(person=zhang).order_by("pk").values()),
        "entries": list(RegistryEntry.objects.filter(person=zhang).order_by("pk").values()),
        "frank's claim": list(OrganizationClaim.objects.filter(pk=d.claim.pk).values()),
        "appeals": list(Appeal.objects.filter(person=zhang).order_by("pk").values()),
        "complaints": list(Complaint.objects.filter(person=zhang).order_by("pk").values()),
        "change requests": list(ChangeRequest.objects.filter(person=zhang).order_by("pk").values()),
        "change documents": list(ChangeRequestDocument.objects.filter(change_request__person=zhang).values()),
        "account changes": list(AccountChange.objects.filter(person=zhang).order_by("pk").values()),
        "token": list(Token.objects.filter(user=d.zhang.account_id).values_list("key", flat=True)),
    }


def results(response) -> list:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def markers(d: ApiData) -> list[str]:
    """Text that only A's records carry: 张三's name, masked ID number and masked phone."""
    return [d.zhang.name, d.zhang.masked_id_number, d.zhang.masked_phone]


def probe(entry: Entry, method: str, path: str, operation: dict, d: ApiData, users: dict) -> None:
    a, b = users["dan"], users[entry.as_b]
    body = entry.body(d) if entry.body else None
    parameters = entry.path(d) if entry.path else {}
    urls = [url_of(path, {**parameters, "action": action}) for action in actions(operation)]
    a_client = signed_in(a)  # A's session and token (the snapshot holds it) before B's call
    before = snapshot(d)
    for url in urls:
        response = call(signed_in(b), method, url, body, entry.multipart)
        text = response.content.decode(errors="replace")
        if entry.kind == "object":
            assert response.status_code == 404, (url, response.status_code, text[:300])
        elif entry.kind == "list":
            mine = results(call(signed_in(a), method, url))
            theirs = results(response)
            assert response.status_code == 200, (url, text[:300])
            a_ids = entry.a_ids(d) | {row["id"] for row in mine if isinstance(row, dict) and "id" in row}
            if path.startswith(ME):
                assert mine, f"{url}: A sees nothing of his own, so the check could not fail"
            assert not a_ids & {row.get("id") for row in theirs}, (url, a_ids, theirs)
            assert not [row for row in mine if row in theirs], (url, mine, theirs)
        else:
            assert response.status_code in entry.status, (url, response.status_code, text[:300])
        for marker in markers(d):
            assert marker not in text, (url, marker)
        if entry.check:
            entry.check(d, response, b)
    assert snapshot(d) == before, f"{method} {path}: B's call changed A's records"
    assert a_client.get(ME).status_code == 200, f"{method} {path}: A was signed out"


def test_b_reaches_nothing_of_a_through_any_applicant_operation(schema, data, world, subtests):
    users = {"dan": world.dan, "erin": world.erin, "gus": ApplicantFactory(username="gus", full_name="古斯")}
    by_key = {(method, path): operation for method, path, operation in operations(schema)}
    for (method, path), entry in TABLE.items():
        if (method, path) not in by_key:
            continue  # reported by the enumeration test
        with subtests.test(msg=f"{method} {path}"):
            probe(entry, method, path, by_key[(method, path)], data, users)


def test_the_checks_catch_a_leak(data, world):
    """With A standing in for B (as if the scoping let B through), the object and list checks fail."""
    users = {"dan": world.dan, "erin": world.dan}
    for method, path in (("GET", "/api/v1/me/applications/{id}/"), ("GET", "/api/v1/me/payments/")):
        with pytest.raises(AssertionError):
            probe(TABLE[(method, path)], method, path, {}, data, users)
