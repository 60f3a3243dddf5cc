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


@pytest.fixture(autouse=True)
def ledger_checkpoint_file(settings, tmp_path_factory):
    """Each test signs its ledger checkpoints into a file of its own: a checkpoint of one test's ledger would not
    match the next test's."""
    settings.CASEWORK_LEDGER_CHECKPOINT_FILE = tmp_path_factory.mktemp("ledger") / "ledger-checkpoints.jsonl"
    return settings.CASEWORK_LEDGER_CHECKPOINT_FILE


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    return APIClient()


def sign_in(client, user):
    """Sign ``client`` in as ``user`` the way a real sign-in ends: with the second factor given, where the user's
    role needs one (a confirmed authenticator device is made for them)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.security import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):
        device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def api_as(api):
    """``api_as(user)``: an API client signed in (session, second factor given) as ``user``."""
    return lambda user: sign_in(api, user)


@pytest.fixture
def console_as(client):
    """``console_as(user)``: the test client signed in (second factor given) as ``user``."""
    return lambda user: sign_in(client, user)


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


@pytest.fixture(autouse=True, scope="session")
def quick_transactional_flush():
    """After a transactional test, PostgreSQL is emptied to the state Django's flush leaves, but only the tables
    that hold rows (tests/database_reset.py)."""
    from . import database_reset

    database_reset.install()
    yield
    database_reset.uninstall()
