"""An export produced by a real `celery worker` process on the configured broker (Redis in
CI), not by an eager call."""

import datetime
import io

import pytest
from django.db import transaction
from openpyxl import load_workbook

from reports.choices import ExportFormat, ReportKind
from reports.models import ReportExport
from reports.services import export_request
from tests.conftest import wait_for

from .conftest import place

pytestmark = pytest.mark.worker


def test_a_requested_export_is_written_by_a_real_worker(celery_worker_process, staf_data):
    place(datetime.date(2026, 3, 2))
    place(datetime.date(2026, 3, 3), sector="informal")
    with transaction.atomic():
        export = export_request(
            by=staf_data,
            kind=ReportKind.MONTHLY,
            export_format=ExportFormat.XLSX,
            params={"year": 2026, "month": 3},
        )
    ready = wait_for(
        lambda: ReportExport.objects.filter(pk=export.pk, status=ReportExport.Status.READY).first(),
        timeout=120,
        process=celery_worker_process,
    )
    with ready.file.open("rb") as f:
        book = load_workbook(io.BytesIO(f.read()), read_only=True)
    same_month = list(book.worksheets[1].iter_rows(values_only=True))
    assert same_month[4][:2] == ("2026", 2)
    assert ready.attempts == 1 and ready.progress == 100
    ready.file.delete(save=False)
