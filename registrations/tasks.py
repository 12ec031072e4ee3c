"""Background tasks of the registrations app: thin wrappers that load by id."""

from celery import shared_task

from .notifications import registration_submitted_notify


@shared_task(
    name="registrations.tasks.registration_submitted_email",
    acks_late=True,
    autoretry_for=(OSError,),
    max_retries=3,
    retry_backoff=30,
    ignore_result=True,
)
def registration_submitted_email_task(registration_id: int) -> int:
    """E-mail the person their registration number after submission."""
    return registration_submitted_notify(registration_id=registration_id)
