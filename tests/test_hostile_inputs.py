"""No input gives a 500: hostile values sent to the API and to the console each get a clear, translated refusal and
store nothing. The API answers a 4xx in its JSON error shape (``{"code", "message", "fields"}``, the message in
Chinese by default); the console a 4xx page or the form again with the error (after a POST action: the page it
returns to, with the message). The main tables and the upload folder are the same after the request as before.

Each row of ``API`` and ``CONSOLE`` is one hostile request: JSON nested thousands of levels deep, bodies larger
than the server reads, dates at the ends of the calendar (0001-01-01, 9999-12-31), NUL and other control characters
in bodies, query strings, paths and spreadsheet cells, very long strings, ids that are not numbers. Two kinds of
row expect something else than a refusal: ``QUIET`` (a normal page: the input is ignored or cut as the page
documents) and ``PREVIEW`` (an import: the upload is kept with its preview run, which refuses the row with a
message naming the column, and nothing else is stored)."""

import contextlib
import csv
import datetime
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from benefits.appeals.services import complaint_file
from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_submit,
)
from benefits.models import Application, Complaint, Entitlement, Evidence, GrantReview, ParameterValue, Program
from casework import imports
from casework import services as casework
from casework import services_changes as changes
from casework.models import (
    AccountChange,
    ChangeRequest,
    Contact,
    DuplicateCandidate,
    EmploymentRecord,
    Household,
    ImportRun,
    NameConflict,
    Organization,
    Person,
    RegistryEntry,
)
from core.errors import Conflict

from .api_data import duplicate_pair
from .benefits.workflow import JOB_SEEKING, TODAY
from .conftest import sign_in
from .factories import make_id_number

pytestmark = pytest.mark.django_db

REFUSED, QUIET, PREVIEW = "refused", "quiet", "preview"
DEEP = "[" * 5000 + "]" * 5000  # RecursionError in Python's JSON decoder
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
FACTS = {"city": "dalian", "person": {"birth_date": "1990-01-01", "sex": "M"}}
LONG = "长" * 100_000
CJK = re.compile(r"[\u4e00-\u9fff]")
GRADUATES = "unemployed_graduates_after_leaving"
PARAMETER = "national.pboc_loan_benchmark_rate_1_to_5y"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def huge_json(ctx) -> bytes:
    """A 20 MB JSON document: far more than the server reads into memory (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return b'{"city": "dalian", "padding": "' + b"x" * (20 * 1024 * 1024) + b'"}'


def huge_form(ctx) -> bytes:
    return b"username=alice&password=" + b"x" * (20 * 1024 * 1024)


@dataclass
class Hostile:
    """One hostile request. ``path`` and ``data`` may be callables of the test's records (``ctx``)."""

    who: str  # a persona, or "" for nobody
    method: str
    path: object
    data: object = None
    kind: str = "json"  # json (a JSON body), form (form fields, multipart), raw (``data`` as it goes on the wire)
    content_type: str = "application/json"  # of a raw body
    expect: str = REFUSED
    field: str = ""  # the field a 400 must name (the API rows that have one)


def api(who, method, path, data=None, **kwargs) -> Hostile:
    return Hostile(who, method, path, data, **kwargs)


def raw(who, path, body, content_type="application/json") -> Hostile:
    return Hostile(who, "post", path, body, kind="raw", content_type=content_type)


def page(who, method, path, data=None, expect=REFUSED) -> Hostile:
    return Hostile(who, method, path, data, kind="form", expect=expect)


def facts(**person) -> dict:
    return {**FACTS, "person": {**FACTS["person"], **person}}


def new_person(**fields):
    """A new person's fields (a valid ID number, alice's community) with ``fields`` over them."""
    id_number = make_id_number(birth="19950505", sequence=77)
    return lambda ctx: {"name": "王小明", "id_number": id_number, "residence_unit": ctx.world.youhao.pk, **fields}


def new_application(**fields):
    return lambda ctx: {"program": JOB_SEEKING, "person": ctx.zhang.pk, "requested_start": str(TODAY), **fields}


def zhang(suffix="", prefix="/api/v1/persons"):
    """A path under 张三's record."""
    return lambda ctx: f"{prefix}/{ctx.zhang.pk}/{suffix}"


def console(suffix):
    return zhang(suffix, prefix="/console/people")


def evidence(name="document.pdf", label="毕业证书"):
    return lambda ctx: {"file": SimpleUploadedFile(name, PDF, content_type="application/pdf"), "label": label}


def duplicates(suffix):
    """A path under the pair of 钱七's two records."""
    return lambda ctx: f"/api/v1/duplicates/{ctx.pair.pk}/{suffix}"


MY_CHANGES = "/api/v1/me/change-requests/"


def change_asked(kind="address", *, statement="", **values):
    """A change request's body; a ``resident_since`` comes with a move (李四 to 友好社区)."""

    def body(ctx):
        moved = {"residence_unit": ctx.world.youhao.pk} if "resident_since" in values else {}
        return {"kind": kind, "values": {**moved, **values}, "statement": statement}

    return body


def my_change(suffix):
    """A path under erin's change request waiting for a caseworker (about 李四's address)."""
    return lambda ctx: f"{MY_CHANGES}{ctx.changes.waiting.pk}/{suffix}"


