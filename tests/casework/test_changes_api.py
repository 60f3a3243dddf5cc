"""The API of change requests (信息变更申请) and bank-account changes: the applicant asks for each kind of change
under /api/v1/me/, adds documents, withdraws, follows the outcome in Chinese and confirms a new bank account with
the code sent by SMS; staff of the community list (masked, in a fixed number of queries), apply, refuse, raise a
request for the person, confirm or revert a new account and decide the grant reviews a change raised. Every
answer masks phone, bank-account and ID numbers; another applicant or another city's staff get 404, an applicant
on a staff endpoint 403."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership, Notification, Role
from benefits.applications.services import application_approve
from benefits.models import Entitlement, GrantReview
from casework.models import AccountChange, ChangeRequest, ChangeRequestDocument, Person
from casework.services_changes import CODE_MAX_ATTEMPTS
from tests.benefits.test_scenarios import FLEXIBLE, flexible_graduate
from tests.benefits.workflow import recommended
from tests.conftest import sign_in
from tests.factories import UserFactory, make_id_number

pytestmark = pytest.mark.django_db

D = datetime.date
OLD, NEW = "6222021234567890123", "6217000099998888777"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CJK = re.compile(r"[\u4e00-\u9fff]")
CHILD_ID = make_id_number(birth="20150301", sequence=21)

MINE = "/api/v1/me/change-requests/"
STAFF = "/api/v1/change-requests/"
ACCOUNTS = "/api/v1/account-changes/"


def mine(pk=None, suffix=""):
    return f"{MINE}{pk}/{suffix}" if pk else MINE


def staff(pk=None, suffix=""):
    return f"{STAFF}{pk}/{suffix}" if pk else STAFF


@pytest.fixture
def zhang(world, graduate):
    """张三, claimed in the portal by dan, with a bank account on file."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan, bank_account=OLD)
    return Person.objects.get(pk=graduate.pk)


@pytest.fixture
def li(world, people):
    """李四, claimed by erin."""
    Person.objects.filter(pk=people["li"].pk).update(account=world.erin)
    return Person.objects.get(pk=people["li"].pk)


@pytest.fixture
def colleague(world):
    """柯林, a second caseworker of 友好社区."""
    user = UserFactory(username="colin", full_name="柯林")
    Membership.objects.create(user=user, unit=world.youhao, role=Role.CASEWORKER)
    return user


@pytest.fixture
def client_of():
    """``client_of(user)``: an API client of that user's own, signed in (second factor given) once."""
    clients = {}

    def of(user):
        if user.pk not in clients:
            clients[user.pk] = sign_in(APIClient(), user)
        return clients[user.pk]

    return of


def ask(client, kind, values, statement=""):
    return client.post(MINE, {"kind": kind, "values": values, "statement": statement}, format="json")


def sms_code(phone: str) -> str:
    """The code of the latest SMS to ``phone`` that carries one (the outcome of a request carries none)."""
    texts = Notification.objects.filter(channel="sms", address=phone).order_by("-pk").values_list("body", flat=True)
    return next(match.group(1) for text in texts if (match := re.search(r"(?<!\d)(\d{6})(?!\d)", text)))


def full_numbers(person: Person) -> list[str]:
    return [value for value in (person.id_number, person.phone, person.bank_account) if value]


def assert_masked(response, *numbers):
    text = response.content.decode()
    for number in numbers:
        assert number not in text, number


# --- The applicant asks ----------------------------------------------------------------------------------------

KINDS = {
    "phone": ({"phone": "139 1234 5678"}, {"phone": "13912345678"}),
    "bank_account": ({"bank_account": f"{NEW[:4]} {NEW[4:]}"}, {"bank_account": NEW}),
    "address": (
        {"address": "大连市中山区天津街8号", "residence_unit": "tianjinjie", "resident_since": "2025-03-01"},
        {"address": "大连市中山区天津街8号", "residence_unit": "tianjinjie", "resident_since": "2025-03-01"},
    ),
    "education": (
        {"education": "master", "school": "大连理工大学", "major": "软件工程", "graduation_date": "2026-06-30"},
        {"education": "master", "school": "大连理工大学", "major": "软件工程", "graduation_date": "2026-06-30"},
    ),
    "employment": (
        {"status": "employed", "started_on": "2026-11-02", "employer_name": "大连星海软件有限公司"},
        {"status": "employed", "started_on": "2026-11-02", "employer_name": "大连星海软件有限公司"},
    ),
    "household": (
        {"action": "add", "id_number": CHILD_ID, "name": "张小宝", "relation": "child", "able_to_work": False},
        {"action": "add", "id_number": CHILD_ID, "name": "张小宝", "relation": "child", "able_to_work": False},
    ),
}


