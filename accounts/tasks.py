"""Background tasks of accounts: thin, idempotent, each calls one service."""

import socket

from celery import shared_task

from .services import notification_deliver, worker_heartbeat_record


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
