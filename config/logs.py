"""Application logs: one line per record, plain text or JSON (``CASEWORK_LOG_FORMAT``), every record carrying the
id of the request it belongs to, and no full ID number or mobile number anywhere in it.

The request id lives in a context variable: set by ``config.middleware.RequestIdMiddleware`` for a request, sent
with every task that request queues (``config.celery``), and set again in the worker while the task runs, so a
task's lines carry the id of the request that queued it.
"""

import datetime
import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: ContextVar[str | None] = ContextVar("casework_request_id", default=None)

# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__)
_STANDARD_ATTRIBUTES = _RECORD_ATTRIBUTES | {"message", "asctime", "request_id"}


def mask(text: str) -> str:
    """``text`` with its ID numbers and mobile numbers masked (``casework.identity``; imported on first use so
    that configuring the logs imports no application code)."""
    from casework.identity import mask_personal_numbers

    return mask_personal_numbers(text)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or "-"
        return True


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in the message with its arguments, the exception and stack text, and
    any text passed with ``extra=``. The record is changed in place: every handler after this one sees only the
    masked text. The formatters below mask their output again, for anything that reaches them another way."""

    _plain = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = mask(message), None
        if record.exc_info:
            # Formatters print exc_text when there is no exc_info to format again.
            record.exc_text = record.exc_text or self._plain.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, mask(value))
        return True


class PlainFormatter(logging.Formatter):
    """Human-readable lines for development; masked like the JSON ones."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return mask(super().format(record))


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, ``request_id``, the exception if
    any, and the fields given with ``extra=`` (the ``request`` object Django attaches is left out: the access
    line of ``config.middleware`` says what the request was)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*_RECORD_ATTRIBUTES, "request", "message", "color_message"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt=None) -> str:
        """ISO 8601 with milliseconds and the offset: ``2026-11-21T09:30:00.123+08:00``."""
        moment = datetime.datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return mask(super().format(record))
