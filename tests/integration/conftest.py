"""A real Celery worker (with beat) in a subprocess, reading the test database through DATABASE_URL."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(settings.BASE_DIR)
QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def queued() -> int:
    """Messages waiting on the test queue of the real broker."""
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue=QUEUE, durable=True, auto_delete=False).message_count


def purge() -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue=QUEUE, durable=True, auto_delete=False)
        conn.default_channel.queue_purge(QUEUE)


def wait_for(predicate, *, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@contextmanager
def worker_process(
    tmp_path: Path, *, beat: bool, env: dict | None = None, log_name: str = "worker.log", name: str = "test-worker"
):
    """A worker (``--pool=solo``) on the test database; ``env`` adds or replaces variables (another broker);
    ``name`` starts its hostname (two workers at once need two names)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        **(env or {}),
    }
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--hostname",
        f"{name}-{os.getpid()}@%h",
    ]
    if beat:
        args += ["--beat", "--schedule", str(tmp_path / "beat-schedule")]
    log = (tmp_path / log_name).open("w")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        stop(process, timeout=20)
        log.close()


def stop(process: subprocess.Popen, *, timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def broker_queue():
    purge()
    yield
    purge()
