"""Statistics exports: asked for on a page, written by a Celery worker, downloaded later.

The `ReportExport` row is the truth the downloads page shows (PENDING -> RUNNING -> READY |
FAILED). `export_generate` is safe to run twice or after a killed worker: a READY export is
left alone and the file goes to a path fixed by the export's id and token, so a retry
overwrites instead of adding a second file.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bp3mi.jobs import job_heartbeat, job_queue, job_sweep
from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, job_mark_failed, job_retry

from . import selectors, writers
from .choices import ComplaintDimension, Dimension, ExportFormat, ReportKind
from .models import ReportExport
from .tables import Period, Report, month_name

logger = logging.getLogger(__name__)

ROW_KINDS = {ReportKind.PLACEMENT_ROWS}


def export_path(export: ReportExport) -> str:
    """The same path every time an export is written, so a retry overwrites, never adds."""
    return f"exports/{export.queued_at:%Y/%m}/{export.pk}-{export.token}.{export.export_format}"


def dimension_names(kind: str, group_by: list[str]) -> list[str]:
    choices = ComplaintDimension if kind == ReportKind.COMPLAINTS else Dimension
    return [str(choices(d).label) for d in group_by]


def describe(*, kind: str, params: dict[str, Any]) -> str:
    """One line saying what an export holds, for the downloads page and the audit trail."""
    if kind == ReportKind.MONTHLY:
        return _("Tabel bulanan %(month)s %(year)s") % {
            "month": month_name(params["month"]),
            "year": params["year"],
        }
    text = f"{ReportKind(kind).label}: {params.get('label', '')}"
    if params.get("group_by"):
        dims = ", ".join(dimension_names(kind, params["group_by"]))
        text += " - " + _("menurut %(dims)s") % {"dims": dims}
    return text[:300]


def export_request(
    *,
    by: User,
    kind: str,
    export_format: str,
    params: dict[str, Any],
    request: HttpRequest | None = None,
) -> ReportExport:
    """Record an export and queue its job after the transaction commits."""
    with transaction.atomic():
        export = ReportExport.objects.create(
            owner=by,
            kind=kind,
            export_format=export_format,
            params=params,
            description=describe(kind=kind, params=params),
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=export,
            message=export.description,
            request=request,
        )
        transaction.on_commit(lambda: _queue_export(export.pk))
    return export


def _queue_export(export_id: int) -> None:
    """Send the job to the broker. If the broker is down the row stays PENDING and unsent,
    and the sweep sends it when the broker is back."""
    from .tasks import export_generate_task

    job_queue(model=ReportExport, job_id=export_id, task=export_generate_task)


def build_report(export: ReportExport) -> Report:
    """The report an export asked for, computed now."""
    params = export.params
    made_at = timezone.localtime()
    filters = [(_("Laporan"), str(ReportKind(export.kind).label))]
    if export.kind == ReportKind.MONTHLY:
        filters.append((_("Bulan"), f"{month_name(params['month'])} {params['year']}"))
        tables = selectors.monthly_tables(year=params["year"], month=params["month"])
        title = _("Data Penempatan dan Pelindungan PMI %(office)s, %(month)s %(year)s") % {
            "office": settings.OFFICE["name"],
            "month": month_name(params["month"]),
            "year": params["year"],
        }
    else:
        period = Period.from_params(params)
        group_by = params.get("group_by", [])
        filters.append((_("Periode"), period.label))
        filters.append(
            (
                _("Dikelompokkan menurut"),
                ", ".join(dimension_names(export.kind, group_by)) or _("tidak dikelompokkan"),
            )
        )
        if export.kind == ReportKind.PIPELINE:
            tables = [selectors.pipeline_report(period=period, group_by=group_by)]
        elif export.kind == ReportKind.PLACEMENTS:
            tables = [selectors.placement_report(period=period, group_by=group_by)]
        elif export.kind == ReportKind.COMPLAINTS:
            tables = [selectors.complaint_report(period=period, group_by=group_by)]
        else:
            tables = []
        title = tables[0].title if tables else str(ReportKind(export.kind).label)
    filters += [
        (_("Dibuat pada"), made_at.strftime("%d-%m-%Y %H:%M %Z")),
        (_("Diminta oleh"), export.owner.get_full_name() or export.owner.email),
        (_("Kantor"), settings.OFFICE["long_name"]),
        (
            _("Catatan"),
            _(
                "Penempatan dihitung dari CPMI berstatus Berangkat, menurut tanggal "
                "keberangkatannya; kab/kota menurut alamat CPMI. Pengaduan menurut tanggal "
                "diterima."
            ),
        ),
    ]
    return Report(title=title, filters=filters, tables=tables)


def _write(export: ReportExport, out) -> int:
    """Write the export's file into `out`; returns the number of data rows."""
    report = build_report(export)
    if export.kind in ROW_KINDS:
        period = Period.from_params(export.params)
        total = selectors.placement_row_count(period=period) or 1

        def progress(done: int) -> None:
            ReportExport.objects.filter(pk=export.pk).update(
                progress=min(99, 100 * done // total), rows=done
            )

        rows = selectors.placement_rows(period=period)
        columns = selectors.placement_row_columns()
        if export.export_format == ExportFormat.XLSX:
            return writers.write_xlsx_rows(report, columns, rows, out, progress=progress)
        return writers.write_csv_rows(columns, rows, out, progress=progress)
    ReportExport.objects.filter(pk=export.pk).update(progress=50)
    if export.export_format == ExportFormat.XLSX:
        writers.write_xlsx(report, out)
    elif export.export_format == ExportFormat.PDF:
        writers.write_pdf(report, out)
    else:
        writers.write_csv(report, out)
    return sum(len(t.rows) for t in report.tables)


def export_generate(*, export_id: int) -> ReportExport:
    """Write the export's file. Safe to run twice: a READY export is left alone, the file
    goes to `export_path`, and only the first finished run is recorded."""
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export_id)
        if export.status == ReportExport.Status.READY:
            return export
        export.status = ReportExport.Status.RUNNING
        export.attempts += 1
        export.started_at = export.heartbeat_at = timezone.now()
        export.error = ""
        export.progress = 0
        export.save(
            update_fields=["status", "attempts", "started_at", "heartbeat_at", "error", "progress"]
        )
    export = ReportExport.objects.select_related("owner").get(pk=export_id)
    fd, temp_path = tempfile.mkstemp(prefix="bp3mi-export-", suffix="." + export.export_format)
    try:
        try:
            # Reports are official documents in Bahasa Indonesia, whoever's worker runs them.
            with (
                os.fdopen(fd, "w+b") as out,
                translation.override("id"),
                job_heartbeat(model=ReportExport, job_id=export_id),
            ):
                rows = _write(export, out)
        except Exception as exc:
            job_mark_failed(model=ReportExport, job_id=export_id, exc=exc)
            raise
        with transaction.atomic():
            export = ReportExport.objects.select_for_update().get(pk=export_id)
            if export.status == ReportExport.Status.READY:
                return export
            path = export_path(export)
            if default_storage.exists(path):
                default_storage.delete(path)
            with open(temp_path, "rb") as written:
                export.file.name = default_storage.save(path, File(written))
            now = timezone.now()
            export.size = os.path.getsize(temp_path)
            export.rows = rows
            export.progress = 100
            export.status = ReportExport.Status.READY
            export.finished_at = now
            export.expires_at = now + timedelta(days=settings.STATISTICS_EXPORT_RETENTION_DAYS)
            export.save(
                update_fields=[
                    "file",
                    "size",
                    "rows",
                    "progress",
                    "status",
                    "finished_at",
                    "expires_at",
                ]
            )
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
    return export


