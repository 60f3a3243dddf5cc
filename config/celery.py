"""The Celery app. Settings come from Django's (``CELERY_*``); tasks are found in each app's ``tasks.py``.

Celery's Django task class gives every task ``delay_on_commit``: work enqueued inside a transaction is sent
only once that transaction commits, and never if it rolls back.

A task carries the request id of the request that queued it (a message header), and its log lines carry it.
"""

import logging
import os
import socket

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun, worker_ready

from . import logs

REQUEST_ID_HEADER = "casework_request_id"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    """The id of the request (or task) queuing this task travels with it."""
    current = logs.request_id.get()
    if current and headers is not None:
        headers[REQUEST_ID_HEADER] = current


@task_prerun.connect
def _act_as_system(task_id=None, task=None, **kwargs):
    """Every write a task makes is recorded in the history as done by the system account; its log lines carry the
    id of the request that queued it (the task's own id when nothing did, as for beat's jobs)."""
    from accounts.audit import begin_system_actor

    begin_system_actor()
    queued_by = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    task.request.casework_log_token = logs.request_id.set(queued_by or task_id)


@task_postrun.connect
def _end_system_actor(task=None, **kwargs):
    from accounts.audit import end_actor

    end_actor()
    token = getattr(task.request, "casework_log_token", None) if task is not None else None
    if token is not None:
        logs.request_id.reset(token)


@worker_ready.connect
def _beat_once_at_start(sender=None, **kwargs):
    """A worker that has just started says so at once: /healthz reports "ok" from the first moment the worker
    consumes, not only after beat's first heartbeat task (up to its interval later)."""
    from accounts.services import worker_heartbeat_record

    try:
        worker_heartbeat_record(worker=getattr(sender, "hostname", None) or socket.gethostname())
    except Exception:  # a database not reachable yet: the scheduled heartbeat records it later
        logging.getLogger(__name__).warning("could not record the worker's first heartbeat", exc_info=True)
