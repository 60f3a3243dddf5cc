"""Answers for a database that stopped answering: 503, never a 500 page with a traceback.

A dropped PostgreSQL connection, a failover or a restart makes the ORM raise ``OperationalError`` or
``InterfaceError``. The request cannot be served, but trying again in a moment may work (Django opens a new
connection for the next request), so the answer is 503 with ``Retry-After``: the API's JSON error under /api/, a
plain translated page elsewhere. The error and its traceback go to the log, with the request id.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

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
