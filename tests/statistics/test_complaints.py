"""Complaint figures against hand-counted cases."""

import datetime

import pytest
from django.utils import timezone

from complaints.choices import CaseChannel, CaseStatus, ResolutionOutcome
from reports.choices import ComplaintDimension
from reports.selectors import (
    complaint_dashboard_figures,
    complaint_monthly_tables,
    complaint_report,
)
from reports.tables import period_month, period_year
from tests.factories import CaseFactory, complaint_category, country, region

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


def case(received, *, closed=None, **fields):
    if closed is not None:
        fields.setdefault("status", CaseStatus.RESOLVED)
        fields.setdefault("resolution_outcome", ResolutionOutcome.REPATRIATED)
    return CaseFactory(received_at=received, closed_at=closed, **fields)


def rows_of(table):
    return {tuple(row[: len(row) - 3]): row[-3:] for row in table.rows}


def test_complaints_by_category_count_finish_and_average_days_to_resolution():
    repatriate = complaint_category("minta-dipulangkan")
    case(at(2026, 3, 1), closed=at(2026, 3, 5), category=repatriate)  # 4 days
    case(at(2026, 3, 2), closed=at(2026, 3, 12), category=repatriate)  # 10 days
    case(at(2026, 3, 3), category=repatriate)  # open
    case(at(2026, 3, 4), category=complaint_category("gagal-berangkat"))
    case(at(2026, 4, 1), category=repatriate)  # next month
    table = complaint_report(period=period_month(2026, 3), group_by=[ComplaintDimension.CATEGORY])
    assert rows_of(table) == {
        ("Ingin dipulangkan",): [3, 2, 7.0],
        ("Gagal berangkat",): [1, 0, None],
    }
    assert table.footer[-3:] == [4, 2, 7.0]


def test_complaints_by_country_region_channel_and_procedure():
    case(at(2026, 5, 1), destination_country=country("MY"), worker_region=region("74.71"),
         channel=CaseChannel.WHATSAPP, procedural=False)  # fmt: skip
    case(at(2026, 5, 2), destination_country=country("MY"), worker_region=region("74.71"),
         channel=CaseChannel.WHATSAPP, procedural=None)  # fmt: skip
    case(at(2026, 5, 3), destination_country=country("TW"), worker_region=None,
         channel=CaseChannel.WALK_IN, procedural=True)  # fmt: skip
    year = period_year(2026)
    by_country = complaint_report(period=year, group_by=[ComplaintDimension.COUNTRY])
    assert {k: v[0] for k, v in rows_of(by_country).items()} == {("Malaysia",): 2, ("Taiwan",): 1}
    by_procedure = complaint_report(period=year, group_by=[ComplaintDimension.PROCEDURAL])
    assert {k: v[0] for k, v in rows_of(by_procedure).items()} == {
        ("Prosedural",): 1,
        ("Nonprosedural",): 1,
        ("Tidak diketahui",): 1,
    }
    by_channel_region = complaint_report(
        period=year, group_by=[ComplaintDimension.CHANNEL, ComplaintDimension.REGION]
    )
    assert {k: v[0] for k, v in rows_of(by_channel_region).items()} == {
        ("Kota Kendari", "WhatsApp"): 2,
        ("Tidak diisi", "Datang langsung"): 1,
    }


def test_complaints_by_status_and_days_to_resolution_bucket():
    case(at(2026, 6, 1), closed=at(2026, 6, 3))  # 2 days
    case(at(2026, 6, 1), closed=at(2026, 6, 20))  # 19 days
    case(at(2026, 6, 1), closed=at(2026, 9, 1))  # 92 days
    case(at(2026, 6, 2), status=CaseStatus.MEDIATION)
    table = complaint_report(
        period=period_month(2026, 6),
        group_by=[ComplaintDimension.RESOLUTION_DAYS, ComplaintDimension.STATUS],
    )
    assert {k: v[0] for k, v in rows_of(table).items()} == {
        ("Selesai", "0-7 hari"): 1,
        ("Selesai", "15-30 hari"): 1,
        ("Selesai", "Lebih dari 60 hari"): 1,
        ("Mediasi", "Belum selesai"): 1,
    }


def test_an_empty_complaint_period_gives_zeros():
    table = complaint_report(period=period_month(2020, 1), group_by=[])
    assert table.rows == [[0, 0, None]]


def test_monthly_complaint_tables_compare_with_last_year():
    case(at(2025, 3, 10))
    case(at(2026, 3, 10), closed=at(2026, 3, 11))
    case(at(2026, 3, 11), destination_country=country("TW"))
    case(at(2026, 1, 11))
    tables = complaint_monthly_tables(year=2026, month=3)
    assert tables[0].rows == [["2025", 1, 0, 1], ["2026", 2, 1, 3]]
    assert tables[0].footer[1] == 100.0
    by_country = {row[0]: row[1:] for row in tables[1].rows}
    assert by_country == {"Malaysia": [1, 2], "Taiwan": [1, 1]}


def test_dashboard_counts_open_and_overdue_complaints():
    today = timezone.localdate()
    case(timezone.now(), due_date=today - datetime.timedelta(days=1))
    case(timezone.now(), due_date=today + datetime.timedelta(days=1))
    case(timezone.now(), closed=timezone.now(), due_date=today - datetime.timedelta(days=3))
    assert complaint_dashboard_figures(today=today) == {"open": 2, "overdue": 1}