def resolved(world, values: dict) -> dict:
    """``values`` with a community named by its persona attribute replaced by its id."""
    if values.get("residence_unit") in ("tianjinjie", "furong"):
        return {**values, "residence_unit": getattr(world, values["residence_unit"]).pk}
    return values


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_applicant_asks_for_each_kind_and_reads_it_masked_in_chinese(world, zhang, client_of, kind):
    sent, stored = (resolved(world, values) for values in KINDS[kind])
    response = ask(client_of(world.dan), kind, sent, "有证明材料")
    assert response.status_code == 201, response.json()
    body = response.json()
    request = ChangeRequest.objects.get(pk=body["id"])
    assert (request.person, request.kind, request.status, request.raised_by, request.on_behalf) == (
        zhang,
        kind,
        "submitted",
        world.dan,
        False,
    )
    assert request.proposed == stored
    assert (body["status"], body["statement"], body["account_change"]) == ("submitted", "有证明材料", None)
    assert CJK.search(body["kind_label"]) and CJK.search(body["status_label"]) and CJK.search(body["outcome"])
    assert set(stored) <= {row["field"] for row in body["values"]}
    assert all(CJK.search(row["label"]) for row in body["values"])
    assert_masked(response, *full_numbers(zhang), NEW, "13912345678", CHILD_ID)
    # the list shows it too, and a second request of the same kind waits for the first
    listed = client_of(world.dan).get(MINE).json()["results"]
    assert [row["id"] for row in listed] == [request.pk]
    again = ask(client_of(world.dan), kind, sent)
    assert again.status_code == 409 and set(again.json()["fields"]) == {"kind"}


def test_the_values_are_shown_in_words_with_the_numbers_masked(world, zhang, client_of):
    response = ask(client_of(world.dan), "bank_account", {"bank_account": NEW})
    rows = {row["field"]: row for row in response.json()["values"]}
    assert rows["bank_account"]["on_file"] == "*" * 15 + OLD[-4:]
    assert rows["bank_account"]["asked"] == "*" * 15 + NEW[-4:]
    assert rows["bank_account"]["applied"] == ""
    response = ask(
        client_of(world.dan),
        "address",
        {"address": "天津街8号", "residence_unit": world.tianjinjie.pk, "resident_since": "2025-03-01"},
    )
    rows = {row["field"]: row for row in response.json()["values"]}
    assert rows["residence_unit"]["on_file"] == "中山区 青泥洼桥街道 友好社区"
    assert rows["residence_unit"]["asked"] == "中山区 青泥洼桥街道 天津街社区"
    assert rows["residence_unit"]["label"] == "居住社区"


def test_a_number_typed_in_the_reasons_is_masked_too(world, zhang, client_of):
    response = ask(
        client_of(world.dan), "phone", {"phone": "13912345678"}, f"新号码13912345678，身份证{zhang.id_number}"
    )
    assert response.json()["statement"] == f"新号码139****5678，身份证{zhang.masked_id_number}"
    staff_view = client_of(world.alice).get(staff(response.json()["id"])).json()
    assert staff_view["statement"] == response.json()["statement"]
    assert ChangeRequest.objects.get().statement.startswith("新号码13912345678")  # stored as typed


