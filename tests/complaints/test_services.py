"""Complaint services: filing, the allowed moves, the timeline, tracking codes, e-mails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bp3mi.celery import app as celery_app
from bp3mi.models import AuditEvent
from complaints import services
from complaints.choices import CaseChannel, CaseStatus, ClosureReason, EventKind
from complaints.models import Case, CaseAttachment, CaseEvent
from tests.documents.files import jpeg_bytes, pdf_bytes
from tests.factories import CaseFactory, RegistrationFactory, complaint_category, country

S = CaseStatus
pytestmark = pytest.mark.django_db


def intake(**overrides):
    data = {
        "category": complaint_category("hilang-kontak"),
        "complainant_kind": "family",
        "complainant_relation": "Ibu",
        "complainant_name": "Wa Ode Hasna",
        "complainant_phone": "+6281234567890",
        "complainant_email": "hasna@contoh.test",
        "worker_name": "La Ode Rahman",
        "destination_country": country("MY"),
        "description": "Anak saya tidak dapat dihubungi sejak tiga bulan di Malaysia.",
        "consent": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def eager_tasks():
    """Queued tasks run in-process, so the e-mail a task sends lands in mail.outbox."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_filing_numbers_cases_from_the_yearly_sequence_and_keeps_only_a_hash_of_the_code():
    first, code = services.case_file(data=intake())
    second, _ = services.case_file(data=intake())
    year = first.received_at.year
    assert first.number == f"ADU-{year}-00001" and second.number == f"ADU-{year}-00002"
    assert len(code) == services.TRACKING_LENGTH
    assert code not in first.tracking_code_hash and len(first.tracking_code_hash) == 64
    assert first.status == S.RECEIVED and first.due_date is not None
    assert first.events.get().kind == EventKind.FILED
    assert AuditEvent.objects.filter(object_repr=first.number, action="create").exists()


def test_filing_needs_consent_and_a_lapor_number_for_lapor_cases():
    with pytest.raises(ValidationError) as error:
        services.case_file(data=intake(consent=False))
    assert "consent" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.case_file(data=intake(), channel=CaseChannel.LAPOR)
    assert "lapor_number" in error.value.error_dict
    assert not Case.objects.exists()
    case, _ = services.case_file(
        data=intake(lapor_number="LAP-2026-123"), channel=CaseChannel.LAPOR
    )
    assert case.lapor_number == "LAP-2026-123"


def test_the_database_refuses_a_lapor_case_without_its_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(channel=CaseChannel.LAPOR, lapor_number="")


def test_a_sensitive_category_makes_a_sensitive_case():
    case, _ = services.case_file(data=intake(category=complaint_category("tppo")))
    assert case.sensitive


def test_the_same_form_sent_twice_files_one_case():
    import uuid

    key = uuid.uuid4()
    first, code = services.case_file(data=intake(), intake_key=key)
    again, no_code = services.case_file(data=intake(), intake_key=key)
    assert again.pk == first.pk and code and no_code is None
    assert Case.objects.count() == 1


