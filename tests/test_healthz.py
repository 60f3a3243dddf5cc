"""/healthz: database, broker and the last worker heartbeat, as JSON for operators."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import WorkerHeartbeat
from accounts.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def test_without_a_heartbeat_the_system_is_degraded_not_down(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["worker"] == {"ok": False, "last_heartbeat_age_seconds": None}


def test_a_recent_heartbeat_makes_it_ok(client):
    worker_heartbeat_record(worker="celery@test")
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert 0 <= body["worker"]["last_heartbeat_age_seconds"] < 60


def test_an_old_heartbeat_is_stale(client):
    WorkerHeartbeat.objects.create(worker="celery@old", beat_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["worker"]["last_heartbeat_age_seconds"] >= 300


def test_an_unreachable_broker_is_degraded_not_down(client, settings):
    """Pages work without the broker, and work made meanwhile is queued again later: a load balancer must not
    take the web servers out because Redis restarts."""
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True
