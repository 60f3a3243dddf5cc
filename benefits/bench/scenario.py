"""A policy scenario (政策测算) over N generated persons on a register (default 1,000,000): seconds and peak memory
of a whole run, baseline and scenario, from ``scenario_run_start`` to the summary written (target with 2 workers:
≤ 5 minutes, ≤ 1 GB per process), and the longest wait between two chunks finishing, which is how long the
progress bar can stand still (target ≤ 5 s).

The people are the proactive benchmark's (``benefits.bench.proactive``: the same generator and city, 大连's programs,
every person a 2026 college graduate on the unemployed-graduates register, a third with a national student loan).
The scenario, drafted through the scenario services by a superuser (``bench.superuser``, made if there is none),
raises 大连's one-time job-seeking subsidy (一次性求职创业补贴) to 1,500 CNY and widens the graduates' flexible-work
social-insurance window to 2 years, both from its day, 2026-12-01, when everyone generated is on the register.

Without ``--workers`` the run is ``scenario_run`` in this process, chunk after chunk. With ``--workers N`` a Celery
worker with N processes (started and pinged before the clock starts, as the proactive benchmark does) takes the
run's chunks from the broker; peak memory is then each worker process's high-water mark, read just before the
worker is stopped. ``--runs`` repeats the run (each on a fresh worker; the previous runs' rows deleted first, not
timed) for the minimum, median and maximum."""

import contextlib
import datetime
import itertools
import os
import resource
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services import staff_user_create
from benefits.bench.proactive import _communities, _generate, _worker
from benefits.models import Parameter, Scenario, ScenarioChunk, ScenarioOutcome, ScenarioRun
from benefits.scenarios.services import scenario_create, scenario_run, scenario_value_set
from benefits.tasks import scenario_run_launch

NAME = "scenario"
CITY = "dalian"
AS_OF = datetime.date(2026, 12, 1)
SCENARIO_NAME = "基准测算：求职创业补贴1500元，灵活就业社保补贴窗口2年"
CHANGES = {
    "dalian.job_seeking_startup_subsidy_cny": Decimal("1500"),
    "dalian.graduate_flexible_si_window_years": Decimal("2"),
}


def add_arguments(parser):
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=0, help="Run through a Celery worker with N processes.")
    parser.add_argument("--runs", type=int, default=1, help="Time the run this many times (min / median / max).")
    parser.add_argument("--chunk-size", type=int, help="People per chunk (default: CASEWORK_SCENARIO_CHUNK_SIZE).")
    parser.add_argument("--generate-only", action="store_true", help="Make the people and stop (no run).")


def _author() -> User:
    author = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if author is None:
        author = User.objects.filter(username="bench.superuser").first() or staff_user_create(
            username="bench.superuser", full_name="基准测试管理员"
        )
        author.is_superuser = True
        author.save(update_fields=["is_superuser"])
    return author


def _scenario(author: User) -> Scenario:
    """The benchmark's scenario, drafted once through the services (found afterwards)."""
    scenario = Scenario.objects.filter(city=CITY, name=SCENARIO_NAME).first()
    if scenario is None:
        scenario = scenario_create(actor=author, city=CITY, name=SCENARIO_NAME, as_of=AS_OF)
        for code, value in CHANGES.items():
            scenario_value_set(
                actor=author,
                scenario=scenario,
                parameter=Parameter.objects.get(code=code),
                valid_from=AS_OF,
                value=value,
            )
    return scenario


def _clear(scenario: Scenario) -> None:
    """The earlier runs of the scenario and their rows gone, so every run writes into tables of the same size."""
    runs = ScenarioRun.objects.filter(scenario=scenario)
    ScenarioOutcome.objects.filter(run__in=runs).delete()
    ScenarioChunk.objects.filter(run__in=runs).delete()
    runs.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE benefits_scenariooutcome")
        cursor.execute("VACUUM ANALYZE benefits_scenariochunk")


def _high_water_mb(pid) -> float | None:
    """A process's peak resident memory so far (Linux: VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _reset_high_water() -> None:
    """Start this process's peak memory afresh (Linux; ignored where it cannot be done)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _timings(run: ScenarioRun) -> dict:
    """The longest time the progress bar stood still: between the run's start and its first chunk, between two
    chunks finishing, and between the last chunk and the summary."""
    finished = list(run.chunks.order_by("finished_at").values_list("finished_at", flat=True))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(finished)]
    return {
        "max_gap_between_chunks_s": round(max(gaps), 2) if gaps else None,
        "first_chunk_after_s": round((finished[0] - run.started_at).total_seconds(), 2) if finished else None,
        "summary_after_last_chunk_s": (
            round((run.finished_at - finished[-1]).total_seconds(), 2) if finished and run.finished_at else None
        ),
    }


