"""Request middleware of the whole site: the request id (and the access log line), a clean 503 when the
database does not answer, no caching of what the application writes, and no control characters in an address."""

import logging
import re
import time
import uuid

from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.errors import InvalidQuery
from core.plausible import CONTROL_ANY, has_control_characters

from . import logs
from .api import not_found
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


class NoStoreMiddleware:
    """Every answer the application writes (console and portal pages, the API, redirects, errors) says
    ``Cache-Control: no-store`` (with Django's other never-cache headers): the pages and the API show personal
    data, and a shared office computer's cache or back button must not show them to the next person at it, nor a
    proxy keep them. Static files never reach this middleware (WhiteNoise, before it, answers them with their own
    long cache); an answer whose view set ``Cache-Control`` itself keeps what it chose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ControlCharacterMiddleware:
    """A control character (``accounts.validators``: NUL, escape …) in the address, or in a page's query string, is
    refused before any view reads it: nothing legitimate puts one there, and PostgreSQL cannot compare a NUL (a
    search or a slug holding one would end in a database error). In the path: 404, as no route has one (the API's
    JSON 404 under /api/). In a page's query string (tab and line breaks aside, which the page trims or refuses): a
    translated 400 page, as pages read their parameters by hand. The API's query parameters are left to its filter
    serializers, which refuse them after authentication (an anonymous caller is told to sign in first); form and
    JSON bodies are the fields' business (``accounts.validators.install``, ``accounts.parsers``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_ANY.search(request.path):
            return not_found(request, Http404())
        if not request.path.startswith("/api/"):
            for name, values in request.GET.lists():
                if has_control_characters(name) or any(has_control_characters(value) for value in values):
                    raise InvalidQuery(
                        _("The address holds control characters (such as NUL): remove them and try again.")
                    )
        return self.get_response(request)
