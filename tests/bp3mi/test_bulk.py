import datetime

import pytest

from bp3mi.bulk import bulk_insert
from bp3mi.models import Holiday
from registrations.models import Applicant


@pytest.mark.django_db
def test_bulk_insert_returns_the_new_keys_in_the_order_of_the_rows():
    rows = [
        {"date": datetime.date(2026, 12, 25), "name": "Hari Raya Natal"},
        {"date": datetime.date(2026, 8, 17), "name": "Hari Kemerdekaan"},
        {"date": datetime.date(2026, 1, 1), "name": "Tahun Baru"},
    ]
    ids = bulk_insert(Holiday, rows)
    assert [Holiday.objects.get(pk=pk).name for pk in ids] == [r["name"] for r in rows]


@pytest.mark.django_db
def test_bulk_insert_fills_defaults_and_timestamps():
    [pk] = bulk_insert(Applicant, [{"full_name": "Wa Ode Demo", "nik": "7471015708950001"}])
    applicant = Applicant.objects.get(pk=pk)
    assert applicant.lives_outside_region is False
    assert applicant.address == "" and applicant.region_id is None
    assert applicant.created_at is not None and applicant.updated_at is not None


@pytest.mark.django_db
def test_bulk_insert_keeps_tabs_backslashes_and_line_breaks_and_null():
    name = "Wa Ode\tDemo \\ baris\nkedua"
    [pk] = bulk_insert(Applicant, [{"full_name": name, "region_id": None, "nik": ""}])
    applicant = Applicant.objects.get(pk=pk)
    assert applicant.full_name == name and applicant.region_id is None
