"""Background tasks of the documents app: thin wrappers that load by id and call a service."""

from celery import shared_task

from .models import Letter
from .notifications import letter_ready_notify, registration_verified_notify
from .retention import retention_sweep
from .services import letter_generate, letter_sweep


@shared_task(
    name="documents.tasks.letter_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(Letter.DoesNotExist,),
    # Retries over about a minute ride out a short database outage; a longer one leaves the
    # letter RUNNING without heartbeat, and the sweep queues it again once the database is back.
    max_retries=6,
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=True,
    ignore_result=True,
)
def letter_generate_task(letter_id: int) -> str:
    """Render one verification letter (see `letter_generate`; safe to run twice)."""
    return letter_generate(letter_id=letter_id).status


@shared_task(name="documents.tasks.letter_sweep", ignore_result=True)
def letter_sweep_task() -> int:
    """Queue again letters never sent, lost, or whose worker is gone (bp3mi.jobs)."""
    return len(letter_sweep())


@shared_task(name="documents.tasks.retention_sweep", ignore_result=True)
def retention_sweep_task() -> int:
    """Anonymise drafts past RETENTION_DRAFT_DAYS without activity (safe to run twice)."""
    return retention_sweep()


@shared_task(
    name="documents.tasks.registration_verified_email",
    acks_late=True,
    autoretry_for=(OSError,),
    max_retries=3,
    retry_backoff=30,
    ignore_result=True,
)
def registration_verified_email_task(registration_id: int) -> int:
    """E-mail the person that every document is approved."""
    return registration_verified_notify(registration_id=registration_id)


@shared_task(
    name="documents.tasks.letter_ready_email",
    acks_late=True,
    autoretry_for=(OSError,),
    max_retries=3,
    retry_backoff=30,
    ignore_result=True,
)
def letter_ready_email_task(letter_id: int) -> int:
    """E-mail the person that their letter is ready, with the links."""
    return letter_ready_notify(letter_id=letter_id)
