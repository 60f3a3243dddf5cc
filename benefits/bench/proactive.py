"""Proactive screening (主动服务) of N generated persons on a register (default 1,000,000): seconds and peak
memory of ``benefits.screening.proactive.proactive_screen`` (target ≤ 5 minutes and ≤ 1 GB on this machine).

Generation (PostgreSQL only) reuses the search benchmark's set-based INSERT … SELECT into a dedicated city that
carries 大连's programs (city code ``dalian``, 1,000 communities), then gives every person a graduation date and
a college education and a third of them a national student loan, and puts everyone on the unemployed-graduates
register, all in SQL. The first run opens the leads; ``--again`` times a second run (nothing to change).

``--workers N`` screens as the nightly task does: a Celery worker with N processes (started here and waited for
before the clock starts) takes the run's chunks from the broker; peak memory is then the largest worker
process's. Without it, everything runs in this process, chunk after chunk."""

import os
import resource
import subprocess
import sys
import time

from django.db import connection, transaction
from django.utils import timezone

from benefits.models import Lead, ScreeningRun
from benefits.screening.proactive import proactive_screen, screening_counts, screening_start
from benefits.tasks import proactive_screen_chunk_task
from casework.bench.search import CHUNK, insert_params, insert_sql, unit_tree
from casework.models import Person, Register

NAME = "proactive"
CITY_NAME = "主动服务基准市"


def add_arguments(parser):
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--again", action="store_true", help="Also time a second run the same day.")
    parser.add_argument("--workers", type=int, default=0, help="Screen through a Celery worker with N processes.")
    parser.add_argument("--generate-only", action="store_true", help="Make the people and stop (no screening).")


def _communities():
    city, _districts, _streets, communities = unit_tree(city_name=CITY_NAME, prefix="主动", city_code="dalian")
    return city, communities


def _generate(persons: int, city, communities) -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("The proactive benchmark generates its rows with PostgreSQL SQL; set DATABASE_URL.")
    in_city = Person.objects.filter(residence_unit__path__startswith=city.path)
    have = in_city.count()
    started = time.perf_counter()
    params = insert_params([u.pk for u in communities])
    # Offset the row numbers so these persons never collide with the search benchmark's in the same database.
    offset = 5_000_000
    for start in range(have, persons, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                insert_sql(), {**params, "start": offset + start, "stop": offset + min(start + CHUNK, persons)}
            )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    unit_ids = [u.pk for u in communities]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE casework_person SET education = 'bachelor', graduation_date = DATE '2026-07-01',
                   has_student_loan = (id %% 3 = 0)
            WHERE residence_unit_id = ANY(%(units)s) AND education = ''""",
            {"units": unit_ids},
        )
        cursor.execute(
            """
            INSERT INTO casework_registryentry
                (register_id, person_id, unit_id, entered_on, window_ends_on, source, note, exit_reason)
            SELECT %(register)s, p.id, p.residence_unit_id, DATE '2026-07-10', DATE '2028-06-30', 'job', '', ''
            FROM casework_person p
            WHERE p.residence_unit_id = ANY(%(units)s)
              AND NOT EXISTS (SELECT 1 FROM casework_registryentry e
                              WHERE e.person_id = p.id AND e.register_id = %(register)s)
            """,
            {"register": register.pk, "units": unit_ids},
        )
        cursor.execute("ANALYZE casework_person; ANALYZE casework_registryentry")
    return {
        "persons_before": have,
        "persons": in_city.count(),
        "generate_seconds": round(time.perf_counter() - started, 1),
    }


def _worker(processes: int):
    """A Celery worker of this project with ``processes`` prefork children, once it answers a ping."""
    from celery import current_app as app  # the project's app, set up with Django (config/celery.py)

    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "celery", "-A", "config", "worker", f"--concurrency={processes}", "--loglevel=WARNING"],
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("The benchmark's Celery worker did not start.")
    return process


def _screen_with_workers(processes: int) -> tuple[float, dict]:
    worker = _worker(processes)
    try:
        started = time.perf_counter()
        screening, bounds = screening_start(today=timezone.localdate())
        for number, (first, last) in enumerate(bounds):
            proactive_screen_chunk_task.delay(screening.pk, number, first, last)
        while not ScreeningRun.objects.filter(pk=screening.pk, finished_at__isnull=False).exists():
            time.sleep(0.5)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    screening.refresh_from_db()
    return seconds, screening_counts(screening)


def _screen(workers: int) -> tuple[float, dict]:
    if workers:
        return _screen_with_workers(workers)
    started = time.perf_counter()
    counts = proactive_screen(today=timezone.localdate())
    return time.perf_counter() - started, counts


def run(*, persons=1_000_000, again=False, workers=0, generate_only=False, **options) -> dict:
    city, communities = _communities()
    result = {"benchmark": NAME, "database": connection.vendor, "workers": workers}
    result.update(_generate(persons, city, communities))
    if generate_only:
        return result
    seconds, counts = _screen(workers)
    result.update(first_run_seconds=round(seconds, 1), first_run=counts)
    if again:
        seconds, counts = _screen(workers)
        result.update(second_run_seconds=round(seconds, 1), second_run=counts)
    result["open_leads"] = Lead.objects.filter(closed_on__isnull=True).count()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if workers:
        result["peak_worker_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return result
