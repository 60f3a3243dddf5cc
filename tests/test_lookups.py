"""``field__any=[…]`` (core.lookups): the same rows as ``field__in``, one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Person, RegistryEntry


@pytest.mark.django_db
def test_any_finds_what_in_finds(people, graduate):
    wanted = [people["zhang"].pk, people["wang"].pk, people["zhang"].pk, 0]
    assert (
        set(Person.objects.filter(pk__any=wanted))
        == set(Person.objects.filter(pk__in=wanted))
        == {
            people["zhang"],
            people["wang"],
        }
    )
    assert list(Person.objects.filter(pk__any=[])) == []
    # on a relation, and with a subquery (Django's IN (SELECT …))
    entries = RegistryEntry.objects.filter(person_id__any=[graduate.pk])
    assert entries.count() == RegistryEntry.objects.filter(person=graduate).count() > 0
    chosen = Person.objects.filter(name="王五").values("pk")
    assert list(Person.objects.filter(pk__any=chosen)) == [people["wang"]]
    # ints for a text column are prepared as text, as IN does (only ints for an integer column go as they are)
    assert list(Person.objects.filter(phone__any=[13812341234, 13700002222]).order_by("name")) == [
        people["zhang"],
        people["wang"],
    ]


@pytest.mark.django_db
def test_any_is_one_array_parameter_on_postgresql_and_in_elsewhere(people, db_vendor):
    with CaptureQueriesContext(connection) as queries:
        list(Person.objects.filter(pk__any=[person.pk for person in people.values()]))
    sql = queries[0]["sql"]
    if db_vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql and "ANY" not in sql
