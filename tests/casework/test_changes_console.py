"""Change requests and bank-account changes in the staff console: scoped (carol of 济南 gets 404), every personal
number masked, apply and refuse through the pages (the record changes and the worklist item closes at once), the
"why not" for the one who raised a request, the second person's confirmation of a new account (and the refusal for
the one who made it), the revert, and lists whose query count does not grow with their rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import services_changes
from casework.models import AccountChange, ChangeRequest, FollowUp, Person
from tests.test_every_word_chinese import english_words

from ..factories import make_id_number, make_person

pytestmark = pytest.mark.django_db

OLD_ACCOUNT = "6222021234567890123"
NEW_ACCOUNT = "6217001234500009876"
NEW_PHONE = "13998765432"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def zhang(world):
    """张三 of 友好社区 (alice's community), mobile and bank account on file, claimed by dan in the portal."""
    person = make_person(world.youhao, "张三", phone="13812341234", education="senior")
    Person.objects.filter(pk=person.pk).update(account=world.dan, bank_account=OLD_ACCOUNT)
    person.refresh_from_db()
    return person


@pytest.fixture
def submitted(world):
    """``submitted(person, kind, values)``: a request dan asks in the portal for ``person`` (he claims it first: a
    portal account holds one record, so whichever he held before lets go)."""

    def submit(person, kind=ChangeRequest.Kind.PHONE, values=None, statement="换了新手机号。"):
        Person.objects.filter(account=world.dan).exclude(pk=person.pk).update(account=None)
        Person.objects.filter(pk=person.pk).update(account=world.dan)
        return services_changes.change_request_submit(
            actor=world.dan,
            person=person,
            kind=kind,
            values=values if values is not None else {"phone": NEW_PHONE},
            statement=statement,
        )

    return submit


def open_item(person, kind):
    return FollowUp.objects.filter(person=person, kind=kind, done_at__isnull=True).first()


def assert_no_full_numbers(html: str, person, *numbers):
    for number in (person.id_number, person.phone, person.bank_account, *numbers):
        if number:
            assert number not in html, number


def detail_url(change_request):
    return reverse("casework:change-request-detail", args=[change_request.pk])


# --- Scope -----------------------------------------------------------------------------------------------------


def test_carol_of_jinan_sees_nothing_of_dalian(world, zhang, submitted, console_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    change_request = submitted(zhang)
    document = services_changes.change_request_document_add(
        actor=world.dan,
        change_request=change_request,
        upload=SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
    )
    client = console_as(world.carol)
    listing = client.get(reverse("casework:change-request-list"), {"status": ""})
    assert listing.status_code == 200 and "张三" not in listing.content.decode()
    assert client.get(detail_url(change_request)).status_code == 404
    document_url = reverse("casework:change-request-document", args=[change_request.pk, document.pk])
    assert client.get(document_url).status_code == 404
    assert client.post(detail_url(change_request), {"action": "apply", "note": "x"}).status_code == 404
    assert client.post(detail_url(change_request), {"action": "refuse", "reason": "x"}).status_code == 404
    assert client.get(reverse("casework:change-request-create", args=[zhang.pk])).status_code == 404
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SUBMITTED


def test_the_document_streams_to_staff_of_the_area_only(world, zhang, submitted, console_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    change_request = submitted(zhang)
    document = services_changes.change_request_document_add(
        actor=world.dan,
        change_request=change_request,
        upload=SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
    )
    url = reverse("casework:change-request-document", args=[change_request.pk, document.pk])
    response = console_as(world.alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    # a document id of another request is not found through this one
    other = submitted(make_person(world.youhao, "李四", phone="13900001111"))
    assert (
        console_as(world.alice)
        .get(reverse("casework:change-request-document", args=[other.pk, document.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("name", ["dan", "erin"])
def test_applicants_cannot_open_the_console_pages(world, zhang, submitted, console_as, name):
    change_request = submitted(zhang)
    client = console_as(getattr(world, name))
    for url in [
        reverse("casework:change-request-list"),
        detail_url(change_request),
        reverse("casework:account-change-list"),
        reverse("casework:change-request-create", args=[zhang.pk]),
    ]:
        assert client.get(url).status_code in (403, 404), url


# --- The request's page ----------------------------------------------------------------------------------------


def test_the_page_shows_on_file_and_asked_for_masked_with_chinese_labels(world, zhang, submitted, console_as):
    change_request = submitted(zhang)
    client = console_as(world.alice)
    html = client.get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "现登记" in html and "申请变更为" in html
    assert "138****1234" in html and "139****5432" in html
    assert "换了新手机号。" in html
    assert_no_full_numbers(html, zhang, NEW_PHONE)
    assert english_words(html, typed={"alice", "dan"}) == set()


def test_an_education_request_reads_in_chinese(world, zhang, submitted, console_as):
    change_request = submitted(
        zhang,
        ChangeRequest.Kind.EDUCATION,
        {"education": "bachelor", "school": "大连理工大学", "major": "软件工程", "graduation_date": "2025-07-01"},
    )
    html = console_as(world.alice).get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "大连理工大学" in html and "2025-07-01" in html
    assert "本科" in html and "高中" in html  # the education's labels, not its codes
    assert english_words(html, typed={"alice", "dan"}) == set()


def test_an_address_request_names_the_communities(world, zhang, submitted, console_as):
    change_request = submitted(
        zhang,
        ChangeRequest.Kind.ADDRESS,
        {"address": "天津街 8 号", "residence_unit": world.tianjinjie.pk, "resident_since": "2026-01-05"},
    )
    html = console_as(world.bob).get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "友好社区" in html and "天津街社区" in html and "天津街 8 号" in html


def test_a_household_request_masks_the_members_id_number(world, zhang, submitted, console_as):
    from casework import services

    services.household_create(actor=world.alice, unit=world.youhao, members=[(zhang, "head", True)])
    child_id = make_id_number(birth="20100101", sequence=7)
    change_request = submitted(
        zhang,
        ChangeRequest.Kind.HOUSEHOLD,
        {"action": "add", "id_number": child_id, "name": "张小", "relation": "child", "able_to_work": False},
    )
    html = console_as(world.alice).get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert child_id not in html and f"{child_id[:6]}********{child_id[-4:]}" in html
    assert "张三（户主）" in html and "张小（子女）" in html
    assert english_words(html, typed={"alice", "dan"}) == set()


# --- Apply and refuse ------------------------------------------------------------------------------------------


def test_alice_applies_a_phone_request_and_the_worklist_item_closes(world, zhang, submitted, console_as):
    change_request = submitted(zhang)
    assert open_item(zhang, FollowUp.Kind.CHANGE_REQUEST) is not None
    client = console_as(world.alice)
    worklist = client.get(reverse("casework:worklist")).content.decode()
    assert f'href="{detail_url(change_request)}"' in worklist  # the item links to the request itself
    response = client.post(detail_url(change_request), {"action": "apply", "note": "核对了身份证和新号码。"})
    assert response.status_code == 302
    change_request.refresh_from_db()
    zhang.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.APPLIED
    assert change_request.decided_by == world.alice and change_request.decision_note == "核对了身份证和新号码。"
    assert zhang.phone == NEW_PHONE
    assert open_item(zhang, FollowUp.Kind.CHANGE_REQUEST) is None
    html = client.get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王爱丽" in html and "核对了身份证和新号码。" in html
    assert 'value="apply"' not in html  # decided: no forms any more
    assert_no_full_numbers(html, zhang, "13812341234")


def test_a_corrected_value_is_what_is_written(world, zhang, submitted, console_as):
    change_request = submitted(
        zhang,
        ChangeRequest.Kind.EMPLOYMENT,
        {"status": "employed", "started_on": "2026-03-02", "employer_name": "友好物留公司"},
    )
    page = console_as(world.alice).get(detail_url(change_request)).content.decode()
    assert 'value="友好物留公司"' in page and 'value="2026-03-02"' in page  # the form starts from what was asked
    response = console_as(world.alice).post(
        detail_url(change_request),
        {
            "action": "apply",
            "note": "劳动合同上的单位名称。",
            "status": "employed",
            "started_on": "2026-03-02",
            "employer_name": "友好物流公司",
        },
    )
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.applied["employer_name"] == "友好物流公司"
    assert zhang.employment.get(ended_on__isnull=True).employer_name == "友好物流公司"
    html = console_as(world.alice).get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "友好物留公司" in html and "友好物流公司" in html  # asked for and written, side by side


def test_a_wrong_corrected_value_comes_back_on_its_field(world, zhang, submitted, console_as):
    change_request = submitted(
        zhang, ChangeRequest.Kind.EMPLOYMENT, {"status": "employed", "started_on": "2026-03-02", "employer_name": ""}
    )
    response = console_as(world.alice).post(
        detail_url(change_request),
        {"action": "apply", "status": "employed", "started_on": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert 'id="id_started_on_error"' in response.content.decode()
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SUBMITTED
    assert not zhang.employment.exists()


def test_refusing_needs_a_reason_and_closes_the_item(world, zhang, submitted, console_as):
    change_request = submitted(zhang)
    client = console_as(world.bob)
    response = client.post(detail_url(change_request), {"action": "refuse", "reason": ""})
    assert response.status_code == 200 and 'id="id_reason_error"' in response.content.decode()
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SUBMITTED
    response = client.post(detail_url(change_request), {"action": "refuse", "reason": "号码不是本人实名登记的。"})
    assert response.status_code == 302
    change_request.refresh_from_db()
    zhang.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.REFUSED
    assert change_request.decision_note == "号码不是本人实名登记的。"
    assert zhang.phone == "13812341234"
    assert open_item(zhang, FollowUp.Kind.CHANGE_REQUEST) is None


def test_an_unknown_action_is_not_found(world, zhang, submitted, console_as):
    change_request = submitted(zhang)
    assert console_as(world.alice).post(detail_url(change_request), {"action": "delete"}).status_code == 404


# --- Raised for the person --------------------------------------------------------------------------------------


def test_alice_raises_a_request_and_sees_why_she_cannot_apply_it(world, zhang, console_as):
    client = console_as(world.alice)
    url = reverse("casework:change-request-create", args=[zhang.pk])
    step_two = client.get(url, {"kind": "education"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="school"' in step_two and 'name="graduation_date"' in step_two
    assert english_words(step_two, typed={"alice"}) == set()
    response = client.post(
        url,
        {"kind": "education", "education": "bachelor", "school": "大连大学", "statement": "带来了毕业证。"},
    )
    change_request = ChangeRequest.objects.get(person=zhang)
    assert response.status_code == 302 and response["Location"] == detail_url(change_request)
    assert change_request.on_behalf and change_request.raised_by == world.alice
    assert change_request.proposed["school"] == "大连大学"
    html = client.get(detail_url(change_request), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="why-not"' in html and 'value="apply"' not in html
    assert "此申请由您代为提交：须由另一名经办人核实并办理变更。" in html  # the reason, in Chinese
    # the rule holds on the POST too: nothing is applied
    response = client.post(detail_url(change_request), {"action": "apply", "note": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and 'id="why-not"' in response.content.decode()
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SUBMITTED
    # bob (another caseworker's supervisor) verifies it
    console_as(world.bob).post(detail_url(change_request), {"action": "apply", "note": "核对毕业证。"})
    change_request.refresh_from_db()
    zhang.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.APPLIED and zhang.school == "大连大学"


def test_a_bad_value_is_an_error_on_its_field_in_chinese(world, zhang, console_as):
    url = reverse("casework:change-request-create", args=[zhang.pk])
    response = console_as(world.alice).post(
        url, {"kind": "phone", "phone": "12345", "statement": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert english_words(html, typed={"alice", "12345"}) == set()
    assert not ChangeRequest.objects.exists()
    # the account on file already: said on the field
    response = console_as(world.alice).post(url, {"kind": "bank_account", "bank_account": OLD_ACCOUNT})
    assert 'id="id_bank_account_error"' in response.content.decode()
    assert OLD_ACCOUNT not in response.content.decode().replace(f'value="{OLD_ACCOUNT}"', "")
    assert not ChangeRequest.objects.exists()


def test_a_second_request_of_the_same_kind_is_refused_with_the_reason(world, zhang, submitted, console_as):
    submitted(zhang)
    response = console_as(world.alice).post(
        reverse("casework:change-request-create", args=[zhang.pk]),
        {"kind": "phone", "phone": "13711112222"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert ChangeRequest.objects.count() == 1


# --- The person page --------------------------------------------------------------------------------------------


def test_the_person_page_lists_the_requests_and_warns_of_a_pending_account(world, zhang, submitted, console_as):
    change_request = submitted(zhang, ChangeRequest.Kind.BANK_ACCOUNT, {"bank_account": NEW_ACCOUNT})
    client = console_as(world.alice)
    url = reverse("casework:person-detail", args=[zhang.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "信息变更" in html and detail_url(change_request) in html
    assert reverse("casework:change-request-create", args=[zhang.pk]) in html
    assert 'id="account-change-pending"' not in html
    client.post(detail_url(change_request), {"action": "apply", "note": "银行卡复印件。"})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="account-change-pending"' in html and "新银行账户待确认" in html
    assert reverse("casework:account-change-list") in html
    assert_no_full_numbers(html, zhang, NEW_ACCOUNT, OLD_ACCOUNT)


# --- Bank accounts -----------------------------------------------------------------------------------------------


@pytest.fixture
def pending_change(world, zhang, submitted):
    """dan asked for a new account; alice verified and applied it: it waits for a second person."""
    change_request = submitted(zhang, ChangeRequest.Kind.BANK_ACCOUNT, {"bank_account": NEW_ACCOUNT})
    services_changes.change_request_apply(actor=world.alice, change_request=change_request, note="银行卡复印件。")
    return AccountChange.objects.get(person=zhang, status=AccountChange.Status.PENDING)


def test_the_list_shows_the_change_masked_with_the_reason_alice_cannot_confirm(
    world, zhang, pending_change, console_as
):
    client = console_as(world.alice)
    html = client.get(reverse("casework:account-change-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'id="change-{pending_change.pk}"' in html
    assert "***************0123" in html and "***************9876" in html
    assert_no_full_numbers(html, zhang, NEW_ACCOUNT, OLD_ACCOUNT)
    assert reverse("casework:account-change-action", args=[pending_change.pk, "confirm"]) not in html
    assert 'class="muted why-not"' in html
    assert english_words(html, typed={"alice"}) == set()
    # the worklist sends to this list
    worklist = client.get(reverse("casework:worklist")).content.decode()
    assert f'href="{reverse("casework:account-change-list")}"' in worklist


def test_alice_who_applied_it_cannot_confirm_it_bob_can(world, zhang, pending_change, console_as):
    url = reverse("casework:account-change-action", args=[pending_change.pk, "confirm"])
    response = console_as(world.alice).post(url, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    pending_change.refresh_from_db()
    assert pending_change.status == AccountChange.Status.PENDING
    messages = [str(m) for m in response.context["messages"]]
    assert "此变更由您办理或代为申请：须由另一名工作人员确认。" in messages
    assert open_item(zhang, FollowUp.Kind.ACCOUNT_CONFIRM) is not None
    response = console_as(world.bob).post(url)
    assert response.status_code == 302
    pending_change.refresh_from_db()
    zhang.refresh_from_db()
    assert pending_change.status == AccountChange.Status.CONFIRMED
    assert pending_change.confirmed_by == world.bob and pending_change.confirmed_via == AccountChange.Via.STAFF
    assert zhang.bank_account == NEW_ACCOUNT
    assert open_item(zhang, FollowUp.Kind.ACCOUNT_CONFIRM) is None
    html = console_as(world.bob).get(reverse("casework:account-change-list")).content.decode()
    assert 'id="settled"' in html and "李博" in html


def test_revert_needs_a_reason_and_restores_the_old_account(world, zhang, pending_change, console_as):
    url = reverse("casework:account-change-action", args=[pending_change.pk, "revert"])
    client = console_as(world.alice)  # the one who made it may revert it
    client.post(url, {"reason": ""})
    pending_change.refresh_from_db()
    assert pending_change.status == AccountChange.Status.PENDING
    response = client.post(url, {"reason": "本人来电说不是他申请的。"})
    assert response.status_code == 302
    pending_change.refresh_from_db()
    zhang.refresh_from_db()
    assert pending_change.status == AccountChange.Status.REVERTED
    assert pending_change.revert_reason == "本人来电说不是他申请的。"
    assert zhang.bank_account == OLD_ACCOUNT
    assert open_item(zhang, FollowUp.Kind.ACCOUNT_CONFIRM) is None


def test_carol_cannot_confirm_or_revert_a_dalian_change(world, pending_change, console_as):
    client = console_as(world.carol)
    for action in ("confirm", "revert"):
        url = reverse("casework:account-change-action", args=[pending_change.pk, action])
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert "张三" not in client.get(reverse("casework:account-change-list")).content.decode()
    pending_change.refresh_from_db()
    assert pending_change.status == AccountChange.Status.PENDING


def test_the_request_page_shows_its_account_change(world, pending_change, console_as):
    html = console_as(world.bob).get(detail_url(pending_change.change_request)).content.decode()
    assert 'id="account-changes"' in html and "***************9876" in html


# --- Navigation and queries -------------------------------------------------------------------------------------


def test_the_navigation_offers_change_requests_to_those_who_keep_registers(world, console_as):
    url = reverse("casework:change-request-list")
    assert url in console_as(world.alice).get(reverse("accounts:home")).content.decode()


def _people(world, count, start):
    return [
        make_person(world.youhao, f"居民{start + n}", phone=f"1391234{start + n:04d}", id_number=None)
        for n in range(count)
    ]


def test_the_request_list_costs_the_same_queries_for_two_rows_or_eight(
    world, submitted, console_as, django_assert_num_queries
):
    for person in _people(world, 2, 0):
        submitted(person, values={"phone": f"137{person.pk % 10**8:08d}"})
    client = console_as(world.bob)
    url = reverse("casework:change-request-list")
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for person in _people(world, 6, 10):
        submitted(person, values={"phone": f"137{person.pk % 10**8:08d}"})
    with django_assert_num_queries(len(two.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('id="request-') == 8


def test_the_account_change_list_costs_the_same_queries_for_two_rows_or_six(
    world, submitted, console_as, django_assert_num_queries
):
    def pending(count, start):
        for n, person in enumerate(_people(world, count, start)):
            Person.objects.filter(pk=person.pk).update(bank_account=OLD_ACCOUNT)
            account = {"bank_account": f"62170012345{start + n:05d}"}
            request = submitted(person, ChangeRequest.Kind.BANK_ACCOUNT, account)
            services_changes.change_request_apply(actor=world.alice, change_request=request, note="核对。")

    pending(2, 20)
    client = console_as(world.bob)
    url = reverse("casework:account-change-list")
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    pending(4, 30)
    with django_assert_num_queries(len(two.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('id="change-') == 6


def test_the_worklist_costs_the_same_queries_with_decision_links(
    world, submitted, console_as, django_assert_num_queries
):
    for person in _people(world, 2, 40):
        submitted(person, values={"phone": f"137{person.pk % 10**8:08d}"})
    client = console_as(world.alice)
    url = reverse("casework:worklist") + "?kind=change_request"
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for person in _people(world, 4, 50):
        submitted(person, values={"phone": f"137{person.pk % 10**8:08d}"})
    with django_assert_num_queries(len(two.captured_queries)):
        html = client.get(url).content.decode()
    assert len(re.findall(r'class="button" href="/[^"]*change-requests/\d+/"', html)) == 6


def test_the_pages_are_chinese_for_a_supervisor(world, zhang, pending_change, console_as):
    client = console_as(world.bob)
    for url in [
        reverse("casework:change-request-list"),
        reverse("casework:change-request-list") + "?status=applied",
        reverse("casework:account-change-list"),
        detail_url(pending_change.change_request),
        reverse("casework:change-request-create", args=[zhang.pk]),
        reverse("casework:change-request-create", args=[zhang.pk]) + "?kind=household",
        reverse("casework:change-request-create", args=[zhang.pk]) + "?kind=address",
        reverse("casework:worklist"),
        reverse("casework:person-detail", args=[zhang.pk]),
    ]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        assert english_words(response.content.decode(), typed={"bob", "alice", "dan"}) == set(), url
