"""Partial-name search that an index can serve on PostgreSQL, whatever the length of the term.

Caseworkers search Chinese names by one or two characters (a surname, a given name). pg_trgm's index
(migration 0002) cannot serve a ``LIKE '%…%'`` of fewer than three characters: it finds no trigram in the
pattern and PostgreSQL scans the whole table (about 80 ms for a million persons). Migration 0004 indexes the
characters of each name (GIN over ``string_to_array(name, NULL)``); a one- or two-character term then asks for
names holding all its characters, which that index answers, and for two characters a substring test keeps the
exact meaning (next to each other, in order). The rows found are exactly those of ``name__contains``.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

# Longer terms are served by the trigram index.
MAX_CHARS = 2


class NameChars(Func):
    """``string_to_array(name, NULL)``: the characters of a name, the expression migration 0004 indexes."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(TextField())


def name_contains(term: str, *, field: str = "name") -> Q:
    """``field`` contains ``term``; on PostgreSQL a short term goes through the name-characters index.

    One character: "has this character" is the whole condition (adding the equivalent ``LIKE`` would make the
    planner multiply two selectivities that are one and the same, expect a few rows where there are tens of
    thousands, and pick a plan that reads them all). Two characters: both characters, then a substring test
    for their order and adjacency."""
    if connection.vendor != "postgresql" or not 0 < len(term) <= MAX_CHARS:
        return Q(**{f"{field}__contains": term})
    has_chars = Q(DataContains(NameChars(F(field)), Value(sorted(set(term)), output_field=ArrayField(TextField()))))
    if len(term) == 1:
        return has_chars
    # strpos(name, term) > 0 is LIKE '%term%' without wildcards; unlike LIKE, the planner does not multiply its
    # (unknown) selectivity into near zero, so a frequent pair such as 王伟 is not planned as a single row.
    return has_chars & Q(GreaterThan(StrIndex(F(field), Value(term)), 0))
