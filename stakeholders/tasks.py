"""Background tasks of the directory."""

import datetime

from celery import shared_task

from .notifications import notify_licences_expired
from .services import import_uploads_discard, licences_expire


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
    """Daily: delete import files whose preview was abandoned more than a day ago."""
    return import_uploads_discard(older_than=datetime.timedelta(days=1))
