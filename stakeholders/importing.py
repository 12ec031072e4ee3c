"""Bulk import of the directory from CSV or XLSX, and the column layout shared with export.

A file is read, then every row is validated with the same forms staff use on screen, so a
row gets the same Indonesian messages. Rows are matched to what exists by licence number,
then NIB, then (when a row has neither) kind and name: importing the same file twice updates
instead of duplicating. Nothing is written here; `stakeholder_import` (services) writes a
validated preview in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from bp3mi.models import Region

from .choices import (
    MAIN_LICENCE_KIND,
    LicenceKind,
    LicenceStatus,
    OfficeLevel,
    OfficeType,
    StakeholderKind,
)
from .forms import LicenceForm, StakeholderForm
from .models import Licence, Stakeholder, Vocation

ALLOWED_EXTENSIONS = {".csv", ".xlsx"}

# (column, model field) in file order; export writes them, import reads them.
STAKEHOLDER_COLUMNS = [
    ("jenis", "kind"),
    ("nama", "name"),
    ("alamat", "address"),
    ("kab_kota", "region"),
    ("telepon", "phone"),
    ("email", "email"),
    ("situs_web", "website"),
    ("penanggung_jawab", "person_in_charge"),
    ("nib", "nib"),
    ("lintang", "latitude"),
    ("bujur", "longitude"),
    ("jenis_kantor", "office_type"),
    ("kantor_pusat", "head_office"),
    ("kejuruan", "vocations"),
    ("bahasa", "languages"),
    ("layanan", "services"),
    ("tingkat", "office_level"),
    ("aktif", "is_active"),
]
LICENCE_COLUMNS = [
    ("jenis_izin", "kind"),
    ("nomor_izin", "number"),
    ("tanggal_terbit", "issued_on"),
    ("berlaku_sampai", "expires_on"),
    ("status_izin", "status"),
]
# Written by export for readers; ignored by import (SIP2MI are kept on screen).
EXPORT_ONLY_COLUMNS = ["negara_tujuan"]
COLUMNS = [c for c, _f in STAKEHOLDER_COLUMNS] + [c for c, _f in LICENCE_COLUMNS]
REQUIRED_COLUMNS = ["jenis", "nama"]
LIST_SEPARATOR = ";"

CHOICES_BY_COLUMN = {
    "jenis": StakeholderKind,
    "jenis_kantor": OfficeType,
    "tingkat": OfficeLevel,
    "jenis_izin": LicenceKind,
    "status_izin": LicenceStatus,
}
TRUE_WORDS = {"ya", "y", "1", "true", "aktif"}
FALSE_WORDS = {"tidak", "t", "0", "false", "nonaktif", "tidak aktif"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (size, type, columns); the message says why."""


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    instance: Stakeholder | None = None
    stakeholder_fields: dict[str, Any] = field(default_factory=dict)
    vocations: list[Vocation] | None = None
    licence_instance: Licence | None = None
    licence_fields: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.values.get("nama", "")

    @property
    def action(self) -> str:
        return _("perbarui") if self.instance else _("baru")


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def create_count(self) -> int:
        return sum(1 for row in self.rows if row.instance is None)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.instance is not None)


# --- Reading ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Export writes a quote before text that a spreadsheet would run as a formula.
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError)


def _iter_xlsx(handle: BinaryIO) -> Iterator[list[str]]:
    """The rows of the first sheet, read in openpyxl's read-only (streaming) mode."""
    from openpyxl import load_workbook

    if handle.read(4) != b"PK\x03\x04":
        raise ImportFileError(_("Berkas ini bukan spreadsheet XLSX yang sah."))
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except XLSX_ERRORS as exc:
        raise ImportFileError(_("Berkas ini bukan spreadsheet XLSX yang sah.")) from exc
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    except XLSX_ERRORS as exc:
        raise ImportFileError(_("Berkas ini bukan spreadsheet XLSX yang sah.")) from exc
    finally:
        workbook.close()


