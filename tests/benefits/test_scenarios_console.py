"""The scenario pages: an administrator drafts and runs a scenario, the result's numbers open the lists they count
(in the user's units, masked), the workbook carries the same numbers, another city's staff sees nothing, and a
caseworker reads without controls."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from benefits.models import Parameter, Scenario, ScenarioRun
from benefits.tasks import scenario_chunk_task

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def in_process(monkeypatch):
    """The chunks run here, in order, as a worker would run them."""
    monkeypatch.setattr(scenario_chunk_task, "delay", lambda *args: scenario_chunk_task.apply(args))


def test_an_administrator_drafts_runs_and_follows_a_number(
    world, graduate, console_as, in_process, django_capture_on_commit_callbacks
):
    client = console_as(world.grace)
    response = client.post(
        reverse("benefits:scenario-list"), {"city": "dalian", "name": "求职补贴提标", "as_of": "2026-12-01"}
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "benefits:scenario-detail", args=[scenario.pk]
    )
    detail = reverse("benefits:scenario-detail", args=[scenario.pk])
    parameter = Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny")
    client.post(detail, {"action": "value", "parameter": parameter.pk, "valid_from": "2026-01-01", "value": "1500"})
    assert scenario.values.get().value == 1500
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"action": "run"})
    run = ScenarioRun.objects.get()
    assert run.finished_at is not None
    page = client.get(detail).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "求职补贴提标" in text and "1,500.00" in text and "dalian_job_seeking" not in text
    people = (
        reverse("benefits:scenario-people", args=[run.pk])
        + "?change=amount&amp;program=dalian_job_seeking_startup_subsidy"
    )
    assert people in page
    listed = client.get(people.replace("&amp;", "&"))
    assert listed.status_code == 200 and [row.person for row in listed.context["rows"]] == [graduate]
    assert graduate.id_number not in listed.content.decode() and graduate.masked_id_number in listed.content.decode()
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("benefits:scenario-workbook", args=[run.pk])).streaming_content))
    )
    values = [cell for row in workbook.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert "求职创业补贴" in " ".join(str(v) for v in values) and 1000 in values and 1500 in values


def test_a_caseworker_reads_and_another_city_sees_nothing(world, console_as):
    scenario = Scenario.objects.create(city="dalian", name="x", as_of=D(2026, 12, 1), author=world.grace)
    detail = reverse("benefits:scenario-detail", args=[scenario.pk])
    page = console_as(world.alice).get(detail)
    assert page.status_code == 200 and 'name="action" value="run"' not in page.content.decode()
    refused = console_as(world.alice).post(detail, {"action": "run"})
    assert "只有本市的管理员和审核员" in refused.content.decode() and not ScenarioRun.objects.exists()
    assert console_as(world.carol).get(detail).status_code == 404
    assert "x" not in [
        s.name for s in console_as(world.carol).get(reverse("benefits:scenario-list")).context["scenarios"]
    ]


def test_a_bad_value_names_the_field_and_stores_nothing(world, console_as):
    scenario = Scenario.objects.create(city="dalian", name="x", as_of=D(2026, 12, 1), author=world.grace)
    detail = reverse("benefits:scenario-detail", args=[scenario.pk])
    parameter = Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny")
    for valid_from, value in [("9999-12-31", "1"), ("2026-01-01", "-5"), ("2026-01-01", "1e400"), ("2026-02-30", "1")]:
        response = console_as(world.grace).post(
            detail, {"action": "value", "parameter": parameter.pk, "valid_from": valid_from, "value": value}
        )
        assert response.status_code == 200 and response.context["value_form"].errors
    assert not scenario.values.exists()
    response = console_as(world.grace).post(
        reverse("benefits:scenario-list"), {"city": "dalian", "name": "a\x00b", "as_of": "2026-12-01"}
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_a_district_supervisor_sees_the_people_of_the_district_and_the_city_figure(world, graduate, console_as):
    from accounts.models import ServiceUnit
    from benefits.scenarios.services import scenario_create, scenario_run
    from casework import services as casework
    from casework.models import Register
    from tests.factories import make_person, make_unit

    street = make_unit("白云街道", ServiceUnit.Level.STREET, world.xigang)
    other = make_person(
        make_unit("白云社区", ServiceUnit.Level.COMMUNITY, street),
        "西岗人",
        education="bachelor",
        graduation_date=D(2026, 7, 1),
    )
    casework.person_update(actor=world.grace, person=other, has_student_loan=True)
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    casework.registry_entry_add(actor=world.grace, register=register, person=other, entered_on=D(2026, 7, 10))
    run = scenario_run(
        actor=world.grace, scenario=scenario_create(actor=world.grace, city="dalian", name="x", as_of=D(2026, 12, 1))
    )
    assert run.summary["programs"]["dalian_job_seeking_startup_subsidy"]["base_people"] == 2
    url = reverse("benefits:scenario-people", args=[run.pk]) + "?change=base&program=dalian_job_seeking_startup_subsidy"
    bob = console_as(world.bob).get(url)
    assert [row.person for row in bob.context["rows"]] == [graduate]
    assert "测算结果中的数字按全市统计：2" in bob.content.decode()
    grace = console_as(world.grace).get(url)
    assert len(grace.context["rows"]) == 2 and "按全市统计" not in grace.content.decode()
