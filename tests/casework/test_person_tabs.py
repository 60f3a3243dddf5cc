"""The person page shows one tab at a time and reads only that tab's records (the page is the one caseworkers open
most: reading every tab's records on each view made the eligibility tab 36 queries instead of 24)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import services
from casework.models import ContactChannel, ContactOutcome, Register

pytestmark = pytest.mark.django_db

# table → the tab whose records are in it (the name conflicts show above every tab and are read on every tab)
TABLES = {
    '"casework_contact"': "contacts",
    '"casework_casenote"': "contacts",
    '"casework_referral"': "contacts",
    '"casework_assistance"': "contacts",
    '"casework_employmentrecord"': "employment",
    '"casework_householdmember"': "household",
    '"casework_changerequest"': "profile",
}
# the eligibility tab screens the person: their employment, household and registers are its facts
FACTS = {'"casework_employmentrecord"', '"casework_householdmember"'}


@pytest.fixture
def zhang(world, people):
    zhang = people["zhang"]
    services.contact_log(
        actor=world.alice,
        person=zhang,
        contacted_on=datetime.date(2026, 11, 2),
        channel=ContactChannel.PHONE,
        outcome=ContactOutcome.SEEKING,
        note="问过求职意向",
    )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    entered = datetime.date(2026, 7, 10)
    services.registry_entry_add(actor=world.alice, register=register, person=zhang, entered_on=entered)
    return zhang


@pytest.mark.parametrize("tab", ["profile", "household", "registers", "employment", "contacts", "history", "payments"])
def test_a_tab_reads_its_own_records_only(world, zhang, console_as, tab):
    client = console_as(world.alice)
    url = reverse("casework:person-detail", args=[zhang.pk]) + f"?tab={tab}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    read = {table for table in TABLES if table in sql}
    assert read == {table for table, own in TABLES.items() if own == tab}


def test_the_eligibility_tab_reads_the_facts_but_no_other_tab(world, zhang, console_as):
    client = console_as(world.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("casework:person-detail", args=[zhang.pk]) + "?tab=eligibility")
    assert response.status_code == 200 and "card eligibility" in response.content.decode()
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert {table for table in TABLES if table in sql} <= FACTS


def test_each_tab_still_shows_what_it_is_for(world, zhang, console_as):
    client = console_as(world.alice)
    url = reverse("casework:person-detail", args=[zhang.pk])
    contacts = client.get(url + "?tab=contacts").content.decode()
    assert "问过求职意向" in contacts and f"/console/people/{zhang.pk}/contact/" in contacts
    registers = client.get(url + "?tab=registers").content.decode()
    assert "/console/registers/unemployed_graduates_after_leaving/" in registers
    assert f"/console/people/{zhang.pk}/entry/" in registers  # the form to add an entry, with its registers
    profile = client.get(url).content.decode()
    assert f"/console/people/{zhang.pk}/claim-code/" in profile
    assert f"/console/people/{zhang.pk}/contact/" not in profile  # the contacts tab's form is not on the profile
