"""Background tasks of the statistics app: thin wrappers that load by id and call a service."""

from celery import shared_task
from django.conf import settings

from .models import ReportExport
from .services import export_expire, export_generate, export_sweep


@shared_task(
    name="statistics.tasks.export_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(ReportExport.DoesNotExist,),
    # As letters: retries ride out a short database outage, the sweep a longer one.
    max_retries=4,
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    ignore_result=True,
    soft_time_limit=settings.STATISTICS_EXPORT_SOFT_TIME_LIMIT,
    time_limit=settings.STATISTICS_EXPORT_TIME_LIMIT,
)
def export_generate_task(export_id: int) -> str:
    """Write one export's file (see `export_generate`; safe to run twice)."""
    return export_generate(export_id=export_id).status


@shared_task(name="statistics.tasks.export_sweep", ignore_result=True)
def export_sweep_task() -> int:
    """Queue again exports never sent, lost, or whose worker is gone (bp3mi.jobs)."""
    return len(export_sweep())


@shared_task(name="statistics.tasks.export_expiry", ignore_result=True)
def export_expiry_task() -> int:
    """Delete export files past their retention (STATISTICS_EXPORT_RETENTION_DAYS)."""
    return len(export_expire())