BAD = {
    "phone: not a mobile number": ("phone", {"phone": "12345"}, "phone"),
    "phone: the one on file": ("phone", {"phone": "13812341234"}, "phone"),
    "bank account: letters": ("bank_account", {"bank_account": "abc"}, "bank_account"),
    "bank account: the one on file": ("bank_account", {"bank_account": OLD}, "bank_account"),
    "address: missing": ("address", {"address": ""}, "address"),
    "address: a community of another city": (
        "address",
        {"address": "泉城路1号", "residence_unit": "furong", "resident_since": "2025-01-01"},
        "residence_unit",
    ),
    "address: no community of that id": ("address", {"address": "x", "residence_unit": 2**31 - 1}, "residence_unit"),
    "address: moved without a date": ("address", {"address": "x", "residence_unit": "tianjinjie"}, "resident_since"),
    "address: moved in 9999": (
        "address",
        {"address": "x", "residence_unit": "tianjinjie", "resident_since": "9999-12-31"},
        "resident_since",
    ),
    "address: moved tomorrow": (
        "address",
        {"address": "x", "residence_unit": "tianjinjie", "resident_since": "2099-01-01"},
        "resident_since",
    ),
    "education: not a level": ("education", {"education": "phd"}, "education"),
    "education: none given": ("education", {}, "education"),
    "education: graduated in 1900": (
        "education",
        {"education": "master", "graduation_date": "1900-01-01"},
        "graduation_date",
    ),
    "employment: no start": ("employment", {"status": "employed"}, "started_on"),
    "employment: not a status": ("employment", {"status": "retired", "started_on": "2026-01-01"}, "status"),
    "household: a bad ID number": ("household", {"action": "add", "id_number": "123", "name": "甲"}, "id_number"),
    "household: my own ID number": ("household", {"action": "add", "id_number": "own", "name": "甲"}, "id_number"),
    "household: removing nobody": ("household", {"action": "remove", "id_number": CHILD_ID}, "id_number"),
    "household: no name": ("household", {"action": "add", "id_number": CHILD_ID, "relation": "child"}, "name"),
    "household: head of household": (
        "household",
        {"action": "add", "id_number": CHILD_ID, "name": "甲", "relation": "head"},
        "relation",
    ),
    "household: no action": ("household", {"id_number": CHILD_ID}, "action"),
    "kind: not a kind": ("salary", {"phone": "13912345678"}, "kind"),
    "values: not an object": ("phone", ["13912345678"], "values"),
    "statement: 2,001 characters": ("phone", {"phone": "13912345678"}, "statement"),
}


@pytest.mark.parametrize("label", list(BAD))
def test_a_bad_value_is_a_400_naming_its_field_in_chinese_and_nothing_is_stored(world, zhang, client_of, label):
    kind, values, field = BAD[label]
    if isinstance(values, dict):
        values = resolved(world, values)
        if values.get("id_number") == "own":
            values["id_number"] = zhang.id_number
    statement = "长" * 2001 if field == "statement" else ""
    response = ask(client_of(world.dan), kind, values, statement)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body["fields"]) == {field}, body
    assert all(CJK.search(message) for message in body["fields"][field]), body
    assert not ChangeRequest.objects.exists()


def test_an_account_without_a_record_is_told_to_claim_it_first(world, client_of):
    response = ask(client_of(world.dan), "phone", {"phone": "13912345678"})
    assert response.status_code == 403 and "认领" in response.json()["message"]
    assert client_of(world.dan).get(MINE).json()["results"] == []
    assert client_of(world.dan).get(f"{MINE}options/").status_code == 403


def test_the_form_options_offer_the_communities_of_my_city_and_what_is_on_file(world, zhang, client_of):
    ask(client_of(world.dan), "phone", {"phone": "13912345678"})
    body = client_of(world.dan).get(f"{MINE}options/").json()
    names = {row["name"] for row in body["communities"]}
    assert {"中山区 青泥洼桥街道 友好社区", "中山区 青泥洼桥街道 天津街社区"} <= names
    assert not any("芙蓉" in name for name in names)  # another city's
    assert body["on_file"]["phone"] == "138****1234" and body["on_file"]["education"] == "本科"
    assert body["on_file"]["bank_account"].endswith(OLD[-4:]) and OLD not in json.dumps(body)
    assert body["waiting"] == ["phone"]


# --- Documents and withdrawing ---------------------------------------------------------------------------------


