"""The read-replica router (core.db_router) with the replica alias configured as a mirror of the test database: a
second connection to it, so which connection ran a query is the outcome to check. Reads go there only inside a
replica scope, outside a transaction and when the client has not just written; writes never do; a replica that
cannot be reached, or fails in the middle of a page, leaves the reads to the primary with a warning.

tests/integration/test_read_replica.py runs the same against a real streaming replica."""

import logging
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Household, Person
from core import db_router
from core.db_router import REPLICA, STICKY_COOKIE, ReplicaStickyMiddleware, lag_of, replica_read_view, replica_reads
from tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
ROUTER = "core.db_router.ReplicaRouter"
STICKY = "core.db_router.ReplicaStickyMiddleware"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """The alias ``replica`` as DATABASE_REPLICA_URL makes it in tests (a mirror of the test database), unless it
    is configured already."""
    added = REPLICA not in connections.settings
    if added:
        default = connections.settings[DEFAULT_DB_ALIAS]
        connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    yield connections.settings[REPLICA]
    connections[REPLICA].close()
    if added:
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def replica_routing(settings, replica_alias):
    settings.DATABASE_ROUTERS = [ROUTER]
    if STICKY not in settings.MIDDLEWARE:
        sessions = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:sessions], STICKY, *settings.MIDDLEWARE[sessions:]]
    settings.CASEWORK_REPLICA_STICKY_SECONDS = 60
    db_router._health.reset()
    yield
    db_router._health.reset()
    connections[REPLICA].close()


def on_replica(action):
    """(the SQL ``action`` ran on the replica's connection, that on the primary's)."""
    return ran(action)[1:]


def ran(action):
    """(what ``action`` returned, the SQL it ran on the replica's connection, that on the primary's)."""
    replica, primary = CaptureQueriesContext(connections[REPLICA]), CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
    with replica, primary:
        result = action()
    return result, [q["sql"] for q in replica.captured_queries], [q["sql"] for q in primary.captured_queries]


def test_reads_go_to_the_replica_only_inside_a_replica_scope(world):
    assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
    replica, primary = on_replica(lambda: Person.objects.count())
    assert (replica, len(primary)) == ([], 1)

    with replica_reads():
        assert router.db_for_read(Person) == REPLICA
        replica, primary = on_replica(lambda: Person.objects.count())
    assert (len(replica), primary) == (1, [])
    assert "casework_person" in replica[0]


def test_writes_go_to_the_primary_even_inside_a_replica_scope(world):
    with replica_reads():
        assert router.db_for_write(Person) == DEFAULT_DB_ALIAS
        replica, primary = on_replica(lambda: make_person(world.youhao, "赵六"))
    assert not any(sql.startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica)
    assert any(sql.startswith("INSERT") and "casework_person" in sql for sql in primary)
    assert Person.objects.filter(name="赵六").exists()
    assert router.allow_migrate(REPLICA, "casework") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "casework") is True


def test_inside_a_transaction_reads_stay_on_the_primary(world):
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
        replica, _primary = on_replica(lambda: Person.objects.count())
    assert replica == []


def test_a_scope_keeps_its_first_choice_and_nested_scopes_share_it(world):
    with replica_reads() as scope:
        assert router.db_for_read(Person) == REPLICA
        db_router._health.state = "behind"  # the lag check turning bad mid-page does not split the page
        with replica_reads() as inner:
            assert inner is scope and router.db_for_read(Household) == REPLICA
    with replica_reads():
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS  # a new scope takes the process's latest view


def test_the_lag_rule():
    cases = [
        # (in recovery, caught up, age of the last replayed transaction, WAL receivers) → lag
        ((False, True, None, 0), 0.0),  # not a standby (promoted, or the test mirror): nothing to wait for
        ((True, True, 7200.0, 1), 0.0),  # applied all it received: an idle primary writes nothing new
        ((True, False, 3.5, 1), 3.5),  # received more than it applied: as old as the last applied transaction
        ((True, False, None, 1), None),  # nothing applied yet
        ((True, True, 1.0, 0), None),  # not receiving from the primary: it cannot know what it misses
    ]
    for (in_recovery, caught_up, age, receivers), expected in cases:
        assert lag_of(in_recovery=in_recovery, caught_up=caught_up, age=age, receivers=receivers) == expected


