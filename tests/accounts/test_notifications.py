"""Notifications: supervisors hear of a case waiting for them, the caseworker and the applicant of a decision (the
applicant in plain words, by SMS through the console backend), each email or SMS sent once, nothing for a step
that rolled back."""

import logging

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Notification
from accounts.services import notification_deliver, notify_by_sms
from benefits.applications.services import application_approve
from tests.benefits.workflow import recommended

pytestmark = pytest.mark.django_db


def test_a_recommended_case_reaches_the_supervisors_of_its_unit(world, graduate, console_as):
    recommended(world, graduate)
    waiting = Notification.objects.get(recipient=world.bob, channel="in_app")
    assert "张三" in waiting.subject and waiting.read_at is None
    assert not Notification.objects.filter(recipient__in=[world.carol, world.alice]).exists()
    page = console_as(world.bob).get(reverse("accounts:notification-list")).content.decode()
    assert waiting.subject in page
    waiting.refresh_from_db()
    assert waiting.read_at is not None  # opened, so read


def test_the_decision_reaches_the_caseworker_and_the_applicant_once(world, graduate, caplog):
    application_approve(actor=world.bob, application=recommended(world, graduate))
    assert Notification.objects.filter(recipient=world.alice, channel="in_app", subject__contains="已批准").exists()
    sms = Notification.objects.get(channel="sms")
    assert sms.address == graduate.phone and "已批准" in sms.body and "推荐" not in sms.body  # the applicant's words
    with caplog.at_level(logging.INFO, logger="casework.sms"):
        assert notification_deliver(notification_id=sms.pk) is True
        assert notification_deliver(notification_id=sms.pk) is False  # delivered twice: sent once
    sent = [record.getMessage() for record in caplog.records if record.name == "casework.sms"]
    assert len(sent) == 1 and graduate.phone not in sent[0] and "138****1234" in sent[0]


def test_a_step_that_rolls_back_leaves_no_notification(world, graduate):
    application = recommended(world, graduate)
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        application_approve(actor=world.bob, application=application)
        notify_by_sms(number="13800001111", text="x")
        raise RuntimeError("roll back")
    assert Notification.objects.count() == before


def test_a_waiting_for_decision_notice_is_resolved_for_every_supervisor_once_one_decides(world, graduate, console_as):
    from accounts.services import membership_grant
    from tests.factories import UserFactory

    other = UserFactory(username="zhou", full_name="周主管")
    membership_grant(user=other, unit=world.dalian, role="supervisor")
    application = recommended(world, graduate)
    waiting = Notification.objects.filter(channel="in_app", pending=f"application:{application.pk}:decide")
    assert {n.recipient for n in waiting} == {world.bob, other} and not waiting.filter(resolved_at__isnull=False)
    application_approve(actor=world.bob, application=application)
    assert waiting.filter(resolved_at__isnull=True).count() == 0  # resolved in the step's own transaction
    page = console_as(other).get(reverse("accounts:notification-list")).content.decode()
    assert 'class="resolved"' in page and "已于" in page and "新" not in page.split('class="resolved"')[1][:200]


def test_a_portal_submission_to_check_is_resolved_when_a_caseworker_takes_the_next_step(world, graduate):
    from benefits.applications.services import application_create, application_recommend, application_submit
    from benefits.models import Program
    from casework.models import Person
    from tests.benefits.workflow import JOB_SEEKING, TODAY

    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    graduate.refresh_from_db()
    application = application_create(
        actor=world.dan, program=Program.objects.get(code=JOB_SEEKING), person=graduate, requested_start=TODAY
    )
    application_submit(actor=world.dan, application=application)
    to_check = Notification.objects.get(recipient=world.alice, pending=f"application:{application.pk}:check")
    application_recommend(actor=world.alice, application=application)
    to_check.refresh_from_db()
    assert to_check.resolved_at is not None
