"""Fault drills on real services: Redis stopped and started again under a running web server and worker; a worker
killed in the middle of a job and started again; the database connection of a request cut while it runs.

Each drill starts what it disturbs itself (its own ``redis-server`` on a free port, its own gunicorn and Celery
worker processes on the test database), so no other service on the machine is touched. Waits poll with
generous limits (the machine may be busy); nothing asserts how long a step took.
"""

import datetime
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from accounts.models import Notification, WorkerHeartbeat
from benefits.models import Disbursement, DisbursementRun, Entitlement
from benefits.payments.services.generation import GENERATION_LOCK
from benefits.tasks import disbursements_generate_task
from casework.models import Person
from config.celery import app
from tests.benefits.workflow import monthly_grant
from tests.personas import PASSWORD

from .conftest import QUEUE, ROOT, database_url, stop, wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="backend connections and advisory locks: PostgreSQL"
)
D = datetime.date


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A ``redis-server`` of the drill's own on a free port, without persistence (like CI's)."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([*args, "--dir", str(self.folder)], stdout=subprocess.DEVNULL)
        assert wait_for(self.answers, timeout=30, interval=0.2), "redis-server did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        assert not self.answers()

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=30)


class Web:
    """gunicorn serving the site on the test database, with an HTTP client that keeps cookies."""

    def __init__(self, port: int, log: Path):
        self.base, self.log = f"http://127.0.0.1:{port}", log
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method: str, path: str, *, data=None, form=None, headers=None, timeout=120):
        """(status, headers, body text); never raises for an HTTP error status."""
        headers = dict(headers or {})
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def answers(self) -> bool:
        try:
            return self.request("GET", "/healthz", timeout=5)[0] in (200, 503)
        except OSError:
            return False

    def sign_in(self, username: str):
        """The console's sign-in form, as a browser fills it (CSRF cookie and token included)."""
        status, _headers, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _headers, page = self.request(
            "POST",
            "/login/",
            form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + "/login/"},
        )
        assert status == 200 and 'name="password"' not in page, page[-2000:]  # signed in, not the form again


GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--threads", "4", "--timeout", "300"]


@contextmanager
def web_server(tmp_path: Path, env: dict):
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        **env,
    }
    log_path = tmp_path / "web.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    web = Web(port, log_path)
    try:
        assert wait_for(web.answers, timeout=120), log_path.read_text()[-3000:]
        yield web
    finally:
        stop(process, timeout=30)
        log.close()


def requeue_every_two_seconds():
    """The periodic requeue job, run often and for anything unsent (the default is every five minutes, for
    notifications older than five minutes)."""
    every, _created = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="notifications-requeue",
        defaults={
            "task": "accounts.tasks.notifications_requeue",
            "interval": every,
            "crontab": None,
            "kwargs": json.dumps({"older_than_seconds": 0}),
            "enabled": True,
        },
    )


def sms_of(number: str) -> Notification | None:
    return Notification.objects.filter(channel=Notification.Channel.SMS, address=number).first()


