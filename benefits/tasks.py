"""Background tasks of the policy engine: thin, idempotent, each calls one service."""

import datetime

from celery import shared_task
from django.db import OperationalError

from .proactive import proactive_screen


@shared_task(
    name="benefits.tasks.proactive_screen", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def proactive_screen_task(today: str | None = None) -> dict:
    """主动服务: screen everyone on a register; keep the leads in step (see benefits.proactive)."""
    return proactive_screen(today=datetime.date.fromisoformat(today) if today else None)
