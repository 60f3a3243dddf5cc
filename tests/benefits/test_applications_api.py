"""The application endpoints: the same services as every other route, scoped, and no protected field writable."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.models import Application, Entitlement

from .test_applications import JOB_SEEKING, zhang  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def create(client, person, **extra):
    body = {"program": JOB_SEEKING, "person": person.pk, "requested_start": TODAY.isoformat(), **extra}
    return client.post(reverse("api:benefits:application-list"), body, format="json")


def act(client, application_id, action, **body):
    return client.post(
        reverse("api:benefits:application-transition", args=[application_id, action]), body, format="json"
    )


def test_the_whole_workflow_through_the_api(world, zhang, api_as):  # noqa: F811
    alice = api_as(world.alice)
    response = create(alice, zhang)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["party"]["id_masked"] == zhang.masked_id_number
    assert zhang.id_number not in response.content.decode()
    for action in ("submit", "recommend"):
        assert act(alice, body["id"], action).status_code == 200
    refused = act(alice, body["id"], "approve")
    assert refused.status_code == 403 and "审核人员" in refused.json()["message"]
    approved = act(api_as(world.bob), body["id"], "approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved" and approved.json()["entitlement"]["amount_per_period"] == "1000.00"


def test_protected_fields_are_not_writable(world, zhang, api_as):  # noqa: F811
    alice = api_as(world.alice)
    body = create(
        alice, zhang, state="approved", decided_by=world.bob.pk, unit=world.xigang.pk, decision={"eligible": True}
    ).json()
    application = Application.objects.get(pk=body["id"])
    assert (application.state, application.decided_by, application.unit) == ("draft", None, zhang.residence_unit)
    assert application.decision is None
    assert act(alice, body["id"], "approve", state="approved").status_code == 409  # a draft is not approved
    assert act(alice, body["id"], "publish").status_code == 404
    assert not Entitlement.objects.exists()


def test_other_areas_get_404_and_bad_input_names_the_field(world, zhang, api_as):  # noqa: F811
    body = create(api_as(world.alice), zhang).json()
    carol = api_as(world.carol)
    assert carol.get(reverse("api:benefits:application-detail", args=[body["id"]])).status_code == 404
    assert act(carol, body["id"], "submit").status_code == 404
    assert create(carol, zhang).status_code == 404  # the person is outside her area
    assert carol.get(reverse("api:benefits:application-list")).json()["count"] == 0
    bad = create(api_as(world.alice), zhang, requested_start="2026-13-01")
    assert bad.status_code == 400 and "requested_start" in bad.json()["fields"]


def test_the_list_costs_the_same_queries_for_one_or_many(world, zhang, api_as):  # noqa: F811
    alice = api_as(world.alice)
    create(alice, zhang)
    with CaptureQueriesContext(connection) as one:
        alice.get(reverse("api:benefits:application-list"))
    for _ in range(5):
        create(alice, zhang)
    with CaptureQueriesContext(connection) as six:
        response = alice.get(reverse("api:benefits:application-list"))
    assert response.json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries) <= 8
