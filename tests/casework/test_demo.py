"""The register demo that bootstrap_demo adds after the accounts' demo: valid people of each city, households
and registers to show, unmasking for supervisors and auditors, and idempotent."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import ServiceUnit, User
from casework.identity import MOBILE_RE, check_id_number
from casework.models import (
    Contact,
    EmploymentRecord,
    FollowUp,
    Household,
    HouseholdMember,
    Person,
    Register,
    RegistryEntry,
)

pytestmark = pytest.mark.django_db
CITIES = {"daqing", "dalian", "jinan", "chaoyang", "yiyang"}
MODELS = [Person, Household, HouseholdMember, EmploymentRecord, RegistryEntry, Contact, FollowUp]


def counts():
    return {model.__name__: (model.objects.count(), model.history.count()) for model in MODELS}


def test_the_demo_has_valid_people_in_every_city_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("bootstrap_demo", stdout=out)
    assert "casework:" in out.getvalue()
    first = counts()
    call_command("bootstrap_demo", stdout=io.StringIO())
    assert counts() == first

    districts = {
        city: set(
            ServiceUnit.objects.filter(city_code=city, level=ServiceUnit.Level.DISTRICT).values_list(
                "region_code", flat=True
            )
        )
        for city in CITIES
    }
    people = list(Person.objects.select_related("residence_unit"))
    per_city = {city: sum(p.residence_unit.city_code == city for p in people) for city in CITIES}
    wanted = settings.CASEWORK_DEMO_PEOPLE_PER_CITY  # whole households: a few more at most
    assert all(wanted <= n < wanted + 10 for n in per_city.values()), per_city
    for person in people:
        info = check_id_number(person.id_number)
        assert (info.region_known, info.birth_date, info.sex) == (True, person.birth_date, person.sex)
        assert person.id_number[:6] in districts[person.residence_unit.city_code], person
        assert person.residence_unit.level == ServiceUnit.Level.COMMUNITY
        assert MOBILE_RE.match(person.phone), person.phone
        assert 2 <= len(person.name) <= 4

    for city in CITIES:
        zero = Household.objects.filter(unit__city_code=city, is_zero_employment=True)
        assert zero.exists(), city
        assert zero.filter(fell_back_on__isnull=False).exists(), city
        assert Household.objects.filter(unit__city_code=city, is_zero_employment=False).exists(), city
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    for city in graduates.cities:
        entries = RegistryEntry.objects.filter(register=graduates, unit__city_code=city, exited_on__isnull=True)
        assert entries.count() >= 5, city
    for code in ("registered_urban_unemployed", "hard_to_employ", "poverty_registered_labor"):
        register = Register.objects.get(code=code)
        assert set(RegistryEntry.objects.filter(register=register).values_list("unit__city_code", flat=True)) == set(
            register.cities
        ), code
    # the jobs ran: the worklists have something to show
    # (the demo's grants are one-time job-seeking subsidies: no periodic grant for a change to put under review)
    assert set(FollowUp.objects.filter(done_at__isnull=True).values_list("kind", flat=True)) == set(
        FollowUp.Kind.values
    ) - {FollowUp.Kind.GRANT_REVIEW}

    for city in CITIES:
        assert User.objects.get(username=f"{city}.supervisor").has_perm("casework.unmask_personal_data")
        assert User.objects.get(username=f"{city}.auditor").has_perm("casework.unmask_personal_data")
        assert not User.objects.get(username=f"{city}.caseworker").has_perm("casework.unmask_personal_data")
