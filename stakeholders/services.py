"""Writes on the directory. Each service is one transaction, locks what it changes, returns
early when nothing changes, and records who changed what in the audit trail.

Every event is recorded against the stakeholder (also for its licences and SIP2MI), so the
stakeholder's page shows one history. A licence's `status` follows its expiry date: saving
an active licence whose date has passed stores it as expired, and extending an expired one
makes it active again; suspension and revocation are left as they are.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, client_ip, model_changes, model_snapshot

from .choices import LicenceStatus
from .importing import ImportFileError, ImportReader, check_file
from .models import ImportJob, Licence, Sip2mi, Stakeholder, Vocation

logger = logging.getLogger(__name__)

SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def snapshot(
    obj: models.Model, *, prefix: str = "", vocations: Iterable[Vocation] | None = None
) -> dict[str, Any]:
    """The concrete fields of `obj` as JSON-ready values (foreign keys as their ids); for a
    stakeholder also its vocations (read from the database unless given)."""
    data = model_snapshot(obj, exclude={*SKIPPED_FIELDS, "stakeholder"}, prefix=prefix)
    if isinstance(obj, Stakeholder) and obj.pk:
        chosen = obj.vocations.all() if vocations is None else vocations
        data["vocations"] = sorted(v.name for v in chosen)
    return data


# Foreign keys are left to the database's own constraint: checking that a region or the
# stakeholder exists would cost a query per save, and a form has already chosen them.
FULL_CLEAN_EXCLUDE = {"region", "stakeholder"}


def _assign(obj: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _check_vocations(stakeholder: Stakeholder, vocations: Iterable[Vocation] | None) -> None:
    """Vocations are many-to-many, out of reach of `Stakeholder.clean`: check them here."""
    if vocations and not Stakeholder.may_fill(stakeholder.kind, "vocations"):
        raise ValidationError(
            {
                "vocations": _("Kejuruan tidak berlaku untuk %(kind)s.")
                % {"kind": stakeholder.get_kind_display()}
            },
            code="field_not_for_kind",
        )


def stakeholder_create(
    *,
    by: User | None,
    fields: dict[str, Any],
    vocations: Iterable[Vocation] = (),
    request: HttpRequest | None = None,
) -> Stakeholder:
    """Add a stakeholder to the directory."""
    with transaction.atomic():
        vocations = list(vocations)
        stakeholder = Stakeholder(**fields)
        stakeholder.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        _check_vocations(stakeholder, vocations)
        stakeholder.save()
        if vocations:
            stakeholder.vocations.set(vocations)
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=stakeholder,
            message="Ditambahkan ke direktori",
            changes=model_changes({}, snapshot(stakeholder, vocations=vocations)),
            request=request,
        )
    return stakeholder


def stakeholder_update(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    vocations: Iterable[Vocation] | None = None,
    request: HttpRequest | None = None,
) -> Stakeholder:
    """Change a stakeholder's fields (and vocations, when given). Nothing that differs: no
    write and no audit event."""
    with transaction.atomic():
        locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
        before = snapshot(locked)
        _assign(locked, fields)
        if vocations is None and not Stakeholder.may_fill(locked.kind, "vocations"):
            vocations = []  # a kind without vocations keeps none from its former kind
        after = {**snapshot(locked), "vocations": before["vocations"]}
        if vocations is not None:
            after["vocations"] = sorted(v.name for v in vocations)
        changes = model_changes(before, after)
        if not changes:
            return locked
        locked.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        _check_vocations(locked, vocations)
        locked.save()
        if vocations is not None and "vocations" in changes:
            locked.vocations.set(vocations)
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            message="Data diubah",
            changes=changes,
            request=request,
        )
    return locked


def stakeholder_set_active(
    *, stakeholder: Stakeholder, by: User | None, active: bool, request: HttpRequest | None = None
) -> Stakeholder:
    """Deactivate (hide from the public directory and Cek P3MI) or reactivate a stakeholder.
    Its licences and history stay."""
    with transaction.atomic():
        locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            message="Diaktifkan kembali" if active else "Dinonaktifkan",
            changes={"is_active": [not active, active]},
            request=request,
        )
    return locked


def licence_save(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    licence: Licence | None = None,
    request: HttpRequest | None = None,
) -> Licence:
    """Add a licence to a stakeholder, or change one of its licences."""
    day = timezone.localdate()
    with transaction.atomic():
        Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
        if licence is None:
            locked = Licence(stakeholder=stakeholder)
            before: dict[str, Any] = {}
        else:
            locked = Licence.objects.select_for_update().get(pk=licence.pk, stakeholder=stakeholder)
            before = snapshot(locked, prefix="izin.")
        _assign(locked, fields)
        if locked.kind not in stakeholder.licence_kinds:
            raise ValidationError(
                {
                    "kind": _("Jenis izin ini tidak berlaku untuk %(kind)s.")
                    % {"kind": stakeholder.get_kind_display()}
                },
                code="licence_not_for_kind",
            )
        locked.status = locked.status_to_store(day)
        changes = model_changes(before, snapshot(locked, prefix="izin."))
        if not changes:
            return locked
        locked.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=stakeholder,
            message=f"Izin {locked} {'diubah' if before else 'ditambahkan'}",
            changes=changes,
            request=request,
        )
    return locked


def sip2mi_save(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    sip2mi: Sip2mi | None = None,
    request: HttpRequest | None = None,
) -> Sip2mi:
    """Add a SIP2MI (destination country permit) to a P3MI, or change one of its SIP2MI."""
    with transaction.atomic():
        Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
        if sip2mi is None:
            locked = Sip2mi(stakeholder=stakeholder)
            before: dict[str, Any] = {}
        else:
            locked = Sip2mi.objects.select_for_update().get(pk=sip2mi.pk, stakeholder=stakeholder)
            before = snapshot(locked, prefix="sip2mi.")
        _assign(locked, fields)
        changes = model_changes(before, snapshot(locked, prefix="sip2mi."))
        if not changes:
            return locked
        locked.full_clean()
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=stakeholder,
            message=f"SIP2MI {locked.country} {'diubah' if before else 'ditambahkan'}",
            changes=changes,
            request=request,
        )
    return locked


def licences_expire(*, day: datetime.date | None = None) -> list[int]:
    """Mark as expired every active licence whose expiry date is before `day` (today by
    default). Returns the ids it changed; a second run on the same day changes nothing."""
    day = day or timezone.localdate()
    with transaction.atomic():
        due = list(
            Licence.objects.select_for_update(of=("self",))
            .due_to_expire_on(day)
            .select_related("stakeholder")
            .order_by("pk")
        )
        for licence in due:
            licence.status = LicenceStatus.EXPIRED
            licence.save(update_fields=["status"])
            audit_record(
                actor=None,
                action=AuditEvent.Action.STATUS,
                obj=licence.stakeholder,
                message=f"Izin {licence} kedaluwarsa pada {licence.expires_on:%d/%m/%Y}",
                changes={"izin.status": [LicenceStatus.ACTIVE, LicenceStatus.EXPIRED]},
            )
    return [licence.pk for licence in due]


IMPORT_DIRECTORY = "imports/stakeholders"
IMPORT_BATCH_SIZE = 500


def _import_rows_write(
    rows, *, by: User | None, request: HttpRequest | None = None
) -> tuple[int, int]:
    """Write validated rows (`importing.ImportRow`) inside the caller's transaction.

    New stakeholders, their vocations, licences and audit events are written with one
    `bulk_create` each per batch; rows that update a stakeholder go through
    `stakeholder_update` and `licence_save`, which lock, compare and audit row by row.
    Returns (created, updated)."""
    day = timezone.localdate()
    actor = by if by is not None and by.is_authenticated else None
    ip = client_ip(request)
    new_rows = [row for row in rows if row.instance is None]
    fresh = []
    for row in new_rows:
        stakeholder = Stakeholder(**row.stakeholder_fields)
        _check_vocations(stakeholder, row.vocations)
        fresh.append(stakeholder)
    Stakeholder.objects.bulk_create(fresh)
    through = Stakeholder.vocations.through
    through.objects.bulk_create(
        through(stakeholder_id=stakeholder.pk, vocation_id=vocation.pk)
        for row, stakeholder in zip(new_rows, fresh, strict=True)
        for vocation in row.vocations or ()
    )
    licences = []
    for row, stakeholder in zip(new_rows, fresh, strict=True):
        if row.licence_fields is None:
            continue
        licence = Licence(stakeholder=stakeholder, **row.licence_fields)
        if licence.kind not in stakeholder.licence_kinds:
            raise ValidationError(
                {
                    "kind": _("Jenis izin ini tidak berlaku untuk %(kind)s.")
                    % {"kind": stakeholder.get_kind_display()}
                },
                code="licence_not_for_kind",
            )
        licence.status = licence.status_to_store(day)
        licences.append(licence)
    Licence.objects.bulk_create(licences)
    content_type = ContentType.objects.get_for_model(Stakeholder)

    def event(stakeholder, message, changes):
        return AuditEvent(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            content_type=content_type,
            object_id=str(stakeholder.pk),
            object_repr=str(stakeholder)[:200],
            message=message[:500],
            changes=changes,
            ip_address=ip,
        )

    events = [
        event(
            stakeholder,
            "Ditambahkan ke direktori",
            model_changes({}, snapshot(stakeholder, vocations=row.vocations or ())),
        )
        for row, stakeholder in zip(new_rows, fresh, strict=True)
    ]
    events += [
        event(
            licence.stakeholder,
            f"Izin {licence} ditambahkan",
            model_changes({}, snapshot(licence, prefix="izin.")),
        )
        for licence in licences
    ]
    AuditEvent.objects.bulk_create(events)

    updated = 0
    for row in rows:
        if row.instance is None:
            continue
        stakeholder = stakeholder_update(
            stakeholder=row.instance,
            by=by,
            fields=row.stakeholder_fields,
            vocations=row.vocations,
            request=request,
        )
        if row.licence_fields is not None:
            licence_save(
                stakeholder=stakeholder,
                by=by,
                fields=row.licence_fields,
                licence=row.licence_instance,
                request=request,
            )
        updated += 1
    return len(fresh), updated


def stakeholder_import(
    *, preview, by: User | None, request: HttpRequest | None = None
) -> tuple[int, int]:
    """Write a validated import preview (`importing.ImportPreview`): every row or none.
    Returns (created, updated)."""
    if not preview.is_valid:
        raise ValueError("Only a preview without errors can be imported.")
    with transaction.atomic():
        return _import_rows_write(preview.rows, by=by, request=request)


# --- Import jobs ----------------------------------------------------------------------------------


def _import_file_delete(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


def _queue_import_job(job_id: int) -> None:
    """Send the job to the broker. If the broker is down the row stays PENDING and the
    sweep sends it when the broker is back."""
    from .tasks import import_job_task

    try:
        import_job_task.delay(job_id)
    except Exception as exc:
        logger.warning("broker unavailable (%s); import job %s waits for the sweep", exc, job_id)


def import_job_create(
    *, by: User, name: str, handle: BinaryIO, size: int, request: HttpRequest | None = None
) -> ImportJob:
    """Keep an uploaded file privately and queue the check of its rows. The quick checks
    (size, type, header) are made here, so a wrong file is refused at once; raises
    `ImportFileError` with the reason in Indonesian."""
    check_file(name=name, handle=handle, size=size)
    extension = PurePath(name).suffix.lower()
    path = default_storage.save(
        f"{IMPORT_DIRECTORY}/{secrets.token_hex(16)}{extension}", File(handle)
    )
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(created_by=by, file_name=name[:200], path=path)
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE,
                obj=job,
                message="Berkas impor direktori diunggah",
                request=request,
            )
            transaction.on_commit(lambda: _queue_import_job(job.pk))
    except Exception:
        _import_file_delete(path)
        raise
    return job


def _import_job_claim(job_id: int, stage: str) -> int | None:
    """Mark the job RUNNING for a new attempt and return that attempt's number, or None when
    there is nothing to do (already READY, cancelled, or in another stage)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.stage != stage or job.status == ImportJob.Status.READY:
            return None
        job.status = ImportJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.rows_done = 0
        job.save(update_fields=["status", "attempts", "started_at", "error", "rows_done"])
        return job.attempts


