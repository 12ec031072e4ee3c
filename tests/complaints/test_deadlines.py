"""Deadlines in working days: weekends, national holidays (the `holidays` package) and the
office's own days off (`bp3mi.Holiday`) do not count."""

import datetime

import pytest
from django.utils import timezone

from bp3mi.models import Holiday
from complaints import services
from complaints.choices import CaseStatus
from complaints.deadlines import WorkCalendar, add_working_days, working_days_between
from complaints.models import StepDeadline
from tests.factories import CaseFactory

FRIDAY = datetime.date(2026, 11, 20)

pytestmark = pytest.mark.django_db


def test_a_deadline_skips_the_weekend():
    assert add_working_days(FRIDAY, 1) == datetime.date(2026, 11, 23)  # Monday
    assert add_working_days(FRIDAY, 2) == datetime.date(2026, 11, 24)  # Tuesday
    assert add_working_days(FRIDAY, 0) == FRIDAY


def test_a_deadline_skips_an_office_holiday_after_the_weekend():
    Holiday.objects.create(date=datetime.date(2026, 11, 23), name="Cuti bersama (uji)")
    assert add_working_days(FRIDAY, 2) == datetime.date(2026, 11, 25)  # Wednesday


def test_a_deadline_skips_national_holidays_from_the_holidays_package():
    # 17 August 2026 (Independence Day) is a Monday.
    assert add_working_days(datetime.date(2026, 8, 14), 1) == datetime.date(2026, 8, 18)
    # Christmas 2026 is a Friday: from Thursday the 24th, the next working day is Monday.
    assert add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 28)


def test_working_days_between_counts_neither_weekends_nor_holidays():
    Holiday.objects.create(date=datetime.date(2026, 11, 25), name="Libur kantor (uji)")
    assert working_days_between(FRIDAY, datetime.date(2026, 11, 27)) == 4
    calendar = WorkCalendar.load(FRIDAY, datetime.date(2026, 11, 30))
    assert not calendar.is_working_day(datetime.date(2026, 11, 22))


def test_a_case_entering_a_step_gets_the_steps_due_date_from_the_data(petugas_pengaduan):
    StepDeadline.objects.filter(status=CaseStatus.VERIFICATION).update(working_days=3)
    case = CaseFactory(status=CaseStatus.RECEIVED)
    moved = services.case_transition(
        case=case, to_status=CaseStatus.VERIFICATION, by=petugas_pengaduan
    )
    today = timezone.localdate()
    assert moved.step_started_on == today
    assert moved.due_date == add_working_days(today, 3)


def test_overdue_means_an_open_case_past_its_due_date():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = CaseFactory(due_date=yesterday)
    CaseFactory(due_date=timezone.localdate())
    CaseFactory(due_date=yesterday, status=CaseStatus.CLOSED, closure_reason="unreachable_60d")
    assert late.is_overdue
    assert list(late.__class__.objects.overdue()) == [late]
