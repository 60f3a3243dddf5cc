"""bootstrap_demo: five cities with real region codes, a user for every role, idempotent."""

import io

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum import numdb

from accounts.demo import UNITS_FILE
from accounts.models import Membership, Role, ServiceUnit, User

pytestmark = pytest.mark.django_db
CITIES = {"daqing", "dalian", "jinan", "chaoyang", "yiyang"}


def run_demo() -> str:
    out = io.StringIO()
    call_command("bootstrap_demo", stdout=out)
    return out.getvalue()


def test_demo_builds_five_cities_with_every_role_and_prints_logins():
    out = run_demo()
    assert set(ServiceUnit.objects.cities().values_list("city_code", flat=True)) == CITIES
    for city in CITIES:
        for role in Role.values:
            assert Membership.objects.filter(user__username=f"{city}.{role}", role=role).exists()
            assert f"{city}.{role}" in out
    for level in ServiceUnit.Level.values:
        assert ServiceUnit.objects.filter(level=level).values("city_code").distinct().count() == 5
    assert settings.CASEWORK_DEMO_PASSWORD in out


def test_demo_logins_work_with_the_printed_password(client):
    run_demo()
    assert client.login(username="dalian.caseworker", password=settings.CASEWORK_DEMO_PASSWORD)


def test_demo_is_idempotent():
    run_demo()
    counts = (ServiceUnit.objects.count(), User.objects.count(), Membership.objects.count())
    run_demo()
    assert (ServiceUnit.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_demo_refuses_where_switched_off(settings):
    settings.CASEWORK_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        run_demo()
    assert not ServiceUnit.objects.exists()
    assert not User.objects.filter(kind=User.Kind.STAFF).exists()


def test_demo_region_codes_are_gb2260_codes_of_the_named_places():
    """Every city and district code in the fixture is in python-stdnum's GB/T 2260 table under that name."""
    table = numdb.get("cn/loc")
    for city in yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8")):
        for unit in [city, *city["districts"]]:
            info = table.info(unit["region_code"])
            names = info[-1][1].get("county", "") if info and info[-1][0] else ""
            assert unit["name"] in names, (unit["region_code"], unit["name"], names)
            assert unit["region_code"][:4] == city["region_code"][:4]
