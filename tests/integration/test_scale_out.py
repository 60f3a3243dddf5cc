"""Scale-out: the nightly 主动服务 screening spread over two Celery workers, separate processes with their own
hostnames, on one broker: Redis (the suite's REDIS_URL) and RabbitMQ (``CELERY_BROKER_URL``). Each worker screens
some of the run's chunks (their logs say which), and the leads come out exactly as when one process screens the
same people chunk after chunk."""

import datetime
import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from kombu import Connection

from accounts.models import WorkerHeartbeat
from benefits.models import Lead, Program, ScreeningRun
from benefits.screening.proactive import proactive_screen
from benefits.tasks import proactive_screen_task
from casework import services
from casework.models import Register
from config.celery import app

from ..factories import make_id_number, make_person
from .conftest import QUEUE, wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
D = datetime.date
TODAY = D(2026, 11, 21)
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
WORKERS = ("scale-a", "scale-b")
CHUNK_DONE = re.compile(r"benefits\.tasks\.proactive_screen_chunk\[([0-9a-f-]{36})\] succeeded")
NAMES = ("赵一", "钱二", "孙三", "周四", "吴五", "郑六", "冯七", "陈八", "褚九", "卫十", "蒋十一", "沈十二")


@pytest.fixture
def graduates(world, people):
    """Twelve people on the graduates' registers of 大连 and 济南, who left school this year or up to four years
    ago, half of them with a student loan: some are likely eligible for one to three programs, some for none."""
    communities = (world.youhao, world.tianjinjie, world.furong)
    after_leaving = Register.objects.get(code="unemployed_graduates_after_leaving")
    within_5_years = Register.objects.get(code="graduates_within_5_years")
    made = []
    for i, name in enumerate(NAMES):
        unit = communities[i % 3]
        person = make_person(
            unit,
            name,
            id_number=make_id_number("370102" if unit == world.furong else "210202", sequence=100 + i),
            education=("bachelor", "master", "junior_college")[i % 3],
            graduation_date=D(2026 - i % 5, 7, 1),
            has_student_loan=i % 2 == 0,
        )
        register = after_leaving if i % 5 < 2 else within_5_years
        services.registry_entry_add(actor=None, register=register, person=person, entered_on=D(2026, 7, 10))
        made.append(person)
    return made


def leads_of_earlier_nights(world, people, graduates) -> None:
    """王五 left every register (his lead closes); a caseworker dismissed one graduate's lead (it stays closed)."""
    Lead.objects.create(
        person=people["wang"],
        program=Program.objects.get(code="jinan_job_seeking_startup_subsidy"),
        unit=world.furong,
        first_found_on=TODAY - datetime.timedelta(days=3),
        last_found_on=TODAY - datetime.timedelta(days=1),
    )
    Lead.objects.create(
        person=graduates[0],
        program=Program.objects.get(code="dalian_job_seeking_startup_subsidy"),
        unit=graduates[0].residence_unit,
        first_found_on=TODAY - datetime.timedelta(days=3),
        last_found_on=TODAY - datetime.timedelta(days=3),
        closed_on=TODAY - datetime.timedelta(days=2),
        close_reason=Lead.CloseReason.DISMISSED,
    )


def leads() -> list[tuple]:
    """Every lead as the caseworker's list shows it: person, program, community, amount, period, reasons, days."""
    return sorted(
        (
            lead.person_id,
            lead.program.code,
            lead.unit_id,
            lead.amount_cny,
            lead.period,
            json.dumps(lead.reasons, ensure_ascii=False, sort_keys=True),
            lead.first_found_on,
            lead.last_found_on,
            lead.closed_on,
            lead.close_reason,
        )
        for lead in Lead.objects.select_related("program")
    )


def screened_in_one_process(world, people, graduates) -> list[tuple]:
    """The run done by ``proactive_screen`` in this process; then the leads and runs are reset."""
    leads_of_earlier_nights(world, people, graduates)
    counts = proactive_screen(today=TODAY, chunk_size=1)
    found = leads()
    assert counts["screened"] == len(graduates) and counts["opened"] > 0 and counts["closed"] == 1, counts
    Lead.objects.all().delete()
    ScreeningRun.objects.all().delete()
    return found


