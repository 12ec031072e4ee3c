"""Formula injection: text a spreadsheet would run (=, +, -, @, tab, CR first) typed into every
free-text field, and into the names an administrator sets (occupation, complaint category),
comes out of every CSV and XLSX export as text: the directory (staff and public), and each
statistics report (placements by P3MI, one row per placement, complaints, the monthly tables)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import ComplaintCategory
from registrations.choices import RegistrationStatus
from registrations.models import Milestone, Occupation, Registration
from reports.choices import Dimension, ExportFormat, ReportKind
from reports.services import export_generate, export_request
from reports.tables import period_month
from stakeholders.importing import FORMULA_PREFIXES

from . import world as hostile
from .world import FORMULA

pytestmark = pytest.mark.django_db

ESCAPED = "'" + FORMULA


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def world(cpmi_user, verifikator, kepala, petugas_pengaduan):
    built = hostile.build(
        text=FORMULA,
        cpmi=cpmi_user,
        verifikator=verifikator,
        kepala=kepala,
        petugas=petugas_pengaduan,
    )
    Registration.objects.filter(pk=built.registration.pk).update(status=RegistrationStatus.DEPARTED)
    Occupation.objects.filter(pk=built.registration.occupation_id).update(name=FORMULA[:100])
    ComplaintCategory.objects.filter(pk=built.case.category_id).update(name=FORMULA[:100])
    return built


def runs_as_formula(value) -> bool:
    """A cell a spreadsheet would evaluate: text opening with a formula character, unless it
    is a signed number or an international phone number ("-" alone marks an empty cell)."""
    if not isinstance(value, str) or len(value) < 2 or not value.startswith(FORMULA_PREFIXES):
        return False
    return not value[1:].replace(" ", "").replace(".", "").replace(",", "").isdigit()


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell holds a formula"
    return [cell.value for cell in cells]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_escaped(cells, where):
    assert [c for c in cells if runs_as_formula(c)] == [], where
    assert any(isinstance(c, str) and c.startswith(ESCAPED[:30]) for c in cells), where


def test_the_directory_exports_write_the_text_as_text(client, world, staf_data):
    assert_escaped(csv_cells(body(client.get(reverse("stakeholders:download_csv")))), "public")
    client.force_login(staf_data)
    assert_escaped(csv_cells(body(client.get(reverse("stakeholders:export_csv")))), "csv")
    assert_escaped(xlsx_cells(body(client.get(reverse("stakeholders:export_xlsx")))), "xlsx")


def report_params(world, kind):
    departed = Milestone.objects.filter(registration=world.registration).first().date
    period = period_month(departed.year, departed.month).as_params()
    return {
        ReportKind.PLACEMENTS: {**period, "group_by": [Dimension.P3MI, Dimension.OCCUPATION]},
        ReportKind.PIPELINE: {**period, "group_by": [Dimension.P3MI]},
        ReportKind.PLACEMENT_ROWS: period,
        ReportKind.COMPLAINTS: {**period, "group_by": ["kategori"]},
        ReportKind.MONTHLY: {"year": departed.year, "month": departed.month},
    }[kind]


@pytest.mark.parametrize("kind", list(ReportKind))
@pytest.mark.parametrize("export_format", [ExportFormat.CSV, ExportFormat.XLSX])
def test_every_statistics_export_writes_the_text_as_text(world, staf_data, kind, export_format):
    export = export_request(
        by=staf_data,
        kind=kind,
        export_format=export_format,
        params=report_params(world, kind),
    )
    export = export_generate(export_id=export.pk)
    with export.file.open("rb") as handle:
        content = handle.read()
    cells = csv_cells(content) if export_format == ExportFormat.CSV else xlsx_cells(content)
    assert_escaped(cells, f"{kind} {export_format}")
