import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from .factories import make_id_number, make_person
from .personas import build_world


def pytest_report_header(config):
    """Say which database and broker this run used (CI must show PostgreSQL and Redis)."""
    import django

    django.setup()
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or '-'}" if "sqlite" not in db["ENGINE"] else db["NAME"]
    return [f"casework: database={db['ENGINE'].rsplit('.', 1)[-1]} ({where}), broker={broker}"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    """``api_as(user)``: an API client signed in (session) as ``user``."""

    def sign_in(user):
        api.force_login(user)
        return api

    return sign_in


@pytest.fixture
def console_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def db_vendor():
    return connection.vendor


@pytest.fixture
def people(world):
    """Residents: 张三 and 李四 in alice's community (大连 友好社区), 王五 in carol's (济南 芙蓉社区)."""
    return {
        "zhang": make_person(world.youhao, "张三", phone="13812341234", graduation_date=None),
        "li": make_person(world.tianjinjie, "李四", phone="13900001111"),
        "wang": make_person(world.furong, "王五", phone="13700002222", id_number=make_id_number("370102")),
    }


@pytest.fixture
def graduate(world, people):
    """张三 (大连 友好社区): a 2026 graduate with a national student loan, on the unemployed-graduates register."""
    import datetime

    from casework import services
    from casework.models import Register

    zhang = people["zhang"]
    services.person_update(
        actor=world.alice,
        person=zhang,
        education="bachelor",
        graduation_date=datetime.date(2026, 7, 1),
        has_student_loan=True,
    )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    services.registry_entry_add(
        actor=world.alice, register=register, person=zhang, entered_on=datetime.date(2026, 7, 10)
    )
    return zhang
