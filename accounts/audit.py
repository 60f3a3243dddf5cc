"""Who is acting: the user recorded in every history row (django-simple-history).

A request sets the acting user from its (session or token) authentication; Celery tasks and management
commands act as the ``system`` account unless they say otherwise with ``acting_as``. Every domain model's
``HistoricalRecords(get_user=history_user)`` reads it from here.
"""

from contextlib import contextmanager
from contextvars import ContextVar

SYSTEM_USERNAME = "system"

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


def system_user():
    """The account that background jobs and commands act as; created on first use, can never log in."""
    from .models import User

    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"kind": User.Kind.SYSTEM, "is_active": False, "full_name": "系统"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def acting_as(user):
    """Record everything written inside the block as done by ``user``."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


_SYSTEM_TOKENS = ContextVar("casework_system_tokens", default=None)


def begin_system_actor() -> None:
    """Start acting as the system account (Celery's task_prerun); undone by ``end_actor``."""
    _SYSTEM_TOKENS.set(_actor.set(system_user()))


def end_actor() -> None:
    token = _SYSTEM_TOKENS.get()
    if token:
        _actor.reset(token)
        _SYSTEM_TOKENS.set(None)


@contextmanager
def request_scope(request):
    """Bind the current request so history rows name its user (set by AuditActorMiddleware)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)