def empty_queue(url: str) -> None:
    with app.connection_for_write(url) as conn:
        app.amqp.queues[QUEUE](conn.default_channel).declare()
        conn.default_channel.queue_purge(QUEUE)


def screened_by_two_workers(tmp_path: Path, *, broker_url: str, env: dict) -> tuple[ScreeningRun, dict, float]:
    """Two workers on ``broker_url`` (both ready before the run is queued there) screen the run in chunks of one
    person. Returns the run, the ids of the chunks each worker finished (from its log) and the seconds taken."""
    empty_queue(broker_url)
    logs = {name: tmp_path / f"{name}.log" for name in WORKERS}
    try:
        with (
            worker_process(tmp_path, beat=False, env=env, log_name=logs["scale-a"].name, name="scale-a") as first,
            worker_process(tmp_path, beat=False, env=env, log_name=logs["scale-b"].name, name="scale-b") as second,
        ):
            ready = wait_for(
                lambda: all(WorkerHeartbeat.objects.filter(worker__startswith=f"{n}-").exists() for n in WORKERS),
                timeout=90,
                interval=0.2,
            )
            assert ready, "\n".join(path.read_text()[-2000:] for path in logs.values())
            started = time.monotonic()
            with app.connection_for_write(broker_url) as conn:
                proactive_screen_task.apply_async((TODAY.isoformat(),), {"chunk_size": 1}, connection=conn)
            run = wait_for(
                lambda: ScreeningRun.objects.filter(finished_at__isnull=False).first(), timeout=90, interval=0.2
            )
            seconds = time.monotonic() - started
            assert run is not None, "\n".join(path.read_text()[-3000:] for path in logs.values())
            first.terminate()  # both shut down at once (leaving the block waits for each in turn)
            second.terminate()
    finally:
        empty_queue(broker_url)
    transport = broker_url.split("://", 1)[0]
    for path in logs.values():  # the workers' banner names the broker they consumed from
        assert f"transport:   {transport}://" in path.read_text(), path.read_text()[:3000]
    return run, {name: CHUNK_DONE.findall(path.read_text()) for name, path in logs.items()}, seconds


def check_the_split_and_the_leads(run, chunks, seconds, in_one_process):
    """Printed for docs/operations.md: the chunks each worker screened and the seconds from queueing to done."""
    print(f"chunks per worker: { {name: len(ids) for name, ids in chunks.items()} }, {seconds:.1f} s")
    people = len(NAMES)
    assert (run.people, run.chunks_total, run.chunks.count(), run.closed_unscreened) == (people, people, people, 1)
    # every chunk was screened exactly once, and each worker screened some of them
    every = [task for ids in chunks.values() for task in ids]
    assert len(every) == len(set(every)) == run.chunks_total, chunks
    assert all(chunks[name] for name in WORKERS), chunks
    assert leads() == in_one_process


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis"),
    reason="needs REDIS_URL (the filesystem broker is one machine's)",
)
def test_the_screening_spreads_over_two_workers_on_redis(world, people, graduates, tmp_path):
    in_one_process = screened_in_one_process(world, people, graduates)
    leads_of_earlier_nights(world, people, graduates)
    run, chunks, seconds = screened_by_two_workers(
        tmp_path, broker_url=settings.CELERY_BROKER_URL, env={"CELERY_BROKER_URL": ""}
    )
    check_the_split_and_the_leads(run, chunks, seconds, in_one_process)


def test_the_screening_spreads_over_two_workers_on_rabbitmq(world, people, graduates, tmp_path):
    try:
        with Connection(RABBITMQ_URL, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        pytest.fail(
            f"RabbitMQ does not answer at {RABBITMQ_URL} ({exc!r}): start it (rabbitmq-server -detached; .ci/run does)"
        )
    in_one_process = screened_in_one_process(world, people, graduates)
    leads_of_earlier_nights(world, people, graduates)
    run, chunks, seconds = screened_by_two_workers(
        tmp_path, broker_url=RABBITMQ_URL, env={"CELERY_BROKER_URL": RABBITMQ_URL}
    )
    check_the_split_and_the_leads(run, chunks, seconds, in_one_process)
