"""The emptying of the database after a transactional test (browser, worker, concurrency and backup tests), on
PostgreSQL in a fraction of the time of Django's own flush, to the same state.

Django's flush after a ``TransactionTestCase`` truncates every table (over a hundred, most of them empty: several
seconds on PostgreSQL) and then replays ``post_migrate``, which re-parses the policy catalogue and writes a few
thousand rows again (programs, parameters, registers, permissions, periodic tasks: seconds more). Here the first
transactional test of the run is flushed by Django exactly so; what that leaves (the rows ``post_migrate`` wrote)
is then kept as the baseline, and every later reset:

* finds the tables that hold rows now (one query), and of the baseline tables those whose rows differ from the
  baseline (one query comparing an md5 of every row's text);
* empties just those: DELETE, or for a table whose own trigger refuses DELETE (the ledger's) TRUNCATE with
  CASCADE, as a full flush would;
* copies the baseline rows back (COPY, byte for byte) into every baseline table that is now empty.

The database then holds what a flush followed by ``post_migrate`` holds, row for row; only the ids and times
written by ``post_migrate`` are those of the first flush rather than new ones. Sequences are not reset, as
Django's flush does not reset them either. Anything else (SQLite, ``available_apps``, ``serialized_rollback``)
is flushed by Django as before, and ``CASEWORK_TEST_FULL_FLUSH=1`` flushes every test Django's way.
"""

import os

from django.apps import apps
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TransactionTestCase

_django_fixture_teardown = TransactionTestCase._fixture_teardown

# database alias → {table: (md5 of its rows, its rows as COPY text)}, taken after the first full flush
_baselines: dict[str, dict[str, tuple[str, bytes]]] = {}


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def _tables(connection) -> list[str]:
    """The tables Django's flush empties (every migrated model's existing table, no views)."""
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _holding_rows(cursor, connection, tables: list[str]) -> set[str]:
    if not tables:
        return set()
    # the names are Django's own tables, quoted
    probes = ", ".join(f"EXISTS (SELECT 1 FROM {_quote(connection, table)})" for table in tables)  # noqa: S608
    cursor.execute(f"SELECT ARRAY[{probes}]")
    return {table for table, holds in zip(tables, cursor.fetchone()[0], strict=True) if holds}


def _digests(cursor, connection, tables: list[str]) -> dict[str, str]:
    """An md5 of each table's rows (as text, in order): equal exactly when the rows are."""
    if not tables:
        return {}
    rows = "md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), ''))"
    columns = ", ".join(f"(SELECT {rows} FROM {_quote(connection, table)} r)" for table in tables)  # noqa: S608
    cursor.execute(f"SELECT {columns}")
    return dict(zip(tables, cursor.fetchone(), strict=True))


def _copy_out(cursor, connection, table: str) -> bytes:
    with cursor.copy(f"COPY {_quote(connection, table)} TO STDOUT") as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def _copy_in(cursor, connection, table: str, rows: bytes) -> None:
    with cursor.copy(f"COPY {_quote(connection, table)} FROM STDIN") as copy:
        copy.write(rows)


def take_baseline(alias: str) -> dict[str, tuple[str, bytes]]:
    """What the database holds now, table by table (the tables holding rows)."""
    connection = connections[alias]
    tables = _tables(connection)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        holding = sorted(_holding_rows(cursor, connection, tables))
        digests = _digests(cursor, connection, holding)
        return {table: (digests[table], _copy_out(cursor, connection, table)) for table in holding}


def _guarded(cursor, connection, tables: list[str]) -> set[str]:
    """The tables with a row trigger of their own on DELETE (the ledger's append-only ones, which refuse it)."""
    cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgtype & 9 = 9")
    names = {name.strip('"') for (name,) in cursor.fetchall()}
    return {table for table in tables if table in names}


def reset(alias: str, baseline: dict[str, tuple[str, bytes]]) -> list[str]:
    """Bring the database back to ``baseline``; return the tables emptied (a CASCADE may have emptied more)."""
    connection = connections[alias]
    tables = _tables(connection)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        holding = _holding_rows(cursor, connection, tables)
        kept = sorted(baseline)
        digests = _digests(cursor, connection, kept)
        dirty = sorted(
            {table for table in holding if table not in baseline}
            | {table for table in kept if digests[table] != baseline[table][0]}
        )
        if not dirty:
            return []
        # TRUNCATE fires no row trigger (as in Django's flush) but costs the same for an empty table as for a full
        # one, and must take every table referring to the ones it empties; DELETE costs little for the few rows
        # a test leaves. The foreign keys Django makes are deferred: checked at the commit, when all are gone.
        guarded = _guarded(cursor, connection, dirty)
        if guarded:
            cursor.execute(f"TRUNCATE {', '.join(_quote(connection, table) for table in sorted(guarded))} CASCADE")
        for table in dirty:
            if table not in guarded:
                cursor.execute(f"DELETE FROM {_quote(connection, table)}")  # noqa: S608 (a quoted table name)
        emptied = set(kept) - _holding_rows(cursor, connection, kept)
        for table in kept:
            if table in emptied:
                _copy_in(cursor, connection, table, baseline[table][1])
    return dirty


def _fast(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3  # COPY through psycopg 3's cursor.copy()


def _fixture_teardown(self):
    aliases = self._databases_names(include_mirrors=False)
    if (
        self.available_apps is not None
        or self.serialized_rollback
        or os.environ.get("CASEWORK_TEST_FULL_FLUSH", "") not in ("", "0")
        or not all(_fast(connections[alias]) for alias in aliases)
    ):
        _django_fixture_teardown(self)
        return
    for alias in aliases:
        if alias in _baselines:
            reset(alias, _baselines[alias])
        else:  # the first time: Django's flush and post_migrate, whose result is the baseline from then on
            call_command("flush", verbosity=0, interactive=False, database=alias, reset_sequences=False)
            _baselines[alias] = take_baseline(alias)
    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # as post_migrate's create_contenttypes does after a flush


def install() -> None:
    TransactionTestCase._fixture_teardown = _fixture_teardown


def uninstall() -> None:
    TransactionTestCase._fixture_teardown = _django_fixture_teardown