def _iter_csv(handle: BinaryIO) -> Iterator[list[str]]:
    """The rows of a UTF-8 CSV file, decoded as they are read; `;` or `,` separated."""
    head = handle.read(65536)
    handle.seek(0)
    if b"\x00" in head:
        raise ImportFileError(_("Berkas ini bukan berkas CSV (teks)."))
    first_line = head.split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        for row in csv.reader(text, delimiter=delimiter):
            yield [_cell(v) for v in row]
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Berkas CSV harus disimpan dengan pengodean UTF-8 (pilih 'CSV UTF-8' di Excel).")
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(_("Berkas ini bukan berkas CSV (teks).")) from exc
    finally:
        if not handle.closed:
            text.detach()  # the caller closes its own file


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ada: %(columns)s. Kolom yang dikenal: %(known)s.")
            % {"columns": ", ".join(missing), "known": ", ".join(COLUMNS)}
        )
    unknown = [c for c in header if c and c not in COLUMNS and c not in EXPORT_ONLY_COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Kolom tidak dikenal: %(columns)s. Kolom yang dikenal: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise ImportFileError(
            _("Kolom muncul lebih dari sekali: %(columns)s.") % {"columns": ", ".join(duplicated)}
        )


def max_rows() -> int:
    return settings.STAKEHOLDER_IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.STAKEHOLDER_IMPORT_MAX_BYTES


def too_big_message() -> str:
    return _("Berkas lebih besar dari %(mb)d MB. Bagi menjadi beberapa berkas.") % {
        "mb": max_bytes() // (1024 * 1024)
    }


def iter_table(*, name: str, handle: BinaryIO) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: text}) for each non-empty data row of a CSV or XLSX file, read as a
    stream; the header is checked before the first row. Raises ImportFileError for a file
    that cannot be read, and as soon as it passes the row limit."""
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ImportFileError(_("Hanya berkas CSV atau XLSX yang dapat diimpor."))
    reader = _iter_xlsx(handle) if extension == ".xlsx" else _iter_csv(handle)
    try:
        yield from _table_rows(reader)
    finally:
        reader.close()


def _table_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    header = None
    count = 0
    limit = max_rows()
    for line, row in enumerate(reader, start=1):
        if not any(row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            _check_header(header)
            continue
        count += 1
        if count > limit:
            raise ImportFileError(
                _("Berkas berisi lebih dari %(max)d baris. Bagi menjadi beberapa berkas.")
                % {"max": limit}
            )
        yield (
            line,
            {
                column: (row[i] if i < len(row) else "")
                for i, column in enumerate(header)
                if column in COLUMNS
            },
        )
    if header is None:
        raise ImportFileError(_("Berkas kosong: tidak ada baris judul kolom."))
    if count == 0:
        raise ImportFileError(_("Berkas tidak berisi baris data."))


def check_file(*, name: str, handle: BinaryIO, size: int) -> None:
    """The quick checks made while the upload waits (size, type, header, a first row); the
    rows themselves are checked in the background."""
    if size > max_bytes():
        raise ImportFileError(too_big_message())
    rows = iter_table(name=name, handle=handle)
    try:
        next(rows)
    finally:
        rows.close()
        handle.seek(0)


def read_table(*, name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as {column: text}; raises ImportFileError."""
    if len(content) > max_bytes():
        raise ImportFileError(too_big_message())
    return [values for _line, values in iter_table(name=name, handle=io.BytesIO(content))]


# --- Validating ---------------------------------------------------------------------------------


def _choice(column: str, text: str) -> tuple[str, str | None]:
    """A choice column accepts its code or its label, in any case."""
    if not text:
        return "", None
    choices = CHOICES_BY_COLUMN[column]
    lowered = text.strip().lower()
    for value, label in choices.choices:
        if lowered in {value.lower(), str(label).lower()}:
            return value, None
    return text, _("kolom %(column)s: nilai '%(value)s' tidak dikenal (pilih: %(choices)s).") % {
        "column": column,
        "value": text,
        "choices": ", ".join(choices.values),
    }


