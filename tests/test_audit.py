"""The history names who acted: the signed-in user of a request (session or token), or the system account
for tasks and commands."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from accounts.audit import SYSTEM_USERNAME, acting_as, history_user
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


def test_a_request_with_a_token_is_recorded_as_the_token_user(world, api):
    """A history row written while serving a token-authenticated API request names that user."""
    from django.test import RequestFactory
    from rest_framework.request import Request

    from accounts.audit import request_scope

    token = Token.objects.create(user=world.bob)
    django_request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    from django.contrib.auth.models import AnonymousUser

    django_request.user = AnonymousUser()
    drf_request = Request(
        django_request,
        authenticators=[
            __import__("rest_framework.authentication", fromlist=["TokenAuthentication"]).TokenAuthentication()
        ],
    )
    with request_scope(django_request):
        assert drf_request.user == world.bob  # DRF authenticates and sets the user on the Django request
        assert history_user() == world.bob


def test_management_commands_act_as_the_system_account(db):
    call_command("bootstrap_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = ServiceUnit.history.filter(name="大连市").first()
    assert row.history_user.username == SYSTEM_USERNAME
    assert row.history_user.is_active is False
    assert not row.history_user.has_usable_password()


def test_no_actor_outside_any_request_or_command(db):
    assert history_user() is None
