"""A write that satisfies or creates a worklist item shows on the worklist at once, in the same transaction: the
nightly jobs only catch up with what the passing of time alone changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import EmploymentStatus, FollowUp, Register

from ..factories import make_person

pytestmark = pytest.mark.django_db
K = FollowUp.Kind


def _graduate_on_register(world, entered_days_ago):
    graduate = make_person(world.youhao, "待联系", graduation_date=datetime.date(2025, 6, 30))
    entered = timezone.localdate() - datetime.timedelta(days=entered_days_ago)
    services.registry_entry_add(
        actor=world.alice,
        register=Register.objects.get(code="unemployed_graduates_after_leaving"),
        person=graduate,
        entered_on=entered,
    )
    return graduate


def test_a_new_entry_never_contacted_for_30_days_is_on_the_worklist_at_once(world, console_as):
    graduate = _graduate_on_register(world, entered_days_ago=45)
    item = FollowUp.objects.get(kind=K.CONTACT_DUE, person=graduate, done_at__isnull=True)
    page = console_as(world.alice).get(reverse("casework:worklist")).content.decode()
    assert graduate.name in page and item.unit == world.youhao
    assert not FollowUp.objects.filter(person=_graduate_on_register(world, entered_days_ago=5)).exists()


def test_logging_a_contact_closes_the_contact_due_item_and_the_home_page_count_at_once(world, console_as):
    graduate = _graduate_on_register(world, entered_days_ago=45)
    client = console_as(world.alice)
    assert graduate.name in client.get(reverse("casework:worklist")).content.decode()
    client.post(
        reverse("casework:person-action", args=[graduate.pk, "contact"]),
        {"contacted_on": timezone.localdate().isoformat(), "channel": "phone", "outcome": "seeking"},
    )
    item = FollowUp.objects.get(kind=K.CONTACT_DUE, person=graduate)
    assert item.done_at is not None
    assert item.history.first().history_change_reason == "closed: contacted"
    assert graduate.name not in client.get(reverse("casework:worklist")).content.decode()


def test_a_job_found_closes_the_fell_back_item_and_a_job_ended_raises_it(world):
    father = make_person(world.youhao, "父亲")
    today = timezone.localdate()
    job = services.employment_record_add(
        actor=world.alice,
        person=father,
        status=EmploymentStatus.EMPLOYED,
        started_on=today.replace(year=today.year - 2),
    )
    household = services.household_create(actor=world.alice, unit=world.youhao, members=[(father, "head", True)])
    services.employment_record_end(actor=world.alice, record=job, ended_on=today - datetime.timedelta(days=3))
    item = FollowUp.objects.get(kind=K.FELL_BACK, household=household)
    assert (item.done_at, item.due_on) == (None, today - datetime.timedelta(days=2))
    services.employment_record_add(actor=world.alice, person=father, status=EmploymentStatus.FLEXIBLE, started_on=today)
    item.refresh_from_db()
    assert item.done_at is not None


def test_leaving_the_register_closes_the_items_about_it(world):
    graduate = _graduate_on_register(world, entered_days_ago=45)
    entry = graduate.registry_entries.get()
    services.registry_entry_exit(actor=world.alice, entry=entry, exited_on=timezone.localdate(), reason="employed")
    assert not FollowUp.objects.filter(person=graduate, done_at__isnull=True).exists()