def staff_change(suffix):
    return lambda ctx: f"/api/v1/change-requests/{ctx.changes.waiting.pk}/{suffix}"


def my_account(suffix):
    """A path under the new bank account of 李四, applied by bob, waiting for the code sent by SMS."""
    return lambda ctx: f"/api/v1/me/account-changes/{ctx.changes.account.pk}/{suffix}"


def staff_account(suffix):
    return lambda ctx: f"/api/v1/account-changes/{ctx.changes.account.pk}/{suffix}"


def grant_review(suffix):
    """A path under the open review of 张三's grant."""
    return lambda ctx: f"/api/v1/grant-reviews/{ctx.changes.review.pk}/{suffix}"


def not_a_pdf(ctx):
    return {"file": SimpleUploadedFile("租房合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")}


def complaints(suffix):
    """A path under the complaint alice took down for 张三."""
    return lambda ctx: f"/api/v1/complaints/{ctx.complaint.pk}/{suffix}"


def complaint(**fields):
    return lambda ctx: {
        "person": ctx.zhang.pk,
        "category": "delay",
        "subject": "办理太慢",
        "text": "等了很久",
        **fields,
    }


def contact(**fields) -> dict:
    return {"contacted_on": "2026-11-01", "channel": "phone", "outcome": "seeking", **fields}


