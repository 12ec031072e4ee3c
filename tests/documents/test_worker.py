"""The letter is produced by a real `celery worker` process on the configured broker (Redis
in CI), not by an eager call."""

import io
import os
import signal
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection, transaction
from pypdf import PdfReader

from documents.models import Letter
from documents.services import letter_sign, letter_sweep
from tests.conftest import start_celery_worker, stop_celery_worker, wait_for

from .helpers import verified_registration
from .test_services import drop_pools

pytestmark = pytest.mark.worker

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="holds a PostgreSQL table lock (set DATABASE_URL)"
)


def test_signing_queues_a_job_a_real_worker_turns_into_the_letter(
    celery_worker_process, verifikator, kepala
):
    registration = verified_registration(verifikator=verifikator, full_name="La Ode Hamid")
    with transaction.atomic():
        letter = letter_sign(registration=registration, by=kepala)
    ready = wait_for(
        lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).first(),
        timeout=120,
        process=celery_worker_process,
    )
    with ready.file.open("rb") as f:
        text = PdfReader(io.BytesIO(f.read())).pages[0].extract_text()
    assert ready.number in text and "La Ode Hamid" in text
    assert ready.attempts == 1 and len(ready.sha256) == 64
    ready.file.delete(save=False)


@postgres_only
def test_a_letter_whose_worker_is_killed_mid_render_is_finished_by_the_next_worker(
    transactional_db, _isolated_task_queue, private_storage, verifikator, kepala, settings
):
    """The whole process group of the worker dies while the letter renders; its message
    stays unacknowledged in the broker. The sweep sees the heartbeat stop and queues the
    letter again, long before the broker's visibility timeout or the task's time limit."""
    settings.JOB_STALE_SECONDS = 2
    fast_beat = {"MEDIA_ROOT": str(private_storage), "JOB_HEARTBEAT_SECONDS": "0.5"}
    registration = verified_registration(verifikator=verifikator, full_name="Wa Ode Sitti")
    with transaction.atomic():
        letter = letter_sign(registration=registration, by=kepala)
    # Hold the render up after it has started: its query of the documents waits for this lock.
    holder = psycopg2.connect(**postgres_parameters())
    with holder.cursor() as cursor:
        cursor.execute("LOCK TABLE documents_document IN ACCESS EXCLUSIVE MODE")
    first = start_celery_worker(_isolated_task_queue, **fast_beat)
    try:
        wait_for(
            lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.RUNNING).exists(),
            timeout=120,
            process=first,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        holder.rollback()
        holder.close()
        stop_celery_worker(first)
    second = start_celery_worker(_isolated_task_queue, **fast_beat)
    try:

        def swept_and_ready():
            letter_sweep()
            return Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).first()

        ready = wait_for(swept_and_ready, timeout=120, interval=0.5, process=second)
    finally:
        stop_celery_worker(second)
    assert ready.number == letter.number and ready.attempts == 2
    assert list((private_storage / "letters").rglob("*.pdf")) == [private_storage / ready.file.name]
    assert Letter.objects.filter(registration=registration).count() == 1


def postgres_parameters() -> dict:
    from django.db import connection

    s = connection.settings_dict
    return {
        "dbname": s["NAME"],
        "user": s["USER"],
        "password": s["PASSWORD"],
        "host": s["HOST"],
        "port": s["PORT"] or 5432,
    }


def test_a_worker_that_connects_sends_the_letters_signed_while_the_broker_was_down(
    transactional_db, _isolated_task_queue, private_storage, verifikator, kepala
):
    """No beat runs here: the worker's own sweep on connecting sends the letter."""
    from bp3mi.celery import app

    registration = verified_registration(verifikator=verifikator)
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.broker_transport_options = {"max_retries": 0}
    drop_pools(app)
    try:
        with transaction.atomic():
            letter = letter_sign(registration=registration, by=kepala)
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        drop_pools(app)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING and letter.sent_at is None
    # Signed a while ago: past the few seconds an unsent job is given to go out.
    Letter.objects.filter(pk=letter.pk).update(queued_at=letter.queued_at - timedelta(minutes=1))
    worker = start_celery_worker(_isolated_task_queue, MEDIA_ROOT=str(private_storage))
    try:
        ready = wait_for(
            lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).first(),
            timeout=120,
            process=worker,
        )
    finally:
        stop_celery_worker(worker)
    assert ready.attempts == 1 and ready.number == letter.number
