"""The portal's change requests (信息变更): the pages (my requests, the form, one request) render in Chinese and
English for an applicant and send anyone else away, hold nothing about the applicant (the scripts read it from the
API) and no inline script or style, label every field, and are linked from the navigation, the home page and the
profile. The form's fields are the API's: what the form of each kind sends is accepted and stored by the service,
and a bad value comes back as an error named after a field of that form (the script shows it beside the field).
The applicant follows the outcome in plain Chinese and confirms a new bank account with the code sent by SMS."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Notification
from casework.models import AccountChange, ChangeRequest, Person
from tests.conftest import sign_in
from tests.factories import make_id_number

from .test_pages import Page

pytestmark = pytest.mark.django_db

PAGES = ["changes", "change-new", "change-detail"]
OLD, NEW = "6222021234567890123", "6217000099998888777"
CHILD_ID = make_id_number(birth="20150301", sequence=21)


def url(name, pk=7):
    return reverse(f"portal:{name}", args=[pk] if name == "change-detail" else [])


@pytest.fixture
def zhang(world, graduate):
    """张三, claimed by dan, with a bank account on file."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan, bank_account=OLD)
    return Person.objects.get(pk=graduate.pk)


@pytest.fixture
def dan(world, zhang, client):
    client.force_login(world.dan)
    return client


@pytest.fixture
def dan_api(world, zhang):
    return sign_in(APIClient(), world.dan)


