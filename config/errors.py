"""Answers for a database that stopped answering: 503, never a 500 page with a traceback.

A dropped PostgreSQL connection, a failover or a restart makes the ORM raise ``OperationalError`` or
``InterfaceError``. The request cannot be served, but trying again in a moment may work (Django opens a new
connection for the next request), so the answer is 503 with ``Retry-After``: the API's JSON error under /api/, a
plain translated page elsewhere. The error and its traceback go to the log, with the request id.

Also the 400 handler: a request Django refuses outside a view's own error handling (a body too large) is a 4xx in
the same two shapes, never Django's untranslated "Bad Request (400)" page.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from core.errors import InvalidQuery

from .api import too_large_body

logger = logging.getLogger("casework.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request, exception: BaseException) -> HttpResponse:
    logger.error("Database unavailable while serving %s %s", request.method, request.path, exc_info=exception)
    if request.path.startswith("/api/"):
        body = {
            "code": "service_unavailable",
            "message": _("The service is briefly unavailable. Try again in a moment."),
            "fields": {},
        }
        response = JsonResponse(body, status=503)
    else:
        # Rendered without the request: its context processors would ask the database for the user and the menu.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """``handler500``: a database error raised outside a view (a middleware saving the session, say) is a 503 as
    well; anything else is the usual 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


def bad_request(request, exception):
    """``handler400``: what Django refuses outside a view's own handling (a body larger than
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields) and a page's ``InvalidQuery``. Under /api/ the API's JSON
    error (413 ``too_large`` for a body too large), elsewhere a translated page; it says the exception's message only
    when the message is ours (Django's may name its internals)."""
    too_large = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):
        if too_large:
            return JsonResponse(too_large_body(), status=413)
        body = {"code": "bad_request", "message": _("The request is not valid."), "fields": {}}
        return JsonResponse(body, status=400)
    if isinstance(exception, InvalidQuery):
        message = exception.message
    else:
        message = too_large_body()["message"] if too_large else _("The request is not valid.")
    return render(request, "400.html", {"message": message}, status=413 if too_large else 400)
