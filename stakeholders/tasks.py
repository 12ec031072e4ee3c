"""Background tasks of the directory."""

import datetime

from celery import shared_task
from django.conf import settings

from .models import ImportJob
from .notifications import notify_licences_expired
from .services import import_job_run, import_job_sweep, import_uploads_discard, licences_expire


@shared_task(name="stakeholders.tasks.licence_expiry_sweep", ignore_result=True)
def licence_expiry_sweep() -> list[int]:
    """Daily (Celery beat): mark licences whose expiry date has passed as expired, then
    e-mail staff the list. The marking is committed before the e-mail goes out; running it
    again the same day finds nothing and sends nothing."""
    expired = licences_expire()
    if expired:
        notify_licences_expired(licence_ids=expired)
    return expired


@shared_task(name="stakeholders.tasks.import_uploads_sweep", ignore_result=True)
def import_uploads_sweep() -> int:
    """Daily: delete import files whose preview was abandoned (or whose write failed) more
    than a day ago."""
    return import_uploads_discard(older_than=datetime.timedelta(days=1))


@shared_task(
    name="stakeholders.tasks.import_job",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(ImportJob.DoesNotExist,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    ignore_result=True,
    soft_time_limit=settings.IMPORT_JOB_TIME_LIMIT - 60,
    time_limit=settings.IMPORT_JOB_TIME_LIMIT,
)
def import_job_task(job_id: int) -> str:
    """Run the stage an import job is in (see `import_job_check`, `import_job_write`; both
    safe to run twice)."""
    return import_job_run(job_id=job_id).status


@shared_task(name="stakeholders.tasks.import_job_sweep", ignore_result=True)
def import_job_sweep_task() -> int:
    """Every minute: re-queue import jobs stuck in PENDING or RUNNING."""
    return len(import_job_sweep())
