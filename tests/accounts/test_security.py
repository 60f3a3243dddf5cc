"""Sign-in security (RELIABILITY 17, 18; the issue's acceptance 1–3): lockout after the sixth wrong password, the
same answer for an unknown user, a disabled account's open session refused, the second factor for the roles that
need it, the session policy, and the password confirmation before unmasked bulk data."""

import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import security
from tests.factories import code_of
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in_form(client, username, password, address="10.1.1.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_sixth_wrong_password_locks_the_account_and_an_unknown_user_gets_the_same_answers(world, client):
    answers = {}
    for username in ("alice", "nobody"):
        for _ in range(5):
            wrong = sign_in_form(client, username, "wrong-password", address=f"10.1.1.{len(username)}")
            assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()
        sixth = sign_in_form(client, username, "wrong-password", address=f"10.1.1.{len(username)}")
        answers[username] = (sixth.status_code, re.findall(r'role="alert">([^<]*)<', sixth.content.decode()))
    assert answers["alice"] == answers["nobody"]
    assert answers["alice"] == (429, ["登录失败次数过多，登录已锁定 30 分钟。"])

    right = sign_in_form(client, "alice", PASSWORD, address="10.1.1.99")  # the right password, from elsewhere
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    token = APIClient().post(reverse("api:accounts:token"), {"username": "alice", "password": PASSWORD}, format="json")
    assert token.status_code == 429 and token.json()["code"] == "locked"


def test_one_address_trying_many_usernames_is_locked_too(world, client):
    for n in range(6):
        sign_in_form(client, f"guess{n}", "wrong-password", address="10.2.2.2")
    assert sign_in_form(client, "carol", PASSWORD, address="10.2.2.2").status_code == 429
    assert sign_in_form(client, "carol", PASSWORD, address="10.2.2.3").status_code == 302  # other addresses may


def test_a_disabled_users_open_session_and_token_are_refused_on_the_next_request(world, console_as):
    client = console_as(world.alice)
    api = APIClient()
    token = Token.objects.create(user=world.alice)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("accounts:home")).status_code == 200
    assert api.get(reverse("api:accounts:me")).status_code == 200

    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    page = client.get(reverse("accounts:home"))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:login"))
    assert client.get(reverse("api:accounts:me")).status_code in (401, 403)
    assert api.get(reverse("api:accounts:me")).status_code == 401


def test_a_caseworker_with_the_unmask_permission_cannot_unmask_without_a_second_factor(world, people, client):
    alice = world.alice
    alice.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    zhang = people["zhang"]
    assert sign_in_form(client, "alice", PASSWORD).status_code == 302
    page = client.get(reverse("casework:person-detail", args=[zhang.pk]))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:otp"))
    assert client.get(page.url).url.startswith(reverse("accounts:otp-setup"))  # no authenticator yet: set it up
    unmask = client.post(
        reverse("api:casework:person-unmask", args=[zhang.pk]), {"reason": "核对"}, content_type="application/json"
    )
    assert unmask.status_code == 403 and unmask.json()["code"] == "second_factor_required"
    assert zhang.id_number not in unmask.content.decode()
    token = APIClient().post(reverse("api:accounts:token"), {"username": "alice", "password": PASSWORD}, format="json")
    assert token.status_code == 401  # no token without the code either

    setup = client.get(reverse("accounts:otp-setup"))
    assert "<svg" in setup.content.decode()
    assert not TOTPDevice.objects.filter(user=alice).exists()  # showing the page stores nothing
    shown = TOTPDevice(user=alice, key=client.session["otp_setup_key"])  # what the QR code holds
    refused = client.post(
        reverse("accounts:otp-setup"), {"token": f"{(int(security.current_code(shown)) + 1) % 10**6:06d}"}
    )
    assert refused.status_code == 200 and DEVICE_ID_SESSION_KEY not in client.session
    assert not TOTPDevice.objects.filter(user=alice).exists()
    done = client.post(reverse("accounts:otp-setup"), {"token": security.current_code(shown), "next": "/console/"})
    assert done.status_code == 302 and done.url == "/console/"
    assert TOTPDevice.objects.get(user=alice).confirmed is True
    unmask = client.post(
        reverse("api:casework:person-unmask", args=[zhang.pk]), {"reason": "核对"}, content_type="application/json"
    )
    assert unmask.status_code == 200 and unmask.json()["id_number"] == zhang.id_number


def test_the_next_sign_in_asks_for_the_code_and_a_token_needs_it(world, client):
    device = TOTPDevice.objects.create(user=world.bob, name="phone", confirmed=True)
    sign_in_form(client, "bob", PASSWORD)
    page = client.get("/console/people/")
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:otp"))
    assert client.post(page.url, {"token": "000000"}).status_code == 200  # wrong: the form again
    assert client.post(page.url, {"token": code_of(device)}).url == "/console/people/"
    assert client.get("/console/people/").status_code == 200

    api = APIClient()
    body = {"username": "bob", "password": PASSWORD}
    assert api.post(reverse("api:accounts:token"), body, format="json").status_code == 401
    assert api.post(reverse("api:accounts:token"), {**body, "otp": code_of(device)}, format="json").status_code == 200


def test_sessions_rotate_at_sign_in_end_at_sign_out_and_expire_idle_or_old(world, client, settings):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    sign_in_form(client, "alice", PASSWORD)
    assert client.session.session_key != before
    assert client.get(reverse("accounts:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:home")).status_code == 302

    for key, age in (
        (security.SESSION_SEEN, settings.CASEWORK_SESSION_IDLE_MINUTES * 60 + 5),
        (security.SESSION_STARTED, settings.CASEWORK_SESSION_MAX_HOURS * 3600 + 5),
    ):
        sign_in_form(client, "alice", PASSWORD)
        session = client.session
        session[key] = int(time.time()) - age
        session.save()
        ended = client.get(reverse("accounts:home"))
        assert ended.status_code == 302 and ended.url.startswith(reverse("accounts:login")), key


def test_the_lockout_counts_the_connections_address_not_a_header_the_caller_writes(world, client, settings):
    for n in range(6):  # a new X-Forwarded-For each try: still one address
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.3.3.3",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert sign_in_form(client, "carol", PASSWORD, address="10.3.3.3").status_code == 429

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind one proxy of ours
    request = type("Request", (), {"META": {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}})
    assert security.client_address(request) == "198.51.100.7"
