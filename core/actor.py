"""Who is acting: the user recorded in every history row (django-simple-history).

A request binds itself (``request_scope``, set by ``accounts.middleware.AuditActorMiddleware``) so history rows name
its authenticated user; code that acts for someone else says so with ``acting_as``. Every domain model's
``HistoricalRecords(get_user=history_user)`` reads it from here. Background jobs act as the ``system`` account
(``accounts.audit``).
"""

from contextlib import contextmanager
from contextvars import ContextVar

_actor = ContextVar("casework_actor", default=None)
_request = ContextVar("casework_request", default=None)


def history_user(instance=None, request=None, **kwargs):
    """The user to record on a history row: an explicit actor first, then the request's authenticated user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    req = _request.get() or request
    user = getattr(req, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


@contextmanager
def acting_as(user):
    """Record everything written inside the block as done by ``user``."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


def set_actor(user):
    """Start acting as ``user`` outside a block (a Celery task's prerun); returns the token for ``reset_actor``."""
    return _actor.set(user)


def reset_actor(token) -> None:
    _actor.reset(token)


@contextmanager
def request_scope(request):
    """Bind the current request so history rows name its user."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)
