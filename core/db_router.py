"""Read replicas: which reads may go to the PostgreSQL streaming replica (alias ``replica``), and only those.

Safe by default. Every query goes to ``default`` (the primary) unless the code runs inside ``replica_reads()`` —
opened by ``@replica_read_view`` on the GET handlers of the reports, their drill-down lists and the exports — and
even there the primary answers when:

- the database work is a write (``db_for_write`` is always the primary; nothing is migrated on the replica);
- the primary is inside a transaction (an atomic block sees its own writes only on the primary);
- the client wrote within the last ``CASEWORK_REPLICA_STICKY_SECONDS`` (``ReplicaStickyMiddleware``: a request
  with a non-safe method, or any request that wrote through the ORM, leaves a signed cookie with the time);
- the replica is behind by more than ``CASEWORK_REPLICA_MAX_LAG_SECONDS`` or is not receiving from the primary,
  or cannot be reached (checked at most every few seconds per process, logged when it changes).

One scope decides once, at its first read, and keeps its choice, so one page never mixes the two servers' views.
A view whose replica connection breaks while it runs is run again on the primary (``replica_read_view``).
Selectors stay unaware of all this; raw SQL asks ``router.db_for_read(Model)`` for its connection.
"""

import contextvars
import functools
import logging
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "casework_primary"
STICKY_SALT = "core.db_router.sticky"
CHECK_EVERY_SECONDS = 5  # how old a process's view of the replica's lag may be
DOWN_FOR_SECONDS = 30  # after a failed connection, the primary answers this long before the replica is tried again
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Writes that no page shows: the session's own bookkeeping (saved at most once a minute on a GET) is not a
# reason to read the primary.
UNSEEN_WRITES = frozenset({"sessions"})


@dataclass
class _Scope:
    alias: str | None = None  # chosen at the scope's first read


@dataclass
class _Request:
    pinned: bool = False  # the client wrote within the sticky window: the primary answers every read
    wrote: bool = False  # this request wrote through the ORM


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("replica_scope", default=None)
_request: contextvars.ContextVar[_Request | None] = contextvars.ContextVar("replica_request", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Reads inside may be answered by the replica (see the module's docstring for when the primary answers)."""
    if _scope.get() is not None:  # already in a scope: keep its choice
        yield _scope.get()
        return
    token = _scope.set(_Scope())
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


@contextmanager
def primary_reads():
    """Every read inside goes to the primary, even within a replica scope (the retry after a replica failure)."""
    token = _scope.set(_Scope(alias=DEFAULT_DB_ALIAS))
    try:
        yield
    finally:
        _scope.reset(token)


def replica_read_view(view):
    """A view (function or a class-based view's method) whose reads may be answered by the replica: a report, a
    list behind one of its numbers, an export. A template response is rendered inside the scope (its querysets
    are read there too). If the replica fails while the view runs, the view runs again on the primary: a GET
    view only reads, so running it twice changes nothing."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads() as scope:
            try:
                return _rendered(view(*args, **kwargs))
            except (OperationalError, InterfaceError) as error:
                if scope.alias != REPLICA:
                    raise
                replica_failed(error)
        with primary_reads():
            return _rendered(view(*args, **kwargs))

    return wrapper


def _rendered(response):
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    return response


class ReplicaRouter:
    """Django's database router for the primary and its read replica (installed with ``DATABASE_REPLICA_URL``)."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None:  # the primary, even for an object read from the replica earlier
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if scope.alias is None:
            scope.alias = REPLICA if _replica_may_answer() else DEFAULT_DB_ALIAS
        return scope.alias

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.app_label not in UNSEEN_WRITES:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica is a copy of the primary: an object read from one may be related to one from the other
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


def _replica_may_answer() -> bool:
    state = _request.get()
    if state is not None and state.pinned:
        return False
    return replica_configured() and _health.usable()


# --- the replica's health, per process ----------------------------------------------------------------------

LAG_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),
       (SELECT count(*) FROM pg_stat_wal_receiver)
"""


def replica_lag(cursor) -> float | None:
    """Seconds the replica's data is behind the primary's, as the replica sees it: 0 when it has applied all it
    received (or is not a standby at all), else the age of the last transaction it applied; None when it is not
    receiving from the primary (it cannot know how far behind it is). ``cursor``: a DB-API cursor on it."""
    cursor.execute(LAG_SQL)
    in_recovery, caught_up, age, receivers = cursor.fetchone()
    return lag_of(in_recovery=in_recovery, caught_up=caught_up, age=age, receivers=receivers)


def lag_of(*, in_recovery: bool, caught_up: bool, age, receivers: int) -> float | None:
    if not in_recovery:
        return 0.0
    if not receivers:
        return None
    if caught_up:
        return 0.0
    return float(age) if age is not None else None


class _Health:
    """Whether this process may send reads to the replica: measured at most every ``CHECK_EVERY_SECONDS``,
    and not tried for ``DOWN_FOR_SECONDS`` after it failed. Each change of state is logged once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.state, self.next_check = "ok", 0.0

    def usable(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now < self.next_check:
                return self.state == "ok"
            self.next_check = now + CHECK_EVERY_SECONDS  # one thread measures; the others keep the last answer
        if connections[REPLICA].vendor != "postgresql":
            return self._set("ok")
        try:
            with connections[REPLICA].cursor() as cursor:
                lag = replica_lag(cursor)
        except DatabaseError as error:
            self.failed(error)
            return False
        limit = settings.CASEWORK_REPLICA_MAX_LAG_SECONDS
        if lag is None:
            return self._set("detached", "not receiving from the primary")
        if lag > limit:
            return self._set("behind", f"{lag:.1f} s behind the primary (limit {limit} s)")
        return self._set("ok")

    def failed(self, error: Exception):
        with self.lock:
            self.next_check = time.monotonic() + DOWN_FOR_SECONDS
        with suppress(DatabaseError):
            connections[REPLICA].close()
        self._set("unreachable", f"unreachable ({error.__class__.__name__}: {str(error).strip()[:200]})")

    def _set(self, state: str, reason: str = "") -> bool:
        with self.lock:
            changed, self.state = state != self.state, state
        if changed and state == "ok":
            logger.info("Read replica back in use")
        elif changed:
            logger.warning("Read replica %s: reading the primary", reason)
        return state == "ok"


_health = _Health()


def replica_failed(error: Exception) -> None:
    """The replica's connection failed while a view read from it: the primary answers for a while (logged)."""
    _health.failed(error)


# --- read your own writes -------------------------------------------------------------------------------------


class ReplicaStickyMiddleware:
    """After a client's write, its next requests read the primary for ``CASEWORK_REPLICA_STICKY_SECONDS``: a
    signed cookie holds the time of the last write (a request with a non-safe method, or one that wrote through
    the ORM), so a page shown right after a change shows the change even while the replica is behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        window = settings.CASEWORK_REPLICA_STICKY_SECONDS
        state = _Request(pinned=_recent_write(request, window))
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if window > 0 and (request.method not in SAFE_METHODS or state.wrote):
            response.set_signed_cookie(
                STICKY_COOKIE,
                str(int(time.time())),
                salt=STICKY_SALT,
                max_age=window,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _recent_write(request, window: int) -> bool:
    if window <= 0 or STICKY_COOKIE not in request.COOKIES:
        return False
    try:
        request.get_signed_cookie(STICKY_COOKIE, salt=STICKY_SALT, max_age=window)
    except (signing.BadSignature, KeyError):
        return False
    return True
