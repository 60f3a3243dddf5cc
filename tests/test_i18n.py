"""Simplified Chinese by default, English on request; the compiled catalogue ships with the code and
matches its source, so no gettext tools are needed at run time."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 50


def test_the_compiled_catalogue_matches_its_source():
    po = {(e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(CATALOGUE / "django.po"))}
    mo = {(e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    assert {key: value for key, value in mo.items() if key[0]} == po, "run: python manage.py compilemessages"


@pytest.mark.django_db
def test_console_is_chinese_whatever_the_browser_asks(world, console_as):
    client = console_as(world.alice)
    body = client.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in body
    assert "您的角色" in body and "就业专干" in body


@pytest.mark.django_db
def test_the_switch_turns_the_console_english_and_back(world, console_as):
    client = console_as(world.alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:home")})
    assert response.status_code == 302
    body = client.get(reverse("accounts:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Your roles" in body and "Caseworker" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "您的角色" in client.get(reverse("accounts:home")).content.decode()


@pytest.mark.django_db
def test_login_page_is_chinese_and_a_bad_password_is_a_translated_message(client, world):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "用户名或密码不正确。" in body