def test_redis_stopped_and_started_again(world, redis_server, tmp_path):
    """While Redis is down the pages and the API answer (healthz says degraded), an SMS asked for is recorded and
    its request succeeds; once Redis is back the waiting SMS goes out through the requeue job, and new work is
    queued and done at once, carrying the request id of the request that queued it."""
    requeue_every_two_seconds()
    token = Token.objects.create(user=world.alice).key
    services = {"REDIS_URL": redis_server.url}
    with worker_process(tmp_path, beat=True, env=services), web_server(tmp_path, services) as web:
        status, _headers, body = web.request("GET", "/healthz")
        assert status == 200 and json.loads(body)["broker"]["ok"] is True, body
        # The worker consumes (its ready signal records a heartbeat) before Redis goes: a worker still starting
        # when the broker stops is another drill (start-up retries), and made this one wait out its timeout.
        ready = wait_for(lambda: WorkerHeartbeat.objects.filter(worker__startswith="test-worker-").exists(), timeout=90)
        assert ready, (tmp_path / "worker.log").read_text()[-4000:]

        redis_server.stop()
        status, _headers, body = web.request("GET", "/healthz")
        health = json.loads(body)
        assert (status, health["status"], health["broker"]["ok"], health["database"]["ok"]) == (
            200,
            "degraded",
            False,
            True,
        )
        assert web.request("GET", "/login/")[0] == 200
        assert web.request("GET", "/api/v1/persons/", headers={"Authorization": f"Token {token}"})[0] == 200
        # throttled (the throttle's counters are in Redis): answered, not refused
        assert web.request("POST", "/api/v1/screen/", data={"city": "dalian"})[0] == 200
        status, _headers, body = web.request("POST", "/api/v1/auth/sms-code/", data={"phone": "13800001111"})
        assert status == 202, body
        waiting = sms_of("13800001111")
        assert waiting is not None and waiting.sent_at is None  # recorded, not sent

        redis_server.start()
        sent = wait_for(lambda: Notification.objects.filter(pk=waiting.pk, sent_at__isnull=False).exists(), timeout=240)
        assert sent, (tmp_path / "worker.log").read_text()[-4000:]

        status, headers, body = web.request(
            "POST", "/api/v1/auth/sms-code/", data={"phone": "13800002222"}, headers={"X-Request-ID": "drill-redis-42"}
        )
        assert status == 202 and headers["X-Request-ID"] == "drill-redis-42", body
        again = sms_of("13800002222")
        assert wait_for(lambda: Notification.objects.filter(pk=again.pk, sent_at__isnull=False).exists(), timeout=120)
    worker_log = (tmp_path / "worker.log").read_text()
    assert worker_log.count("SMS to 138****1111") == 1 and worker_log.count("SMS to 138****2222") == 1
    assert re.search(r"\[drill-redis-42\] SMS to 138\*\*\*\*2222", worker_log), worker_log[-4000:]
    assert "13800001111" not in worker_log and "13800002222" not in worker_log
    assert "Error calling" in (tmp_path / "web.log").read_text()  # the failed queueing was logged, not raised


def a_grant(world, graduate) -> Entitlement:
    """张三's 1,000 CNY a month from 2026-11-21, three periods, with an account on file."""
    Person.objects.filter(pk=graduate.pk).update(bank_account="6222021234567890123")
    grant = monthly_grant(world, graduate, end=D(2027, 2, 20))
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=3)
    return grant


