"""The daily expiry sweep, run by a real `celery worker` process as beat would queue it."""

import datetime

import pytest
from django.utils import timezone

from stakeholders.choices import LicenceStatus
from stakeholders.models import Licence
from stakeholders.tasks import licence_expiry_sweep
from tests.conftest import wait_for
from tests.factories import LicenceFactory

pytestmark = pytest.mark.worker


def test_the_expiry_sweep_runs_on_a_real_worker(celery_worker_process):
    due = LicenceFactory(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    licence_expiry_sweep.delay()
    wait_for(
        lambda: Licence.objects.filter(pk=due.pk, status=LicenceStatus.EXPIRED).exists(),
        timeout=90,
        process=celery_worker_process,
    )
