"""Domain errors: raised by services with a translatable message, mapped to HTTP by one handler.

Every app raises these (or Django's ``ValidationError``); ``config.api.exception_handler`` turns them into
JSON for the API and the console shows their message. A view never builds an error response by hand.
"""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request that the rules of the domain refuse. ``code`` is stable for clients; ``message`` is for people."""

    code = "domain_error"
    status_code = 400
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class PermissionDenied(DomainError):
    code = "permission_denied"
    status_code = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = _("This conflicts with the current state of the record.")


class TooSoon(DomainError):
    """Asked again too soon, or locked after too many wrong tries (429)."""

    code = "too_many_requests"
    status_code = 429
    default_message = _("Too many tries. Wait a while and try again.")


class InvalidQuery(BadRequest):
    """A page's query string that cannot be answered (a period outside the plausible range, a control character)
    where no form can show the error, or a download that cannot be made: a 400 page that says ``message``
    (``config.errors.bad_request``, the project's ``handler400``)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def require(verdict: tuple[bool, str], error: type[Exception] = PermissionDenied) -> None:
    """Raise ``error`` (the domain's PermissionDenied unless told) with the reason of a permission predicate's
    ``(allowed, reason)`` when it does not allow."""
    allowed, reason = verdict
    if not allowed:
        raise error(reason)
