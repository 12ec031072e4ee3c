"""The daily deadline sweep: closure proposals (never closures), one reminder per assignee
and one overdue list per supervisor a day, however often it runs."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from complaints.choices import CaseStatus, ClosureReason, EventKind
from complaints.models import Case, DeadlineNotice
from complaints.tasks import case_deadline_sweep_task
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def test_the_sweep_twice_proposes_and_mails_once(petugas_pengaduan, kepala, make_user):
    from bp3mi import roles

    other_officer = make_user(roles.PETUGAS_PENGADUAN)
    late = CaseFactory(assignee=petugas_pengaduan, due_date=days_ago(2))
    due_soon = CaseFactory(assignee=petugas_pengaduan, due_date=timezone.localdate())
    CaseFactory(assignee=other_officer, due_date=timezone.localdate() + datetime.timedelta(days=30))
    stale = CaseFactory(
        status=CaseStatus.VERIFICATION,
        received_at=timezone.now() - datetime.timedelta(days=40),
        due_date=days_ago(30),
    )
    silent = CaseFactory(status=CaseStatus.CLARIFICATION, step_started_on=days_ago(40))

    first = case_deadline_sweep_task()
    second = case_deadline_sweep_task()

    assert first["proposed"] == 2 and second["proposed"] == 0
    stale.refresh_from_db()
    silent.refresh_from_db()
    assert stale.proposed_closure_reason == ClosureReason.INCOMPLETE
    assert silent.proposed_closure_reason == ClosureReason.NO_CLARIFICATION
    # Proposed, never closed.
    assert not Case.objects.filter(status=CaseStatus.CLOSED).exists()
    assert stale.events.filter(kind=EventKind.CLOSURE_PROPOSED).count() == 1

    reminders = [m for m in mail.outbox if m.to == [petugas_pengaduan.email]]
    assert len(reminders) == 1
    assert late.number in reminders[0].body and due_soon.number in reminders[0].body
    assert not [m for m in mail.outbox if m.to == [other_officer.email]]

    to_supervisor = [m for m in mail.outbox if m.to == [kepala.email]]
    assert len(to_supervisor) == 1
    body = to_supervisor[0].body
    assert late.number in body and stale.number in body and due_soon.number not in body
    assert DeadlineNotice.objects.count() == 2
    assert first["reminders"] == 1 and second["reminders"] == 0


def test_a_clarification_record_keeps_the_case_from_being_proposed(petugas_pengaduan):
    from complaints import services

    case = CaseFactory(status=CaseStatus.CLARIFICATION, step_started_on=days_ago(40))
    services.case_event_add(
        case=case, kind=EventKind.CLARIFICATION, text="BA klarifikasi I", by=petugas_pengaduan
    )
    assert case_deadline_sweep_task()["proposed"] == 0


def test_a_recent_clarification_step_is_not_proposed():
    CaseFactory(status=CaseStatus.CLARIFICATION, step_started_on=days_ago(10))
    assert case_deadline_sweep_task()["proposed"] == 0
