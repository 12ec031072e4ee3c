"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import functools
import gc
import logging
import os

from celery import Celery, bootsteps
from celery.signals import task_postrun, task_prerun, worker_before_create_process
from celery.worker.consumer import Consumer as CeleryConsumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")

logger = logging.getLogger(__name__)

app = Celery("bp3mi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(CeleryConsumer):
    """The worker's broker connection, retried every CELERY_BROKER_RECONNECT_MAX_INTERVAL
    seconds at most while the broker is down (kombu's own wait grows to 30 s, so work resumed
    up to half a minute after Redis was back)."""

    def ensure_connected(self, conn):
        from django.conf import settings

        conn.ensure_connection = functools.partial(
            conn.ensure_connection,
            interval_start=1,
            interval_step=1,
            interval_max=settings.CELERY_BROKER_RECONNECT_MAX_INTERVAL,
        )
        return super().ensure_connected(conn)


class SweepOnConnect(bootsteps.StartStopStep):
    """Each time the worker (re)connects to the broker, queue the job sweeps (JOB_SWEEP_TASKS):
    jobs queued while the broker was down go out at once, not at beat's next round."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        from django.conf import settings

        try:
            for name in settings.JOB_SWEEP_TASKS:
                consumer.app.send_task(name)
        except Exception as exc:  # noqa: BLE001 - beat's next round sends them anyway
            logger.warning("job sweeps not queued on connect (%s)", exc)


app.steps["consumer"].add(SweepOnConnect)


@task_prerun.connect
@task_postrun.connect
def close_old_connections(**kwargs):
    """Around each task, as around each request: drop a database connection that is broken or
    older than CONN_MAX_AGE, keep the others (see CELERY_DB_REUSE_MAX in the settings)."""
    if getattr(kwargs.get("task").request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_before_create_process.connect
def freeze_before_fork(**kwargs):
    """In the prefork parent, just before a child is forked: move every object alive now
    (Django, the app, the templates, the fonts' caches) out of the garbage collector's reach.
    A child's full collections then scan only what it made itself instead of the inherited
    heap (a letter's render leaves about 50,000 objects of cyclic garbage, so a full
    collection came every ten letters or so and took 110-140 ms in the child), and they no
    longer write to the inherited pages, which stay shared between parent and children."""
    gc.collect()
    gc.freeze()
