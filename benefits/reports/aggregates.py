"""The aggregates the reports need that the ORM lacks: a median (PostgreSQL's percentile, SQLite's own) and the
days between two dates."""

from django.db.models import (
    Aggregate,
    FloatField,
    Func,
    IntegerField,
)


class Median(Aggregate):
    """The median: ``percentile_cont`` on PostgreSQL; a ``MEDIAN`` aggregate registered on SQLite connections
    (``benefits.apps``)."""

    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)", **extra
        )


class SqliteMedian:
    """``MEDIAN(x)`` for SQLite (the embedded database has no percentile function)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        ordered, middle = sorted(self.values), len(self.values) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end``."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start, end):
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )
