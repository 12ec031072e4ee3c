"""The directory as CSV, XLSX and JSON, in the column layout import reads back."""

from __future__ import annotations

import csv
import datetime
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .importing import COLUMNS, EXPORT_ONLY_COLUMNS, LIST_SEPARATOR, safe_cell
from .models import Stakeholder
from .selectors import main_licence, valid_countries

HEADER = [*COLUMNS, *EXPORT_ONLY_COLUMNS]


def export_record(stakeholder: Stakeholder, day: datetime.date) -> dict[str, Any]:
    """One stakeholder as {column: value}; reads prefetched licences, SIP2MI and vocations."""
    licence = main_licence(stakeholder, day)
    return {
        "jenis": stakeholder.kind,
        "nama": stakeholder.name,
        "alamat": stakeholder.address,
        "kab_kota": stakeholder.region.name if stakeholder.region else "",
        "telepon": stakeholder.phone,
        "email": stakeholder.email,
        "situs_web": stakeholder.website,
        "penanggung_jawab": stakeholder.person_in_charge,
        "nib": stakeholder.nib,
        "lintang": str(stakeholder.latitude) if stakeholder.latitude is not None else "",
        "bujur": str(stakeholder.longitude) if stakeholder.longitude is not None else "",
        "jenis_kantor": stakeholder.office_type,
        "kantor_pusat": stakeholder.head_office,
        "kejuruan": LIST_SEPARATOR.join(v.name for v in stakeholder.vocations.all()),
        "bahasa": stakeholder.languages,
        "layanan": stakeholder.services,
        "tingkat": stakeholder.office_level,
        "aktif": "ya" if stakeholder.is_active else "tidak",
        "jenis_izin": licence.kind if licence else "",
        "nomor_izin": licence.number if licence else "",
        "tanggal_terbit": licence.issued_on.isoformat() if licence else "",
        "berlaku_sampai": licence.expires_on.isoformat() if licence and licence.expires_on else "",
        "status_izin": licence.status_on(day) if licence else "",
        "negara_tujuan": LIST_SEPARATOR.join(c.name for c in valid_countries(stakeholder, day)),
    }


# Rows are read from the database this many at a time (with their licences, SIP2MI and
# vocations prefetched per chunk), so an export holds one chunk in memory, never the list.
CHUNK_SIZE = 500


def _records(stakeholders: QuerySet[Stakeholder]) -> Iterator[tuple[Stakeholder, dict[str, Any]]]:
    day = timezone.localdate()
    for stakeholder in stakeholders.iterator(chunk_size=CHUNK_SIZE):
        yield stakeholder, export_record(stakeholder, day)


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"


class _Echo:
    """A file-like object whose `write` hands the text back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(stakeholders: QuerySet[Stakeholder]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)  # the BOM lets Excel recognise UTF-8
    for _stakeholder, record in _records(stakeholders):
        yield writer.writerow([safe_cell(record[c]) for c in HEADER])


def csv_response(stakeholders: QuerySet[Stakeholder], *, stem: str) -> StreamingHttpResponse:
    """The rows as CSV, streamed as they are read: memory stays flat whatever the count."""
    response = StreamingHttpResponse(
        _csv_lines(stakeholders), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(stakeholders: QuerySet[Stakeholder], *, stem: str) -> FileResponse:
    """The rows as XLSX: openpyxl's write-only workbook keeps no rows in memory; the file is
    written to an anonymous temporary file (gone once the response closes it) and streamed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("direktori")
    sheet.append(HEADER)
    for _stakeholder, record in _records(stakeholders):
        sheet.append([safe_cell(record[c]) for c in HEADER])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(stem, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _json_chunks(stakeholders: QuerySet[Stakeholder], request) -> Iterator[str]:
    day = json.dumps(timezone.localdate().isoformat())
    yield '{"tanggal": ' + day + ', "data": ['
    separator = ""
    for stakeholder, record in _records(stakeholders):
        record["url"] = request.build_absolute_uri(stakeholder.get_absolute_url())
        yield separator + json.dumps(record, cls=DjangoJSONEncoder)
        separator = ", "
    yield "]}"


def json_response(stakeholders: QuerySet[Stakeholder], *, request) -> StreamingHttpResponse:
    """The rows as one JSON object {"tanggal", "data": [...]}, streamed record by record."""
    response = StreamingHttpResponse(
        _json_chunks(stakeholders, request), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("direktori", "json")}"'
    return response