class _ImportStakeholderForm(StakeholderForm):
    """The staff form, choosing regions and vocations among those loaded once per file
    instead of one query per row and field."""

    check_against_database = False

    def __init__(self, *args, lookups: _Lookups, **kwargs):
        super().__init__(*args, **kwargs)
        regions, vocations = lookups.region_objects, lookups.vocation_objects
        self.fields["region"].to_python = lambda value: _preloaded(regions, value, "region")
        if "vocations" in self.fields:
            self.fields["vocations"].clean = lambda values: [
                _preloaded(vocations, value, "vocations") for value in values or []
            ]


def _preloaded(objects: dict, value, field_name: str):
    if value in (None, ""):
        return None
    try:
        return objects[int(value)]
    except (KeyError, TypeError, ValueError):
        raise ValidationError(_("Pilihan tidak dikenal."), code="invalid_choice") from None


class _ImportLicenceForm(LicenceForm):
    check_against_database = False


def _chunks(values, size=500):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Lookups:
    """What a file's rows are matched against, loaded once per file in a few queries:
    regions, vocations, and the licences, NIBs and names the file mentions."""

    def __init__(self, *, numbers: set[str], nibs: set[str], names: set[str]):
        self.regions: dict[str, int] = {}
        self.region_objects = {region.pk: region for region in Region.objects.all()}
        for region in self.region_objects.values():
            for key in (region.name, region.code_kemendagri, region.code_bps):
                self.regions[key.lower()] = region.pk
        self.vocations = {v.name.lower(): v for v in Vocation.objects.all()}
        self.vocation_objects = {v.pk: v for v in self.vocations.values()}
        holders = Stakeholder.objects.prefetch_related("vocations")
        self.licences: dict[tuple[str, str], Licence] = {}
        for chunk in _chunks(numbers):
            found = (
                Licence.objects.annotate(lower_number=Lower("number"))
                .filter(lower_number__in=chunk)
                .select_related("stakeholder")
                .prefetch_related("stakeholder__vocations")
            )
            for licence in found:
                self.licences[(licence.kind, licence.number.lower())] = licence
        self.by_nib: dict[str, Stakeholder] = {}
        for chunk in _chunks(nibs):
            self.by_nib.update({s.nib: s for s in holders.filter(nib__in=chunk)})
        self.by_name: dict[tuple[str, str], Stakeholder] = {}
        for chunk in _chunks(names):
            found = holders.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk)
            for stakeholder in found.order_by("pk"):
                self.by_name.setdefault((stakeholder.kind, stakeholder.name.lower()), stakeholder)


def _error_messages(form, columns: dict[str, str]) -> list[str]:
    messages = []
    for field_name, errors in form.errors.items():
        column = columns.get(field_name)
        for error in errors:
            messages.append(
                _("kolom %(column)s: %(error)s") % {"column": column, "error": error}
                if column
                else str(error)
            )
    return messages


