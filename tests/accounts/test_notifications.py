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
