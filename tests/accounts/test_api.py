"""/api/v1/me/, tokens, and the one JSON error shape."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ..personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_me_names_the_user_their_roles_and_language(world, api_as):
    body = api_as(world.bob).get(reverse("api:accounts:me")).json()
    assert body["username"] == "bob"
    assert body["language"] == "zh-hans"
    assert body["memberships"] == [
        {
            "role": "supervisor",
            "role_label": "审核员",
            "unit": {"id": world.zhongshan.pk, "name": "中山区", "level": "district", "region_code": "210202"},
        },
    ]
    assert "password" not in body


def test_me_in_english_when_the_client_asks(world, api_as):
    body = api_as(world.bob).get(reverse("api:accounts:me"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["language"] == "en"
    assert body["memberships"][0]["role_label"] == "Supervisor"


def test_token_for_a_correct_password_works_as_authentication(world, api):
    response = api.post(reverse("api:accounts:token"), {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=world.alice).key == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(reverse("api:accounts:me")).json()["username"] == "alice"
    assert api.post(reverse("api:accounts:token-revoke")).status_code == 204
    assert not Token.objects.filter(user=world.alice).exists()
    assert api.get(reverse("api:accounts:me")).status_code == 401


def test_token_refusal_is_the_same_for_wrong_password_unknown_and_disabled_users(world, api):
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])
    answers = [
        api.post(reverse("api:accounts:token"), {"username": name, "password": password}, format="json")
        for name, password in [("alice", "wrong-password"), ("nobody", PASSWORD), ("bob", PASSWORD)]
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json() == {
        "code": "authentication_failed",
        "message": "用户名或密码不正确。",
        "fields": {},
    }
    assert not Token.objects.exists()


def test_validation_errors_name_the_field_in_the_chosen_language(world, api):
    response = api.post(reverse("api:accounts:token"), {"username": "alice"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "提交的数据有误。"
    assert list(body["fields"]) == ["password"]
    english = api.post(reverse("api:accounts:token"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["message"] == "Some of the data sent is not valid."
    assert set(english["fields"]) == {"username", "password"}


def test_bad_filter_values_are_a_400_naming_the_field(world, api_as):
    response = api_as(world.bob).get(reverse("api:accounts:unit-list"), {"level": "planet", "parent": "x"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"level", "parent"}


def test_domain_and_django_errors_map_to_json(rf):
    from django.core.exceptions import ValidationError

    from config.api import exception_handler
    from core.errors import Conflict

    conflict = exception_handler(Conflict("已经批准", field="status"), {})
    assert conflict.status_code == 409
    assert conflict.data == {"code": "conflict", "message": "已经批准", "fields": {"status": ["已经批准"]}}
    invalid = exception_handler(ValidationError({"amount": ["金额不能为负数。"]}), {})
    assert invalid.status_code == 400
    assert invalid.data["fields"] == {"amount": ["金额不能为负数。"]}