def test_documents_are_added_while_it_waits_and_staff_of_the_area_download_them(
    world, zhang, client_of, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request_id = ask(client_of(world.dan), "phone", {"phone": "13912345678"}).json()["id"]
    upload = SimpleUploadedFile("新号码证明.pdf", PDF, content_type="application/pdf")
    response = client_of(world.dan).post(mine(request_id, "documents/"), {"file": upload, "label": "营业厅证明"})
    assert response.status_code == 201, response.json()
    document = ChangeRequestDocument.objects.get()
    assert (document.label, document.content_type, document.uploaded_by) == ("营业厅证明", "application/pdf", world.dan)
    detail = client_of(world.dan).get(mine(request_id)).json()
    assert [(d["id"], d["label"], d["original_name"]) for d in detail["documents"]] == [
        (document.pk, "营业厅证明", "新号码证明.pdf")
    ]
    # not a PDF, JPEG or PNG: 400 naming the file
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client_of(world.dan).post(mine(request_id, "documents/"), {"file": fake})
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"file"}
    # staff of the area download it; another city's caseworker and an applicant do not
    url = staff(request_id, f"documents/{document.pk}/")
    download = client_of(world.alice).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_of(world.carol).get(url).status_code == 404
    assert client_of(world.dan).get(url).status_code == 403
    assert client_of(world.alice).get(staff(request_id, "documents/999999/")).status_code == 404


