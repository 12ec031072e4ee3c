"""Abandoned drafts are anonymised after the retention period (UU 27/2022); the figures
the statistics count stay as they were."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from bp3mi.models import AuditEvent
from bp3mi.services import model_snapshot
from documents.models import Document, DocumentType
from documents.retention import ANONYMOUS_NAME, retention_sweep
from documents.tasks import retention_sweep_task
from registrations.choices import RegistrationStatus as RS
from registrations.models import Applicant, Registration
from tests.factories import ApplicantFactory, RegistrationFactory

from .files import pdf_bytes

pytestmark = pytest.mark.django_db

DAYS = 30
AGGREGATES = ["status", "scheme", "destination_country_id", "occupation_id", "created_at"]


@pytest.fixture(autouse=True)
def _period(settings):
    settings.RETENTION_DRAFT_DAYS = DAYS


def with_upload(registration, *, uploaded_days_ago):
    document = Document(
        registration=registration,
        document_type=DocumentType.objects.filter(is_active=True).first(),
        original_name="ktp.pdf",
        file_format="pdf",
        size=100,
        sha256="0" * 64,
        uploaded_at=timezone.now() - timedelta(days=uploaded_days_ago),
    )
    document.file.save("ktp.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    return document


def draft(*, idle_days, user=None, status=RS.DRAFT, uploaded_days_ago=None):
    applicant = ApplicantFactory(
        user=user,
        address="Jl. Malik Raya No. 7",
        email="siti@contoh.test",
        family_name="La Ode Baco",
        family_phone="+6281311112222",
    )
    registration = RegistrationFactory(applicant=applicant, status=status)
    if uploaded_days_ago is not None:
        with_upload(registration, uploaded_days_ago=uploaded_days_ago)
    then = timezone.now() - timedelta(days=idle_days)
    Registration.objects.filter(pk=registration.pk).update(updated_at=then)
    Applicant.objects.filter(pk=applicant.pk).update(updated_at=then)
    return registration


def test_only_drafts_idle_past_the_period_are_anonymised_and_aggregates_stay(
    cpmi_user, private_storage, django_capture_on_commit_callbacks
):
    old = draft(idle_days=DAYS + 1, user=cpmi_user, uploaded_days_ago=DAYS + 5)
    recent = draft(idle_days=DAYS - 1)
    submitted = draft(idle_days=DAYS + 100, status=RS.SUBMITTED)
    before = model_snapshot(old, fields=AGGREGATES)
    applicant_before = model_snapshot(old.applicant, fields=["region", "sex"])
    stored = Document.objects.get(registration=old).file.name
    assert (private_storage / stored).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_sweep() == 1

    old.refresh_from_db()
    person = Applicant.objects.get(pk=old.applicant_id)
    assert person.full_name == ANONYMOUS_NAME and person.anonymised_at is not None
    for field in ("nik", "address", "phone", "email", "family_name", "family_phone", "birthplace"):
        assert getattr(person, field) == "", field
    assert person.user is None and old.nik == ""
    assert person.birth_date.year == 1995 and (person.birth_date.month, person.birth_date.day) == (
        7,
        1,
    )
    # Counts and the fields statistics read are as they were.
    assert model_snapshot(old, fields=AGGREGATES) == before
    assert model_snapshot(person, fields=["region", "sex"]) == applicant_before
    assert Registration.objects.count() == 3 and Applicant.objects.count() == 3
    # The uploads are gone, rows and files.
    assert not Document.objects.filter(registration=old).exists()
    assert not (private_storage / stored).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(person.pk))
    assert event.actor is None and f"{DAYS} hari" in event.message
    # The recent draft and the submitted registration keep their person.
    for kept in (recent, submitted):
        kept.applicant.refresh_from_db()
        assert kept.applicant.full_name != ANONYMOUS_NAME and kept.applicant.nik


def test_running_the_sweep_twice_changes_nothing_more(cpmi_user):
    old = draft(idle_days=DAYS + 1, user=cpmi_user)
    assert retention_sweep_task() == 1
    snapshot = (
        model_snapshot(Applicant.objects.get(pk=old.applicant_id)),
        model_snapshot(Registration.objects.get(pk=old.pk)),
        list(AuditEvent.objects.values_list("pk", "changes", "object_repr", "message")),
    )
    assert retention_sweep_task() == 0
    assert snapshot == (
        model_snapshot(Applicant.objects.get(pk=old.applicant_id)),
        model_snapshot(Registration.objects.get(pk=old.pk)),
        list(AuditEvent.objects.values_list("pk", "changes", "object_repr", "message")),
    )


def test_a_recent_upload_or_sign_in_keeps_a_draft(make_user):
    from bp3mi import roles

    uploaded = draft(idle_days=DAYS + 1, uploaded_days_ago=DAYS - 1)
    person = make_user(roles.CPMI)
    person.last_login = timezone.now() - timedelta(days=2)
    person.save(update_fields=["last_login"])
    signed_in = draft(idle_days=DAYS + 1, user=person)
    assert retention_sweep() == 0
    for registration in (uploaded, signed_in):
        registration.applicant.refresh_from_db()
        assert registration.applicant.anonymised_at is None


def test_a_returning_worker_with_a_submitted_registration_is_not_erased():
    old = draft(idle_days=DAYS + 1)
    RegistrationFactory(applicant=old.applicant, status=RS.WITHDRAWN)
    assert retention_sweep() == 0


def test_the_audit_trail_keeps_who_and_when_but_not_the_personal_values(verifikator):
    from registrations.services import registration_view_log

    old = draft(idle_days=DAYS + 1)
    name = old.applicant.full_name
    registration_view_log(registration=old, by=verifikator)
    AuditEvent.objects.create(
        actor=verifikator,
        action=AuditEvent.Action.UPDATE,
        content_type_id=AuditEvent.objects.get().content_type_id,
        object_id=str(old.applicant_id),
        object_repr=name,
        changes={"address": ["Jl. Lama 1", "Jl. Malik Raya No. 7"]},
    )
    assert retention_sweep() == 1
    events = AuditEvent.objects.filter(object_id=str(old.applicant_id))
    assert events.filter(actor=verifikator).count() == 2
    for event in events:
        assert name not in f"{event.object_repr} {event.message} {event.changes}"
        assert "Malik" not in str(event.changes)
