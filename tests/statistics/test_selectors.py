"""Report figures against small hand-counted data sets."""

import datetime

import pytest

from registrations.choices import RegistrationStatus, Scheme, Sex
from reports.choices import Dimension
from reports.selectors import monthly_tables, pipeline_report, placement_report
from reports.tables import period_month, period_quarter, period_year

from .conftest import place

pytestmark = pytest.mark.django_db

D = datetime.date


def rows_of(table):
    return {tuple(row[:-1]): row[-1] for row in table.rows}


def test_placements_count_only_departed_registrations_in_the_period():
    place(D(2026, 3, 1))
    place(D(2026, 3, 31))
    place(D(2026, 4, 1))  # next month
    place(D(2026, 2, 28))  # previous month
    # A departure milestone on a registration that is not Berangkat is not a placement.
    place(D(2026, 3, 15), status=RegistrationStatus.VERIFIED)
    table = placement_report(period=period_month(2026, 3), group_by=[])
    assert table.rows == [[2]]


def test_placements_grouped_by_region_and_country_match_hand_counts():
    for _ in range(3):
        place(D(2026, 5, 10), region_code="74.71", iso="JP")
    place(D(2026, 5, 11), region_code="74.71", iso="KR")
    place(D(2026, 6, 2), region_code="74.02", iso="JP")
    place(D(2026, 6, 3), region_code=None, iso="TW")
    table = placement_report(
        period=period_quarter(2026, 2), group_by=[Dimension.COUNTRY, Dimension.REGION]
    )
    assert rows_of(table) == {
        ("Kota Kendari", "Jepang"): 3,
        ("Kab. Konawe", "Jepang"): 1,
        ("Kota Kendari", "Korea Selatan"): 1,
        ("Luar Sulawesi Tenggara/tidak diisi", "Taiwan"): 1,
    }
    assert table.footer[-1] == 6
    # The columns follow the fixed dimension order, whatever order they were asked in.
    assert table.columns[:2] == ["Kabupaten/kota asal", "Negara tujuan"]


def test_placements_by_month_sector_sex_scheme_and_education():
    place(D(2026, 1, 5), sector="formal", sex=Sex.MALE, scheme=Scheme.G2G, education="sd")
    place(D(2026, 1, 6), sector="informal", sex=Sex.FEMALE, education="sd")
    place(D(2026, 2, 7), sector="informal", sex=Sex.FEMALE, education="sma")
    by_month_sector = rows_of(
        placement_report(period=period_year(2026), group_by=[Dimension.MONTH, Dimension.SECTOR])
    )
    assert by_month_sector == {
        ("Januari 2026", "Formal"): 1,
        ("Januari 2026", "Informal"): 1,
        ("Februari 2026", "Informal"): 1,
    }
    assert rows_of(placement_report(period=period_year(2026), group_by=[Dimension.SEX])) == {
        ("Laki-laki",): 1,
        ("Perempuan",): 2,
    }
    assert rows_of(placement_report(period=period_year(2026), group_by=[Dimension.SCHEME])) == {
        ("G to G (antarpemerintah)",): 1,
        ("P to P (melalui P3MI)",): 2,
    }
    assert rows_of(placement_report(period=period_year(2026), group_by=[Dimension.EDUCATION])) == {
        ("SD/sederajat",): 2,
        ("SMA/SMK/sederajat",): 1,
    }


def test_an_empty_period_gives_an_empty_table_and_zero_total():
    place(D(2025, 1, 5))
    table = placement_report(period=period_month(2026, 1), group_by=[Dimension.REGION])
    assert table.rows == []
    assert table.footer[-1] == 0
    assert placement_report(period=period_month(2026, 1), group_by=[]).rows == [[0]]


