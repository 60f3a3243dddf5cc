"""Background tasks of the policy engine: thin, idempotent, each calls one service."""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .appeals.services import complaints_escalate
from .applications.entitlements import (
    entitlements_expire,
    entitlements_suspend_deceased,
    entitlements_suspend_off_register,
    reminders_send,
)
from .payments.ledger import ledger_checkpoint_write
from .payments.services.batches import batches_waiting_remind
from .payments.services.generation import disbursements_generate, month_to_generate
from .screening.proactive import CHUNK_SIZE, screen_chunk, screening_start


@shared_task(
    name="benefits.tasks.proactive_screen", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def proactive_screen_task(today: str | None = None, chunk_size: int = CHUNK_SIZE) -> dict:
    """主动服务: open tonight's run and hand its chunks of people to the workers (see benefits.screening.proactive)."""
    run, bounds = screening_start(today=datetime.date.fromisoformat(today) if today else None, chunk_size=chunk_size)
    for number, (first, last) in enumerate(bounds):
        proactive_screen_chunk_task.delay(run.pk, number, first, last)
    return {"run": run.pk, "people": run.people, "chunks": len(bounds)}


@shared_task(
    name="benefits.tasks.entitlements_expire", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def entitlements_expire_task(today: str | None = None) -> dict:
    """Entitlements past their last day become expired; those of people who died, or who left the registers the
    grant rests on, are suspended (idempotent; catches up after missed nights)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return {
        "expired": entitlements_expire(today=day),
        "suspended": entitlements_suspend_deceased(today=day),
        "suspended_off_register": entitlements_suspend_off_register(today=day),
    }


@shared_task(name="benefits.tasks.reminders_send", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def reminders_send_task(today: str | None = None) -> dict:
    """Entitlements ending within 30 days; applications past their time limit; payment batches waiting for
    finance (each reminder sent once)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return {**reminders_send(today=day), **{f"payments_{k}": v for k, v in batches_waiting_remind(today=day).items()}}


@shared_task(
    name="benefits.tasks.disbursements_generate", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def disbursements_generate_task(today: str | None = None) -> dict:
    """The month's payment lines and draft batches (arrears of missed months included; a second run adds
    nothing)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return disbursements_generate(month=month_to_generate(day))


@shared_task(
    name="benefits.tasks.proactive_screen_chunk", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def proactive_screen_chunk_task(run_id: int, number: int, first: int, last: int) -> None:
    """One chunk of a run: screen its people, keep their leads in step; the last chunk closes the run."""
    screen_chunk(run_id=run_id, number=number, first=first, last=last)


@shared_task(
    name="benefits.tasks.report_summaries_refresh", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def report_summaries_refresh_task(today: str | None = None) -> dict:
    """The report summaries recomputed (stocks counted today) and replaced in one transaction."""
    from .reports.services import report_summaries_refresh

    refresh = report_summaries_refresh(today=datetime.date.fromisoformat(today) if today else None)
    return {"figures": refresh.figures, "seconds": refresh.seconds}


@shared_task(
    name="benefits.tasks.report_summaries_catch_up",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    expires=60,
)
def report_summaries_catch_up_task() -> dict:
    """The summaries recomputed if a record changed since the last refresh (or the day turned); else nothing."""
    from .reports.services import report_summaries_refresh_if_stale

    refresh = report_summaries_refresh_if_stale()
    return {"figures": refresh.figures, "seconds": refresh.seconds} if refresh else {"figures": None}


@shared_task(
    name="benefits.tasks.ledger_checkpoint", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def ledger_checkpoint_task() -> dict:
    """The payment ledger's head, signed and kept outside the database (the checkpoint file and the log). Fails,
    loudly, when the ledger no longer matches an earlier checkpoint. A second run only adds a second line."""
    checkpoint = ledger_checkpoint_write(reason="daily")
    return {"sequence": checkpoint.sequence, "hash": checkpoint.hash, "at": checkpoint.at}


@shared_task(name="benefits.tasks.scenario_chunk", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def scenario_chunk_task(run_id: int, number: int, first: int, last: int) -> None:
    """One chunk of a policy scenario's run: its people screened under the baseline and the scenario; the last
    chunk adds the figures up (benefits.scenarios.services)."""
    from .scenarios.services import screen_chunk

    screen_chunk(run_id=run_id, number=number, first=first, last=last)


def scenario_run_launch(*, actor, scenario, chunk_size: int | None = None):
    """Open a run of the scenario and hand its chunks to the workers once the run is committed."""
    from django.conf import settings
    from django.db import transaction

    from .scenarios.services import scenario_run_start

    size = chunk_size or settings.CASEWORK_SCENARIO_CHUNK_SIZE
    run, bounds = scenario_run_start(actor=actor, scenario=scenario, chunk_size=size)

    def dispatch():
        for number, (first, last) in enumerate(bounds):
            scenario_chunk_task.delay(run.pk, number, first, last)

    transaction.on_commit(dispatch)
    return run


@shared_task(
    name="benefits.tasks.complaints_escalate", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def complaints_escalate_task(today: str | None = None) -> dict:
    """Open complaints past their due day: the supervisors over their unit are told, once per complaint."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return {"escalated": complaints_escalate(today=day)}