API = {
    # JSON nested 5,000 levels deep (RecursionError), or deeper than the parser's cap
    "screen: nested 5,000 deep": raw("", "/api/v1/screen/", DEEP),
    "token: nested 5,000 deep": raw("", "/api/v1/auth/token/", DEEP),
    "applications: nested 5,000 deep": raw("alice", "/api/v1/applications/", DEEP),
    "persons: an object nested 5,000 deep": raw("alice", "/api/v1/persons/", DEEP_OBJECT),
    "screen: facts nested 100 deep": raw(
        "", "/api/v1/screen/", '{"city": "dalian", "person": ' + "[" * 99 + "]" * 99 + "}"
    ),
    "screen: not JSON": raw("", "/api/v1/screen/", '{"city": '),
    "screen: a list, not an object": raw("", "/api/v1/screen/", "[1, 2]"),
    # bodies larger than the server reads: the API's JSON error, not an HTML page
    "screen: a 20 MB JSON body": raw("", "/api/v1/screen/", huge_json),
    "persons: a 20 MB JSON body": raw("alice", "/api/v1/persons/", huge_json),
    "token: a 20 MB form body": raw("", "/api/v1/auth/token/", huge_form, "application/x-www-form-urlencoded"),
    # dates at the ends of the calendar
    "screen: as_of=9999-12-31": api("", "post", "/api/v1/screen/?as_of=9999-12-31", FACTS),
    "screen: as_of=0001-01-01": api("", "post", "/api/v1/screen/?as_of=0001-01-01", FACTS),
    "screen: as_of=abc": api("", "post", "/api/v1/screen/?as_of=abc", FACTS),
    "screen: the document's as_of 9999-12-31": api("", "post", "/api/v1/screen/", {**FACTS, "as_of": "9999-12-31"}),
    "screen: birth date 9999-12-31": api("", "post", "/api/v1/screen/", facts(birth_date="9999-12-31")),
    "screen: birth date 0001-01-01": api("", "post", "/api/v1/screen/", facts(birth_date="0001-01-01")),
    "screen: birth date tomorrow": api("", "post", "/api/v1/screen/", facts(birth_date="2099-01-01")),
    "screen: register since 0001-01-01": api(
        "", "post", "/api/v1/screen/", facts(registers=[{"code": GRADUATES, "since": "0001-01-01"}])
    ),
    "screen: employment to 9999-12-31": api(
        "",
        "post",
        "/api/v1/screen/",
        facts(employment=[{"status": "employed", "from": "2020-01-01", "to": "9999-12-31"}]),
    ),
    "eligibility: as_of=9999-12-31": api("alice", "get", zhang("eligibility/?as_of=9999-12-31")),
    "eligibility: as_of=0001-01-01": api("alice", "get", zhang("eligibility/?as_of=0001-01-01")),
    "persons: graduation date 9999-12-31": api(
        "alice", "post", "/api/v1/persons/", new_person(graduation_date="9999-12-31")
    ),
    "persons: resident since 0001-01-01": api(
        "alice", "post", "/api/v1/persons/", new_person(resident_since="0001-01-01")
    ),
    "persons: resident since 2090-01-01": api(
        "alice", "post", "/api/v1/persons/", new_person(resident_since="2090-01-01")
    ),
    "person: graduation 0001-01-01": api("alice", "patch", zhang(), {"graduation_date": "0001-01-01"}),
    "contacts: contacted on 9999-12-31": api("alice", "post", zhang("contacts/"), contact(contacted_on="9999-12-31")),
    "contacts: follow-up on 9999-12-31": api(
        "alice", "post", zhang("contacts/"), contact(next_follow_up_on="9999-12-31")
    ),
    "employment: started on 0001-01-01": api(
        "alice", "post", zhang("employment/"), {"status": "employed", "started_on": "0001-01-01"}
    ),
    "employment: started on 9999-12-31": api(
        "alice", "post", zhang("employment/"), {"status": "employed", "started_on": "9999-12-31"}
    ),
    "register entry: entered on 9999-12-31": api(
        "alice",
        "post",
        "/api/v1/register-entries/",
        lambda ctx: {"register": "graduates_within_5_years", "person": ctx.zhang.pk, "entered_on": "9999-12-31"},
    ),
    "register entry: exited on 0001-01-01": api(
        "alice",
        "post",
        lambda ctx: f"/api/v1/register-entries/{ctx.entry.pk}/exit/",
        {"exited_on": "0001-01-01", "reason": "employed"},
    ),
    "household: dibao since 0001-01-01": api(
        "alice",
        "post",
        "/api/v1/households/",
        lambda ctx: {
            "unit": ctx.world.youhao.pk,
            "dibao_since": "0001-01-01",
            "is_dibao": True,
            "members": [{"person": ctx.zhang.pk, "relation": "head"}],
        },
    ),
    "application: requested start 9999-12-01": api(
        "alice", "post", "/api/v1/applications/", new_application(requested_start="9999-12-01")
    ),
    "application: requested start 0001-01-01": api(
        "alice", "post", "/api/v1/applications/", new_application(requested_start="0001-01-01")
    ),
    "my application: requested start 9999-12-01": api(
        "dan", "post", "/api/v1/me/applications/", {"program": JOB_SEEKING, "requested_start": "9999-12-01"}
    ),
    "application: facts with a birth date 9999-12-31": api(
        "alice", "post", "/api/v1/applications/", new_application(facts={"person": {"birth_date": "9999-12-31"}})
    ),
    "parameter: valid from 9999-12-31": api(
        "sam", "post", f"/api/v1/parameters/{PARAMETER}/values/", {"valid_from": "9999-12-31", "value": "0.04"}
    ),
    "entitlements: ending_by=9999-12-31": api("alice", "get", "/api/v1/entitlements/?ending_by=9999-12-31"),
    "entitlements: ending_by=0001-01-01": api("alice", "get", "/api/v1/entitlements/?ending_by=0001-01-01"),
    # NUL and other control characters
    "persons: a control character in the name": api("alice", "post", "/api/v1/persons/", new_person(name="王\x07小明")),
    "persons: NUL in the name": api("alice", "post", "/api/v1/persons/", new_person(name="王\x00小明")),
    "persons: a line break in the name": api("alice", "post", "/api/v1/persons/", new_person(name="王\n小明")),
    "persons: escape in the school": api("alice", "post", "/api/v1/persons/", new_person(school="大学\x1b[31m")),
    "persons: a control character in a key": api(
        "alice", "post", "/api/v1/persons/", lambda ctx: {**new_person()(ctx), "na\x01me": "x"}
    ),
    "person: a C1 control character in the name": api("alice", "patch", zhang(), {"name": "张\x85三"}),
    "contacts: NUL in the note": api("alice", "post", zhang("contacts/"), contact(note="a\x00b")),
    "screen: NUL in a register code": api(
        "", "post", "/api/v1/screen/", facts(registers=[{"code": "dibao\x00", "since": "2020-01-01"}])
    ),
    "screen: NUL in a key": api("", "post", "/api/v1/screen/", {**FACTS, "ci\x00ty": "dalian"}),
    "application: NUL in the facts": api(
        "alice",
        "post",
        "/api/v1/applications/",
        new_application(facts={"person": {"employment": [{"status": "employed", "employer_kind": "\x00"}]}}),
    ),
    "application: a control character in the note": api(
        "alice", "post", "/api/v1/applications/", new_application(note="备注\x01")
    ),
    "evidence: a control character in the label": api(
        "alice",
        "post",
        lambda ctx: f"/api/v1/applications/{ctx.draft.pk}/evidence/",
        evidence(label="证书\x07"),
        kind="form",
    ),
    "token: NUL in the username": api("", "post", "/api/v1/auth/token/", {"username": "al\x00ice", "password": "x"}),
    "register: a control character in the full name": api(
        "",
        "post",
        "/api/v1/auth/register/",
        {"phone": "13900009999", "code": "123456", "password": "Correct-Horse-42", "full_name": "新\x07用户"},
    ),
    "person claim: NUL in the name": api(
        "dan", "post", "/api/v1/me/claims/person/", {"id_number": make_id_number(sequence=3), "name": "张\x00三"}
    ),
    "evidence: a malformed multipart body": raw(
        "alice",
        lambda ctx: f"/api/v1/applications/{ctx.draft.pk}/evidence/",
        '--x\r\nContent-Disposition: form-data; name="label"\r\n\r\nA',
        "multipart/form-data; boundary=x",
    ),
    "persons: a form body with a control character": raw(
        "alice", "/api/v1/persons/", "name=%07&id_number=x&residence_unit=1", "application/x-www-form-urlencoded"
    ),
    "persons: NUL in the search": api("alice", "get", "/api/v1/persons/?search=%00"),
    "persons: NUL in a filter": api("alice", "get", "/api/v1/persons/?hukou_type=%00"),
    "units: NUL in the search": api("alice", "get", "/api/v1/units/?search=a%00"),
    "register entries: NUL in the search": api("alice", "get", f"/api/v1/registers/{GRADUATES}/entries/?search=a%00"),
    "programs: NUL in the city filter": api("", "get", "/api/v1/programs/?city=%00"),
    "program: NUL in the code": api("", "get", "/api/v1/programs/a%00b/"),
    "parameter values: NUL in the code": api(
        "sam", "post", "/api/v1/parameters/a%00b/values/", {"valid_from": "2027-01-01", "value": "1"}
    ),
    # very long strings, ids that are not numbers
    "persons: a 100,000-character name": api("alice", "post", "/api/v1/persons/", new_person(name=LONG)),
    "persons: a superscript digit in the ID number": api(
        "alice", "post", "/api/v1/persons/", new_person(id_number="1101051949123100²2")
    ),
    "person: a 100,000-character school": api("alice", "patch", zhang(), {"school": LONG}),
    "persons: a 100,000-character search": api("alice", "get", f"/api/v1/persons/?search={LONG}"),
    "persons: unit=abc": api("alice", "get", "/api/v1/persons/?unit=abc"),
    "persons: a unit beyond 64 bits": api("alice", "get", "/api/v1/persons/?unit=99999999999999999999999"),
    "applications: a person beyond 64 bits": api(
        "alice", "post", "/api/v1/applications/", new_application(person=2**70)
    ),
    "persons: page=%00": api("alice", "get", "/api/v1/persons/?page=%00"),
    "persons: page=abc": api("alice", "get", "/api/v1/persons/?page=abc"),
    "persons: not a number in the path": api("alice", "get", "/api/v1/persons/abc/"),
    "persons: an id beyond 64 bits in the path": api("alice", "get", "/api/v1/persons/99999999999999999999999/"),
    # possible duplicates: decided by a supervisor
    "duplicates: status=%00": api("bob", "get", "/api/v1/duplicates/?status=%00"),
    "duplicate merge: keep=abc": api("bob", "post", duplicates("merge/"), {"keep": "abc"}),
    "duplicate merge: keep beyond 64 bits": api("bob", "post", duplicates("merge/"), {"keep": 2**70}),
    "duplicate merge: keep nested": api("bob", "post", duplicates("merge/"), {"keep": [[[1]]]}),
    "duplicate merge: keep someone else": api("bob", "post", duplicates("merge/"), lambda ctx: {"keep": ctx.zhang.pk}),
    "duplicate merge: not a number in the path": api("bob", "post", "/api/v1/duplicates/abc/merge/", {"keep": 1}),
    "duplicate dismiss: NUL in the note": api("bob", "post", duplicates("dismiss/"), {"note": "双\x00胞胎"}),
    "duplicate dismiss: a 100,000-character note": api("bob", "post", duplicates("dismiss/"), {"note": LONG}),
    # complaints taken down by staff, and their owner
    "complaint: NUL in the subject": api("alice", "post", "/api/v1/complaints/", complaint(subject="标\x00题")),
    "complaint: a 100,000-character text": api("alice", "post", "/api/v1/complaints/", complaint(text=LONG)),
    "complaint: a person beyond 64 bits": api("alice", "post", "/api/v1/complaints/", complaint(person=2**70)),
    "complaint: a control character as category": api(
        "alice", "post", "/api/v1/complaints/", complaint(category="\x07")
    ),
    "complaint assign: owner=abc": api("alice", "post", complaints("assign/"), {"owner": "abc"}),
    "complaint assign: owner beyond 64 bits": api("alice", "post", complaints("assign/"), {"owner": 2**70}),
    "complaint assign: an owner of another city": api(
        "alice", "post", complaints("assign/"), lambda ctx: {"owner": ctx.world.carol.pk}
    ),
    # review request documents
    "appeal document: an id beyond 64 bits": api(
        "alice", "get", "/api/v1/appeals/1/documents/99999999999999999999999/"
    ),
    "my appeal document: not a number": api("dan", "get", "/api/v1/me/appeals/1/documents/abc/"),
    # change requests (信息变更): erin asks about 李四's record; staff decide; a new bank account and its code
    "my change request: nested 5,000 deep": raw("erin", MY_CHANGES, DEEP),
    "my change request: NUL in the statement": api(
        "erin", "post", MY_CHANGES, change_asked("phone", phone="13912345678", statement="搬\x00家"), field="statement"
    ),
    "my change request: a control character in the address": api(
        "erin", "post", MY_CHANGES, change_asked(address="天津街\x07"), field="values/address"
    ),
    "my change request: moved in on 9999-12-31": api(
        "erin", "post", MY_CHANGES, change_asked(address="x", resident_since="9999-12-31"), field="resident_since"
    ),
    "my change request: moved in on 0001-01-01": api(
        "erin", "post", MY_CHANGES, change_asked(address="x", resident_since="0001-01-01"), field="resident_since"
    ),
    "my change request: graduated on 9999-12-31": api(
        "erin",
        "post",
        MY_CHANGES,
        change_asked("education", education="master", graduation_date="9999-12-31"),
        field="graduation_date",
    ),
    "my change request: started work on 0001-01-01": api(
        "erin",
        "post",
        MY_CHANGES,
        change_asked("employment", status="employed", started_on="0001-01-01"),
        field="started_on",
    ),
    "my change request: a community beyond 64 bits": api(
        "erin", "post", MY_CHANGES, change_asked(address="x", residence_unit=2**70), field="residence_unit"
    ),
    "my change request: a community that is no number": api(
        "erin", "post", MY_CHANGES, change_asked(address="x", residence_unit="abc"), field="residence_unit"
    ),
    "my change request: a 100,000-character address": api(
        "erin", "post", MY_CHANGES, change_asked(address=LONG), field="address"
    ),
    "my change request: a superscript digit in the ID number": api(
        "erin",
        "post",
        MY_CHANGES,
        change_asked("household", action="add", id_number="1101051949123100²2", name="甲", relation="child"),
        field="id_number",
    ),
    "my change request: values a list": api(
        "erin", "post", MY_CHANGES, {"kind": "phone", "values": ["13912345678"]}, field="values"
    ),
    "my change request: NUL as the kind": api("erin", "post", MY_CHANGES, {"kind": "\x00", "values": {}}, field="kind"),
    "my change request: not a number in the path": api("erin", "get", f"{MY_CHANGES}abc/"),
    "my change request document: a control character in the label": api(
        "erin", "post", my_change("documents/"), evidence(label="租房\x07合同"), kind="form", field="label"
    ),
    "my change request document: not a PDF": api(
        "erin", "post", my_change("documents/"), not_a_pdf, kind="form", field="file"
    ),
    "my account change: NUL in the code": api(
        "erin", "post", my_account("confirm/"), {"code": "12\x003456"}, field="code"
    ),
    "my account change: a 100,000-character code": api(
        "erin", "post", my_account("confirm/"), {"code": LONG}, field="code"
    ),
    "my account change: the code nested": api("erin", "post", my_account("confirm/"), {"code": [[1]]}, field="code"),
    "change request apply: moved in on 9999-12-31": api(
        "bob",
        "post",
        staff_change("apply/"),
        lambda ctx: {"values": {"address": "x", "residence_unit": ctx.world.youhao.pk, "resident_since": "9999-12-31"}},
        field="resident_since",
    ),
    "change request apply: a control character in the note": api(
        "bob", "post", staff_change("apply/"), {"note": "核\x07对"}, field="note"
    ),
    "change request refuse: a 100,000-character reason": api(
        "bob", "post", staff_change("refuse/"), {"reason": LONG}, field="reason"
    ),
    "change requests: NUL in the kind filter": api("bob", "get", "/api/v1/change-requests/?kind=%00", field="kind"),
    "change request document: an id beyond 64 bits": api(
        "bob", "get", staff_change("documents/99999999999999999999999/")
    ),
    "person change request: started work on 0001-01-01": api(
        "alice",
        "post",
        zhang("change-requests/"),
        change_asked("employment", status="employed", started_on="0001-01-01"),
        field="started_on",
    ),
    "account change revert: NUL in the reason": api(
        "bob", "post", staff_account("revert/"), {"reason": "非本人\x00"}, field="reason"
    ),
    "account changes: status=%00": api("bob", "get", "/api/v1/account-changes/?status=%00", field="status"),
    "grant review keep: NUL in the note": api("bob", "post", grant_review("keep/"), {"note": "保\x00留"}, field="note"),
    "grant review end: a 100,000-character note": api(
        "bob", "post", grant_review("end/"), {"note": LONG}, field="note"
    ),
    "grant reviews: status=%00": api("bob", "get", "/api/v1/grant-reviews/?status=%00", field="status"),
}