def test_pipeline_counts_registrations_by_current_status():
    from tests.factories import RegistrationFactory

    RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    RegistrationFactory(status=RegistrationStatus.VERIFIED)
    RegistrationFactory(status=RegistrationStatus.DRAFT)  # not submitted: not in the pipeline
    from django.utils import timezone

    today = timezone.localdate()
    table = pipeline_report(period=period_month(today.year, today.month), group_by=[])
    statuses = [s for s in RegistrationStatus if s != RegistrationStatus.DRAFT]
    counts = dict(zip([str(s.label) for s in statuses] + ["Jumlah"], table.rows[0], strict=True))
    assert counts["Diajukan"] == 2
    assert counts["Terverifikasi"] == 1
    assert counts["Jumlah"] == 3


def test_the_pipeline_groups_by_every_dimension_including_p3mi():
    # "p3mi" is also a field of Registration: the grouping must not collide with it.
    from django.utils import timezone

    from stakeholders.choices import StakeholderKind
    from tests.factories import RegistrationFactory, StakeholderFactory

    company = StakeholderFactory(kind=StakeholderKind.P3MI, name="PT. Uji Saluran")
    RegistrationFactory(status=RegistrationStatus.SUBMITTED, p3mi=company)
    RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    today = timezone.localdate()
    table = pipeline_report(period=period_month(today.year, today.month), group_by=list(Dimension))
    assert len(table.rows) == 2 and table.footer[-1] == 2
    table = pipeline_report(period=period_month(today.year, today.month), group_by=[Dimension.P3MI])
    assert table.rows[0][0] == "PT. Uji Saluran" and table.rows[0][-1] == 1


def test_monthly_tables_compare_the_month_with_two_previous_years_and_cumulate():
    # March 2024: 1; March 2025: 2; March 2026: 3 (one informal). Jan-Feb 2026: 2; Jan 2025: 1.
    place(D(2024, 3, 3))
    place(D(2025, 3, 3))
    place(D(2025, 3, 4))
    place(D(2026, 3, 1))
    place(D(2026, 3, 2), sector="informal")
    place(D(2026, 3, 31), scheme=Scheme.G2G, iso="KR")
    place(D(2026, 1, 9))
    place(D(2026, 2, 9), region_code="74.02")
    place(D(2025, 1, 9))
    place(D(2026, 4, 1))  # after the month: never counted
    tables = monthly_tables(year=2026, month=3)
    same_month = tables[0]
    assert [row[:2] for row in same_month.rows] == [["2024", 1], ["2025", 2], ["2026", 3]]
    assert same_month.rows[2][2] == 50.0  # 2 -> 3
    cumulative = tables[1]
    assert cumulative.rows == [
        ["Januari", 1, 1, 1, 1],
        ["Februari", 0, 1, 1, 2],
        ["Maret", 2, 3, 3, 5],
    ]
    assert cumulative.footer[-1] == round(100 * (5 - 3) / 3, 1)
    sectors = {row[0]: row[1:] for row in tables[2].rows}
    assert sectors["Formal"] == [2, 66.7, 4, 80.0]
    assert sectors["Informal"] == [1, 33.3, 1, 20.0]
    g2g = tables[3]
    assert g2g.rows == [["Korea Selatan", 1, 1]]
    top_regions = {row[0]: row[1:] for row in tables[5].rows}
    assert top_regions == {"Kota Kendari": [3, 4], "Kab. Konawe": [0, 1]}


def test_monthly_tables_of_an_empty_month_are_zero_not_errors():
    tables = monthly_tables(year=2026, month=2)
    assert [row[1] for row in tables[0].rows] == [0, 0, 0]
    assert tables[0].rows[2][2] is None
    assert all(row[1:] == [0, 0, 0, 0] for row in tables[1].rows)
    assert tables[3].rows == []


def test_returns_are_counted_by_country_in_their_month():
    place(D(2024, 3, 3), iso="MY", returned=D(2026, 3, 10))
    place(D(2024, 3, 3), iso="MY", returned=D(2026, 3, 11))
    place(D(2024, 3, 3), iso="HK", returned=D(2026, 4, 11))
    tables = monthly_tables(year=2026, month=3)
    by_country = tables[-2]
    assert by_country.rows == [["Malaysia", 2]]