def test_the_mirror_measures_no_lag(db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("the lag query is PostgreSQL's (the replica is always PostgreSQL)")
    with connections[REPLICA].cursor() as cursor:
        assert db_router.replica_lag(cursor) == 0.0


def test_a_replica_too_far_behind_is_not_read(world, settings, monkeypatch):
    settings.CASEWORK_REPLICA_MAX_LAG_SECONDS = 10
    monkeypatch.setattr(db_router, "replica_lag", lambda cursor: 11.0)
    with replica_reads():
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS


@pytest.fixture
def unreachable_replica(replica_alias, world):
    """The replica alias pointed at a port nothing listens on, for one test."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = dict(replica_alias)
    connections[REPLICA].close()
    replica_alias.update(HOST="127.0.0.1", PORT=port)  # the connection's own settings (the same dict)
    yield
    connections[REPLICA].close()
    replica_alias.update(saved)


def test_an_unreachable_replica_leaves_the_reads_to_the_primary_with_a_warning(db_vendor, unreachable_replica, caplog):
    if db_vendor != "postgresql":
        pytest.skip("a replica is a PostgreSQL server")
    with caplog.at_level(logging.WARNING, logger="core.db_router"), replica_reads():
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
        assert Person.objects.count() >= 0
    assert "Read replica unreachable" in caplog.text
    with replica_reads():  # not tried again at once: no second warning
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
    assert caplog.text.count("Read replica unreachable") == 1


def test_a_view_whose_replica_fails_midway_is_answered_from_the_primary(world, db_vendor, caplog):
    if db_vendor != "postgresql":
        pytest.skip("ends the replica connection's server process")
    make_person(world.youhao, "赵六")
    runs = []

    @replica_read_view
    def view(request):
        runs.append(router.db_for_read(Person))
        if len(runs) == 1:
            Person.objects.count()  # connected, checked and read on the replica
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        return HttpResponse(str(Person.objects.filter(name="赵六").count()))

    with caplog.at_level(logging.WARNING, logger="core.db_router"):
        response = view(RequestFactory().get("/"))
    assert (response.status_code, response.content, runs) == (200, b"1", [REPLICA, DEFAULT_DB_ALIAS])
    assert "Read replica unreachable" in caplog.text


# --- pages: the reports read the replica; after a write, the client's pages read the primary --------------------


def report_url() -> str:
    return reverse("benefits:report-detail", args=["households"])


def report_tables(sqls) -> bool:
    return any("casework_household" in sql for sql in sqls)


def test_a_report_page_its_list_and_its_export_read_the_replica(world, console_as):
    client = console_as(world.bob)
    for url in (
        report_url(),
        report_url() + "?format=xlsx",
        reverse("benefits:report-list", args=["households.zero"]),
        reverse("benefits:report-list", args=["households.zero"]) + "?format=xlsx",
    ):
        response, sqls, primary = ran(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert report_tables(sqls), url
        assert not report_tables(primary), url  # the user's session only
        if "list" not in url:
            assert any("work_mem" in sql for sql in sqls)  # the report's transaction is the replica's
    assert STICKY_COOKIE not in response.cookies  # reading writes nothing


def test_after_a_write_the_clients_pages_read_the_primary_for_the_sticky_window(world, console_as, settings):
    client = console_as(world.bob)
    # any POST is a write (here the unmasked export, which first asks for the password again)
    response = client.post(reverse("benefits:report-list", args=["households.zero"]), {"reason": "x"})
    assert STICKY_COOKIE in response.cookies
    response, replica, primary = ran(lambda: client.get(report_url()))
    assert response.status_code == 200 and replica == [] and report_tables(primary)

    settings.CASEWORK_REPLICA_STICKY_SECONDS = 1  # the window has passed
    time.sleep(2)
    response, replica, primary = ran(lambda: client.get(report_url()))
    assert response.status_code == 200 and report_tables(replica) and not report_tables(primary)


def test_a_get_that_wrote_makes_the_client_sticky_and_a_session_save_does_not(world):
    def wrote(request):
        make_person(world.youhao, "赵六")
        return HttpResponse("ok")

    def read(request):
        request.session["seen"] = 1
        request.session.save()
        return HttpResponse(str(Person.objects.count()))

    factory = RequestFactory()
    request = factory.get("/")
    assert STICKY_COOKIE in ReplicaStickyMiddleware(wrote)(request).cookies

    from django.contrib.sessions.backends.db import SessionStore

    request = factory.get("/")
    request.session = SessionStore()
    assert STICKY_COOKIE not in ReplicaStickyMiddleware(read)(request).cookies