def test_attachments_are_stored_and_removed_again_when_the_filing_fails(monkeypatch, settings):
    from documents.uploads import clean_upload
    from tests.documents.files import upload

    rules = type("R", (), {"name": "x", "max_bytes": 10**7, "accepted_formats": ["pdf", "jpeg"]})
    clean = [clean_upload(upload("kontrak.pdf", pdf_bytes()), rules)]
    case, _ = services.case_file(data=intake(), attachments=clean)
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.original_name == "kontrak.pdf" and attachment.file.storage.exists(
        attachment.file.name
    )
    stored_before = set(attachment.file.storage.listdir(attachment.file.name.rsplit("/", 1)[0])[1])

    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    clean = [clean_upload(upload("foto.jpg", jpeg_bytes()), rules)]
    with pytest.raises(RuntimeError):
        services.case_file(data=intake(), attachments=clean)
    stored_after = set(attachment.file.storage.listdir(attachment.file.name.rsplit("/", 1)[0])[1])
    assert stored_after == stored_before
    assert Case.objects.count() == 1
    attachment.file.delete(save=False)


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (S.RECEIVED, S.VERIFICATION, True),
        (S.RECEIVED, S.MEDIATION, False),
        (S.RECEIVED, S.RESOLVED, False),
        (S.VERIFICATION, S.CLARIFICATION, True),
        (S.VERIFICATION, S.RECEIVED, False),
        (S.CLARIFICATION, S.MEDIATION, True),
        (S.MEDIATION, S.CLARIFICATION, False),
        (S.MEDIATION, S.REFERRED, True),
        (S.REFERRED, S.MEDIATION, False),
        (S.RESOLVED, S.VERIFICATION, False),
        (S.CLOSED, S.MEDIATION, False),
    ],
)
def test_only_the_allowed_moves_are_accepted(petugas_pengaduan, start, target, allowed):
    case = CaseFactory(status=start, closure_reason="incomplete_30d", resolution_outcome="other")
    kwargs = {"referred_to": "Polda Sultra"} if target == S.REFERRED else {}
    if allowed:
        moved = services.case_transition(
            case=case, to_status=target, by=petugas_pengaduan, **kwargs
        )
        assert moved.status == target
        assert CaseEvent.objects.filter(case=case, to_status=target).count() == 1
    else:
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            services.case_transition(case=case, to_status=target, by=petugas_pengaduan, **kwargs)
        case.refresh_from_db()
        assert case.status == start


def test_moving_to_the_current_status_changes_nothing(petugas_pengaduan):
    case = CaseFactory(status=S.VERIFICATION)
    services.case_transition(case=case, to_status=S.VERIFICATION, by=petugas_pengaduan)
    assert not case.events.exists()


def test_closing_needs_a_reason_from_the_legal_list(petugas_pengaduan):
    case = CaseFactory(status=S.CLARIFICATION)
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_status=S.CLOSED, by=petugas_pengaduan)
    assert "closure_reason" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.case_transition(
            case=case, to_status=S.CLOSED, by=petugas_pengaduan, closure_reason="bosan"
        )
    closed = services.case_transition(
        case=case,
        to_status=S.CLOSED,
        by=petugas_pengaduan,
        closure_reason=ClosureReason.UNREACHABLE,
    )
    assert closed.status == S.CLOSED and closed.closed_at and closed.due_date is None


def test_resolving_needs_an_outcome_and_referral_needs_the_agency(petugas_pengaduan):
    case = CaseFactory(status=S.MEDIATION)
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_status=S.RESOLVED, by=petugas_pengaduan)
    assert "resolution_outcome" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_status=S.REFERRED, by=petugas_pengaduan)
    assert "referred_to" in error.value.error_dict
    resolved = services.case_transition(
        case=case, to_status=S.RESOLVED, by=petugas_pengaduan, resolution_outcome="rights_paid"
    )
    assert resolved.resolution_outcome == "rights_paid"


def test_a_closed_case_is_reopened_only_with_a_reason(petugas_pengaduan):
    case = CaseFactory(status=S.CLOSED, closure_reason=ClosureReason.UNREACHABLE)
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, by=petugas_pengaduan, reason="  ")
    reopened = services.case_reopen(
        case=case, by=petugas_pengaduan, reason="Pengadu datang lagi dengan kontak baru."
    )
    assert reopened.status == S.VERIFICATION and reopened.closure_reason == ""
    assert reopened.closed_at is None and reopened.due_date is not None
    assert case.events.get().kind == EventKind.REOPEN


def test_assignment_needs_an_officer_who_handles_cases(petugas_pengaduan, verifikator, kepala):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        services.case_assign(case=case, assignee=verifikator, by=kepala)
    services.case_assign(case=case, assignee=petugas_pengaduan, by=kepala)
    services.case_assign(case=case, assignee=petugas_pengaduan, by=kepala)
    case.refresh_from_db()
    assert case.assignee == petugas_pengaduan
    assert case.events.filter(kind=EventKind.ASSIGNMENT).count() == 1


