"""The emptying after a transactional test (tests/database_reset.py) leaves, row for row, what Django's flush and
``post_migrate`` leave, and touches nothing when nothing changed."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from tests.database_reset import reset, take_baseline
from tests.factories import make_person
from tests.personas import build_world

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the quick reset is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def test_a_reset_brings_back_exactly_what_a_flush_leaves():
    from benefits.models import ParameterValue, Program
    from casework import services
    from casework.models import Register

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)  # Django's way, post_migrate too
    flushed = take_baseline(connection.alias)
    assert {"benefits_program", "casework_register", "auth_permission", "django_content_type"} <= set(flushed)
    assert reset(connection.alias, flushed) == []  # nothing changed: nothing emptied

    world = build_world()
    person = make_person(world.youhao, "张三", phone="13812341234")
    services.registry_entry_add(
        actor=world.alice,
        register=Register.objects.get(code="unemployed_graduates_after_leaving"),
        person=person,
        entered_on=datetime.date(2026, 7, 10),
    )
    Program.objects.filter(pk=Program.objects.order_by("pk").first().pk).update(name_zh="改过的名称")  # same count
    ParameterValue.objects.order_by("pk").last().delete()  # one row fewer

    emptied = reset(connection.alias, flushed)
    assert {"casework_person", "casework_registryentry", "benefits_program", "benefits_parametervalue"} <= set(emptied)
    assert "casework_register" not in emptied  # rows as they were are left alone
    assert digests(take_baseline(connection.alias)) == digests(flushed)  # the same tables with the same rows


def digests(tables: dict) -> dict:
    """{table: md5 of its rows}: the rows' order on disk may differ after a reset, their text may not."""
    return {table: digest for table, (digest, _rows) in tables.items()}
