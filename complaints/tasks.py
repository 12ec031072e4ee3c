"""Background tasks of the complaints app: thin wrappers that call a service."""

from celery import shared_task

from .retention import case_retention_sweep
from .services import case_deadline_sweep, case_event_notify


@shared_task(
    name="complaints.tasks.case_event_notify",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    ignore_result=True,
)
def case_event_notify_task(event_id: int, tracking_code: str = "") -> bool:
    """E-mail one public timeline entry to the complainant (safe to run twice)."""
    return case_event_notify(event_id=event_id, tracking_code=tracking_code)


@shared_task(name="complaints.tasks.case_deadline_sweep", acks_late=True, ignore_result=True)
def case_deadline_sweep_task() -> dict:
    """Daily: closure proposals, reminders to assignees, the overdue list to supervisors."""
    return case_deadline_sweep()


# The first run on years of finished cases may take minutes (benchmarks/retention.py: 30,000
# cases in 3.5 minutes on a loaded machine); each batch commits, so a run cut short keeps
# what it did and the next day's run goes on.
@shared_task(
    name="complaints.tasks.case_retention_sweep",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=30 * 60,
    time_limit=31 * 60,
)
def case_retention_sweep_task() -> int:
    """Daily: anonymise cases finished more than RETENTION_CLOSED_CASE_DAYS ago (safe to run
    twice)."""
    return case_retention_sweep()
