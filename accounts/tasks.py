"""Background tasks of accounts: thin, idempotent, each calls one service."""

import datetime
import socket

from celery import shared_task

from .services import notification_deliver, notifications_requeue, worker_heartbeat_record


@shared_task(name="accounts.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat():
    """Record that a worker is alive and consuming; /healthz reports the newest heartbeat's age."""
    from celery import current_task

    hostname = getattr(current_task.request, "hostname", None) or socket.gethostname()
    worker_heartbeat_record(worker=hostname)


@shared_task(name="accounts.tasks.notification_send", ignore_result=True)
def notification_send(notification_id: int) -> bool:
    """Send one email or SMS (claimed first: a second delivery of this task sends nothing)."""
    return notification_deliver(notification_id=notification_id)


@shared_task(name="accounts.tasks.notifications_requeue", ignore_result=True)
def notifications_requeue_task(older_than_seconds: int = 300) -> int:
    """Email and SMS whose sending never reached a worker (the broker was down when they were made) are queued
    again."""
    return notifications_requeue(older_than=datetime.timedelta(seconds=older_than_seconds))
