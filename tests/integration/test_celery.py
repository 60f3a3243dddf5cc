"""Celery on the real broker (Redis in CI, the filesystem transport embedded) with a real worker process."""

import pytest
from django.db import transaction

from accounts.models import WorkerHeartbeat
from accounts.tasks import worker_heartbeat

from .conftest import queued, wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_task_enqueued_in_a_rolled_back_transaction_is_never_sent(broker_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        worker_heartbeat.delay_on_commit()
        raise RuntimeError("roll back")
    assert queued() == 0


def test_a_task_enqueued_in_a_committed_transaction_is_sent_once_after_commit(broker_queue):
    with transaction.atomic():
        worker_heartbeat.delay_on_commit()
        assert queued() == 0
    assert queued() == 1


@pytest.mark.worker
def test_a_worker_records_a_heartbeat_as_soon_as_it_starts(broker_queue, tmp_path):
    with worker_process(tmp_path, beat=False):  # no beat, no task sent: the start itself beats
        started = wait_for(
            lambda: WorkerHeartbeat.objects.filter(worker__startswith="test-worker-").first(), timeout=60
        )
        assert started is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert queued() == 0


def test_a_real_worker_runs_committed_work_and_beat_keeps_healthz_ok(broker_queue, tmp_path, client):
    with worker_process(tmp_path, beat=True) as process:
        with transaction.atomic():
            worker_heartbeat.delay_on_commit()
        first = wait_for(lambda: WorkerHeartbeat.objects.first(), timeout=60)
        assert first is not None, (tmp_path / "worker.log").read_text()[-3000:]
        assert first.worker.startswith("test-worker-")
        # beat (DatabaseScheduler, 20 s interval) sends the next heartbeat without anyone asking
        later = wait_for(lambda: WorkerHeartbeat.objects.filter(beat_at__gt=first.beat_at).first(), timeout=60)
        assert later is not None, (tmp_path / "worker.log").read_text()[-3000:]
        assert process.poll() is None
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["last_heartbeat_age_seconds"] < 60
    assert queued() == 0
