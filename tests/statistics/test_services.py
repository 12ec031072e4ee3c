"""Export jobs: the files they write (read back), idempotency, failure, retry, expiry."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from bp3mi.models import AuditEvent
from registrations.choices import Scheme
from reports.choices import Dimension, ExportFormat, ReportKind
from reports.models import ReportExport
from reports.services import (
    export_expire,
    export_generate,
    export_request,
    export_retry,
    export_sweep,
)
from reports.tables import period_month, period_year

from .conftest import place

pytestmark = pytest.mark.django_db

D = datetime.date


def make_export(user, kind, export_format, params):
    return export_request(by=user, kind=kind, export_format=export_format, params=params)


def read(export) -> bytes:
    with export.file.open("rb") as f:
        return f.read()


@pytest.fixture
def march_2026():
    place(D(2025, 3, 3))
    place(D(2026, 3, 1))
    place(D(2026, 3, 2), sector="informal", region_code="74.02")
    place(D(2026, 3, 9), scheme=Scheme.G2G, iso="KR")


def test_grouped_csv_holds_the_database_counts(staf_data, march_2026):
    params = {**period_month(2026, 3).as_params(), "group_by": [Dimension.REGION]}
    export = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params)
    export = export_generate(export_id=export.pk)
    assert export.status == ReportExport.Status.READY and export.progress == 100
    rows = list(csv.reader(io.StringIO(read(export).decode("utf-8-sig"))))
    assert rows[0] == ["Kabupaten/kota asal", "Jumlah penempatan"]
    assert {tuple(r) for r in rows[1:-1]} == {("Kota Kendari", "2"), ("Kab. Konawe", "1")}
    assert rows[-1] == ["Jumlah", "3"]


def test_monthly_xlsx_states_its_filters_on_the_first_sheet_and_holds_the_tables(
    staf_data, march_2026
):
    export = make_export(
        staf_data, ReportKind.MONTHLY, ExportFormat.XLSX, {"year": 2026, "month": 3}
    )
    export = export_generate(export_id=export.pk)
    book = load_workbook(io.BytesIO(read(export)), read_only=True)
    first = book.worksheets[0]
    assert first.title == "Keterangan"
    facts = {row[0]: row[1] for row in first.iter_rows(min_row=3, values_only=True) if row[0]}
    assert facts["Bulan"] == "Maret 2026"
    assert facts["Diminta oleh"] == staf_data.full_name
    made = datetime.datetime.strptime(facts["Dibuat pada"][:16], "%d-%m-%Y %H:%M")
    assert abs(made - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(minutes=5)
    same_month = list(book.worksheets[1].iter_rows(values_only=True))
    assert same_month[2][:2] == ("2024", 0)
    assert same_month[3][:2] == ("2025", 1)
    assert same_month[4][:2] == ("2026", 3)
    # Penempatan (7 tables), Pengaduan (5), Lintas kedatangan (2), after the filters sheet.
    assert len(book.worksheets) == 1 + 7 + 5 + 2


def test_monthly_pdf_is_in_bahasa_indonesia_with_the_figures_and_svg_charts(staf_data, march_2026):
    export = make_export(
        staf_data, ReportKind.MONTHLY, ExportFormat.PDF, {"year": 2026, "month": 3}
    )
    export = export_generate(export_id=export.pk)
    reader = PdfReader(io.BytesIO(read(export)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Data Penempatan dan Pelindungan PMI" in text
    assert "Penempatan G to G menurut negara" in text
    assert "Korea Selatan" in text
    assert "Dibuat pada" in text


def test_the_pdf_html_draws_charts_as_inline_svg(staf_data, march_2026):
    from reports.services import build_report
    from reports.writers import report_html

    export = make_export(
        staf_data, ReportKind.MONTHLY, ExportFormat.PDF, {"year": 2026, "month": 3}
    )
    html = report_html(build_report(export))
    assert html.count("<svg") >= 3 and "<script" not in html


def test_a_job_run_twice_gives_one_file(staf_data, march_2026, private_storage):
    params = {**period_year(2026).as_params(), "group_by": []}
    export = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.XLSX, params)
    first = export_generate(export_id=export.pk)
    second = export_generate(export_id=export.pk)
    assert first.file.name == second.file.name
    files = [p for p in private_storage.rglob("*") if p.is_file()]
    assert len(files) == 1
    export.refresh_from_db()
    assert export.status == ReportExport.Status.READY and export.attempts == 1


def test_row_export_streams_one_line_per_placement_without_names_or_nik(staf_data, march_2026):
    params = period_month(2026, 3).as_params()
    export = make_export(staf_data, ReportKind.PLACEMENT_ROWS, ExportFormat.CSV, params)
    export = export_generate(export_id=export.pk)
    text = read(export).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3 and export.rows == 3
    assert rows[0][0] == "Nomor pendaftaran"
    from registrations.models import Applicant

    for applicant in Applicant.objects.all():
        assert applicant.nik not in text and applicant.full_name not in text


def test_row_export_as_xlsx(staf_data, march_2026):
    params = period_month(2026, 3).as_params()
    export = make_export(staf_data, ReportKind.PLACEMENT_ROWS, ExportFormat.XLSX, params)
    export = export_generate(export_id=export.pk)
    book = load_workbook(io.BytesIO(read(export)), read_only=True)
    data = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(data) == 4 and data[1][1] == "2026-03-01"


def test_formula_like_text_is_neutralised_in_csv(staf_data):
    from stakeholders.choices import StakeholderKind
    from tests.factories import StakeholderFactory

    registration = place(D(2026, 3, 1))
    registration.p3mi = StakeholderFactory(kind=StakeholderKind.P3MI, name="=HYPERLINK(1)")
    registration.save()
    params = {**period_month(2026, 3).as_params(), "group_by": [Dimension.P3MI]}
    export = export_generate(
        export_id=make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params).pk
    )
    assert "'=HYPERLINK(1)" in read(export).decode("utf-8-sig")


def test_a_failing_job_records_the_error_and_a_retry_queues_it_again(
    staf_data, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import writers

    def broken(report, out):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writers, "write_csv", broken)
    params = {**period_month(2026, 3).as_params(), "group_by": []}
    export = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params)
    with pytest.raises(RuntimeError):
        export_generate(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.FAILED and "disk full" in export.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks() as callbacks:
        export_retry(export=export, by=staf_data)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.PENDING and len(callbacks) == 1
    assert export_generate(export_id=export.pk).status == ReportExport.Status.READY


def test_expired_files_are_deleted_and_the_row_stays(
    staf_data, private_storage, settings, django_capture_on_commit_callbacks
):
    params = {**period_month(2026, 3).as_params(), "group_by": []}
    export = export_generate(
        export_id=make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params).pk
    )
    assert export.expires_at - export.finished_at == datetime.timedelta(
        days=settings.STATISTICS_EXPORT_RETENTION_DAYS
    )
    assert export_expire(now=export.expires_at - datetime.timedelta(seconds=1)) == []
    path = private_storage / export.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ids = export_expire(now=export.expires_at)
    assert ids == [export.pk]
    assert not path.exists()
    export.refresh_from_db()
    assert not export.file and not export.is_downloadable


def test_sweep_requeues_only_exports_stuck_in_pending(staf_data):
    params = {**period_month(2026, 3).as_params(), "group_by": []}
    stuck = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params)
    fresh = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params)
    ReportExport.objects.filter(pk=stuck.pk).update(
        queued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert export_sweep() == [stuck.pk]
    assert fresh.pk not in export_sweep()


def test_requesting_an_export_is_audited(staf_data):
    params = {**period_month(2026, 3).as_params(), "group_by": []}
    export = make_export(staf_data, ReportKind.PLACEMENTS, ExportFormat.CSV, params)
    assert AuditEvent.objects.filter(
        actor=staf_data, action=AuditEvent.Action.CREATE, object_id=str(export.pk)
    ).exists()


def test_pipeline_pdf_is_landscape_with_every_status(staf_data):
    from registrations.choices import RegistrationStatus
    from tests.factories import RegistrationFactory

    RegistrationFactory(status=RegistrationStatus.VERIFIED)
    today = timezone.localdate()
    params = {**period_month(today.year, today.month).as_params(), "group_by": ["kab_kota"]}
    export = export_generate(
        export_id=make_export(staf_data, ReportKind.PIPELINE, ExportFormat.PDF, params).pk
    )
    page = PdfReader(io.BytesIO(read(export))).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = page.extract_text()
    assert "Terverifikasi" in text and "Kota Kendari" in text


def test_complaint_report_exports_as_xlsx(staf_data):
    from tests.factories import CaseFactory

    CaseFactory(received_at=timezone.now())
    today = timezone.localdate()
    params = {**period_month(today.year, today.month).as_params(), "group_by": ["kategori"]}
    export = export_generate(
        export_id=make_export(staf_data, ReportKind.COMPLAINTS, ExportFormat.XLSX, params).pk
    )
    book = load_workbook(io.BytesIO(read(export)), read_only=True)
    facts = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True) if r[0]}
    assert facts["Dikelompokkan menurut"] == "Kategori"
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[2] == ("Hilang kontak", 1, 0, "-")
