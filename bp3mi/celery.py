"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")

app = Celery("bp3mi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(**kwargs):
    """Around each task, as around each request: drop a database connection that is broken or
    older than CONN_MAX_AGE, keep the others (see CELERY_DB_REUSE_MAX in the settings)."""
    if getattr(kwargs.get("task").request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