CONSOLE = {
    # NUL and control characters in query strings and paths
    "people search: NUL": page("alice", "get", "/console/people/?q=%00"),
    "people search: control characters": page("alice", "get", "/console/people/?q=%01%02%1b"),
    "people: register=%00": page("alice", "get", "/console/people/?register=%00"),
    "people: page=%00": page("alice", "get", "/console/people/?page=%00"),
    "people: NUL in a parameter's name": page("alice", "get", "/console/people/?q%00=x"),
    "households search: NUL": page("alice", "get", "/console/households/?q=%00"),
    "organizations search: NUL": page("alice", "get", "/console/organizations/?q=%00"),
    "units search: NUL": page("alice", "get", "/console/units/?q=%00"),
    "programs: NUL in the city": page("alice", "get", "/console/programs/?city=%00"),
    "parameter: NUL in the slug": page("alice", "get", "/console/parameters/a%00b/"),
    "program: NUL in the slug": page("alice", "get", "/console/programs/a%00b/"),
    "register: NUL in the code": page("alice", "get", "/console/registers/a%00b/"),
    "report list: NUL in the figure": page("alice", "get", "/console/reports/list/a%00b/"),
    # dates at the ends of the calendar
    "what-if: as_of=9999-12-31": page("alice", "get", "/console/what-if/?city=dalian&as_of=9999-12-31"),
    "what-if: as_of=0001-01-01": page("alice", "get", "/console/what-if/?city=dalian&as_of=0001-01-01"),
    "what-if: birth date 9999-12-31": page(
        "alice", "get", "/console/what-if/?city=dalian&as_of=2026-12-01&birth_date=9999-12-31"
    ),
    "person page: eligibility as_of=9999-12-31": page("alice", "get", console("?tab=eligibility&as_of=9999-12-31")),
    "reports: from=0000-01&to=9999-12": page("alice", "get", "/console/reports/?from=0000-01&to=9999-12"),
    "reports: to=9999-12": page("alice", "get", "/console/reports/?to=9999-12"),
    "report: to=9999-12": page("alice", "get", "/console/reports/registers/?from=2026-01&to=9999-12"),
    "reports export: to=9999-12": page("alice", "get", "/console/reports/?from=0000-01&to=9999-12&format=xlsx"),
    "monthly workbook: month=9999-12": page("alice", "get", "/console/reports/monthly.xlsx?month=9999-12"),
    "monthly workbook: month=0000-01": page("alice", "get", "/console/reports/monthly.xlsx?month=0000-01"),
    "monthly workbook: to=9999-12": page("alice", "get", "/console/reports/monthly.xlsx?to=9999-12"),
    "report list: to=9999-12": page("alice", "get", "/console/reports/list/registers.active/?from=2026-01&to=9999-12"),
    "report list export: to=9999-12": page(
        "alice", "get", "/console/reports/list/registers.active/?from=0000-01&to=9999-12&format=xlsx"
    ),
    "report list, full numbers: to=9999-12": page(
        "alice", "post", "/console/reports/list/registers.active/?to=9999-12", {"reason": "核对"}
    ),
    "payments: month=9999-12": page("sam", "get", "/console/payments/?month=9999-12", expect=QUIET),
    # forms: control characters, dates, long strings, ids that are not numbers
    "name conflict: conflict=abc": page("alice", "post", console("name-conflict/"), {"conflict": "abc"}),
    "name conflict: a conflict beyond 64 bits": page(
        "alice", "post", console("name-conflict/"), {"conflict": "99999999999999999999999"}
    ),
    "person form: a control character in the name": page(
        "alice", "post", "/console/people/new/", new_person(name="王\x07小明")
    ),
    "person form: a line break in the name": page("alice", "post", "/console/people/new/", new_person(name="王\n小明")),
    "person form: a 100,000-character name": page("alice", "post", "/console/people/new/", new_person(name=LONG)),
    "person form: graduation date 9999-12-31": page(
        "alice", "post", "/console/people/new/", new_person(graduation_date="9999-12-31")
    ),
    "person form: residence unit abc": page("alice", "post", "/console/people/new/", new_person(residence_unit="abc")),
    "person form: a superscript digit in the ID number": page(
        "alice", "post", "/console/people/new/", new_person(id_number="1101051949123100²2")
    ),
    "reports: unit=²": page("alice", "get", "/console/reports/?unit=²"),
    "payment exception: exception=²": page("sam", "post", "/console/payments/exceptions/", {"exception": "²"}),
    "approve the ticked: application=²": page(
        "bob", "post", "/console/applications/approve/", {"application": ["²", "99999999999999999999999"]}, QUIET
    ),
    "person edit: resident since 0001-01-01": page(
        "alice", "post", console("edit/"), {"name": "张三", "resident_since": "0001-01-01"}
    ),
    "person edit: resident since 2090-01-01": page(
        "alice", "post", console("edit/"), {"name": "张三", "resident_since": "2090-01-01"}
    ),
    "application form: requested start 9999-12-01": page(
        "alice",
        "post",
        lambda ctx: f"/console/applications/new/{ctx.zhang.pk}/",
        {"program": JOB_SEEKING, "requested_start": "9999-12-01"},
    ),
    "contact form: 9999-12-31": page("alice", "post", console("contact/"), contact(contacted_on="9999-12-31")),
    "note form: NUL": page("alice", "post", console("note/"), {"text": "a\x00b"}),
    "note form: escape": page("alice", "post", console("note/"), {"text": "a\x1bb"}),
    "employment form: 0001-01-01": page(
        "alice", "post", console("employment/"), {"status": "employed", "started_on": "0001-01-01"}
    ),
    "assistance form: caseworker abc": page(
        "alice", "post", console("assistance/"), {"caseworker": "abc", "reason": "x", "started_on": "2026-11-01"}
    ),
    "household form: NUL in the members": page(
        "alice",
        "post",
        "/console/households/new/",
        lambda ctx: {"unit": ctx.world.youhao.pk, "members": f"{ctx.zhang.id_number}，户主\x00"},
    ),
    "parameter form: valid from 9999-12-31": page(
        "sam", "post", f"/console/parameters/{PARAMETER}/", {"valid_from": "9999-12-31", "value": "0.04"}
    ),
    "a 20 MB form": page("alice", "post", "/console/people/new/", new_person(address="x" * (20 * 1024 * 1024))),
    # imports
    "import: NUL in a cell": page(
        "alice", "post", "/console/imports/", lambda ctx: upload(ctx, name="学\x00生"), PREVIEW
    ),
    "import: a control character in a note": page(
        "alice", "post", "/console/imports/", lambda ctx: upload(ctx, note="备注\x07"), PREVIEW
    ),
    "import: entered on 9999-12-31": page(
        "alice", "post", "/console/imports/", lambda ctx: upload(ctx, entered_on="9999-12-31"), PREVIEW
    ),
    "import: graduated on 0001-01-01": page(
        "alice", "post", "/console/imports/", lambda ctx: upload(ctx, graduation_date="0001-01-01"), PREVIEW
    ),
    "import: a superscript digit in an ID number": page(
        "alice", "post", "/console/imports/", lambda ctx: upload(ctx, id_number="1101051949123100²2"), PREVIEW
    ),
    "import: unit abc": page("alice", "post", "/console/imports/", lambda ctx: {**upload(ctx), "unit": "abc"}),
    # the search box keeps its first 32 characters
    "people search: 100,000 characters": page("alice", "get", f"/console/people/?q={LONG}", expect=QUIET),
}