def backends_waiting_on_the_generation_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND wait_event = 'advisory' AND query LIKE '%%pg_advisory_xact_lock%%'"""
        )
        return [row[0] for row in cursor.fetchall()]


def backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def queue_on(url: str, task, **kwargs) -> None:
    """Send ``task`` to the broker at ``url`` (the drill's Redis, not the suite's)."""
    with app.connection_for_write(url) as conn:
        app.amqp.queues[QUEUE](conn.default_channel).declare()
        task.apply_async(kwargs=kwargs, connection=conn)


# The drill's visibility timeout: short, so the drill stays quick; production's is in config/settings/base.py.
DRILL_VISIBILITY_TIMEOUT = 5


@postgresql_only
def test_a_worker_killed_during_a_job_and_started_again_finishes_it_once(world, graduate, redis_server, tmp_path):
    """The whole worker is SIGKILLed while the monthly generation waits for its lock: nothing is written, the
    message stays unacknowledged, and a worker started again gets it once the visibility timeout has passed and
    makes the month's lines once. The time from the kill to the job done is printed (not asserted: the machine
    may be busy), for docs/operations.md."""
    a_grant(world, graduate)
    # Another session holds the generation lock, so the job stops inside its transaction, before it writes.
    holder = psycopg.connect(database_url(), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", [GENERATION_LOCK])
    services = {"REDIS_URL": redis_server.url, "CASEWORK_BROKER_VISIBILITY_TIMEOUT": str(DRILL_VISIBILITY_TIMEOUT)}
    try:
        with worker_process(tmp_path, beat=False, env=services, log_name="first-worker.log") as first:
            queue_on(redis_server.url, disbursements_generate_task, today="2027-01-05")
            waiting = wait_for(backends_waiting_on_the_generation_lock, timeout=120, interval=0.2)
            assert waiting, (tmp_path / "first-worker.log").read_text()[-3000:]
            first.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
        assert redis_server.client().hlen("unacked") == 1  # taken, never acknowledged
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", [GENERATION_LOCK])
        holder.close()
    # The killed worker's database session gets the lock, finds its client gone and ends without committing.
    assert wait_for(lambda: all(backend_gone(pid) for pid in waiting), timeout=120, interval=0.2)
    assert not DisbursementRun.objects.exists() and not Disbursement.objects.exists()

    with worker_process(tmp_path, beat=False, env=services, log_name="second-worker.log"):
        started_at = time.monotonic()
        done = wait_for(
            lambda: DisbursementRun.objects.exists() and redis_server.client().hlen("unacked") == 0,
            timeout=240,
            interval=0.1,
        )
        assert done, (tmp_path / "second-worker.log").read_text()[-3000:]
        finished_at = time.monotonic()
        print(
            f"\nredelivery with a {DRILL_VISIBILITY_TIMEOUT} s visibility timeout: the job was done "
            f"{finished_at - killed_at:.1f} s after the kill, {finished_at - started_at:.1f} s after the new worker "
            "started"
        )
        log = tmp_path / "second-worker.log"
        assert wait_for(lambda: "succeeded" in log.read_text(), timeout=60), log.read_text()[-3000:]
    taken = re.search(r"disbursements_generate\[([0-9a-f-]+)\] received", (tmp_path / "first-worker.log").read_text())
    assert f"disbursements_generate[{taken.group(1)}] succeeded" in log.read_text()  # the same message, again
    assert DisbursementRun.objects.count() == 1
    lines = Disbursement.objects.order_by("period")
    assert [(line.period, line.amount_cny) for line in lines] == [
        (D(2026, 11, 1), 1000),
        (D(2026, 12, 1), 1000),
        (D(2027, 1, 1), 1000),
    ]
    assert redis_server.client().llen(QUEUE) == 0  # nothing left to deliver a third time


def backend_waiting_on(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND query LIKE %s""",
            [f'%"{table}"%'],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def table_locked(table: str):
    """Another session holds ``table`` (every read of it waits)."""
    holder = psycopg.connect(database_url())
    holder.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def cut_mid_request(web: Web, method: str, path: str, **kwargs):
    """Send the request while ``casework_person`` is locked, cut its database connection while it waits, and
    return the answer."""
    answer = {}
    with table_locked("casework_person"):

        def send():
            answer["status"], answer["headers"], answer["body"] = web.request(method, path, **kwargs)

        thread = threading.Thread(target=send)
        thread.start()
        pid = wait_for(lambda: backend_waiting_on("casework_person"), timeout=120, interval=0.1)
        assert pid, "the request never reached the database"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        thread.join(timeout=120)
    assert answer, "no answer"
    return answer


@postgresql_only
def test_a_request_whose_database_connection_drops_gets_a_clean_503(world, people, tmp_path):
    token = Token.objects.create(user=world.alice).key
    with web_server(tmp_path, {"REDIS_URL": ""}) as web:
        api = cut_mid_request(
            web,
            "GET",
            "/api/v1/persons/",
            headers={"Authorization": f"Token {token}", "X-Request-ID": "drill-db-api-1"},
        )
        assert api["status"] == 503 and api["headers"]["Content-Type"] == "application/json"
        assert json.loads(api["body"])["code"] == "service_unavailable"
        assert api["headers"]["Retry-After"] == "30" and api["headers"]["X-Request-ID"] == "drill-db-api-1"

        web.sign_in("alice")
        console = cut_mid_request(web, "GET", "/console/people/")
        assert console["status"] == 503 and console["headers"]["Content-Type"].startswith("text/html")
        assert "<h1>" in console["body"]
        for answer in (api, console):
            assert "Traceback" not in answer["body"] and "OperationalError" not in answer["body"]

        # The next requests get a new connection and are served as usual.
        assert web.request("GET", "/api/v1/persons/", headers={"Authorization": f"Token {token}"})[0] == 200
        status, _headers, page = web.request("GET", "/console/people/")
        assert status == 200 and "张三" in page
    web_log = (tmp_path / "web.log").read_text()
    assert "Database unavailable while serving GET /api/v1/persons/" in web_log
    assert "[drill-db-api-1]" in web_log  # the error and its traceback are in the log, with the request id
