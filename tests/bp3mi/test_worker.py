"""Round trips through a real `celery worker` process, not an eager call."""

import uuid

import pytest
from django.conf import settings

from bp3mi.models import WorkerHeartbeat
from bp3mi.tasks import worker_heartbeat
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def round_trip(process):
    name = f"uji-{uuid.uuid4().hex[:8]}"
    worker_heartbeat.delay(name)
    beat = wait_for(
        lambda: WorkerHeartbeat.objects.filter(name=name).first(), timeout=90, process=process
    )
    assert beat.last_seen is not None


def test_task_round_trip_through_a_real_worker_on_the_configured_broker(celery_worker_process):
    round_trip(celery_worker_process)


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")),
    reason="No Redis broker configured (set REDIS_URL); the embedded broker was tested above.",
)
def test_task_round_trip_through_a_real_worker_on_redis(celery_worker_process):
    round_trip(celery_worker_process)