def upload(ctx, **cells) -> dict:
    """The import form's fields, with a one-row CSV file: a valid row with ``cells`` over it."""
    row = {
        "name": "学生",
        "id_number": make_id_number(birth="19990101", sequence=401),
        "phone": "13812340401",
        "community": "友好社区",
        "entered_on": "2026-01-05",
        "graduation_date": "2025-07-01",
        "education": "本科",
        "note": "",
        **cells,
    }
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([column.header for column in imports.COLUMNS])
    writer.writerow([row[column.key] for column in imports.COLUMNS])
    file = SimpleUploadedFile("名单.csv", text.getvalue().encode("utf-8"))
    return {"register": GRADUATES, "unit": ctx.world.youhao.pk, "file": file}


def change_records(world, people, draft) -> SimpleNamespace:
    """For the change-request rows: erin has claimed 李四 and asked for a new address (waiting) and a new bank
    account (applied by bob: waiting for the code sent by SMS); 张三's draft is approved and a review of the grant
    is open."""
    li = people["li"]
    Person.objects.filter(pk=li.pk).update(account=world.erin)
    li.refresh_from_db()
    waiting = changes.change_request_submit(
        actor=world.erin, person=li, kind="address", values={"address": "天津街8号"}
    )
    bank = changes.change_request_submit(
        actor=world.erin, person=li, kind="bank_account", values={"bank_account": "6217000099998888777"}
    )
    changes.change_request_apply(actor=world.bob, change_request=bank)
    application_submit(actor=world.alice, application=draft)
    application_recommend(actor=world.alice, application=draft)
    application_approve(actor=world.bob, application=draft, on=TODAY)
    grant = Entitlement.objects.get(application=draft)
    review = GrantReview.objects.create(entitlement=grant, unit=grant.unit, raised_on=TODAY, reasons=[])
    return SimpleNamespace(waiting=waiting, account=AccountChange.objects.get(change_request=bank), review=review)


