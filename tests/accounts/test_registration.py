"""Applicant accounts: a mobile number proven by an SMS code, a password, and the browser signed in. Codes expire,
allow a few tries, and a number that already has an account learns nothing new from the answer."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Notification, PhoneCode, User

pytestmark = pytest.mark.django_db
PHONE = "13512345678"
PASSWORD = "Kite-Harbour-2026"


def sms_code(phone=PHONE) -> str:
    """The code in the newest SMS to ``phone`` (the console SMS backend's message, as stored for sending)."""
    body = Notification.objects.filter(channel="sms", address=phone).order_by("-pk").first().body
    return re.search(r"\d{6}", body).group(0)


def ask_code(client, phone=PHONE):
    return client.post(reverse("api:accounts:sms-code"), {"phone": phone}, format="json")


def register(client, code, phone=PHONE, password=PASSWORD):
    body = {"phone": phone, "code": code, "password": password, "full_name": "陈新"}
    return client.post(reverse("api:accounts:register"), body, format="json")


def test_a_new_applicant_registers_with_the_code_sent_to_their_phone_and_is_signed_in(api):
    sent = ask_code(api, "135 1234 5678")
    assert sent.status_code == 202 and sent.json()["expires_in"] == 600
    assert PhoneCode.objects.get().digest != sms_code()  # only a digest is kept

    response = register(api, sms_code())
    assert response.status_code == 201, response.json()
    user = User.objects.get(username=PHONE)
    assert user.is_applicant and user.full_name == "陈新" and user.check_password(PASSWORD)
    assert api.get(reverse("api:accounts:me")).json()["username"] == PHONE  # the session is signed in
    assert register(APIClient(), sms_code()).status_code == 400  # a code is used once


def test_a_wrong_code_is_refused_and_a_code_dies_after_five_wrong_tries(api):
    ask_code(api)
    code = sms_code()
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    first = register(api, wrong)
    assert first.status_code == 400 and "code" in first.json()["fields"]
    for _ in range(4):
        register(api, wrong)
    assert register(api, code).status_code == 400  # spent: the right code no longer works
    assert not User.objects.filter(username=PHONE).exists()


def test_an_expired_code_is_refused(api):
    ask_code(api)
    PhoneCode.objects.update(expires_at="2020-01-01T00:00:00Z")
    assert register(api, sms_code()).status_code == 400


def test_a_weak_password_is_refused_without_spending_the_code(api):
    ask_code(api)
    weak = register(api, sms_code(), password="123")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    assert PhoneCode.objects.get().attempts == 0
    assert register(api, sms_code()).status_code == 201


def test_a_number_with_an_account_gets_the_same_answer_and_no_usable_code(api, world):
    ask_code(api)
    register(api, sms_code())
    other = APIClient()
    with override_settings(CASEWORK_SMS_RESEND_SECONDS=0):
        again = ask_code(other)
    assert again.status_code == 202 and again.json() == ask_code(APIClient(), "13900009999").json()
    message = Notification.objects.filter(address=PHONE).order_by("-pk").first().body
    assert "已注册" in message and not re.search(r"\d{6}", message)  # told, in Chinese, with no code in it
    assert User.objects.filter(username=PHONE).count() == 1


def test_a_second_code_within_a_minute_is_refused_with_a_clear_message(api):
    ask_code(api)
    again = ask_code(api)
    assert again.status_code == 429 and "分钟" in again.json()["message"]
    assert Notification.objects.filter(address=PHONE).count() == 1


def test_a_bad_number_names_the_field(api):
    response = ask_code(api, "12345")
    assert response.status_code == 400 and "phone" in response.json()["fields"]
    assert not PhoneCode.objects.exists()


def test_sign_in_and_out_in_the_browser_with_the_csrf_token(world):
    browser = APIClient(enforce_csrf_checks=True)
    body = {"username": "dan", "password": "Correct-Horse-42"}
    world.dan.set_password(body["password"])
    world.dan.save()
    refused = browser.post(reverse("api:accounts:login"), body, format="json")
    assert refused.status_code == 403  # no CSRF token: another site cannot sign a visitor in

    browser.cookies.load({"csrftoken": "a" * 32})
    headers = {"HTTP_X_CSRFTOKEN": "a" * 32}
    wrong = browser.post(reverse("api:accounts:login"), {**body, "password": "nope"}, format="json", **headers)
    assert wrong.status_code == 400 and wrong.json()["fields"]["non_field_errors"]
    signed_in = browser.post(reverse("api:accounts:login"), body, format="json", **headers)
    assert signed_in.status_code == 200 and signed_in.json()["username"] == "dan"
    assert browser.get(reverse("api:accounts:me")).status_code == 200
    rotated = browser.cookies["csrftoken"].value  # signing in gives a new token
    assert rotated != "a" * 32
    assert browser.post(reverse("api:accounts:logout"), **headers).status_code == 403
    assert browser.post(reverse("api:accounts:logout"), HTTP_X_CSRFTOKEN=rotated).status_code == 204
    assert browser.get(reverse("api:accounts:me")).status_code in (401, 403)
