"""Email and SMS made while the broker is down: the change that made them commits all the same (the failure to
queue is logged), and the periodic requeue job queues them once the broker is back; sending stays once."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from accounts.models import Notification
from accounts.services import notifications_requeue, notify_by_sms
from accounts.tasks import notification_send

from .conftest import queued

pytestmark = [pytest.mark.django_db]


def test_an_sms_made_while_the_broker_is_down_is_kept_and_the_request_does_not_fail(
    django_capture_on_commit_callbacks, broker_queue, caplog
):
    with (
        mock.patch.object(notification_send, "delay", side_effect=BrokerUnreachable("Connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify_by_sms(number="13800001111", text="您的申请已批准")
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert "Connection refused" in caplog.text
    assert queued() == 0


def test_the_requeue_job_queues_what_is_unsent_and_nothing_else(world, broker_queue):
    now = timezone.now()

    def made(ago: datetime.timedelta, **fields) -> Notification:
        row = Notification.objects.create(subject="s", body="b", **fields)
        Notification.objects.filter(pk=row.pk).update(created_at=now - ago)
        return row

    minutes = datetime.timedelta(minutes=10)
    waiting = made(minutes, channel=Notification.Channel.SMS, address="13800001111")
    made(minutes, channel=Notification.Channel.EMAIL, address="a@example.org", sent_at=now)  # sent
    made(minutes, channel=Notification.Channel.IN_APP, recipient=world.alice)  # nothing to send
    made(datetime.timedelta(seconds=30), channel=Notification.Channel.SMS, address="13800002222")  # just made
    made(datetime.timedelta(days=2), channel=Notification.Channel.SMS, address="13800003333")  # too old to matter

    assert notifications_requeue(older_than=datetime.timedelta(minutes=5)) == 1
    assert queued() == 1
    assert notification_send.apply(args=[waiting.pk]).result is True  # what the worker does with the message
    assert notification_send.apply(args=[waiting.pk]).result is False  # a second copy sends nothing
    assert notifications_requeue(older_than=datetime.timedelta(minutes=5)) == 0
