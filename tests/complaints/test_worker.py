"""The complainant's e-mail goes through the real broker to a real `celery worker` process."""

import pytest
from django.db import transaction

from complaints import services
from complaints.choices import EventKind
from complaints.models import CaseEvent
from tests.conftest import wait_for
from tests.factories import CaseFactory

pytestmark = pytest.mark.worker


def test_a_public_update_is_sent_by_a_worker_and_marked_sent(
    celery_worker_process, petugas_pengaduan
):
    case = CaseFactory(complainant_email="keluarga@contoh.test")
    with transaction.atomic():
        event = services.case_event_add(
            case=case,
            kind=EventKind.PUBLIC_UPDATE,
            text="Rahman sudah ditemukan dan dalam perjalanan pulang.",
            by=petugas_pengaduan,
        )
    sent = wait_for(
        lambda: CaseEvent.objects.filter(pk=event.pk, notified_at__isnull=False).first(),
        timeout=120,
        process=celery_worker_process,
    )
    assert sent.notified_at is not None