class Form(HTMLParser):
    """The change form's controls, by the kind of the fieldset they are in (``""``: outside any kind)."""

    def __init__(self, html):
        super().__init__()
        self.kind, self.controls, self.options = "", {}, {}
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset" and "data-kind" in attrs:
            self.kind = attrs["data-kind"]
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.controls.setdefault(self.kind, set()).add(attrs["name"])
            if tag == "select":
                self._select = attrs["name"]
                self.options[self._select] = []
            elif attrs.get("type") == "radio":
                self.options.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "option" and self._select:
            self.options[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.kind = ""
        elif tag == "select":
            self._select = None


# --- The pages --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_with_its_script_in_both_languages(dan, name, language):
    if language != settings.LANGUAGE_CODE:
        dan.post(reverse("set_language"), {"language": language, "next": url(name)})
    response = dan.get(url(name))
    assert response.status_code == 200
    body = response.content.decode()
    page = Page(body)
    assert page.lang == ("zh-CN" if language == "zh-hans" else "en")
    module = {"changes": "changes", "change-new": "change_new", "change-detail": "change"}[name]
    assert f"/static/portal/{module}.js" in page.assets
    if language == "zh-hans":
        assert "信息变更" in body  # the navigation's link, here as everywhere
        assert not re.search(r"\b(?:Ask for a change|My change requests|Enter the SMS code)\b", body)


@pytest.mark.parametrize("name", PAGES)
def test_anyone_but_an_applicant_is_sent_away(world, client, name):
    response = client.get(url(name))
    assert response.status_code == 302 and response["Location"] == f"{reverse('portal:login')}?next={url(name)}"
    client.force_login(world.alice)
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_nothing_about_the_applicant_is_in_the_html_and_every_field_is_labelled(dan, zhang, world, dan_api, name):
    request = dan_api.post(
        "/api/v1/me/change-requests/", {"kind": "phone", "values": {"phone": "13912345678"}}, format="json"
    ).json()
    response = dan.get(url(name, request["id"]))
    body = response.content.decode()
    for value in (zhang.name, zhang.id_number, zhang.masked_id_number, zhang.phone, zhang.masked_phone, OLD):
        assert value not in body, value
    assert "13912345678" not in body and "139****5678" not in body
    page = Page(body)
    for field in page.fields:
        assert field.get("id") in page.labels, field
    assert all(header.get("scope") in ("col", "row") for header in page.headers)
    # the policy allows no inline script or style: the page's data is JSON, its behaviour a module
    assert not re.search(r"\sstyle=", body)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert all('type="application/json"' in attrs for attrs in inline), inline


def test_the_navigation_home_and_profile_link_to_the_change_requests(dan):
    changes = f'href="{url("changes")}"'
    for name in ("home", "profile", "application-list"):
        body = dan.get(reverse(f"portal:{name}")).content.decode()
        assert changes in body, name
    nav = dan.get(url("changes")).content.decode()
    assert f'<a href="{url("changes")}" aria-current="page">信息变更</a>' in nav
    assert f'<a href="{url("changes")}" aria-current="true">信息变更</a>' in dan.get(url("change-new")).content.decode()
    profile = dan.get(reverse("portal:profile")).content.decode()
    assert profile.count(changes) == 2  # the navigation, and beside the record


def test_the_form_offers_each_kind_with_chinese_labels_and_the_model_choices(dan):
    body = dan.get(url("change-new")).content.decode()
    form = Form(body)
    assert form.options["kind"] == ["phone", "bank_account", "address", "education", "employment", "household"]
    for label in ("手机", "银行", "住址", "学历", "就业", "家庭成员"):
        assert label in body, label
    assert "master" in form.options["education"] and "本科" in body
    assert set(form.options["status"]) == {"", "employed", "flexible", "self_employed", "unemployed"}
    assert "head" not in form.options["relation"] and "child" in form.options["relation"]
    assert form.options["residence_unit"] == [""]  # the communities of the city come from the API
    assert form.options["action"] == ["add", "remove"]
    # the code form on the pages of a new bank account
    detail = dan.get(url("change-detail")).content.decode()
    assert "输入短信验证码确认新账户" in detail and "重新发送验证码" in detail
    assert 'autocomplete="one-time-code"' in detail


# --- What the form sends ----------------------------------------------------------------------------------------

FILLED = {
    "phone": {"phone": "13912345678"},
    "bank_account": {"bank_account": NEW},
    "address": {"address": "天津街8号", "residence_unit": "tianjinjie", "resident_since": "2025-03-01"},
    "education": {
        "education": "master",
        "school": "大连理工大学",
        "major": "软件工程",
        "graduation_date": "2026-06-30",
    },
    "employment": {"status": "employed", "started_on": "2026-11-02", "employer_name": "大连星海软件有限公司"},
    "household": {"action": "add", "id_number": CHILD_ID, "name": "张小宝", "relation": "child", "able_to_work": False},
}
BAD = {
    "phone": {"phone": "12345"},
    "bank_account": {"bank_account": "abc"},
    "address": {"address": "天津街8号", "residence_unit": "furong", "resident_since": "2025-03-01"},
    "education": {"education": "master", "graduation_date": "1949-12-31"},
    "employment": {"status": "employed"},
    "household": {"action": "add", "id_number": "123", "name": "甲", "relation": "child"},
}


def sent(world, values: dict) -> dict:
    community = values.get("residence_unit")
    return {**values, "residence_unit": getattr(world, community).pk} if community else values


@pytest.mark.parametrize("kind", list(FILLED))
def test_what_the_form_of_each_kind_sends_is_stored_and_shown_as_asked(world, dan, dan_api, kind):
    form = Form(dan.get(url("change-new")).content.decode())
    assert set(FILLED[kind]) == form.controls[kind]  # the form asks for every value of the kind, nothing else
    assert {"kind", "statement", "files"} <= form.controls[""]
    response = dan_api.post(
        "/api/v1/me/change-requests/",
        {"kind": kind, "values": sent(world, FILLED[kind]), "statement": "有证明"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    change = ChangeRequest.objects.get(pk=response.json()["id"])
    assert (change.kind, change.status, change.raised_by, change.statement) == (kind, "submitted", world.dan, "有证明")
    detail = dan_api.get(f"/api/v1/me/change-requests/{change.pk}/").json()
    assert detail["outcome"] == "等待社区经办人核实。" and detail["status_label"] == "待经办人处理"
    assert {row["field"] for row in detail["values"]} >= set(FILLED[kind])
    # the list page's table shows it, newest first
    assert dan_api.get("/api/v1/me/change-requests/").json()["results"][0]["id"] == change.pk


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_value_comes_back_named_after_a_field_of_the_form(world, dan, dan_api, kind):
    form = Form(dan.get(url("change-new")).content.decode())
    response = dan_api.post(
        "/api/v1/me/change-requests/", {"kind": kind, "values": sent(world, BAD[kind])}, format="json"
    )
    assert response.status_code == 400
    fields = set(response.json()["fields"])
    assert fields and fields <= form.controls[kind], (fields, form.controls[kind])
    assert all(re.search(r"[\u4e00-\u9fff]", m) for messages in response.json()["fields"].values() for m in messages)
    assert not ChangeRequest.objects.exists()


def test_the_form_options_fill_the_communities_and_what_is_on_file(world, dan_api):
    options = dan_api.get("/api/v1/me/change-requests/options/").json()
    assert [c["id"] for c in options["communities"]] == [world.youhao.pk, world.tianjinjie.pk]
    assert options["on_file"]["phone"] == "138****1234" and options["waiting"] == []


# --- The outcome and the code ---------------------------------------------------------------------------------


def test_the_applicant_reads_the_outcome_in_plain_chinese(world, zhang, dan_api):
    refused = dan_api.post(
        "/api/v1/me/change-requests/", {"kind": "address", "values": {"address": "天津街8号"}}, format="json"
    ).json()
    applied = dan_api.post(
        "/api/v1/me/change-requests/", {"kind": "phone", "values": {"phone": "13912345678"}}, format="json"
    ).json()
    alice = sign_in(APIClient(), world.alice)
    alice.post(f"/api/v1/change-requests/{refused['id']}/refuse/", {"reason": "缺少租房合同"}, format="json")
    alice.post(f"/api/v1/change-requests/{applied['id']}/apply/", {"note": "已核实"}, format="json")
    rows = {row["id"]: row for row in dan_api.get("/api/v1/me/change-requests/").json()["results"]}
    assert (rows[refused["id"]]["status_label"], rows[refused["id"]]["outcome"]) == (
        "未予变更",
        "未予变更：缺少租房合同",
    )
    assert (rows[applied["id"]]["status_label"], rows[applied["id"]]["outcome"]) == ("已变更", "已变更。")
    assert rows[applied["id"]]["decision_note"] == "已核实"


def test_a_new_bank_account_is_confirmed_with_the_code_of_the_sms(world, zhang, dan_api):
    asked = dan_api.post(
        "/api/v1/me/change-requests/", {"kind": "bank_account", "values": {"bank_account": NEW}}, format="json"
    ).json()
    sign_in(APIClient(), world.alice).post(f"/api/v1/change-requests/{asked['id']}/apply/", {}, format="json")
    detail = dan_api.get(f"/api/v1/me/change-requests/{asked['id']}/").json()
    change = detail["account_change"]
    assert (change["status_label"], change["may_confirm_by_code"], change["code_sent_to"]) == (
        "待确认",
        True,
        "138****1234",
    )
    expires = datetime.datetime.fromisoformat(change["code_expires_at"])
    assert datetime.timedelta(hours=71) < expires - datetime.datetime.fromisoformat(change["sms_sent_at"])
    # the list page shows the account waiting, with its code form
    pending = dan_api.get("/api/v1/me/account-changes/").json()["results"]
    assert [(row["id"], row["status"]) for row in pending] == [(change["id"], "pending")]
    texts = Notification.objects.filter(channel="sms", address=zhang.phone).values_list("body", flat=True)
    code = next(m.group(0) for text in texts if (m := re.search(r"(?<!\d)\d{6}(?!\d)", text)))
    wrong = dan_api.post(f"/api/v1/me/account-changes/{change['id']}/confirm/", {"code": "1"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["fields"]["code"] == ["验证码不正确。"]
    right = dan_api.post(f"/api/v1/me/account-changes/{change['id']}/confirm/", {"code": code}, format="json")
    assert right.status_code == 200 and right.json()["status_label"] == "已确认"
    assert AccountChange.objects.get(pk=change["id"]).confirmed_via == "sms"
    assert Person.objects.get(pk=zhang.pk).bank_account == NEW
