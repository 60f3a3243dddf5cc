"""The history names who acted: the signed-in user of a request (session or token), or the system account
for tasks and commands."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from accounts.audit import SYSTEM_USERNAME, acting_as, history_user, request_scope
from accounts.models import Membership, ServiceUnit
from accounts.services import membership_grant, unit_update

pytestmark = pytest.mark.django_db


def test_service_write_inside_acting_as_names_the_actor(world):
    with acting_as(world.grace):
        unit_update(unit=world.youhao, actor=world.grace, name="友好新社区")
    row = world.youhao.history.first()
    assert row.history_user == world.grace
    assert row.name == "友好新社区"
    assert row.prev_record.name == "友好社区"


def test_membership_history_records_creation(world):
    with acting_as(world.grace):
        membership = membership_grant(user=world.bob, unit=world.tianjinjie, role="caseworker", actor=world.grace)
    created = Membership.history.get(id=membership.pk, history_type="+")
    assert created.history_user == world.grace


def test_a_request_with_a_token_is_recorded_as_the_token_user(world):
    """DRF authenticates a token after the middleware ran; the history still names the token's user."""
    token = Token.objects.create(user=world.bob)
    django_request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    django_request.user = AnonymousUser()
    drf_request = Request(django_request, authenticators=[TokenAuthentication()])
    with request_scope(django_request):
        assert history_user() is None  # not authenticated yet
        assert drf_request.user == world.bob
        assert history_user() == world.bob


def test_an_api_write_records_the_session_user(world, api_as):
    """End to end through a real request: the token endpoint writes nothing historical, so use the admin."""
    client = api_as(world.sam)
    response = client.post(
        f"/admin/accounts/serviceunit/{world.youhao.pk}/change/",
        {"name": "友好改名社区", "region_code": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row = world.youhao.history.first()
    assert row.name == "友好改名社区"
    assert row.history_user == world.sam


def test_management_commands_act_as_the_system_account(db):
    call_command("bootstrap_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = ServiceUnit.history.filter(name="大连市").first()
    assert row.history_user.username == SYSTEM_USERNAME
    assert row.history_user.is_active is False
    assert not row.history_user.has_usable_password()


def test_no_actor_outside_any_request_or_command(db):
    assert history_user() is None
