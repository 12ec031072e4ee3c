"""The directory as CSV, XLSX and JSON, in the column layout import reads back."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, JsonResponse
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


def _records(stakeholders: Iterable[Stakeholder]):
    day = timezone.localdate()
    for stakeholder in stakeholders:
        yield export_record(stakeholder, day)


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def csv_response(stakeholders: Iterable[Stakeholder], *, stem: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    response.write("\ufeff")  # lets Excel recognise UTF-8
    writer = csv.writer(response)
    writer.writerow(HEADER)
    for record in _records(stakeholders):
        writer.writerow([safe_cell(record[c]) for c in HEADER])
    return response


def xlsx_response(stakeholders: Iterable[Stakeholder], *, stem: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("direktori")
    sheet.append(HEADER)
    for record in _records(stakeholders):
        sheet.append([safe_cell(record[c]) for c in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


def json_response(stakeholders: Iterable[Stakeholder], *, request) -> JsonResponse:
    day = timezone.localdate()
    records = []
    for stakeholder in stakeholders:
        record = export_record(stakeholder, day)
        record["url"] = request.build_absolute_uri(stakeholder.get_absolute_url())
        records.append(record)
    response = JsonResponse({"tanggal": timezone.localdate().isoformat(), "data": records})
    response["Content-Disposition"] = f'attachment; filename="{_filename("direktori", "json")}"'
    return response
