"""The account background jobs act as, and the Celery hooks that make every task act as it.

Who is acting (``history_user``, ``acting_as``, ``request_scope``) lives in ``core.actor`` and is re-exported here for
the commands and tests that name it from accounts.
"""

from contextvars import ContextVar

from core.actor import acting_as, history_user, request_scope, reset_actor, set_actor

from .models import User

__all__ = [
    "SYSTEM_USERNAME",
    "acting_as",
    "begin_system_actor",
    "end_actor",
    "history_user",
    "request_scope",
    "system_user",
]

SYSTEM_USERNAME = "system"


def system_user():
    """The account that background jobs and commands act as; created on first use, can never log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"kind": User.Kind.SYSTEM, "is_active": False, "full_name": "系统"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


_SYSTEM_TOKENS = ContextVar("casework_system_tokens", default=None)


def begin_system_actor() -> None:
    """Start acting as the system account (Celery's task_prerun); undone by ``end_actor``."""
    _SYSTEM_TOKENS.set(set_actor(system_user()))


def end_actor() -> None:
    token = _SYSTEM_TOKENS.get()
    if token:
        reset_actor(token)
        _SYSTEM_TOKENS.set(None)
