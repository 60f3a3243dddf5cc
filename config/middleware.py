"""Request middleware of the whole site: the request id (and the access log line), and a clean 503 when the
database does not answer."""

import logging
import re
import time
import uuid

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from . import logs
from .errors import DATABASE_ERRORS, database_unavailable

access_logger = logging.getLogger("casework.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's or client's id is kept when it looks like one (a UUID, a hex or base64url token); anything else
# (too long, spaces, control characters that could forge log lines) is replaced by a new id.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class RequestIdMiddleware:
    """Gives each request an id (the caller's ``X-Request-ID`` if sane, else a new one), returns it in the
    response header, puts it on every log line written while serving the request and on every task the request
    queues, and writes one access line: method, path (no query string: it may hold search terms), status,
    duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        value = offered if SANE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = value
        # Kept until the response is closed (not reset on the way out): Django logs a 4xx/5xx answer after the
        # middleware has returned it, and that line belongs to this request too.
        logs.request_id.set(value)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = value
        duration_ms = round((time.monotonic() - started) * 1000)
        access_logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


@receiver(request_started)
@receiver(request_finished)
def _forget_the_request_id(**kwargs):
    logs.request_id.set(None)


class DatabaseUnavailableMiddleware:
    """A view that fails because the database stopped answering gets a 503 (``config.errors``), not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None
