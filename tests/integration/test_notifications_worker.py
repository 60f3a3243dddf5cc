"""An SMS leaves through a real worker once its transaction commits, and never when it rolls back."""

import pytest
from django.db import transaction

from accounts.models import Notification
from accounts.services import notify_by_sms

from .conftest import queued, wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_rolled_back_sms_is_never_queued(broker_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_by_sms(number="13800001111", text="您的申请已批准")
        raise RuntimeError("roll back")
    assert queued() == 0 and not Notification.objects.exists()


@pytest.mark.worker
def test_a_committed_sms_is_sent_by_the_worker(broker_queue, tmp_path):
    with transaction.atomic():
        notification = notify_by_sms(number="13800001111", text="您的申请已批准")
        assert queued() == 0
    assert queued() == 1
    with worker_process(tmp_path, beat=False):
        sent = wait_for(
            lambda: Notification.objects.filter(pk=notification.pk, sent_at__isnull=False).exists(), timeout=60
        )
    assert sent, (tmp_path / "worker.log").read_text()[-3000:]
    assert "138****1111" in (tmp_path / "worker.log").read_text()
