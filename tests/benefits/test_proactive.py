"""主动服务: the nightly screening keeps one open lead per person and program, re-running changes nothing,
leads close when the records no longer qualify, a dismissed lead stays closed, and the list is scoped."""

import datetime

import pytest
from django.urls import reverse

from benefits.models import Lead, Program, ScreeningRun
from benefits.screening.proactive import _run_context, proactive_screen, screen_chunk, screening_start
from casework import services
from casework.models import Register

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 21)


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


@pytest.fixture
def two_graduates(world, people, graduate):
    """张三 (above) and 李四, both on the unemployed-graduates register of 大连."""
    li = people["li"]  # in another community of 大连: the system acts
    services.person_update(
        actor=None, person=li, education="bachelor", graduation_date=D(2026, 7, 1), has_student_loan=True
    )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    services.registry_entry_add(actor=None, register=register, person=li, entered_on=D(2026, 7, 10))
    return graduate, li


def test_people_are_screened_only_against_programs_for_individuals(graduate):
    run, _ = screening_start(today=TODAY)
    programs, _, _ = _run_context(run.pk, run.started_at)
    screened = {p.code for p in programs["dalian"]}
    assert "dalian_job_seeking_startup_subsidy" in screened
    assert set(Program.objects.filter(code__in=screened).values_list("beneficiary", flat=True)) == {"individual"}
    assert Program.objects.filter(city="dalian").exclude(beneficiary="individual").exists()


def test_the_run_closes_unscreened_leads_only_when_its_last_chunk_is_done(world, two_graduates):
    _zhang, li = two_graduates
    proactive_screen(today=TODAY)
    services.registry_entry_exit(actor=None, entry=li.registry_entries.get(), exited_on=TODAY, reason="employed")
    tomorrow = TODAY + datetime.timedelta(days=1)
    run, bounds = screening_start(today=tomorrow, chunk_size=1)
    assert run.people == 1 and len(bounds) == 1
    assert ("李四", "dalian_job_seeking_startup_subsidy") in open_leads()  # not yet: the run is open
    screen_chunk(run_id=run.pk, number=0, first=bounds[0][0], last=bounds[0][1])
    run.refresh_from_db()
    assert run.finished_at is not None and run.closed_unscreened >= 1
    assert ("李四", "dalian_job_seeking_startup_subsidy") not in open_leads()
    assert ("张三", "dalian_job_seeking_startup_subsidy") in open_leads()


def test_each_chunk_is_screened_once_even_if_delivered_twice(two_graduates):
    run, bounds = screening_start(today=TODAY, chunk_size=1)
    assert len(bounds) == 2 and bounds[0] != bounds[1]
    screen_chunk(run_id=run.pk, number=0, first=bounds[0][0], last=bounds[0][1])
    leads, history = Lead.objects.count(), Lead.history.count()
    screen_chunk(run_id=run.pk, number=0, first=bounds[0][0], last=bounds[0][1])  # delivered again
    assert (Lead.objects.count(), Lead.history.count()) == (leads, history)
    assert ScreeningRun.objects.get(pk=run.pk).finished_at is None
    screen_chunk(run_id=run.pk, number=1, first=bounds[1][0], last=bounds[1][1])
    run.refresh_from_db()
    assert run.finished_at is not None and run.chunks.count() == 2
    assert {name for name, _ in open_leads()} == {"张三", "李四"}


def test_a_run_with_nobody_on_a_register_finishes_at_once(db):
    run, bounds = screening_start(today=TODAY)
    assert bounds == [] and ScreeningRun.objects.get(pk=run.pk).finished_at is not None


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
    assert {"benefits.tasks.proactive_screen", "benefits.tasks.proactive_screen_chunk"} <= set(app.tasks)
    assert settings.CASEWORK_PERIODIC_TASKS["proactive-screen"]["task"] == "benefits.tasks.proactive_screen"
