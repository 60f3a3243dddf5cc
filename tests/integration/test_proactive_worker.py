"""The nightly 主动服务 screening through a real worker: the task cuts the run into chunks, the worker screens
each chunk, and the chunk that completes the run closes the leads of people who left every register."""

import datetime

import pytest

from benefits.models import Lead, Program, ScreeningRun
from benefits.tasks import proactive_screen_task
from casework import services
from casework.models import Register

from .conftest import wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
D = datetime.date
TODAY = D(2026, 11, 21)


def test_a_real_worker_screens_every_chunk_and_closes_the_run(world, people, broker_queue, tmp_path):
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    for key in ("zhang", "li"):
        services.person_update(
            actor=None, person=people[key], education="bachelor", graduation_date=D(2026, 7, 1), has_student_loan=True
        )
        services.registry_entry_add(actor=None, register=register, person=people[key], entered_on=D(2026, 7, 10))
    # 王五 left every register; his lead from an earlier night must close.
    stale = Lead.objects.create(
        person=people["wang"],
        program=Program.objects.get(code="jinan_job_seeking_startup_subsidy"),
        unit=people["wang"].residence_unit,
        first_found_on=TODAY - datetime.timedelta(days=3),
        last_found_on=TODAY - datetime.timedelta(days=1),
    )
    with worker_process(tmp_path, beat=False):
        proactive_screen_task.delay(TODAY.isoformat(), chunk_size=1)
        run = wait_for(lambda: ScreeningRun.objects.filter(finished_at__isnull=False).first(), timeout=90)
        assert run is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert (run.people, run.chunks_total, run.chunks.count(), run.closed_unscreened) == (2, 2, 2, 1)
    open_leads = set(Lead.objects.filter(closed_on__isnull=True).values_list("person__name", "program__code"))
    assert {
        ("张三", "dalian_job_seeking_startup_subsidy"),
        ("李四", "dalian_job_seeking_startup_subsidy"),
    } <= open_leads
    stale.refresh_from_db()
    assert stale.closed_on == TODAY and stale.close_reason == "no_longer_eligible"