def test_clarification_records_belong_to_the_clarification_step(petugas_pengaduan):
    case = CaseFactory(status=S.VERIFICATION)
    with pytest.raises(ValidationError, match="tahap klarifikasi"):
        services.case_event_add(
            case=case, kind=EventKind.CLARIFICATION, text="BA klarifikasi I", by=petugas_pengaduan
        )
    services.case_transition(case=case, to_status=S.CLARIFICATION, by=petugas_pengaduan)
    event = services.case_event_add(
        case=case, kind=EventKind.CLARIFICATION, text="BA klarifikasi I", by=petugas_pengaduan
    )
    again = services.case_event_add(
        case=case, kind=EventKind.CLARIFICATION, text="BA klarifikasi I", by=petugas_pengaduan
    )
    assert again.pk == event.pk and not event.is_public


def test_the_respondents_commitment_is_due_in_seven_working_days(petugas_pengaduan):
    case = CaseFactory(status=S.CLARIFICATION, due_date=None)
    event = services.case_event_add(
        case=case,
        kind=EventKind.COMMITMENT,
        text="P3MI berjanji membayar gaji tertunggak.",
        by=petugas_pengaduan,
    )
    from django.utils import timezone

    from complaints.deadlines import add_working_days

    assert event.due_date == add_working_days(timezone.localdate(), 7)
    case.refresh_from_db()
    assert case.due_date == event.due_date


def test_a_public_update_is_emailed_to_the_complainant_once(
    petugas_pengaduan, django_capture_on_commit_callbacks, eager_tasks
):
    case = CaseFactory(complainant_email="hasna@contoh.test")
    with django_capture_on_commit_callbacks(execute=True):
        note = services.case_event_add(
            case=case, kind=EventKind.NOTE, text="Dugaan TPPO, cek ke Polda.", by=petugas_pengaduan
        )
        update = services.case_event_add(
            case=case,
            kind=EventKind.PUBLIC_UPDATE,
            text="Kami sudah menghubungi KBRI Kuala Lumpur.",
            by=petugas_pengaduan,
        )
    assert not note.is_public and update.is_public
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hasna@contoh.test"]
    assert "KBRI Kuala Lumpur" in mail.outbox[0].body
    assert "Polda" not in mail.outbox[0].body
    # The task retried: nothing is sent twice.
    assert services.case_event_notify(event_id=update.pk) is False
    assert len(mail.outbox) == 1


def test_the_acknowledgement_carries_the_code_once(django_capture_on_commit_callbacks, eager_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = services.case_file(data=intake())
    assert len(mail.outbox) == 1
    assert case.number in mail.outbox[0].body
    assert services.tracking_code_display(code) in mail.outbox[0].body
    filed = case.events.get(kind=EventKind.FILED)
    assert services.case_event_notify(event_id=filed.pk, tracking_code=code) is False
    assert len(mail.outbox) == 1


def test_tracking_with_the_right_code_finds_the_case_and_a_wrong_one_nothing():
    case, code = services.case_file(data=intake())
    spaced = f" {code[:5].lower()}-{code[5:]} "
    assert services.case_track(number=case.number, code=code) == case
    assert services.case_track(number=case.number.lower(), code=spaced) == case
    assert services.case_track(number=case.number, code="AAAAA-AAAAA") is None
    assert services.case_track(number="ADU-2026-99999", code=code) is None
    other, other_code = services.case_file(data=intake())
    assert services.case_track(number=case.number, code=other_code) is None


def test_linking_a_registration_fills_the_p3mi_and_country(petugas_pengaduan):
    from tests.factories import StakeholderFactory

    p3mi = StakeholderFactory()
    registration = RegistrationFactory(
        status="diajukan", p3mi=p3mi, destination_country=country("TW")
    )
    case = CaseFactory(destination_country=None)
    services.case_link_registration(case=case, registration=registration, by=petugas_pengaduan)
    case.refresh_from_db()
    assert case.registration == registration and case.p3mi == p3mi
    assert case.destination_country.iso_code == "TW"


def test_changing_the_category_changes_the_sensitivity(petugas_pengaduan):
    case = CaseFactory()
    assert not case.sensitive
    services.case_update(
        case=case, by=petugas_pengaduan, data={"category": complaint_category("kekerasan-majikan")}
    )
    case.refresh_from_db()
    assert case.sensitive


def test_received_on_friday_due_after_the_weekend():
    from complaints.deadlines import add_working_days

    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 2) == datetime.date(2026, 11, 24)
