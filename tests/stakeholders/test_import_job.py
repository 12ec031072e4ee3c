"""The import as a background job: idempotent stages, all-or-nothing writes across batches,
progress another connection can see, the sweep, permissions and the job page."""

import datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bp3mi.models import AuditEvent
from stakeholders import services
from stakeholders.models import ImportJob, Licence, Stakeholder
from stakeholders.services import import_job_sweep
from tests.factories import StakeholderFactory
from tests.stakeholders.test_import import (
    HEADER,
    confirm,
    latest_job,
    private_storage,  # noqa: F401 - the autouse fixture of these tests too
    run,
    upload,
    upload_and_check,
    vocations,  # noqa: F401
)

ROWS = 700  # more than one batch of IMPORT_BATCH_SIZE (500)


def nib(i: int) -> str:
    return f"91{i:011d}"


def many_rows(n: int = ROWS) -> str:
    lines = [HEADER]
    for i in range(1, n + 1):
        lines.append(
            f"p3mi,PT. Massal {i},Kota Kendari,,{nib(i)},cabang,,UJI/M/{i},2025-01-02,2030-01-01"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_each_stage_run_twice_gives_one_result_and_no_duplicates(client, staf_data):
    client.force_login(staf_data)
    job = upload_and_check(client, many_rows())
    assert (job.rows_total, job.rows_done, job.create_count, job.error_count) == (
        ROWS,
        ROWS,
        ROWS,
        0,
    )
    assert len(job.summary["rows"]) == ImportJob.PREVIEW_ROWS
    assert run(job).attempts == 1  # a second check of a READY preview does nothing

    job = confirm(client, job)
    assert job.status == ImportJob.Status.READY and job.create_count == ROWS
    again = run(job)  # the message delivered twice, or the sweep racing the worker
    assert again.status == ImportJob.Status.READY and again.attempts == 1
    confirm(client, job)  # a double click on "Impor"
    assert Stakeholder.objects.count() == ROWS and Licence.objects.count() == ROWS
    assert AuditEvent.objects.filter(message="Ditambahkan ke direktori").count() == ROWS
    assert AuditEvent.objects.filter(message__startswith="Impor direktori selesai").count() == 1


@pytest.mark.django_db
def test_a_row_found_wrong_at_write_time_stores_nothing_from_any_batch(client, staf_data):
    client.force_login(staf_data)
    job = upload_and_check(client, many_rows())
    assert job.may_confirm
    # Between the preview and the write, someone records row 650's NIB for an LPK: that row
    # is now wrong, after a first batch of 500 rows was already written in the transaction.
    StakeholderFactory(kind="lpk", name="LPK Lain", nib=nib(650))
    job = confirm(client, job)
    assert job.status == ImportJob.Status.FAILED
    assert "Direktori berubah" in job.error and "Baris 651" in job.error
    assert Stakeholder.objects.count() == 1 and not Licence.objects.exists()
    assert not AuditEvent.objects.filter(message="Ditambahkan ke direktori").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Direktori berubah" in page and "Tidak ada data yang disimpan" in page


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: no progress during the write"
)
def test_write_progress_is_visible_to_other_connections_while_rows_are_not(
    transactional_db, client, staf_data, monkeypatch
):
    """What the job page sees from its own connection in the middle of the write: the rows
    done so far, and none of the rows (they appear all at once on commit)."""
    client.force_login(staf_data)
    upload(client, many_rows().encode(), "a.csv")
    job = run(latest_job())
    assert job.may_confirm
    client.post(reverse("stakeholders:import_job_action", args=[job.pk]), {"confirm": "1"})
    seen = []
    write = services._import_rows_write

    def observed(rows, **kwargs):
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT status, rows_done, rows_total FROM stakeholders_importjob WHERE id = %s",
                    [job.pk],
                )
                status, done, total = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM stakeholders_stakeholder")
                seen.append((status, done, total, cursor.fetchone()[0]))
        finally:
            other.close()
        return write(rows, **kwargs)

    monkeypatch.setattr(services, "_import_rows_write", observed)
    job = services.import_job_write(job_id=job.pk)
    assert job.status == ImportJob.Status.READY
    assert seen == [("running", 0, ROWS, 0), ("running", 500, ROWS, 0)]
    assert Stakeholder.objects.count() == ROWS


@pytest.mark.django_db
def test_the_job_page_polls_while_running_and_has_a_reload_link_without_javascript(
    client, staf_data
):
    client.force_login(staf_data)
    upload(client, many_rows(3).encode(), "a.csv")
    job = latest_job()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, rows_total=3, rows_done=2
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 dari 3 baris" in page
    assert f'<a href="{job.get_absolute_url()}">Muat ulang</a>' in page
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 2s"' in text and "2 dari 3" in text
    job = run(job)  # done: the page stops polling and shows the preview
    text = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in text and "Semua baris benar" in text


@pytest.mark.django_db
def test_only_the_uploader_with_add_permission_sees_a_job(
    client, staf_data, make_user, verifikator
):
    from bp3mi import roles

    client.force_login(staf_data)
    job = upload_and_check(client, many_rows(2))
    urls = [reverse("stakeholders:import"), job.get_absolute_url()]
    action = reverse("stakeholders:import_job_action", args=[job.pk])

    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(verifikator)  # staff without stakeholders.add_stakeholder
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(action, {"confirm": "1"}).status_code == 403
    client.force_login(make_user(roles.STAF_DATA))  # may import, but this is not their job
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(action, {"confirm": "1"}).status_code == 404
    assert client.get(action).status_code in {404, 405}
    job.refresh_from_db()
    assert job.stage == ImportJob.Stage.CHECK and not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_the_sweep_requeues_stuck_jobs_and_leaves_finished_ones(client, staf_data, settings):
    client.force_login(staf_data)
    upload(client, many_rows(2).encode(), "a.csv")
    lost = latest_job()  # its message never reached a worker
    upload(client, many_rows(2).encode(), "b.csv")
    killed = latest_job()  # its worker died mid-way
    done = upload_and_check(client, many_rows(2))
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT + 60)
    ImportJob.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    ImportJob.objects.filter(pk=killed.pk).update(
        status=ImportJob.Status.RUNNING, started_at=long_ago, attempts=1
    )
    ImportJob.objects.filter(pk=done.pk).update(queued_at=long_ago)
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert sorted(import_job_sweep()) == sorted([lost.pk, killed.pk])
    killed.refresh_from_db()
    assert killed.status == ImportJob.Status.PENDING
    assert run(killed).status == ImportJob.Status.READY and killed.refresh_from_db() is None
    assert import_job_sweep() == []
