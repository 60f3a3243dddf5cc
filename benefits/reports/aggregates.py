"""An expression the reports need that the ORM lacks: the days between two dates (the report summaries count
the days from submission to decision with it, for the medians)."""

from django.db.models import Func, IntegerField


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