CHANGE_ROWS = {label for label, case in API.items() if "change" in label or "grant review" in label}


@pytest.fixture
def ctx(request, world, people, graduate, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"  # a folder of the test's own: listed before and after
    settings.MEDIA_ROOT.mkdir()
    with contextlib.suppress(Conflict):  # 张三 arrives again under another name: a conflict waits on his page
        casework.person_create(
            actor=world.alice, name="张叁", id_number=graduate.id_number, residence_unit=world.youhao
        )
    draft = application_create(
        actor=world.alice, program=Program.objects.get(code=JOB_SEEKING), person=graduate, requested_start=TODAY
    )
    label = request.node.callspec.params.get("label") if hasattr(request.node, "callspec") else None
    return SimpleNamespace(
        world=world,
        zhang=graduate,
        entry=RegistryEntry.objects.get(person=graduate, register__code=GRADUATES),
        draft=draft,
        changes=change_records(world, people, draft) if label in CHANGE_ROWS else None,
        media=settings.MEDIA_ROOT,
        complaint=complaint_file(actor=world.alice, person=graduate, category="delay", subject="慢", text="等了很久"),
        pair=duplicate_pair(world),
    )


def snapshot(ctx, *, preview=False) -> dict:
    """What a refused request must leave as it was: the rows of the main tables and the stored files (a preview
    may add its run and the run's file)."""
    state = {
        "persons": list(Person.objects.order_by("pk").values_list("pk", "name", "graduation_date", "resident_since")),
        "applications": list(Application.objects.order_by("pk").values_list("pk", "state", "requested_start")),
        "entries": list(RegistryEntry.objects.order_by("pk").values_list("pk", "entered_on", "exited_on")),
        "contacts": Contact.objects.count(),
        "employment": EmploymentRecord.objects.count(),
        "households": Household.objects.count(),
        "organizations": Organization.objects.count(),
        "name conflicts": list(NameConflict.objects.order_by("pk").values_list("pk", "resolved_at")),
        "parameter values": ParameterValue.objects.count(),
        "evidence": Evidence.objects.count(),
        "complaints": list(Complaint.objects.order_by("pk").values_list("pk", "owner", "status")),
        "duplicates": list(DuplicateCandidate.objects.order_by("pk").values_list("pk", "status", "note")),
        "change requests": list(ChangeRequest.objects.order_by("pk").values_list("pk", "status", "proposed")),
        "account changes": list(AccountChange.objects.order_by("pk").values_list("pk", "status", "sms_attempts")),
        "grant reviews": list(GrantReview.objects.order_by("pk").values_list("pk", "status", "note")),
    }
    if not preview:
        state["imports"] = ImportRun.objects.count()
        state["files"] = stored_files(ctx)
    return state


def stored_files(ctx) -> list[str]:
    return sorted(str(path.relative_to(ctx.media)) for path in ctx.media.rglob("*") if path.is_file())


def send(client, case: Hostile, ctx):
    path = case.path(ctx) if callable(case.path) else case.path
    data = case.data(ctx) if callable(case.data) else case.data
    call = getattr(client, case.method)
    if case.kind == "raw":
        return call(path, data=data, content_type=case.content_type)
    if case.kind == "json" and case.method != "get":
        return call(path, data=data, format="json")
    return call(path, data=data)


def client_for(case: Hostile, ctx, *, api: bool):
    client = (APIClient if api else Client)(raise_request_exception=False)
    if case.who:
        sign_in(client, getattr(ctx.world, case.who))
    return client


def texts(body) -> list[str]:
    if isinstance(body, dict):
        return [text for value in body.values() for text in texts(value)]
    if isinstance(body, list):
        return [text for value in body for text in texts(value)]
    return [str(body)]


@pytest.mark.parametrize("label", list(API))
def test_the_api_refuses_with_a_translated_json_4xx_and_stores_nothing(ctx, label):
    case = API[label]
    client = client_for(case, ctx, api=True)
    before = snapshot(ctx)
    response = send(client, case, ctx)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert CJK.search(body["message"]), body  # the API speaks Chinese unless the caller asks otherwise
    assert all(CJK.search(text) for text in texts(body["fields"])), body
    if case.field:  # a bad value is a 400 naming its field
        assert response.status_code == 400 and case.field in body["fields"], body
    assert snapshot(ctx) == before


@pytest.mark.parametrize("label", list(CONSOLE))
def test_the_console_refuses_with_a_4xx_or_the_form_error_and_stores_nothing(ctx, label):
    case = CONSOLE[label]
    client = client_for(case, ctx, api=False)
    before = snapshot(ctx, preview=case.expect == PREVIEW)
    runs = set(ImportRun.objects.values_list("pk", flat=True))
    response = send(client, case, ctx)
    assert response.status_code < 500, response.status_code
    if response.status_code == 302:  # a POST action or an upload: the page it leads to, with the message
        response = client.get(response["Location"])
    assert not response.streaming, "a file was made of a hostile query"
    page = response.content.decode()
    if case.expect == QUIET:
        assert response.status_code == 200
    elif case.expect == PREVIEW:  # the import's preview refuses the row, naming the column, and stores nobody
        run = ImportRun.objects.exclude(pk__in=runs).get()
        assert (run.total_rows, run.error_rows, run.status) == (1, 1, "previewed")
        assert all(CJK.search(error["message"]) for error in run.report[0]["errors"]), run.report
        assert "\x00" not in str(run.report) and "\x07" not in str(run.report)
        kept = [name for run in ImportRun.objects.all() for name in (run.file.name, run.rows_file.name) if name]
        assert stored_files(ctx) == sorted(kept)  # no orphan file: the uploads and their checked rows
    elif not 400 <= response.status_code < 500:
        assert response.status_code == 200, response.status_code
        assert 'class="error"' in page, page[:3000]  # the form's error (or the action's message)
    assert CJK.search(page)
    assert snapshot(ctx, preview=case.expect == PREVIEW) == before


# --- The rules at their edges -----------------------------------------------------------------------------------


def test_every_form_and_serializer_text_field_refuses_control_characters_and_a_text_area_keeps_lines():
    from django import forms
    from rest_framework import serializers

    from accounts.validators import MULTILINE

    class Form(forms.Form):
        line = forms.CharField()
        text = forms.CharField(widget=forms.Textarea)

    class Input(serializers.Serializer):
        line = serializers.CharField()
        text = serializers.CharField(style=MULTILINE)

    for bound in (Form, Input):
        assert bound(data={"line": "张三 李四", "text": "第一行\r\n\t第二行"}).is_valid()
        for line, text in [("张\n三", "x"), ("张\x00三", "x"), ("x", "a\x00b"), ("x", "a\x1bb"), ("x", "a\x85b")]:
            invalid = bound(data={"line": line, "text": text})
            assert not invalid.is_valid() and set(invalid.errors) == ({"line"} if line != "x" else {"text"})


@pytest.mark.parametrize("past", [False, True])
def test_dates_are_plausible_from_1900_to_ten_years_ahead_or_to_today(past):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from accounts.validators import PlausibleDate
    from core.plausible import latest_date

    today = timezone.localdate()
    latest = today if past else latest_date()
    assert (latest - today).days in ((0,) if past else (3652, 3653))  # ten years: two or three of them leap
    check = PlausibleDate(past=past)
    check(datetime.date(1900, 1, 1))
    check(latest)
    for day in (datetime.date(1899, 12, 31), latest + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            check(day)


def test_a_facts_document_is_held_to_the_same_dates():
    from django.utils import timezone

    from benefits.rules.facts import FactsError, validate

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    validate(facts(birth_date=str(today), graduation_date=str(tomorrow)))  # a graduation may be ahead
    with pytest.raises(FactsError) as refused:
        validate(facts(birth_date=str(tomorrow)))
    assert refused.value.errors[0].startswith("person/birth_date: ")


def test_json_is_taken_64_levels_deep_and_no_deeper():
    from rest_framework.exceptions import ParseError

    from accounts.parsers import loads

    assert loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(ParseError):
        loads("[" * 65 + "]" * 65)


def test_a_multi_line_api_field_keeps_its_lines(ctx):
    client = sign_in(APIClient(), ctx.world.alice)
    response = client.post("/api/v1/applications/", new_application(note="第一行\n第二行")(ctx), format="json")
    assert response.status_code == 201, response.json()
    assert Application.objects.get(pk=response.json()["id"]).note == "第一行\n第二行"
