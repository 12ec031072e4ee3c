"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")

app = Celery("bp3mi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
