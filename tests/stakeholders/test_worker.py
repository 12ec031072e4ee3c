"""The daily expiry sweep, run by a real `celery worker` process as beat would queue it."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stakeholders.choices import LicenceStatus
from stakeholders.models import ImportJob, Licence, Stakeholder
from stakeholders.tasks import licence_expiry_sweep
from tests.conftest import wait_for
from tests.factories import LicenceFactory

pytestmark = pytest.mark.worker


def test_the_expiry_sweep_runs_on_a_real_worker(celery_worker_process):
    due = LicenceFactory(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    licence_expiry_sweep.delay()
    wait_for(
        lambda: Licence.objects.filter(pk=due.pk, status=LicenceStatus.EXPIRED).exists(),
        timeout=90,
        process=celery_worker_process,
    )


def test_an_import_goes_from_upload_to_done_on_a_real_worker(
    celery_worker_process, client, staf_data
):
    """Upload, check, preview, confirm, write: every stage queued after commit and run by
    a `celery worker` process on the broker, reading the file from the shared storage."""
    client.force_login(staf_data)
    lines = ["jenis,nama,nib,jenis_kantor,nomor_izin,tanggal_terbit"]
    lines += [f"p3mi,PT. Pekerja {i},92{i:011d},cabang,UJI/W/{i},2025-01-02" for i in range(40)]
    response = client.post(
        reverse("stakeholders:import"),
        {"file": SimpleUploadedFile("pekerja.csv", "\n".join(lines).encode())},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(created_by=staf_data)
    job = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).first(),
        timeout=90,
        process=celery_worker_process,
    )
    assert job.may_confirm and job.create_count == 40
    assert "Semua baris benar" in client.get(response["Location"]).content.decode()
    assert not Stakeholder.objects.exists()
    path = job.path
    client.post(reverse("stakeholders:import_job_action", args=[job.pk]), {"confirm": "1"})
    wait_for(
        lambda: ImportJob.objects.filter(
            pk=job.pk, stage=ImportJob.Stage.WRITE, status=ImportJob.Status.READY
        ).exists(),
        timeout=90,
        process=celery_worker_process,
    )
    assert Stakeholder.objects.filter(name__startswith="PT. Pekerja").count() == 40
    assert "Impor selesai: 40 ditambahkan" in client.get(response["Location"]).content.decode()
    wait_for(lambda: not default_storage.exists(path), timeout=10)