def test_the_applicant_withdraws_while_it_waits_and_then_nothing_more(world, zhang, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request_id = ask(client_of(world.dan), "phone", {"phone": "13912345678"}).json()["id"]
    response = client_of(world.dan).post(mine(request_id, "withdraw/"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("withdrawn", "已撤回：未作任何变更。")
    assert client_of(world.dan).post(mine(request_id, "withdraw/")).status_code == 409
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert client_of(world.dan).post(mine(request_id, "documents/"), {"file": upload}).status_code == 409
    assert client_of(world.dan).post(mine(request_id, "cancel/")).status_code == 404  # no such action
    assert Person.objects.get(pk=zhang.pk).phone == "13812341234"


# --- Staff decide -----------------------------------------------------------------------------------------------


def test_a_caseworker_applies_and_the_applicant_reads_it_changed(world, zhang, client_of):
    request_id = ask(client_of(world.dan), "phone", {"phone": "13912345678"}).json()["id"]
    response = client_of(world.alice).post(staff(request_id, "apply/"), {"note": "核对了身份证"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decided_by"]) == ("applied", "王爱丽")
    assert Person.objects.get(pk=zhang.pk).phone == "13912345678"
    assert_masked(response, "13912345678", zhang.id_number)
    mine_now = client_of(world.dan).get(mine(request_id)).json()
    assert (mine_now["status_label"], mine_now["outcome"], mine_now["decision_note"]) == (
        "已变更",
        "已变更。",
        "核对了身份证",
    )
    assert "decided_by" not in mine_now  # who decided is the job centre's to know
    row = next(row for row in mine_now["values"] if row["field"] == "phone")
    assert (row["on_file"], row["asked"], row["applied"]) == ("138****1234", "139****5678", "139****5678")
    # decided: no second decision
    again = client_of(world.alice).post(staff(request_id, "refuse/"), {"reason": "x"}, format="json")
    assert again.status_code == 409


def test_a_caseworker_corrects_a_typo_when_applying_and_bad_values_name_the_field(world, zhang, client_of):
    request_id = ask(client_of(world.dan), "address", {"address": "天津街8号"}).json()["id"]
    bad = client_of(world.alice).post(staff(request_id, "apply/"), {"values": {"address": "天津街\x07"}}, format="json")
    assert bad.status_code == 400
    bad = client_of(world.alice).post(
        staff(request_id, "apply/"),
        {"values": {"address": "天津街8号", "residence_unit": world.tianjinjie.pk, "resident_since": "9999-12-31"}},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"resident_since"}, bad.json()
    assert ChangeRequest.objects.get(pk=request_id).status == "submitted"
    response = client_of(world.alice).post(
        staff(request_id, "apply/"), {"values": {"address": "天津街18号"}, "note": "门牌号以房产证为准"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Person.objects.get(pk=zhang.pk).address == "天津街18号"
    assert ChangeRequest.objects.get(pk=request_id).applied == {"address": "天津街18号"}


def test_a_refusal_needs_a_reason_which_the_applicant_reads(world, zhang, client_of):
    request_id = ask(client_of(world.dan), "employment", {"status": "employed", "started_on": "2026-11-02"}).json()[
        "id"
    ]
    no_reason = client_of(world.alice).post(staff(request_id, "refuse/"), {}, format="json")
    assert no_reason.status_code == 400 and set(no_reason.json()["fields"]) == {"reason"}
    response = client_of(world.alice).post(staff(request_id, "refuse/"), {"reason": "未提供劳动合同"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "refused"
    mine_now = client_of(world.dan).get(mine(request_id)).json()
    assert (mine_now["status_label"], mine_now["outcome"]) == ("未予变更", "未予变更：未提供劳动合同")
    assert not zhang.employment.filter(status="employed").exists()


def test_a_caseworker_raises_a_request_for_the_person_and_another_one_applies_it(world, zhang, client_of, colleague):
    url = f"/api/v1/persons/{zhang.pk}/change-requests/"
    response = client_of(world.alice).post(
        url, {"kind": "phone", "values": {"phone": "13912345678"}, "statement": "本人来电"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["on_behalf"], body["raised_by"], body["person"], body["person_name"]) == (
        True,
        "王爱丽",
        zhang.pk,
        "张三",
    )
    assert body["person_id_number_masked"] == zhang.masked_id_number
    assert_masked(response, *full_numbers(zhang), "13912345678")
    own = client_of(world.alice).post(staff(body["id"], "apply/"), {}, format="json")
    assert own.status_code == 403 and CJK.search(own.json()["message"])
    assert client_of(colleague).post(staff(body["id"], "apply/"), {}, format="json").status_code == 200
    # the person sees it among their own
    assert [row["id"] for row in client_of(world.dan).get(MINE).json()["results"]] == [body["id"]]
    # another city's caseworker cannot raise one; bad values name their field
    assert (
        client_of(world.carol)
        .post(url, {"kind": "phone", "values": {"phone": "13912345679"}}, format="json")
        .status_code
        == 404
    )
    bad = client_of(world.alice).post(url, {"kind": "phone", "values": {"phone": "1"}}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"phone"}


def test_the_staff_list_is_scoped_filtered_and_masked(world, zhang, li, client_of):
    phone = ask(client_of(world.dan), "phone", {"phone": "13912345678"}).json()["id"]
    address = ask(client_of(world.dan), "address", {"address": "天津街8号"}).json()["id"]
    hers = ask(client_of(world.erin), "phone", {"phone": "13912345670"}).json()["id"]
    client_of(world.alice).post(staff(address, "refuse/"), {"reason": "地址不详"}, format="json")
    everything = client_of(world.bob).get(STAFF).json()
    assert {row["id"] for row in everything["results"]} == {phone, address, hers}
    waiting = client_of(world.bob).get(f"{STAFF}?status=submitted&kind=phone").json()["results"]
    assert [row["id"] for row in waiting] == [phone, hers]  # oldest first
    assert client_of(world.alice).get(f"{STAFF}?status=refused").json()["results"][0]["id"] == address
    assert client_of(world.carol).get(STAFF).json()["results"] == []
    assert client_of(world.carol).get(staff(phone)).status_code == 404
    bad = client_of(world.bob).get(f"{STAFF}?status=done")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"status"}
    text = client_of(world.bob).get(STAFF).content.decode()
    for number in [*full_numbers(zhang), *full_numbers(li), "13912345678", "13912345670"]:
        assert number not in text


def test_the_staff_list_takes_the_same_queries_however_long(
    world, zhang, li, client_of, django_assert_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ask(client_of(world.dan), "phone", {"phone": "13912345678"})
    client = client_of(world.bob)
    client.get(STAFF)  # the session's first request reads what later ones find cached
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(STAFF).json()["results"]) == 1
    queries = len(one)  # now: the next request clears the connection's log
    # more requests, of more kinds and people, with documents and an applied bank account
    bank = ask(client_of(world.dan), "bank_account", {"bank_account": NEW}).json()["id"]
    assert client_of(world.alice).post(staff(bank, "apply/"), {}, format="json").status_code == 200
    ask(client_of(world.dan), "address", {"address": "天津街8号"})
    employment = ask(client_of(world.erin), "employment", {"status": "employed", "started_on": "2026-11-02"}).json()
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    client_of(world.erin).post(mine(employment["id"], "documents/"), {"file": upload})
    with django_assert_num_queries(queries):
        assert len(client.get(STAFF).json()["results"]) == 4
    with CaptureQueriesContext(connection) as few:
        client.get(ACCOUNTS)
    queries = len(few)
    ask(client_of(world.erin), "bank_account", {"bank_account": NEW})
    hers = ChangeRequest.objects.get(person=li, kind="bank_account")
    assert client_of(world.bob).post(staff(hers.pk, "apply/"), {}, format="json").status_code == 200
    with django_assert_num_queries(queries):
        assert len(client.get(ACCOUNTS).json()["results"]) == 2


# --- Bank accounts: the code sent by SMS ----------------------------------------------------------------------


@pytest.fixture
def new_account(world, zhang, client_of):
    """dan asked for a new bank account and alice applied it: the change waits, a code went to 张三's phone."""
    request_id = ask(client_of(world.dan), "bank_account", {"bank_account": NEW}).json()["id"]
    assert client_of(world.alice).post(staff(request_id, "apply/"), {}, format="json").status_code == 200
    change = AccountChange.objects.get(person=zhang)
    assert (change.status, change.change_request_id, change.sms_phone) == ("pending", request_id, zhang.phone)
    return change


def confirm(client, change, code):
    return client.post(f"/api/v1/me/account-changes/{change.pk}/confirm/", {"code": code}, format="json")


def test_the_applicant_confirms_the_new_account_with_the_code_sent_to_the_old_phone(
    world, zhang, new_account, client_of
):
    detail = client_of(world.dan).get(mine(new_account.change_request_id)).json()
    pending = detail["account_change"]
    assert (pending["id"], pending["status"], pending["may_confirm_by_code"], pending["attempts_left"]) == (
        new_account.pk,
        "pending",
        True,
        CODE_MAX_ATTEMPTS,
    )
    assert (pending["code_sent_to"], pending["new_account_masked"]) == ("138****1234", "*" * 15 + NEW[-4:])
    assert detail["outcome"] == "已变更。" and CJK.search(pending["status_label"])
    listed = client_of(world.dan).get("/api/v1/me/account-changes/").json()["results"]
    assert [row["id"] for row in listed] == [new_account.pk]
    code = sms_code(zhang.phone)
    response = confirm(client_of(world.dan), new_account, f" {code} ")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["may_confirm_by_code"]) == ("confirmed", False)
    assert CJK.search(response.json()["confirmed_via_label"])
    new_account.refresh_from_db()
    assert (new_account.status, new_account.confirmed_via, new_account.confirmed_by) == ("confirmed", "sms", world.dan)
    assert Person.objects.get(pk=zhang.pk).bank_account == NEW
    assert confirm(client_of(world.dan), new_account, code).status_code == 409  # settled already


def test_wrong_codes_are_counted_and_lock_the_code_after_five(world, zhang, new_account, client_of):
    code = sms_code(zhang.phone)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(CODE_MAX_ATTEMPTS - 1, -1, -1):
        response = confirm(client_of(world.dan), new_account, wrong)
        assert response.status_code == 400 and set(response.json()["fields"]) == {"code"}
        assert "不正确" in response.json()["fields"]["code"][0]
        assert (
            client_of(world.dan).get(mine(new_account.change_request_id)).json()["account_change"]["attempts_left"]
            == left
        )
    locked = confirm(client_of(world.dan), new_account, code)  # even the right code, now
    assert locked.status_code == 403 and CJK.search(locked.json()["message"])
    new_account.refresh_from_db()
    assert (new_account.status, new_account.sms_attempts) == ("pending", CODE_MAX_ATTEMPTS)
    assert (
        client_of(world.dan).get(mine(new_account.change_request_id)).json()["account_change"]["may_confirm_by_code"]
        is False
    )
    blank = confirm(client_of(world.dan), new_account, "")
    assert blank.status_code == 400 and set(blank.json()["fields"]) == {"code"}


def test_a_new_code_no_sooner_than_a_minute_and_the_old_one_stops_working(world, zhang, new_account, client_of):
    first = sms_code(zhang.phone)
    url = f"/api/v1/me/account-changes/{new_account.pk}/resend/"
    too_soon = client_of(world.dan).post(url)
    assert too_soon.status_code == 429 and CJK.search(too_soon.json()["message"])
    with override_settings(CASEWORK_SMS_RESEND_SECONDS=0):
        response = client_of(world.dan).post(url)
    assert response.status_code == 200, response.json()
    second = sms_code(zhang.phone)
    assert Notification.objects.filter(channel="sms", address=zhang.phone, body__contains=second).count() == 1
    if first != second:
        assert confirm(client_of(world.dan), new_account, first).status_code == 400
    assert confirm(client_of(world.dan), new_account, second).json()["status"] == "confirmed"


def test_staff_confirm_or_revert_a_new_account_but_not_the_one_they_made(
    world, zhang, new_account, client_of, colleague
):
    listed = client_of(world.bob).get(ACCOUNTS).json()["results"]
    assert [(row["id"], row["party_name"], row["made_by"]) for row in listed] == [(new_account.pk, "张三", "王爱丽")]
    assert listed[0]["old_account_masked"].endswith(OLD[-4:])
    assert_masked(client_of(world.bob).get(ACCOUNTS), OLD, NEW, zhang.phone, zhang.id_number)
    own = client_of(world.alice).post(f"{ACCOUNTS}{new_account.pk}/confirm/", {}, format="json")
    assert own.status_code == 403 and CJK.search(own.json()["message"])
    no_reason = client_of(world.alice).post(f"{ACCOUNTS}{new_account.pk}/revert/", {}, format="json")
    assert no_reason.status_code == 400 and set(no_reason.json()["fields"]) == {"reason"}
    assert client_of(world.carol).post(f"{ACCOUNTS}{new_account.pk}/confirm/", {}, format="json").status_code == 404
    response = client_of(world.alice).post(
        f"{ACCOUNTS}{new_account.pk}/revert/", {"reason": "本人称未申请"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "reverted"
    assert Person.objects.get(pk=zhang.pk).bank_account == OLD
    assert client_of(world.bob).get(ACCOUNTS).json()["results"] == []  # nothing waits
    assert [row["status"] for row in client_of(world.bob).get(f"{ACCOUNTS}?status=all").json()["results"]] == [
        "reverted"
    ]
    mine_now = client_of(world.dan).get(mine(new_account.change_request_id)).json()["account_change"]
    assert (mine_now["status"], mine_now["may_confirm_by_code"]) == ("reverted", False)


def test_a_second_staff_member_confirms(world, zhang, new_account, client_of, colleague):
    response = client_of(colleague).post(f"{ACCOUNTS}{new_account.pk}/confirm/", {}, format="json")
    assert response.status_code == 200 and response.json()["confirmed_by"] == "柯林"
    assert AccountChange.objects.get(pk=new_account.pk).confirmed_via == "staff"


# --- Isolation --------------------------------------------------------------------------------------------------


def test_another_applicant_sees_and_does_nothing_of_mine(world, zhang, li, new_account, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request_id = ask(client_of(world.dan), "address", {"address": "天津街8号"}).json()["id"]
    erin = client_of(world.erin)
    assert erin.get(MINE).json()["results"] == []
    assert erin.get("/api/v1/me/account-changes/").json()["results"] == []
    assert erin.get(mine(request_id)).status_code == 404
    assert erin.post(mine(request_id, "withdraw/")).status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert erin.post(mine(request_id, "documents/"), {"file": upload}).status_code == 404
    code = sms_code(zhang.phone)
    assert confirm(erin, new_account, code).status_code == 404
    assert erin.post(f"/api/v1/me/account-changes/{new_account.pk}/resend/").status_code == 404
    assert ChangeRequest.objects.get(pk=request_id).status == "submitted"
    assert not ChangeRequestDocument.objects.exists()
    new_account.refresh_from_db()
    assert (new_account.status, new_account.sms_attempts) == ("pending", 0)
    # a staff member has no change requests of their own
    assert client_of(world.alice).get(MINE).json()["results"] == []
    assert client_of(world.alice).get(mine(request_id)).status_code == 404


STAFF_ENDPOINTS = [
    ("get", lambda d: STAFF),
    ("get", lambda d: staff(d["request"])),
    ("post", lambda d: staff(d["request"], "apply/")),
    ("post", lambda d: staff(d["request"], "refuse/")),
    ("get", lambda d: staff(d["request"], "documents/1/")),
    ("post", lambda d: f"/api/v1/persons/{d['person']}/change-requests/"),
    ("get", lambda d: ACCOUNTS),
    ("post", lambda d: f"{ACCOUNTS}{d['change']}/confirm/"),
    ("post", lambda d: f"{ACCOUNTS}{d['change']}/revert/"),
    ("get", lambda d: "/api/v1/grant-reviews/"),
    ("post", lambda d: "/api/v1/grant-reviews/1/keep/"),
]


@pytest.mark.parametrize("method,path", STAFF_ENDPOINTS)
def test_an_applicant_gets_403_on_the_staff_endpoints(world, zhang, new_account, client_of, method, path):
    ids = {"request": new_account.change_request_id, "person": zhang.pk, "change": new_account.pk}
    response = getattr(client_of(world.dan), method)(path(ids), {"reason": "x", "note": "x"}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied" and CJK.search(response.json()["message"])
    assert AccountChange.objects.get(pk=new_account.pk).status == "pending"


# --- Grant reviews ----------------------------------------------------------------------------------------------


@pytest.fixture
def review(world, client_of):
    """甲 (dan's), in flexible work with a flexible-employment subsidy, reports a job: alice applies it and a review
    of the grant opens."""
    person = flexible_graduate(world, world.youhao, "甲", D(2026, 1, 10), D(2026, 6, 1))
    Person.objects.filter(pk=person.pk).update(account=world.dan)
    application_approve(actor=world.bob, application=recommended(world, person, code=FLEXIBLE))
    request_id = ask(
        client_of(world.dan),
        "employment",
        {"status": "employed", "started_on": "2026-11-02", "employer_name": "某公司"},
    ).json()["id"]
    assert client_of(world.alice).post(staff(request_id, "apply/"), {}, format="json").status_code == 200
    return GrantReview.objects.get()


def test_staff_list_the_open_reviews_and_keep_or_end_them(world, review, client_of):
    listed = client_of(world.alice).get("/api/v1/grant-reviews/").json()["results"]
    assert [(row["id"], row["party_name"], row["status"]) for row in listed] == [(review.pk, "甲", "open")]
    assert listed[0]["reasons"] and all(reason["met"] is False for reason in listed[0]["reasons"])
    assert CJK.search(listed[0]["program_name"]) and CJK.search(listed[0]["change_kind_label"])
    assert client_of(world.carol).get("/api/v1/grant-reviews/").json()["results"] == []
    url = f"/api/v1/grant-reviews/{review.pk}/"
    assert client_of(world.carol).post(f"{url}keep/", {"note": "x"}, format="json").status_code == 404
    no_note = client_of(world.alice).post(f"{url}keep/", {}, format="json")
    assert no_note.status_code == 400 and set(no_note.json()["fields"]) == {"note"}
    ending = client_of(world.alice).post(f"{url}end/", {"note": "已就业"}, format="json")
    assert ending.status_code == 403  # ending a grant is a supervisor's step
    assert client_of(world.alice).post(f"{url}pause/", {"note": "x"}, format="json").status_code == 404
    response = client_of(world.bob).post(f"{url}end/", {"note": "已在企业全职就业"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decided_by"]) == ("ended", "李博")
    assert Entitlement.objects.get(pk=review.entitlement_id).status == "terminated"
    assert client_of(world.alice).get("/api/v1/grant-reviews/").json()["results"] == []
    assert [row["id"] for row in client_of(world.alice).get("/api/v1/grant-reviews/?status=all").json()["results"]] == [
        review.pk
    ]
    assert client_of(world.bob).post(f"{url}keep/", {"note": "x"}, format="json").status_code == 409


def test_a_caseworker_keeps_the_grant_with_a_reason(world, review, client_of):
    response = client_of(world.alice).post(
        f"/api/v1/grant-reviews/{review.pk}/keep/", {"note": "非全日制，仍属灵活就业"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "kept"
    assert Entitlement.objects.get(pk=review.entitlement_id).status == "active"
