"""主动服务: the nightly screening keeps one open lead per person and program, re-running changes nothing,
leads close when the records no longer qualify, a dismissed lead stays closed, and the list is scoped."""

import datetime

import pytest
from django.urls import reverse

from benefits.models import Lead
from benefits.proactive import proactive_screen
from casework import services
from casework.models import Register

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 21)


@pytest.fixture
def graduate(world, people):
    """张三: a 2026 graduate with a student loan, on the unemployed-graduates register (大连)."""
    zhang = people["zhang"]
    services.person_update(
        actor=world.alice, person=zhang, education="bachelor", graduation_date=D(2026, 7, 1), has_student_loan=True
    )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    services.registry_entry_add(actor=world.alice, register=register, person=zhang, entered_on=D(2026, 7, 10))
    return zhang


def open_leads():
    return set(Lead.objects.filter(closed_on__isnull=True).values_list("person__name", "program__code"))


def test_a_likely_eligible_person_on_a_register_gets_a_lead_with_reasons(graduate):
    counts = proactive_screen(today=TODAY)
    assert counts["screened"] == 1 and counts["opened"] >= 1
    assert ("张三", "dalian_job_seeking_startup_subsidy") in open_leads()
    lead = Lead.objects.get(program__code="dalian_job_seeking_startup_subsidy")
    assert lead.amount_cny == 1000 and lead.unit.name == "友好社区"
    assert {r["condition"] for r in lead.reasons} >= {"college_graduate", "hardship_group"}


def test_running_again_changes_nothing(graduate):
    proactive_screen(today=TODAY)
    before = list(Lead.objects.values_list("pk", "closed_on", "first_found_on"))
    history = Lead.history.count()
    counts = proactive_screen(today=TODAY)
    assert counts["opened"] == counts["closed"] == 0
    assert list(Lead.objects.values_list("pk", "closed_on", "first_found_on")) == before
    assert Lead.history.count() == history
    proactive_screen(today=TODAY + datetime.timedelta(days=1))
    assert Lead.objects.count() == len(before)  # kept, not duplicated


def test_a_lead_closes_when_the_person_no_longer_qualifies(world, graduate):
    proactive_screen(today=TODAY)
    services.person_update(actor=world.alice, person=graduate, has_student_loan=False)
    proactive_screen(today=TODAY + datetime.timedelta(days=1))
    lead = Lead.objects.get(program__code="dalian_job_seeking_startup_subsidy")
    assert lead.closed_on == TODAY + datetime.timedelta(days=1) and lead.close_reason == "no_longer_eligible"


def test_a_lead_closes_when_the_person_leaves_every_register(world, graduate):
    proactive_screen(today=TODAY)
    entry = graduate.registry_entries.get()
    services.registry_entry_exit(actor=world.alice, entry=entry, exited_on=TODAY, reason="employed")
    proactive_screen(today=TODAY + datetime.timedelta(days=1))
    assert not open_leads()


def test_a_dismissed_lead_is_not_opened_again(world, graduate, console_as):
    proactive_screen(today=TODAY)
    lead = Lead.objects.get(program__code="dalian_job_seeking_startup_subsidy")
    assert console_as(world.carol).post(reverse("benefits:lead-dismiss", args=[lead.pk])).status_code == 404
    console_as(world.alice).post(reverse("benefits:lead-dismiss", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.close_reason == "dismissed"
    proactive_screen(today=TODAY + datetime.timedelta(days=1))
    assert ("张三", "dalian_job_seeking_startup_subsidy") not in open_leads()


def test_the_list_is_scoped_and_masked(world, graduate, console_as):
    proactive_screen(today=TODAY)
    mine = console_as(world.alice).get(reverse("benefits:lead-list")).content.decode()
    assert "张三" in mine and graduate.masked_id_number in mine and graduate.id_number not in mine
    assert "张三" not in console_as(world.carol).get(reverse("benefits:lead-list")).content.decode()
    home = console_as(world.alice).get(reverse("accounts:home")).content.decode()
    assert "主动服务" in home


def test_the_task_is_registered_and_scheduled():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start-up (autodiscover_tasks)
    assert "benefits.tasks.proactive_screen" in app.tasks
    assert settings.CASEWORK_PERIODIC_TASKS["proactive-screen"]["task"] == "benefits.tasks.proactive_screen"