def export_retry(
    *, export: ReportExport, by: User, request: HttpRequest | None = None
) -> ReportExport:
    """Queue a FAILED export again (the button beside a failed export)."""
    return job_retry(
        job=export,
        by=by,
        message=_("Ekspor diulang"),
        queue=_queue_export,
        request=request,
        progress=0,
    )


def export_download_record(
    *, export: ReportExport, by: User, request: HttpRequest | None = None
) -> AuditEvent:
    """Log that a user downloaded an export's file."""
    return audit_record(
        actor=by,
        action=AuditEvent.Action.EXPORT,
        obj=export,
        message=_("Unduh %(name)s: %(what)s")
        % {"name": export.filename, "what": export.description},
        request=request,
    )


def export_sweep() -> list[int]:
    """Queue again the exports left behind: never sent, lost, or whose worker is gone (see
    bp3mi.jobs). Returns the ids queued."""
    return job_sweep(model=ReportExport, queue=_queue_export)


def export_expire(*, now=None) -> list[int]:
    """Delete the files of exports past their retention; the rows stay as the record of
    what was exported. Returns the ids whose file was deleted."""
    now = now or timezone.now()
    due = ReportExport.objects.filter(expires_at__lte=now).exclude(file="")
    ids = []
    for export_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            export = ReportExport.objects.select_for_update().get(pk=export_id)
            if not export.file:
                continue
            name = export.file.name
            export.file.name = ""
            export.save(update_fields=["file"])
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        ids.append(export_id)
    return ids