def _match(row: ImportRow, kind: str, licence_kind: str, seen: dict, lookups: _Lookups) -> None:
    """Find the existing stakeholder (and licence) this row describes, and catch rows of the
    same file that describe the same thing twice."""
    values = row.values
    number, nib = values.get("nomor_izin", ""), values.get("nib", "")
    by_licence = by_nib = None
    if number:
        key = ("licence", licence_kind, number.lower())
        if key in seen:
            row.errors.append(
                _("Nomor izin %(number)s sudah dipakai di baris %(line)d.")
                % {"number": number, "line": seen[key]}
            )
        seen.setdefault(key, row.line)
        row.licence_instance = lookups.licences.get((licence_kind, number.lower()))
        by_licence = row.licence_instance.stakeholder if row.licence_instance else None
    if nib:
        key = ("nib", nib)
        if key in seen:
            row.errors.append(
                _("NIB %(nib)s sudah dipakai di baris %(line)d.") % {"nib": nib, "line": seen[key]}
            )
        seen.setdefault(key, row.line)
        by_nib = lookups.by_nib.get(nib)
    if by_licence and by_nib and by_licence.pk != by_nib.pk:
        row.errors.append(
            _("Nomor izin milik %(a)s, tetapi NIB milik %(b)s.")
            % {"a": by_licence.name, "b": by_nib.name}
        )
    row.instance = by_licence or by_nib
    if row.instance is None and not number and not nib and values.get("nama"):
        key = ("name", kind, values["nama"].lower())
        if key in seen:
            row.errors.append(
                _("Nama %(name)s sudah dipakai di baris %(line)d.")
                % {"name": values["nama"], "line": seen[key]}
            )
        seen.setdefault(key, row.line)
        row.instance = lookups.by_name.get((kind, values["nama"].lower()))
    if row.instance is not None:
        key = ("stakeholder", row.instance.pk)
        if key in seen and seen[key] != row.line:
            row.errors.append(
                _("Baris ini dan baris %(line)d memperbarui pemangku kepentingan yang sama.")
                % {"line": seen[key]}
            )
        seen.setdefault(key, row.line)
        if row.instance.kind != kind:
            row.errors.append(
                _("kolom jenis: %(name)s tercatat sebagai %(kind)s.")
                % {"name": row.instance.name, "kind": row.instance.get_kind_display()}
            )


