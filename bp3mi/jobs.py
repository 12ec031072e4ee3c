"""What every background job a user waits for (a letter, an export) shares: sending its
message, a heartbeat while it runs, and the sweep that finds the jobs left behind.

The job row is the truth (`BackgroundJob`): PENDING -> RUNNING -> READY | FAILED. A job can be
left behind in three ways, and the sweep (Celery beat every JOB_SWEEP_SECONDS, and each worker
whenever it connects to the broker) queues each of them again:

- its message was never sent (the broker was down when it was queued): `sent_at` is empty;
- its message was sent but lost (a broker restarted without its data): still PENDING
  JOB_PENDING_RESEND_SECONDS after it was sent;
- its worker died, or its retries ran out while the database was down: RUNNING, but the
  heartbeat its run writes every JOB_HEARTBEAT_SECONDS is older than JOB_STALE_SECONDS.

Every job is safe to run twice (its service locks the row, returns if READY and writes to a
deterministic path), so a job queued again while its first run is still alive costs time,
never a second file or number."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import BackgroundJob

logger = logging.getLogger(__name__)

Status = BackgroundJob.Status

# Seconds a job may stay unsent after it was queued: the message goes out after the commit.
UNSENT_GRACE_SECONDS = 5


def job_queue(*, model: type[BackgroundJob], job_id: int, task) -> bool:
    """Send the job's message and record when; a broker that is down leaves the row unsent,
    for the next sweep. Called after the commit that made the job; returns whether it went."""
    try:
        task.delay(job_id)
    except Exception as exc:
        logger.warning(
            "broker unavailable (%s); %s %s waits for the sweep", exc, model.__name__, job_id
        )
        return False
    with contextlib.suppress(DatabaseError):
        # Not recorded if the database went away meanwhile: the sweep sends it once more.
        model.objects.filter(pk=job_id, status=Status.PENDING).update(sent_at=timezone.now())
    return True


@contextlib.contextmanager
def job_heartbeat(*, model: type[BackgroundJob], job_id: int) -> Iterator[None]:
    """While the block runs, a thread writes the job's heartbeat every JOB_HEARTBEAT_SECONDS
    (on its own database connection), so the sweep can tell a running job from one whose
    worker is gone."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    model.objects.filter(pk=job_id, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # The database is away: try again with a new connection next time.
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=settings.JOB_HEARTBEAT_SECONDS)


def _left_behind(now) -> Q:
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    return (
        Q(
            status=Status.PENDING,
            sent_at__isnull=True,
            queued_at__lt=now - timedelta(seconds=UNSENT_GRACE_SECONDS),
        )
        | Q(
            status=Status.PENDING,
            sent_at__lt=now - timedelta(seconds=settings.JOB_PENDING_RESEND_SECONDS),
        )
        | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=stale)
    )


def job_sweep(
    *, model: type[BackgroundJob], queue: Callable[[int], object], exclude: Q | None = None
) -> list[int]:
    """Queue again the jobs of `model` left behind (see the module docstring), each with
    `queue(job_id)`. A job locked by a run that is finishing is left for the next sweep.
    Returns the ids queued."""
    now = timezone.now()
    candidates = model.objects.filter(_left_behind(now))
    if exclude is not None:
        candidates = candidates.exclude(exclude)
    ids = []
    for job_id in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                model.objects.select_for_update(skip_locked=True)
                .filter(_left_behind(now), pk=job_id)
                .first()
            )
            if job is None:
                continue
            job.status = Status.PENDING
            job.queued_at = now
            job.sent_at = None
            job.save(update_fields=["status", "queued_at", "sent_at"])
        logger.info("%s %s queued again by the sweep", model.__name__, job_id)
        queue(job_id)
        ids.append(job_id)
    return ids
