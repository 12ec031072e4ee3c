"""Background tasks of the portal core."""

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="bp3mi.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(name: str = "default") -> str:
    """Record that a worker is alive and taking jobs (shown by /healthz)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now.isoformat()
