"""A worker keeps its database connection from one task to the next (Celery's Django fix-up
would otherwise close it before and after every task), and still drops one that is too old."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from bp3mi.celery import app
from bp3mi.tasks import worker_heartbeat  # noqa: F401 - registers the task used below


def run_task_hooks(fixup):
    """What a worker does around one task: the fix-up's hooks and the task signals."""
    task = app.tasks["bp3mi.tasks.worker_heartbeat"]
    task.push_request(is_eager=False)
    fixup.on_task_prerun(sender=task)
    task_prerun.send(sender=task, task=task, task_id="t", args=(), kwargs={})
    task_postrun.send(sender=task, task=task, task_id="t", args=(), kwargs={}, retval=None)
    fixup.on_task_postrun(sender=task)
    task.pop_request()


@pytest.mark.django_db(transaction=True)
def test_the_connection_survives_the_tasks_around_it(settings):
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    connection.ensure_connection()
    connection.close_at = None  # as a worker's connection opened with CONN_MAX_AGE=60
    opened = connection.connection
    fixup = DjangoWorkerFixup(app)
    for _ in range(3):
        run_task_hooks(fixup)
        assert connection.connection is opened


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_closed_after_a_task(settings):
    connection.ensure_connection()
    connection.close_at = 0  # older than CONN_MAX_AGE
    run_task_hooks(DjangoWorkerFixup(app))
    assert connection.connection is None
