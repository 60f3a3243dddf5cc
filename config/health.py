"""``/healthz`` for operators: database, broker and the age of the last worker heartbeat, as JSON.

HTTP 200 while the database answers: ``status`` is ``ok``, or ``degraded`` when the broker does not answer or no
worker has beaten recently (pages still work; background jobs wait, and work made meanwhile is queued again once
the broker is back). 503 when the database does not answer: nothing works without it.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import WorkerHeartbeat

from .celery import app as celery_app


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure to reach the database is the answer, not an error page
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}


def _broker() -> dict:
    transport = celery_app.conf.broker_url.split("://", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:  # as above: report, don't raise
        return {"ok": False, "transport": transport, "error": exc.__class__.__name__}


def _worker(database_ok: bool) -> dict:
    if not database_ok:
        return {"ok": False, "last_heartbeat_age_seconds": None}
    last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if last is None:
        return {"ok": False, "last_heartbeat_age_seconds": None}
    age = max(0.0, (timezone.now() - last).total_seconds())
    return {"ok": age <= settings.CASEWORK_HEARTBEAT_STALE_SECONDS, "last_heartbeat_age_seconds": round(age, 1)}


@never_cache
@require_GET
def healthz(request):
    database = _database()
    broker = _broker()
    worker = _worker(database["ok"])
    if not database["ok"]:
        status, code = "down", 503
    else:
        status, code = ("ok" if broker["ok"] and worker["ok"] else "degraded"), 200
    return JsonResponse({"status": status, "database": database, "broker": broker, "worker": worker}, status=code)