def _import_job_fail(job_id: int, attempt: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING, attempts=attempt).update(
        status=ImportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def _job_opener(path: str):
    return lambda: default_storage.open(path, "rb")


def import_job_check(*, job_id: int) -> ImportJob:
    """Stage CHECK: read and validate every row, keep the counts, a preview of the first
    rows and a sample of the rows with errors. Writes nothing but the job row; running it
    twice gives the same result. A file that cannot be read fails the job with the reason."""
    attempt = _import_job_claim(job_id, ImportJob.Stage.CHECK)
    if attempt is None:
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.get(pk=job_id)
    reader = ImportReader(name=job.file_name, opener=_job_opener(job.path))
    preview: list[dict] = []
    error_rows: list[dict] = []
    counts = {"create": 0, "update": 0, "error": 0}
    done = 0
    try:
        total = reader.scan()
        ImportJob.objects.filter(pk=job_id, attempts=attempt).update(rows_total=total)
        for batch in reader.batches(IMPORT_BATCH_SIZE):
            for row in batch:
                entry = {
                    "line": row.line,
                    "name": row.name[:200],
                    "action": "update" if row.instance else "create",
                    "errors": row.errors[:10],
                }
                if len(preview) < ImportJob.PREVIEW_ROWS:
                    preview.append(entry)
                if row.errors:
                    counts["error"] += 1
                    if len(error_rows) < ImportJob.ERROR_SAMPLE:
                        error_rows.append(entry)
                counts["update" if row.instance else "create"] += 1
            done += len(batch)
            # Committed at once (no transaction is open): the job page shows it.
            ImportJob.objects.filter(pk=job_id, attempts=attempt).update(rows_done=done)
    except ImportFileError as exc:
        _import_job_fail(job_id, attempt, str(exc))
        return ImportJob.objects.get(pk=job_id)
    except Exception:
        _import_job_fail(job_id, attempt, _("Berkas gagal diperiksa karena kesalahan sistem."))
        raise
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING, attempts=attempt).update(
        status=ImportJob.Status.READY,
        finished_at=timezone.now(),
        rows_total=done,
        rows_done=done,
        create_count=counts["create"],
        update_count=counts["update"],
        error_count=counts["error"],
        summary={"rows": preview, "errors": error_rows},
    )
    return ImportJob.objects.get(pk=job_id)