def _validate_row(row: ImportRow, lookups: _Lookups, seen: dict) -> None:
    values = row.values
    kind, error = _choice("jenis", values.get("jenis", ""))
    if error or not kind:
        row.errors.append(error or _("kolom jenis: wajib diisi."))
        return
    licence_given = any(values.get(c) for c, _f in LICENCE_COLUMNS)
    licence_kind = ""
    if licence_given:
        licence_kind, error = _choice("jenis_izin", values.get("jenis_izin", ""))
        licence_kind = licence_kind or MAIN_LICENCE_KIND.get(kind, "")
        if error:
            row.errors.append(error)
    _match(row, kind, licence_kind, seen, lookups)

    # Columns the file leaves out keep their stored values.
    data: dict[str, Any] = {}
    if row.instance is not None:
        data = model_to_dict(row.instance, fields=[f for _c, f in STAKEHOLDER_COLUMNS])
        data["vocations"] = [v.pk for v in row.instance.vocations.all()]
    for column, field_name in STAKEHOLDER_COLUMNS:
        if column not in values:
            continue
        text = values[column]
        if column in CHOICES_BY_COLUMN:
            text, error = _choice(column, text)
            if error:
                row.errors.append(error)
        if column == "kab_kota" and text:
            region = lookups.regions.get(text.lower())
            if region is None:
                row.errors.append(
                    _("kolom kab_kota: '%(value)s' tidak dikenal; tulis nama atau kode Kemendagri.")
                    % {"value": text}
                )
            text = region or ""
        if column == "kejuruan":
            names = [n.strip() for n in text.split(LIST_SEPARATOR) if n.strip()]
            unknown = [n for n in names if n.lower() not in lookups.vocations]
            if unknown:
                row.errors.append(
                    _("kolom kejuruan: tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)}
                )
            data["vocations"] = [
                lookups.vocations[n.lower()].pk for n in names if n.lower() in lookups.vocations
            ]
            continue
        if column == "aktif":
            if text.strip().lower() in TRUE_WORDS:
                data["is_active"] = True
            elif text.strip().lower() in FALSE_WORDS:
                data["is_active"] = False
            elif text:
                row.errors.append(_("kolom aktif: tulis 'ya' atau 'tidak'."))
            continue
        data[field_name] = text
    data["kind"] = kind

    form = _ImportStakeholderForm(data=data, instance=row.instance, lookups=lookups)
    columns = {f: c for c, f in STAKEHOLDER_COLUMNS}
    if form.is_valid():
        row.stakeholder_fields = form.service_fields()
        if "is_active" in data:
            row.stakeholder_fields["is_active"] = data["is_active"]
        row.vocations = list(form.cleaned_data.get("vocations") or [])
    else:
        row.errors.extend(_error_messages(form, columns))

    if licence_given:
        _validate_licence(row, kind, licence_kind)


def _validate_licence(row: ImportRow, kind: str, licence_kind: str) -> None:
    values = row.values
    instance = row.licence_instance
    if (
        instance is not None
        and row.instance is not None
        and instance.stakeholder_id != row.instance.pk
    ):
        instance = None
    data: dict[str, Any] = {}
    if instance is not None:
        data = model_to_dict(instance, fields=[f for _c, f in LICENCE_COLUMNS])
    for column, field_name in LICENCE_COLUMNS:
        if column in values and values[column] != "":
            text = values[column]
            if column in CHOICES_BY_COLUMN:
                text, error = _choice(column, text)
                if error:
                    row.errors.append(error)
                    continue
            data[field_name] = text
    data["kind"] = licence_kind
    data.setdefault("status", LicenceStatus.ACTIVE)
    if not licence_kind:
        row.errors.append(_("kolom jenis_izin: wajib diisi untuk jenis ini."))
        return
    holder = row.instance or Stakeholder(kind=kind)
    form = _ImportLicenceForm(data=data, instance=instance, stakeholder=holder)
    if form.is_valid():
        row.licence_instance = instance
        row.licence_fields = dict(form.cleaned_data)
    else:
        row.errors.extend(_error_messages(form, {f: c for c, f in LICENCE_COLUMNS}))


class ImportReader:
    """A file validated as a stream, in batches, so 50,000 rows never sit in memory at once.

    `scan()` reads the file once for the keys rows are matched on (licence numbers, NIBs,
    names) and loads what they match in a few queries; `batches()` reads it again and yields
    validated `ImportRow`s. Rows are checked in file order, so a row repeating an earlier
    row's licence number, NIB or name is caught however far apart they are."""

    def __init__(self, *, name: str, opener: Callable[[], BinaryIO]):
        self.name = name
        self.opener = opener
        self.total = 0
        self.lookups: _Lookups | None = None

    def scan(self) -> int:
        numbers: set[str] = set()
        nibs: set[str] = set()
        names: set[str] = set()
        total = 0
        with self.opener() as handle:
            for _line, values in iter_table(name=self.name, handle=handle):
                total += 1
                if values.get("nomor_izin"):
                    numbers.add(values["nomor_izin"].lower())
                if values.get("nib"):
                    nibs.add(values["nib"])
                if values.get("nama"):
                    names.add(values["nama"].lower())
        self.total = total
        self.lookups = _Lookups(numbers=numbers, nibs=nibs, names=names)
        return total

    def batches(self, size: int = 500) -> Iterator[list[ImportRow]]:
        if self.lookups is None:
            self.scan()
        seen: dict = {}
        batch: list[ImportRow] = []
        with self.opener() as handle:
            for line, values in iter_table(name=self.name, handle=handle):
                row = ImportRow(line=line, values=values)
                _validate_row(row, self.lookups, seen)
                batch.append(row)
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch


def import_preview(*, name: str, content: bytes) -> ImportPreview:
    """Read and validate a whole (small) file in memory; raises ImportFileError for a file
    that cannot be read. Large files go through `ImportReader` in a background job."""
    if len(content) > max_bytes():
        raise ImportFileError(too_big_message())
    reader = ImportReader(name=name, opener=lambda: io.BytesIO(content))
    rows = [row for batch in reader.batches() for row in batch]
    return ImportPreview(rows=rows)


# --- Writing (export) ---------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote; numbers and
    international phone numbers are left alone."""
    numeric = value[1:].replace(" ", "").isdigit() if isinstance(value, str) else False
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not (value.startswith(("+", "-")) and numeric)
    ):
        return "'" + value
    return value
