"""The heartbeat a running job writes, on its own connection, while its worker is alive."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bp3mi.jobs import job_heartbeat
from documents.models import Letter
from documents.services import letter_sign

from .helpers import verified_registration


def test_a_running_job_beats_until_its_block_ends(transactional_db, verifikator, kepala, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.1
    with transaction.atomic():
        letter = letter_sign(registration=verified_registration(verifikator=verifikator), by=kepala)
    old = timezone.now() - timedelta(minutes=1)
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.RUNNING, heartbeat_at=old)
    with job_heartbeat(model=Letter, job_id=letter.pk):
        deadline = timezone.now() + timedelta(seconds=30)
        while Letter.objects.get(pk=letter.pk).heartbeat_at == old:
            assert timezone.now() < deadline, "no heartbeat written"
    last = Letter.objects.get(pk=letter.pk).heartbeat_at
    assert last > old
    # Stopped with the block: no beat after it.
    time.sleep(0.5)
    assert Letter.objects.get(pk=letter.pk).heartbeat_at == last