def import_job_confirm(
    *, job: ImportJob, by: User, request: HttpRequest | None = None
) -> ImportJob:
    """The staff member confirmed a preview without errors: queue the write. A second click
    (or a preview with errors, or a cancelled job) changes nothing."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not locked.may_confirm:
            return locked
        locked.stage = ImportJob.Stage.WRITE
        locked.status = ImportJob.Status.PENDING
        locked.queued_at = timezone.now()
        locked.started_at = locked.finished_at = None
        locked.attempts = 0
        locked.rows_done = 0
        locked.save(
            update_fields=[
                "stage",
                "status",
                "queued_at",
                "started_at",
                "finished_at",
                "attempts",
                "rows_done",
            ]
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            message="Impor direktori dikonfirmasi",
            changes={"stage": [ImportJob.Stage.CHECK, ImportJob.Stage.WRITE]},
            request=request,
        )
        transaction.on_commit(lambda: _queue_import_job(locked.pk))
    return locked


def import_job_cancel(*, job: ImportJob, by: User, request: HttpRequest | None = None) -> ImportJob:
    """Drop a job that is still at its preview; its file is deleted. Nothing else changes."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.stage != ImportJob.Stage.CHECK:
            return locked
        path = locked.path
        locked.stage = ImportJob.Stage.CANCELLED
        locked.path = ""
        locked.save(update_fields=["stage", "path"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            message="Impor direktori dibatalkan",
            request=request,
        )
        transaction.on_commit(lambda: _import_file_delete(path))
    return locked


class _Superseded(Exception):
    """Another attempt of the same job has taken over: this one's writes are rolled back."""


class _Progress:
    """Progress of the write stage, reported on a second database connection.

    The write is one transaction, so every row of the file is stored or none is; but what a
    transaction writes is invisible to other connections until it commits, so a progress
    count saved inside it would show 0 until the end and then 100%. The count is therefore
    saved through a separate connection in autocommit mode, between batches: the job page
    sees it move while the import's own transaction stays open. The separate connection
    touches only `rows_done` and never waits on the import's locks (the import locks the job
    row only at its very end). SQLite allows one writer at a time, so there (development and
    the zero-set-up default) the count is not reported during the write."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id = job_id
        self.attempt = attempt
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, done: int) -> None:
        if self.connection is None:
            return
        table = ImportJob._meta.db_table
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_done = %s WHERE id = %s AND attempts = %s"  # noqa: S608  # nosec B608 - table name from the model
                    " AND rows_total >= %s",
                    [done, self.job_id, self.attempt, done],
                )
        except DatabaseError as exc:  # progress is a courtesy; the import goes on
            logger.warning("import progress not saved: %s", exc)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_job_write(*, job_id: int) -> ImportJob:
    """Stage WRITE: check every row again against the directory as it is now, then write
    them all in one transaction, in batches of IMPORT_BATCH_SIZE, or none of them.

    Safe to run twice, or after a killed worker: a READY job is left alone, and the
    transaction commits only if the job is still RUNNING in this very attempt (checked under
    the row lock as its last statement), so a run overtaken by a newer attempt rolls back
    and the directory never gets a row twice. A row found wrong at this point (the
    directory changed since the preview) fails the job with nothing stored."""
    attempt = _import_job_claim(job_id, ImportJob.Stage.WRITE)
    if attempt is None:
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    by = job.created_by
    reader = ImportReader(name=job.file_name, opener=_job_opener(job.path))
    progress = _Progress(job_id, attempt)
    changed = _(
        "Direktori berubah sejak pratinjau; tidak ada data yang disimpan. Unggah ulang berkas untuk melihat pratinjau baru."
    )
    try:
        total = reader.scan()
        ImportJob.objects.filter(pk=job_id, attempts=attempt).update(rows_total=total)
        created = updated = done = 0
        with transaction.atomic():
            for batch in reader.batches(IMPORT_BATCH_SIZE):
                wrong = [row for row in batch if row.errors]
                if wrong:
                    raise ValidationError(
                        _("Baris %(line)d: %(error)s")
                        % {"line": wrong[0].line, "error": wrong[0].errors[0]}
                    )
                batch_created, batch_updated = _import_rows_write(batch, by=by)
                created += batch_created
                updated += batch_updated
                done += len(batch)
                progress.report(done)
            finished = ImportJob.objects.filter(
                pk=job_id, status=ImportJob.Status.RUNNING, attempts=attempt
            ).update(
                status=ImportJob.Status.READY,
                finished_at=timezone.now(),
                rows_total=done,
                rows_done=done,
                create_count=created,
                update_count=updated,
                path="",
            )
            if not finished:
                raise _Superseded
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                obj=job,
                message=f"Impor direktori selesai: {created} ditambahkan, {updated} diperbarui",
                changes={"created": [0, created], "updated": [0, updated]},
            )
            transaction.on_commit(lambda: _import_file_delete(job.path))
    except _Superseded:
        pass
    except ImportFileError as exc:
        _import_job_fail(job_id, attempt, str(exc))
    except (ValidationError, IntegrityError) as exc:
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        _import_job_fail(job_id, attempt, f"{changed} {detail}".strip())
    except Exception:
        _import_job_fail(
            job_id, attempt, _("Impor gagal karena kesalahan sistem; tidak ada data yang disimpan.")
        )
        raise
    finally:
        progress.close()
    return ImportJob.objects.get(pk=job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """Run whichever stage the job is in (what the task calls)."""
    stage = ImportJob.objects.values_list("stage", flat=True).get(pk=job_id)
    if stage == ImportJob.Stage.WRITE:
        return import_job_write(job_id=job_id)
    return import_job_check(job_id=job_id)


def import_job_sweep() -> list[int]:
    """Re-queue import jobs whose message may be lost: PENDING for over a minute, or RUNNING
    past the task time limit (a killed worker). Returns the ids queued."""
    now = timezone.now()
    stuck = ImportJob.objects.exclude(stage=ImportJob.Stage.CANCELLED).filter(
        Q(status=ImportJob.Status.PENDING, queued_at__lt=now - datetime.timedelta(minutes=1))
        | Q(
            status=ImportJob.Status.RUNNING,
            started_at__lt=now - datetime.timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT),
        )
    )
    ids = []
    for job_id in list(stuck.values_list("pk", flat=True)):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if not job.is_working:
                continue
            job.status = ImportJob.Status.PENDING
            job.queued_at = now
            job.save(update_fields=["status", "queued_at"])
        _queue_import_job(job_id)
        ids.append(job_id)
    return ids


def import_uploads_discard(*, older_than: datetime.timedelta) -> int:
    """Delete import files nobody will write any more: those of jobs left at their preview
    (or failed) longer than `older_than`, and files no job refers to. Such a job is marked
    cancelled. Returns how many files were deleted."""
    cutoff = timezone.now() - older_than
    deleted = 0
    abandoned = ImportJob.objects.filter(
        ~Q(status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]),
        stage=ImportJob.Stage.CHECK,
        created_at__lt=cutoff,
    ) | ImportJob.objects.filter(
        stage=ImportJob.Stage.WRITE, status=ImportJob.Status.FAILED, created_at__lt=cutoff
    )
    for job_id in list(abandoned.exclude(path="").values_list("pk", flat=True)):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            path = job.path
            if job.stage == ImportJob.Stage.CHECK:
                job.stage = ImportJob.Stage.CANCELLED
            job.path = ""
            job.save(update_fields=["stage", "path"])
        if path and default_storage.exists(path):
            default_storage.delete(path)
            deleted += 1
    if default_storage.exists(IMPORT_DIRECTORY):
        in_use = set(ImportJob.objects.exclude(path="").values_list("path", flat=True))
        _dirs, files = default_storage.listdir(IMPORT_DIRECTORY)
        for name in files:
            path = f"{IMPORT_DIRECTORY}/{name}"
            if path not in in_use and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted
