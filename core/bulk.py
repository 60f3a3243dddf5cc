"""Set-based writes on PostgreSQL that keep the audit trail: rows are copied into a temporary table (``COPY``), then
inserted with one ``INSERT … SELECT … RETURNING``, and their history rows are written in SQL from what was
inserted, as django-simple-history's ``bulk_create_with_history`` would write them (every tracked field, type "+",
the user, the change reason and the date given), in the same statement.

For the writes of tens of thousands of rows at once (a register import, the worklist items it raises), where
building a model instance and a history instance per row and sending them as parameters took most of the time.
Other databases keep the ORM's ``bulk_create_with_history``: the callers choose with ``set_based()``."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection


def set_based() -> bool:
    """Whether the writes here can be used: PostgreSQL (psycopg 3's COPY)."""
    return connection.vendor == "postgresql"


def default_history_user(model):
    """The user django-simple-history records on a history row when none is given: the model's ``get_user`` (who
    is acting)."""
    return model.history.model.get_default_history_user(model())


@dataclass(frozen=True)
class Stamp:
    """What each history row records of the write: when, by whom (a user id or None) and why."""

    date: datetime.datetime
    user_id: int | None
    reason: str | None


def temp_table(cursor, name: str, columns: Sequence[tuple[str, str]]) -> None:
    """A temporary table for the rows of one write, dropped when the transaction ends (call inside one); a table
    of the same name left by an earlier write in the same transaction is replaced."""
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
    spec = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({spec}) ON COMMIT DROP")


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """``COPY`` the rows (tuples of Python values in the order of ``columns``) into ``table``."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _cast(field, placeholder: str) -> str:
    return f"CAST({placeholder} AS {field.cast_db_type(connection)})"


def insert_ctes(
    model,
    *,
    name: str,
    values: Mapping[str, str],
    source: str,
    stamp: Stamp,
    skip_conflicts: bool = False,
) -> tuple[list[str], dict]:
    """The common table expressions that insert rows of ``model`` and their history rows.

    ``values`` maps a column to its SQL expression over ``source`` (the rest of the SELECT: ``FROM … WHERE …
    ORDER BY …``). Every other column gets what Django would write: ``stamp.date`` for ``auto_now`` and
    ``auto_now_add`` fields, else the field's default. The CTE called ``name`` holds the inserted rows (``RETURNING
    *``); with ``skip_conflicts`` a row that a unique constraint refuses is left out (``ON CONFLICT DO NOTHING``),
    and gets no history row. Returns the CTEs (to join with ``", "`` after ``WITH``) and their parameters."""
    params, columns, expressions = {}, [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in values:
            expressions.append(values[field.column])
            continue
        key = f"{name}_{field.column}"
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            params[key] = stamp.date
        else:
            params[key] = field.get_db_prep_save(field.get_default(), connection)
        expressions.append(_cast(field, f"%({key})s"))
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    ctes = [
        f"{name} AS (INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {source}{conflict} RETURNING *)"
    ]
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and hasattr(model, "history"):
        ctes.append(_history_cte(model, name=name, stamp=stamp, params=params))
    return ctes, params


def _history_cte(model, *, name: str, stamp: Stamp, params: dict) -> str:
    """The history rows of the rows in CTE ``name``: what ``HistoryManager.bulk_history_create`` builds, one per
    row, every tracked field copied."""
    history = model.history.model
    meta = history._meta
    tracked = [(meta.get_field(field.name).column, field.column) for field in history.tracked_fields]
    params[f"{name}_history_date"] = stamp.date
    params[f"{name}_history_reason"] = stamp.reason
    params[f"{name}_history_user"] = stamp.user_id
    columns = [column for column, _source in tracked] + [
        meta.get_field(field).column
        for field in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    expressions = [source for _column, source in tracked] + [
        _cast(meta.get_field("history_date"), f"%({name}_history_date)s"),
        _cast(meta.get_field("history_change_reason"), f"%({name}_history_reason)s"),
        "'+'",
        _cast(meta.get_field("history_user"), f"%({name}_history_user)s"),
    ]
    return (
        f"{name}_history AS (INSERT INTO {meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (names, placeholders)
        f"SELECT {', '.join(expressions)} FROM {name})"
    )
