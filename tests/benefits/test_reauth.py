"""Unmasked bulk data (a bank file with full accounts, a register export with full numbers) needs the password
(and authenticator code) confirmed within CASEWORK_REAUTH_MINUTES, in the console and in the API."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from tests.factories import code_of
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def stale(client, settings):
    session = client.session
    session[security.SESSION_REAUTH] = int(time.time()) - settings.CASEWORK_REAUTH_MINUTES * 60 - 5
    session.save()


def test_a_bank_file_needs_a_fresh_confirmation_in_the_console_and_the_api(finance, sent, console_as, settings):
    batch = sent[0].batch
    client = console_as(finance)
    url = reverse("benefits:batch-file", args=[batch.pk, "csv"])
    assert client.get(url).status_code == 200  # signed in just now: fresh
    stale(client, settings)

    asked = client.get(url)
    assert asked.status_code == 302 and asked.url.startswith(reverse("accounts:reauth"))
    api_url = reverse("api:benefits:payment-batch-file-csv", args=[batch.pk])
    refused = client.get(api_url)
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"

    device = TOTPDevice.objects.get(user=finance)
    wrong = client.post(asked.url, {"password": "not-it", "token": code_of(device)})
    assert wrong.status_code == 200 and "密码不正确" in wrong.content.decode()
    confirmed = client.post(asked.url, {"password": PASSWORD, "token": code_of(device)})
    assert confirmed.status_code == 302 and confirmed.url == url
    downloaded = client.get(url)
    assert downloaded.status_code == 200 and "6222021234567890123" in downloaded.content.decode()

    stale(client, settings)
    confirm = reverse("api:accounts:confirm")
    assert client.post(confirm, {"password": PASSWORD, "otp": "000000"}).status_code == 400
    assert client.post(confirm, {"password": PASSWORD, "otp": code_of(device)}).status_code == 204
    assert client.get(api_url).status_code == 200


def test_a_fresh_token_may_download_and_an_old_one_may_not(finance, sent, settings):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    batch = sent[0].batch
    device = TOTPDevice.objects.create(user=finance, name="phone", confirmed=True)
    api = APIClient()
    body = {"username": finance.username, "password": PASSWORD, "otp": code_of(device)}
    token = api.post(reverse("api:accounts:token"), body, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = reverse("api:benefits:payment-batch-file-csv", args=[batch.pk])
    assert api.get(url).status_code == 200
    Token.objects.filter(key=token).update(created="2020-01-01T00:00:00Z")
    assert api.get(url).status_code == 403
