"""The REST API of policy scenarios: an administrator drafts, edits and runs a scenario and reads the people behind a
figure (ID numbers masked, scoped to the caller's units); the run's progress and cancel; another city's staff get
404, the city's caseworkers read but do not draft (403), applicants and strangers are refused; adoption takes two
administrators and the values the first one saw; hostile input is a 400 naming the field, in Chinese."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import membership_grant
from benefits import tasks
from benefits.models import (
    Parameter,
    ParameterValue,
    Program,
    Scenario,
    ScenarioOutcome,
    ScenarioReading,
    ScenarioRun,
    ScenarioSwitch,
    ScenarioValue,
)
from benefits.scenarios import services
from tests.conftest import sign_in
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = "2026-12-01"
JOB_SEEKING = "dalian_job_seeking_startup_subsidy"
FLEXIBLE = "dalian_graduate_flexible_si_subsidy"
AMOUNT = "dalian.job_seeking_startup_subsidy_cny"
READING = "dalian_disabled_registered_unemployed"
CJK = re.compile(r"[\u4e00-\u9fff]")
URL = "/api/v1"


def client_of(user) -> APIClient:
    return sign_in(APIClient(), user)


def draft(world, **fields) -> Scenario:
    return services.scenario_create(
        actor=world.grace, city="dalian", name="求职补贴提高", as_of=D(2026, 12, 1), **fields
    )


def raise_amount(world, scenario, value="1500"):
    return services.scenario_value_set(
        actor=world.grace,
        scenario=scenario,
        parameter=Parameter.objects.get(code=AMOUNT),
        valid_from=D(2026, 1, 1),
        value=Decimal(value),
    )


@pytest.fixture
def workers(monkeypatch, django_capture_on_commit_callbacks):
    """The chunks a run hands to the workers, run in this process when the request's transaction commits (the
    task itself, not a stand-in: only the broker is left out)."""
    monkeypatch.setattr(tasks.scenario_chunk_task, "delay", lambda *args: tasks.scenario_chunk_task.apply(args=args))
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_administrator_drafts_edits_runs_and_reads_the_people_behind_a_figure(world, graduate, workers):
    grace = client_of(world.grace)
    created = grace.post(
        f"{URL}/scenarios/", {"city": "dalian", "name": "草稿", "as_of": AS_OF, "description": "第一行\n第二行"}
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (created.json()["author"]["id"], created.json()["can_draft"], created.json()["latest_run"]) == (
        world.grace.pk,
        True,
        None,
    )
    edited = grace.patch(f"{URL}/scenarios/{pk}/", {"name": "求职补贴提高"}, format="json")
    assert edited.status_code == 200, edited.json()
    scenario = Scenario.objects.get(pk=pk)
    assert (scenario.name, scenario.description, scenario.as_of) == ("求职补贴提高", "第一行\n第二行", D(2026, 12, 1))

    answer = grace.post(
        f"{URL}/scenarios/{pk}/values/", {"parameter": AMOUNT, "valid_from": "2026-01-01", "value": "1500"}
    )
    assert answer.status_code == 200, answer.json()
    (value,) = answer.json()["values"]
    assert (value["parameter"], value["value"], value["valid_from"], value["unit"]) == (
        AMOUNT,
        "1500.000000",
        "2026-01-01",
        "cny",
    )
    assert CJK.search(value["parameter_name"]) and value["unit_label"]

    off = grace.post(f"{URL}/scenarios/{pk}/switches/", {"program": FLEXIBLE, "on": False})
    assert [row["program"] for row in off.json()["switched_off"]] == [FLEXIBLE]
    on = grace.post(f"{URL}/scenarios/{pk}/switches/", {"program": FLEXIBLE, "on": True})
    assert on.json()["switched_off"] == []
    taken = grace.post(f"{URL}/scenarios/{pk}/readings/", {"code": READING, "taken": True})
    assert [row["code"] for row in taken.json()["readings"]] == [READING]
    assert CJK.search(taken.json()["readings"][0]["title"])

    with workers():
        started = grace.post(f"{URL}/scenarios/{pk}/runs/")
        assert started.status_code == 202, started.json()
        assert started.json()["progress"]["state"] == "running"
    run = started.json()["id"]
    done = grace.get(f"{URL}/scenario-runs/{run}/").json()
    assert done["progress"] | {"state_label": ""} == {
        "state": "finished",
        "state_label": "",
        "done": 1,
        "total": 1,
        "percent": 100,
        "screened": 1,
        "people": 1,
        "seconds_left": None,
    }
    assert CJK.search(done["progress"]["state_label"])
    figures = done["summary"]["programs"][JOB_SEEKING]
    assert (figures["base_people"], figures["scenario_people"], figures["amount"]) == (1, 1, 1)
    assert [Decimal(figures["base"][0]), Decimal(figures["scenario"][0])] == [1000, 1500]
    assert done["is_current"] is True

    detail = grace.get(f"{URL}/scenarios/{pk}/").json()
    assert (detail["latest_run"]["id"], detail["latest_run"]["is_current"]) == (run, True)
    assert detail["latest_run"]["progress"]["state"] == "finished"

    people = grace.get(f"{URL}/scenario-runs/{run}/people/", {"program": JOB_SEEKING, "change": "amount"})
    assert people.status_code == 200, people.json()
    assert people.json()["count"] == 1
    (row,) = people.json()["results"]
    assert row["person"] == {"id": graduate.pk, "name": "张三", "id_number_masked": graduate.masked_id_number}
    assert graduate.id_number not in people.content.decode()
    assert (row["program"], row["change"], row["base_amount"], row["scenario_amount"]) == (
        JOB_SEEKING,
        "amount",
        "1000.00",
        "1500.00",
    )
    assert (row["base_cost"], row["scenario_cost"], row["unit"]["name"]) == ("1000.00", "1500.00", "友好社区")
    assert CJK.search(row["program_name"]) and CJK.search(row["change_label"])
    assert row["registers"] == ["unemployed_graduates_after_leaving"]
    assert grace.get(f"{URL}/scenario-runs/{run}/people/", {"change": "gained"}).json()["count"] == 0
    assert grace.get(f"{URL}/scenario-runs/{run}/people/", {"change": "scenario"}).json()["count"] == 1
    assert grace.get(f"{URL}/scenario-runs/{run}/people/", {"register": "dibao"}).json()["count"] == 0

    # a change after the run: the run no longer shows the scenario as it is
    grace.post(f"{URL}/scenarios/{pk}/values/", {"parameter": AMOUNT, "valid_from": "2026-01-01", "value": "1600"})
    assert grace.get(f"{URL}/scenarios/{pk}/").json()["latest_run"]["is_current"] is False
    assert grace.get(f"{URL}/scenario-runs/{run}/").json()["is_current"] is False
    value_id = ScenarioValue.objects.get(scenario=pk).pk
    assert grace.delete(f"{URL}/scenarios/{pk}/values/{value_id}/").status_code == 204
    assert not ScenarioValue.objects.filter(scenario=pk).exists()
    assert grace.delete(f"{URL}/scenarios/{pk}/values/{value_id}/").status_code == 404


def test_a_run_shows_its_progress_and_can_be_cancelled(world, graduate):
    scenario = draft(world)
    grace = client_of(world.grace)
    started = grace.post(f"{URL}/scenarios/{scenario.pk}/runs/")  # the workers never take its chunk here
    assert started.status_code == 202
    run = started.json()["id"]
    progress = grace.get(f"{URL}/scenario-runs/{run}/").json()
    assert (progress["progress"]["state"], progress["progress"]["done"], progress["progress"]["total"]) == (
        "running",
        0,
        1,
    )
    assert progress["summary"] is None
    assert grace.post(f"{URL}/scenarios/{scenario.pk}/runs/").status_code == 409  # one run at a time
    busy = grace.patch(f"{URL}/scenarios/{scenario.pk}/", {"name": "改名"}, format="json")
    assert busy.status_code == 409 and CJK.search(busy.json()["message"])
    cancelled = grace.post(f"{URL}/scenario-runs/{run}/cancel/")
    assert cancelled.status_code == 200
    assert (cancelled.json()["progress"]["state"], cancelled.json()["summary"]) == ("cancelled", None)
    assert ScenarioRun.objects.get(pk=run).cancelled_at is not None
    again = grace.post(f"{URL}/scenario-runs/{run}/cancel/")
    assert again.status_code == 409 and CJK.search(again.json()["message"])


def outcome(run, person, unit, program, district) -> ScenarioOutcome:
    return ScenarioOutcome.objects.create(
        run=run,
        person=person,
        program=program,
        unit=unit,
        district=district,
        registers=" unemployed_graduates_after_leaving ",
        change="gained",
        scenario_amount=Decimal("1000"),
        scenario_period="once",
        scenario_cost=Decimal("1000"),
    )


@pytest.fixture
def finished(world, graduate):
    """A finished run of a 大连 scenario with 张三 (alice's community) and 李四 (the community next door) behind
    its figures."""
    scenario = draft(world)
    raise_amount(world, scenario)
    run = services.scenario_run(actor=world.grace, scenario=scenario)
    li = make_person(world.tianjinjie, "李四")
    outcome(run, li, world.tianjinjie, Program.objects.get(code=FLEXIBLE), world.zhongshan)
    return run


def test_another_citys_staff_get_404_and_the_citys_caseworker_reads_but_does_not_draft(world, finished):
    scenario, run = finished.scenario, finished.pk
    carol = client_of(world.carol)
    for url in (
        f"{URL}/scenarios/{scenario.pk}/",
        f"{URL}/scenario-runs/{run}/",
        f"{URL}/scenario-runs/{run}/people/",
    ):
        assert carol.get(url).status_code == 404, url
    for url in ("runs/", "adoption/", "switches/", "values/"):
        assert carol.post(f"{URL}/scenarios/{scenario.pk}/{url}", {}).status_code == 404, url
    assert carol.post(f"{URL}/scenario-runs/{run}/cancel/").status_code == 404
    assert carol.get(f"{URL}/scenarios/").json()["results"] == []
    refused = carol.post(f"{URL}/scenarios/", {"city": "dalian", "name": "x", "as_of": AS_OF})
    assert refused.status_code == 403

    alice = client_of(world.alice)
    detail = alice.get(f"{URL}/scenarios/{scenario.pk}/")
    assert detail.status_code == 200
    assert (detail.json()["can_draft"], detail.json()["can_adopt"]) == (False, False)
    assert [row["id"] for row in alice.get(f"{URL}/scenarios/").json()["results"]] == [scenario.pk]
    before = (Scenario.objects.count(), ScenarioRun.objects.count(), ScenarioValue.objects.count())
    writes = [
        alice.post(f"{URL}/scenarios/", {"city": "dalian", "name": "x", "as_of": AS_OF}),
        alice.post(f"{URL}/scenarios/{scenario.pk}/runs/"),
        alice.patch(f"{URL}/scenarios/{scenario.pk}/", {"name": "x"}, format="json"),
        alice.post(
            f"{URL}/scenarios/{scenario.pk}/values/", {"parameter": AMOUNT, "valid_from": "2026-01-01", "value": "1"}
        ),
        alice.post(f"{URL}/scenario-runs/{run}/cancel/"),
    ]
    for response in writes:
        assert response.status_code == 403, response.json()
        assert CJK.search(response.json()["message"])
    assert (Scenario.objects.count(), ScenarioRun.objects.count(), ScenarioValue.objects.count()) == before
    # the people of her own units only: 张三, not 李四 of the community next door (whom bob, above both, sees)
    mine = alice.get(f"{URL}/scenario-runs/{run}/people/").json()["results"]
    assert [row["person"]["name"] for row in mine] == ["张三"]
    theirs = client_of(world.bob).get(f"{URL}/scenario-runs/{run}/people/").json()["results"]
    assert sorted(row["person"]["name"] for row in theirs) == ["张三", "李四"]


@pytest.mark.parametrize("who", ["dan", "erin", None])
def test_applicants_are_refused_and_strangers_asked_to_sign_in(world, finished, who):
    client = client_of(getattr(world, who)) if who else APIClient()
    scenario, run = finished.scenario, finished.pk
    expected = 403 if who else 401
    calls = [
        client.get(f"{URL}/scenarios/"),
        client.get(f"{URL}/scenarios/{scenario.pk}/"),
        client.get(f"{URL}/readings/"),
        client.get(f"{URL}/scenario-runs/{run}/"),
        client.get(f"{URL}/scenario-runs/{run}/people/"),
        client.post(f"{URL}/scenarios/", {"city": "dalian", "name": "x", "as_of": AS_OF}),
        client.post(f"{URL}/scenarios/{scenario.pk}/runs/"),
        client.post(f"{URL}/scenario-runs/{run}/cancel/"),
    ]
    for response in calls:
        assert response.status_code == expected, (response.request["PATH_INFO"], response.status_code)
        assert "张三" not in response.content.decode()


def test_the_readings_a_scenario_may_take(world):
    grace = client_of(world.grace)
    readings = grace.get(f"{URL}/readings/").json()
    assert [row["code"] for row in readings] == [
        "dalian_disabled_registered_unemployed",
        "retirement_boundary_day_counts",
    ]
    row = readings[0]
    assert set(row) == {"code", "cities", "clause", "title", "decided", "alternative", "programs"}
    assert all(CJK.search(row[key]) for key in ("clause", "title", "decided", "alternative"))
    assert "dalian_hard_to_employ_flexible_si_subsidy_priority_groups" in row["programs"]
    assert client_of(world.carol).get(f"{URL}/readings/").json() == []  # 济南 has none
    assert len(client_of(world.carol).get(f"{URL}/readings/", {"city": "dalian"}).json()) == 2


def test_adoption_takes_two_administrators_and_the_values_the_first_saw(world):
    scenario = draft(world)
    services.scenario_value_set(
        actor=world.grace,
        scenario=scenario,
        parameter=Parameter.objects.get(code=AMOUNT),
        valid_from=D(2027, 1, 1),
        value=Decimal("1500"),
    )
    url = f"{URL}/scenarios/{scenario.pk}/adoption/"
    grace = client_of(world.grace)
    seen = grace.get(f"{URL}/scenarios/{scenario.pk}/").json()["adoption"]
    assert (seen["state"], seen["proposed_by"]) == ("draft", None)
    assert client_of(world.bob).post(url, {"action": "propose", "fingerprint": seen["fingerprint"]}).status_code == 403
    stale = grace.post(url, {"action": "propose", "fingerprint": "0" * 64})
    assert stale.status_code == 409 and CJK.search(stale.json()["message"])
    proposed = grace.post(url, {"action": "propose", "fingerprint": seen["fingerprint"]})
    assert proposed.status_code == 200, proposed.json()
    adoption = proposed.json()["adoption"]
    assert (adoption["state"], adoption["proposed_by"]["id"], adoption["proposed_fingerprint"]) == (
        "proposed",
        world.grace.pk,
        seen["fingerprint"],
    )
    assert CJK.search(adoption["state_label"])
    itself = grace.post(url, {"action": "confirm", "fingerprint": seen["fingerprint"]})
    assert itself.status_code == 403 and CJK.search(itself.json()["message"])

    hu = UserFactory(username="hu", full_name="胡管理员")
    membership_grant(user=hu, unit=world.dalian, role=Role.ADMIN)
    confirmed = client_of(hu).post(url, {"action": "confirm", "fingerprint": seen["fingerprint"]})
    assert confirmed.status_code == 200, confirmed.json()
    assert (confirmed.json()["adoption"]["state"], confirmed.json()["adoption"]["adopted_by"]["id"]) == (
        "adopted",
        hu.pk,
    )
    assert (confirmed.json()["can_draft"], confirmed.json()["can_adopt"]) == (False, False)
    value = ParameterValue.objects.get(parameter__code=AMOUNT, valid_from=D(2027, 1, 1))
    assert (value.value, value.scenario_id, value.created_by) == (1500, scenario.pk, hu)
    again = grace.post(f"{URL}/scenarios/{scenario.pk}/switches/", {"program": FLEXIBLE, "on": False})
    assert again.status_code == 409


DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 100 + "1" + "}" * 100
NEW = {"city": "dalian", "name": "测算", "as_of": AS_OF}
VALUE = {"parameter": AMOUNT, "valid_from": "2027-01-01", "value": "1500"}

# (label, method, path under the scenario ("" for the list, "-" for the API root), body, the field named)
HOSTILE = [
    ("create: as_of 9999-12-31", "post", "", {**NEW, "as_of": "9999-12-31"}, "as_of"),
    ("create: as_of 0001-01-01", "post", "", {**NEW, "as_of": "0001-01-01"}, "as_of"),
    ("create: as_of before the city's policy", "post", "", {**NEW, "as_of": "1990-01-01"}, "as_of"),
    ("create: as_of not a date", "post", "", {**NEW, "as_of": "abc"}, "as_of"),
    ("create: NUL in the name", "post", "", {**NEW, "name": "测\x00算"}, "name"),
    ("create: a control character in the name", "post", "", {**NEW, "name": "测\x07算"}, "name"),
    ("create: a line break in the name", "post", "", {**NEW, "name": "测\n算"}, "name"),
    ("create: a blank name", "post", "", {**NEW, "name": "   "}, "name"),
    ("create: a 5,000-character name", "post", "", {**NEW, "name": "长" * 5000}, "name"),
    ("create: NUL in the description", "post", "", {**NEW, "description": "a\x00b"}, "description"),
    ("create: an unknown city", "post", "", {**NEW, "city": "atlantis"}, "city"),
    ("create: NUL in the city", "post", "", {**NEW, "city": "dal\x00ian"}, "city"),
    ("edit: as_of 9999-12-31", "patch", "/", {"as_of": "9999-12-31"}, "as_of"),
    ("edit: escape in the name", "patch", "/", {"name": "测\x1b[31m"}, "name"),
    ("value: 1e400", "post", "/values/", {**VALUE, "value": "1e400"}, "value"),
    ("value: -5", "post", "/values/", {**VALUE, "value": "-5"}, "value"),
    ("value: NaN", "post", "/values/", {**VALUE, "value": "NaN"}, "value"),
    ("value: Infinity", "post", "/values/", {**VALUE, "value": "Infinity"}, "value"),
    ("value: 1e14", "post", "/values/", {**VALUE, "value": "100000000000000"}, "value"),
    ("value: text", "post", "/values/", {**VALUE, "value": "一千"}, "value"),
    ("value: an unknown parameter", "post", "/values/", {**VALUE, "parameter": "dalian.no_such"}, "parameter"),
    ("value: NUL in the parameter", "post", "/values/", {**VALUE, "parameter": "dalian\x00"}, "parameter"),
    ("value: another city's parameter", "post", "/values/", {**VALUE, "parameter": "jinan"}, "parameter"),
    ("value: valid from 9999-12-31", "post", "/values/", {**VALUE, "valid_from": "9999-12-31"}, "valid_from"),
    ("value: valid from 0001-01-01", "post", "/values/", {**VALUE, "valid_from": "0001-01-01"}, "valid_from"),
    ("value: no value given", "post", "/values/", {"parameter": AMOUNT, "valid_from": "2027-01-01"}, "value"),
    ("switch: an unknown program", "post", "/switches/", {"program": "no_such_program", "on": False}, "program"),
    ("switch: another city's program", "post", "/switches/", {"program": "jinan", "on": False}, "program"),
    ("switch: on is not a boolean", "post", "/switches/", {"program": FLEXIBLE, "on": "perhaps"}, "on"),
    ("reading: an unknown reading", "post", "/readings/", {"code": "no_such_reading", "taken": True}, "code"),
    ("adoption: an unknown action", "post", "/adoption/", {"action": "force", "fingerprint": "x"}, "action"),
    (
        "adoption: NUL in the fingerprint",
        "post",
        "/adoption/",
        {"action": "propose", "fingerprint": "\x00"},
        "fingerprint",
    ),
]


@pytest.fixture
def hostile_world(world):
    return draft(world)


def resolved(body: dict) -> dict:
    """``body`` with "jinan" as a parameter or program replaced by one of 济南's."""
    body = dict(body)
    if body.get("parameter") == "jinan":
        body["parameter"] = Parameter.objects.filter(city="jinan").values_list("code", flat=True)[0]
    if body.get("program") == "jinan":
        body["program"] = Program.objects.filter(city="jinan").values_list("code", flat=True)[0]
    return body


def stored() -> tuple:
    return (
        list(Scenario.objects.order_by("pk").values_list("pk", "name", "as_of", "description")),
        list(ScenarioValue.objects.values_list("pk", "value")),
        list(ScenarioSwitch.objects.values_list("pk")),
        list(ScenarioReading.objects.values_list("pk")),
        ScenarioRun.objects.count(),
    )


@pytest.mark.parametrize(("label", "method", "path", "body", "field"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_input_is_a_400_naming_the_field_in_chinese(world, hostile_world, label, method, path, body, field):
    url = f"{URL}/scenarios/" if path == "" else f"{URL}/scenarios/{hostile_world.pk}{path}"
    before = stored()
    response = getattr(client_of(world.grace), method)(url, resolved(body), format="json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    answer = response.json()
    assert list(answer["fields"]) == [field], answer
    assert CJK.search(answer["message"]) and all(CJK.search(text) for text in answer["fields"][field]), answer
    assert stored() == before


@pytest.mark.parametrize(
    ("label", "path", "body"),
    [
        ("create: JSON nested 5,000 deep", "", DEEP),
        ("value: an object nested 100 deep", "/values/", DEEP_OBJECT),
        (
            "value: a number beyond any float",
            "/values/",
            f'{{"parameter": "{AMOUNT}", "valid_from": "2027-01-01", "value": 1e400}}',
        ),
        (
            "value: NaN as a JSON constant",
            "/values/",
            f'{{"parameter": "{AMOUNT}", "valid_from": "2027-01-01", "value": NaN}}',
        ),
        ("create: not JSON", "", '{"city": '),
    ],
)
def test_a_body_that_is_no_plain_json_is_a_400(world, hostile_world, label, path, body):
    url = f"{URL}/scenarios/" if path == "" else f"{URL}/scenarios/{hostile_world.pk}{path}"
    before = stored()
    response = client_of(world.grace).post(url, data=body, content_type="application/json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert CJK.search(response.json()["message"])
    assert stored() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("change=everyone", "change"),
        ("district=abc", "district"),
        ("district=99999999999999999999999", "district"),
        ("program=%00", "program"),
        ("register=a%07b", "register"),
    ],
)
def test_a_bad_filter_of_the_people_list_is_a_400_naming_it(world, finished, query, field):
    response = client_of(world.grace).get(f"{URL}/scenario-runs/{finished.pk}/people/?{query}")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["fields"]) == [field]


def test_a_bad_city_of_the_readings_is_a_400_naming_it(world):
    for city in ("atlantis", "%00"):
        response = client_of(world.grace).get(f"{URL}/readings/?city={city}")
        assert response.status_code == 400 and list(response.json()["fields"]) == ["city"]


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_lists_queries_do_not_grow_with_rows(world, finished, django_assert_num_queries):
    bob = client_of(world.bob)
    people = f"{URL}/scenario-runs/{finished.pk}/people/"
    scenarios = f"{URL}/scenarios/"
    few = query_count(bob, people), query_count(bob, scenarios)
    program = Program.objects.get(code=FLEXIBLE)
    for number in range(6):
        outcome(finished, make_person(world.youhao, f"人{number}"), world.youhao, program, world.zhongshan)
        services.scenario_run_start(actor=world.grace, scenario=draft(world))
    assert bob.get(people).json()["count"] == 8
    assert len(bob.get(scenarios).json()["results"]) == 7
    with django_assert_num_queries(few[0]):
        bob.get(people)
    with django_assert_num_queries(few[1]):
        bob.get(scenarios)
