import datetime
import io
import os
import time
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from bp3mi.models import AuditEvent
from stakeholders.choices import LicenceStatus, StakeholderKind
from stakeholders.importing import ImportFileError, import_preview
from stakeholders.models import ImportJob, Licence, Stakeholder, Vocation
from stakeholders.services import import_job_run, stakeholder_import
from stakeholders.tasks import import_uploads_sweep
from tests.factories import LicenceFactory, StakeholderFactory
from tests.stakeholders.test_views import streamed

pytestmark = pytest.mark.django_db

HEADER = (
    "jenis,nama,kab_kota,telepon,nib,jenis_kantor,kejuruan,nomor_izin,tanggal_terbit,berlaku_sampai"
)
GOOD_CSV = "\n".join(
    [
        HEADER,
        "p3mi,PT. Uji Impor Satu,Kota Kendari,0812 3456 7890,9120000000001,cabang,,UJI/IMP/1,2025-01-02,2030-01-01",
        "P3MI,PT. Uji Impor Dua,74.72,,9120000000002,Kantor pusat,,UJI/IMP/2,02/01/2025,",
        "lpk,LPK Uji Impor,Kab. Wakatobi,,,,Pengelasan;Perhotelan,UJI/LPK/3,2024-06-01,2027-06-01",
        "blk,BLK Uji Impor,Kota Kendari,,,,Pengelasan,,,",
    ]
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files of these tests go to a temporary directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


@pytest.fixture(autouse=True)
def vocations():
    Vocation.objects.create(name="Pengelasan")
    Vocation.objects.create(name="Perhotelan")


def preview(text, name="direktori.csv"):
    return import_preview(name=name, content=text.encode())


def errors(result):
    return {row.line: row.errors for row in result.rows if row.errors}


def upload(client, content: bytes, name: str):
    return client.post(reverse("stakeholders:import"), {"file": SimpleUploadedFile(name, content)})


def latest_job() -> ImportJob:
    return ImportJob.objects.latest("pk")


def run(job: ImportJob) -> ImportJob:
    """What the worker does with the job's message (the queue itself is tested with a real
    worker in test_worker.py). What the job does after its commit (deleting the file) runs."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return import_job_run(job_id=job.pk)


def upload_and_check(client, text: str | bytes, name: str = "direktori.csv") -> ImportJob:
    response = upload(client, text.encode() if isinstance(text, str) else text, name)
    assert response.status_code == 302, response.context["form"].errors
    job = latest_job()
    assert response["Location"] == job.get_absolute_url()
    return run(job)


def confirm(client, job: ImportJob) -> ImportJob:
    response = client.post(
        reverse("stakeholders:import_job_action", args=[job.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    return run(job)


def test_a_good_file_previews_then_imports_and_reimporting_updates(client, staf_data):
    result = preview(GOOD_CSV)
    assert result.is_valid, errors(result)
    assert result.create_count == 4

    client.force_login(staf_data)
    job = upload_and_check(client, GOOD_CSV)
    assert job.status == ImportJob.Status.READY and job.may_confirm
    assert (job.rows_total, job.create_count, job.update_count) == (4, 4, 0)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "PT. Uji Impor Satu" in page and "Semua baris benar" in page
    assert not Stakeholder.objects.exists()  # the preview writes nothing

    job = confirm(client, job)
    assert job.stage == ImportJob.Stage.WRITE and job.status == ImportJob.Status.READY
    assert (job.create_count, job.update_count, job.rows_done) == (4, 0, 4)
    assert (
        "Impor selesai: 4 ditambahkan, 0 diperbarui."
        in client.get(job.get_absolute_url()).content.decode()
    )
    assert Stakeholder.objects.count() == 4
    first = Stakeholder.objects.get(nib="9120000000001")
    assert first.phone == "+6281234567890" and first.office_type == "cabang"
    assert first.licences.get().expires_on.isoformat() == "2030-01-01"
    assert Licence.objects.get(number="UJI/IMP/2").issued_on.isoformat() == "2025-01-02"
    lpk = Stakeholder.objects.get(kind=StakeholderKind.LPK)
    assert {v.name for v in lpk.vocations.all()} == {"Pengelasan", "Perhotelan"}
    created = AuditEvent.objects.filter(actor=staf_data, action="create")
    assert created.filter(message="Ditambahkan ke direktori").count() == 4
    assert created.filter(message__startswith="Izin ").count() == 3
    assert set(
        created.filter(message="Ditambahkan ke direktori").values_list("object_id", flat=True)
    ) == {str(pk) for pk in Stakeholder.objects.values_list("pk", flat=True)}

    # The same file again, with one changed phone number: updates, no duplicates.
    changed = GOOD_CSV.replace("0812 3456 7890", "0813 1111 2222")
    result = preview(changed)
    assert result.is_valid and result.update_count == 4 and result.create_count == 0
    job = confirm(client, upload_and_check(client, changed))
    assert (job.create_count, job.update_count) == (0, 4)
    assert Stakeholder.objects.count() == 4 and Licence.objects.count() == 3
    first.refresh_from_db()
    assert first.phone == "+6281311112222"
    assert AuditEvent.objects.filter(
        actor=staf_data, action="update", object_id=str(first.pk), message="Data diubah"
    ).exists()


def test_export_can_be_imported_back_unchanged(client, staf_data):
    client.force_login(staf_data)
    confirm(client, upload_and_check(client, GOOD_CSV))
    exported = streamed(client.get(reverse("stakeholders:export_xlsx")))
    result = import_preview(name="ekspor.xlsx", content=exported)
    assert result.is_valid, errors(result)
    assert result.update_count == 4
    events = AuditEvent.objects.filter(content_type__model="stakeholder").count()
    job = confirm(client, upload_and_check(client, exported, "ekspor.xlsx"))
    assert job.status == ImportJob.Status.READY and job.update_count == 4
    # nothing differed, nothing written
    assert AuditEvent.objects.filter(content_type__model="stakeholder").count() == events


def test_rows_matched_by_licence_number_or_nib():
    existing = StakeholderFactory(name="PT. Lama", nib="9120000000009", office_type="cabang")
    LicenceFactory(stakeholder=existing, number="UJI/LAMA/1")
    result = preview(
        "jenis,nama,nomor_izin,nib\n"
        "p3mi,PT. Nama Baru,uji/lama/1,\n"
        "p3mi,PT. Nama Baru Lagi,,9120000000009\n"
    )
    assert [row.instance for row in result.rows] == [existing, existing]
    assert 3 in errors(result)  # both rows describe the same company


def test_wrong_columns_are_refused_with_the_columns_named():
    with pytest.raises(ImportFileError, match="Kolom wajib tidak ada: jenis"):
        preview("nama,alamat\nPT. A,Kendari\n")
    with pytest.raises(ImportFileError, match="Kolom tidak dikenal: warna"):
        preview("jenis,nama,warna\np3mi,PT. A,biru\n")


def test_bad_dates_and_values_are_row_errors_in_indonesian():
    result = preview(
        "jenis,nama,jenis_kantor,nomor_izin,tanggal_terbit,berlaku_sampai,kab_kota\n"
        "p3mi,PT. A,cabang,UJI/A,31/02/2025,2030-01-01,Kota Kendari\n"
        "p3mi,PT. B,cabang,UJI/B,2025-05-01,2024-01-01,Kota Kendari\n"
        "toko,PT. C,,,,,\n"
        "p3mi,PT. D,cabang,,,,Kota Antah Berantah\n"
    )
    found = errors(result)
    assert not result.is_valid
    assert "kolom tanggal_terbit: Masukkan tanggal yang valid." in found[2]
    assert any("berlaku_sampai" in e and "sebelum tanggal terbit" in e for e in found[3])
    assert any("kolom jenis" in e and "toko" in e for e in found[4])
    assert any("kab_kota" in e for e in found[5])


def test_duplicate_licence_numbers_in_one_file_are_refused():
    result = preview(
        "jenis,nama,jenis_kantor,nomor_izin,tanggal_terbit\n"
        "p3mi,PT. A,cabang,UJI/SAMA,2025-01-01\n"
        "p3mi,PT. B,cabang,uji/sama,2025-01-01\n"
    )
    assert errors(result) == {3: ["Nomor izin uji/sama sudah dipakai di baris 2."]}


def test_an_invalid_file_writes_nothing_even_when_confirmed(client, staf_data):
    client.force_login(staf_data)
    bad = GOOD_CSV + "\np3mi,PT. Rusak,Kota Kendari,,,cabang,,UJI/RUSAK,bukan-tanggal,\n"
    job = upload_and_check(client, bad)
    assert job.status == ImportJob.Status.READY and job.error_count == 1 and not job.may_confirm
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tidak ada data yang disimpan" in page and "Masukkan tanggal yang valid" in page
    assert 'name="confirm"' not in page
    job = confirm(client, job)  # a forged confirm is refused
    assert job.stage == ImportJob.Stage.CHECK
    assert not Stakeholder.objects.exists()


def test_a_file_over_20_mb_is_refused(client, staf_data):
    client.force_login(staf_data)
    big = (HEADER + "\n").encode() + b"p3mi,PT. Besar\n" * (21 * 1024 * 1024 // 15)
    assert len(big) > 20 * 1024 * 1024
    response = upload(client, big, "besar.csv")
    assert response.status_code == 200
    assert "lebih besar dari 20 MB" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_non_spreadsheet_renamed_xlsx_is_refused(client, staf_data):
    client.force_login(staf_data)
    response = upload(client, b"%PDF-1.7\n" + os.urandom(2000), "daftar.xlsx")
    assert "bukan spreadsheet XLSX" in str(response.context["form"].errors["file"])
    # A zip that is not a workbook is refused too.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("catatan.txt", "bukan lembar kerja")
    response = upload(client, buffer.getvalue(), "daftar.xlsx")
    assert "bukan spreadsheet XLSX" in str(response.context["form"].errors["file"])
    response = upload(client, b"MZ\x00\x00binary", "daftar.csv")
    assert "bukan berkas CSV" in str(response.context["form"].errors["file"])
    response = upload(client, b"jenis,nama\n", "daftar.pdf")
    assert "Hanya berkas CSV atau XLSX" in str(response.context["form"].errors["file"])
    response = upload(client, b"nama,alamat\nPT. A,Kendari\n", "daftar.csv")
    assert "Kolom wajib tidak ada: jenis" in str(response.context["form"].errors["file"])
    assert not Stakeholder.objects.exists() and not ImportJob.objects.exists()


def test_xlsx_with_real_dates_imports(staf_data):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["jenis", "nama", "jenis_kantor", "nomor_izin", "tanggal_terbit", "status_izin"])
    sheet.append(
        ["p3mi", "PT. Excel", "cabang", "UJI/XL/1", datetime.datetime(2025, 3, 4), "Dibekukan"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_preview(name="d.xlsx", content=buffer.getvalue())
    assert result.is_valid, errors(result)
    stakeholder_import(preview=result, by=staf_data)
    licence = Licence.objects.get(number="UJI/XL/1")
    assert licence.issued_on == datetime.date(2025, 3, 4)
    assert licence.status == LicenceStatus.SUSPENDED


def test_the_file_is_kept_privately_and_removed_after_import(client, staf_data):
    client.force_login(staf_data)
    job = upload_and_check(client, GOOD_CSV)
    path = job.path
    assert path.startswith("imports/stakeholders/") and default_storage.exists(path)
    job = confirm(client, job)
    assert job.path == "" and not default_storage.exists(path)


def test_cancelling_deletes_the_file_and_writes_nothing(client, staf_data):
    client.force_login(staf_data)
    job = upload_and_check(client, GOOD_CSV)
    path = job.path
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("stakeholders:import_job_action", args=[job.pk]), {"cancel": "1"}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.stage == ImportJob.Stage.CANCELLED and not default_storage.exists(path)
    assert run(job).stage == ImportJob.Stage.CANCELLED
    confirm(client, job)
    assert not Stakeholder.objects.exists()


def test_a_file_with_too_many_rows_is_refused_before_any_row_is_checked(settings):
    settings.STAKEHOLDER_IMPORT_MAX_ROWS = 1000
    text = "jenis,nama\n" + "p3mi,PT. Banyak\n" * 1001
    with pytest.raises(ImportFileError, match="lebih dari 1000 baris"):
        preview(text)


def test_the_row_limit_fails_the_job_with_the_reason(client, staf_data, settings):
    settings.STAKEHOLDER_IMPORT_MAX_ROWS = 100
    client.force_login(staf_data)
    job = upload_and_check(client, "jenis,nama\n" + "p3mi,PT. Banyak\n" * 101)
    assert job.status == ImportJob.Status.FAILED
    assert "lebih dari 100 baris" in job.error
    assert "lebih dari 100 baris" in client.get(job.get_absolute_url()).content.decode()


def test_the_default_limits_are_50000_rows_and_20_mb(settings):
    assert settings.STAKEHOLDER_IMPORT_MAX_ROWS == 50_000
    assert settings.STAKEHOLDER_IMPORT_MAX_BYTES == 20 * 1024 * 1024


def test_abandoned_preview_files_are_swept_after_a_day(client, staf_data):
    client.force_login(staf_data)
    job = upload_and_check(client, GOOD_CSV)
    path = job.path
    # A stray file no job refers to (e.g. a crash between saving and the job row).
    stray = default_storage.save("imports/stakeholders/stray.csv", io.BytesIO(b"jenis,nama"))
    assert import_uploads_sweep() == 0 and default_storage.exists(path)
    day_old = time.time() - 25 * 3600
    os.utime(default_storage.path(stray), (day_old, day_old))
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - datetime.timedelta(hours=25)
    )
    assert import_uploads_sweep() == 2
    assert not default_storage.exists(path) and not default_storage.exists(stray)
    job.refresh_from_db()
    assert job.stage == ImportJob.Stage.CANCELLED
    assert "dibatalkan" in client.get(job.get_absolute_url()).content.decode()
