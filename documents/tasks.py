"""Background tasks of the documents app: thin wrappers that load by id and call a service."""

from celery import shared_task

from .models import Letter
from .retention import retention_sweep
from .services import letter_generate, letter_sweep


@shared_task(
    name="documents.tasks.letter_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(Letter.DoesNotExist,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    ignore_result=True,
)
def letter_generate_task(letter_id: int) -> str:
    """Render one verification letter (see `letter_generate`; safe to run twice)."""
    return letter_generate(letter_id=letter_id).status


@shared_task(name="documents.tasks.letter_sweep", ignore_result=True)
def letter_sweep_task() -> int:
    """Re-queue letters stuck in PENDING or RUNNING (lost message, killed worker)."""
    return len(letter_sweep())


@shared_task(name="documents.tasks.retention_sweep", ignore_result=True)
def retention_sweep_task() -> int:
    """Anonymise drafts past RETENTION_DRAFT_DAYS without activity (safe to run twice)."""
    return retention_sweep()
