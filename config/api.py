"""The one exception handler of the REST API: every error is JSON of one shape.

    {"code": "invalid", "message": "…", "fields": {"field": ["…"]}}

``code`` is stable for programs, ``message`` is translated for people, ``fields`` names what was wrong
(``non_field_errors`` for the request as a whole). Django's ``ValidationError`` and the domain errors of
``core.errors`` raised by services map here, so no view builds an error response by hand.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, read by the parser
        return Response(too_large_body(), status=413)
    if isinstance(exc, Http404):  # get_object_or_404's message names the model, in English: the API's own words
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, DomainError):
        body = {
            "code": exc.code,
            "message": str(exc.message),
            "fields": {exc.field: [str(exc.message)]} if exc.field else {},
        }
        return Response(body, status=exc.status_code)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": _("Some of the data sent is not valid."),
            "fields": _fields(response.data),
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"code": code, "message": str(detail), "fields": {}}
    return response


def too_large_body() -> dict:
    limit = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / (1024 * 1024)
    message = _("The request is too large: send at most %(mb)s MB.") % {"mb": f"{limit:g}"}
    return {"code": "too_large", "message": message, "fields": {}}


def not_found(request, exception):
    """An address that matches no route (``handler404``): under /api/ the API's JSON error, elsewhere the page."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": str(exceptions.NotFound.default_detail), "fields": {}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