def _in_process(author: User, scenario: Scenario, chunk_size: int) -> tuple[float, ScenarioRun, dict]:
    _reset_high_water()
    started = time.perf_counter()
    run = scenario_run(actor=author, scenario=scenario, chunk_size=chunk_size)
    seconds = time.perf_counter() - started
    return seconds, run, {"peak_rss_mb": _high_water_mb("self")}


def _queue_is_empty() -> None:
    """Refuse to time a run behind messages already waiting in the broker's queue (a cancelled or interrupted
    run's chunks, another job's tasks): the worker would take them first. The benchmark purges nothing."""
    from celery import current_app as app

    queue = app.conf.task_default_queue
    with app.connection_for_write() as broker:
        try:
            waiting = broker.default_channel.queue_declare(queue=queue, passive=True).message_count
        except broker.channel_errors:  # no such queue yet: nothing waits
            waiting = 0
    if waiting:
        raise RuntimeError(
            f"The broker's queue {queue!r} holds {waiting} messages; use a broker of the benchmark's own (REDIS_URL) "
            "or purge it (celery -A config purge) first."
        )


def _with_workers(processes: int, author: User, scenario: Scenario, chunk_size: int) -> tuple[float, ScenarioRun, dict]:
    _queue_is_empty()
    worker = _worker(processes)
    try:
        started = time.perf_counter()
        run = scenario_run_launch(actor=author, scenario=scenario, chunk_size=chunk_size)  # autocommit: sent now
        while not ScenarioRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists():
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        memory = {
            "peak_rss_mb_per_worker_process": sorted(
                (mb for mb in map(_high_water_mb, _children(worker.pid)) if mb is not None), reverse=True
            ),
            "peak_rss_mb_worker_main": _high_water_mb(worker.pid),
        }
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    run.refresh_from_db()
    return seconds, run, memory


def _summary_figures(run: ScenarioRun) -> dict:
    rows = (run.summary or {}).get("programs", {})
    changed = {
        code: {k: row[k] for k in ("base_people", "scenario_people", "gained", "lost", "amount", "same")}
        for code, row in sorted(rows.items())
    }
    return {
        "outcomes": ScenarioOutcome.objects.filter(run=run).count(),
        "programs": changed,
        "cost_12_months_base": str(sum(sum(Decimal(v) for v in row["base"]) for row in rows.values())),
        "cost_12_months_scenario": str(sum(sum(Decimal(v) for v in row["scenario"]) for row in rows.values())),
    }


def run(*, persons=1_000_000, workers=0, runs=1, chunk_size=None, generate_only=False, **options) -> dict:
    chunk_size = chunk_size or settings.CASEWORK_SCENARIO_CHUNK_SIZE
    city, communities = _communities()
    result = {
        "benchmark": NAME,
        "database": connection.vendor,
        "workers": workers,
        "as_of": AS_OF.isoformat(),
        "chunk_size": chunk_size,
    }
    result.update(_generate(persons, city, communities))
    if generate_only:
        return result
    author = _author()
    scenario = _scenario(author)
    result["runs"] = []
    for _number in range(runs):
        _clear(scenario)
        load_before = _load()
        if workers:
            seconds, done, memory = _with_workers(workers, author, scenario, chunk_size)
        else:
            seconds, done, memory = _in_process(author, scenario, chunk_size)
        result["runs"].append(
            {
                "seconds": round(seconds, 1),
                "people": done.people,
                "chunks": done.chunks_total,
                **memory,
                **_timings(done),
                "load_before": load_before,
                "load_after": _load(),
                "at": timezone.localtime().isoformat(timespec="seconds"),
            }
        )
    result["figures"] = _summary_figures(done)
    times = [entry["seconds"] for entry in result["runs"]]
    gaps = [entry["max_gap_between_chunks_s"] or 0 for entry in result["runs"]]
    result["seconds_min_median_max"] = [min(times), round(statistics.median(times), 1), max(times)]
    result["max_gap_between_chunks_s"] = max(gaps)
    result["peak_rss_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result
