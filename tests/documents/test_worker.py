"""The letter is produced by a real `celery worker` process on the configured broker (Redis
in CI), not by an eager call."""

import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from documents.models import Letter
from documents.services import letter_sign
from tests.conftest import wait_for

from .helpers import verified_registration

pytestmark = pytest.mark.worker


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
