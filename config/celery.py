"""The Celery app. Settings come from Django's (``CELERY_*``); tasks are found in each app's ``tasks.py``.

Celery's Django task class gives every task ``delay_on_commit``: work enqueued inside a transaction is sent
only once that transaction commits, and never if it rolls back.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _act_as_system(task_id=None, task=None, **kwargs):
    """Every write a task makes is recorded in the history as done by the system account."""
    from accounts.audit import begin_system_actor

    begin_system_actor()


@task_postrun.connect
def _end_system_actor(**kwargs):
    from accounts.audit import end_actor

    end_actor()
