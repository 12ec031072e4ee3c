"""The rules that hold on every path into a registration: withdrawal of a draft that holds a
NIK, which statuses a person may set by hand, one active registration per NIK (normalised,
guaranteed by the database), the limit on NIK attempts, bounded text and dates, and the
agreement of a NIK with the birth date and sex."""

import pytest
from django.urls import reverse

from bp3mi.models import AuditEvent
from registrations import services
from registrations.choices import RegistrationStatus as S
from registrations.models import StatusChange
from registrations.services import registration_submit
from registrations.services import registration_transition as transition

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- A draft can be withdrawn -------------------------------------------------------------


def test_the_owner_withdraws_a_draft_with_a_reason(client, cpmi_user, draft):
    url = reverse("registrations:withdraw", kwargs={"pk": draft.pk})
    response = login(client, cpmi_user).post(url, {"reason": "Belum siap berangkat"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert draft.number is None
    assert draft.status_reason == "Belum siap berangkat"
    change = StatusChange.objects.get(registration=draft)
    assert (change.from_status, change.to_status, change.changed_by) == (
        S.DRAFT,
        S.WITHDRAWN,
        cpmi_user,
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, actor=cpmi_user, object_id=str(draft.pk)
    ).exists()
    page = client.get(reverse("registrations:timeline", kwargs={"pk": draft.pk})).content
    assert "Batalkan pendaftaran" not in page.decode()


def test_an_officer_releases_a_nik_held_by_someone_elses_draft(client, verifikator, cpmi_user):
    """Someone started a draft with another person's NIK: the officer finds it by the NIK,
    withdraws it with a reason, and the person can then register."""
    squatter = complete_draft(applicant=complete_applicant(serial=41))
    nik = squatter.applicant.nik
    login(client, verifikator)
    found = client.get(reverse("registrations:list"), {"q": nik}).content.decode()
    assert squatter.get_absolute_url() in found
    page = client.get(squatter.get_absolute_url()).content.decode()
    assert f'value="{S.WITHDRAWN}"' in page
    assert f'value="{S.SUBMITTED}"' not in page
    url = reverse("registrations:status", kwargs={"pk": squatter.pk})
    assert client.post(url, {"to_status": S.WITHDRAWN, "reason": ""}).status_code == 400
    response = client.post(
        url, {"to_status": S.WITHDRAWN, "reason": "NIK milik orang lain; KTP asli diperiksa"}
    )
    assert response.status_code == 302
    squatter.refresh_from_db()
    assert squatter.status == S.WITHDRAWN
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, actor=verifikator, object_id=str(squatter.pk)
    ).exists()
    # The real holder of the NIK may now register with it.
    own = complete_draft(applicant=complete_applicant(user=cpmi_user, nik=nik))
    registration_submit(registration=own, by=cpmi_user)
    own.refresh_from_db()
    assert own.status == S.SUBMITTED


def test_a_withdrawn_draft_stays_without_a_number_and_final(draft, verifikator):
    transition(registration=draft, to_status=S.WITHDRAWN, by=verifikator, reason="Ganda")
    draft.refresh_from_db()
    assert draft.number is None and draft.status == S.WITHDRAWN
    assert services.manual_transitions(draft.status) == set()


# --- Status form: only manual moves -------------------------------------------------------


@pytest.mark.parametrize("to_status", [S.IN_VERIFICATION, S.VERIFIED, S.SUBMITTED])
def test_statuses_that_documents_drive_cannot_be_set_by_hand(client, kepala, cpmi_user, to_status):
    registration = complete_draft(user=cpmi_user)
    registration_submit(registration=registration, by=cpmi_user)
    if to_status == S.VERIFIED:
        # Even from In verification, reached the way documents reach it.
        transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala)
    login(client, kepala)
    page = client.get(registration.get_absolute_url()).content.decode()
    for status in (S.IN_VERIFICATION, S.VERIFIED, S.SUBMITTED):
        assert f'value="{status}"' not in page
    url = reverse("registrations:status", kwargs={"pk": registration.pk})
    response = client.post(url, {"to_status": to_status, "reason": "Sudah saya periksa"})
    assert response.status_code == 400
    before = registration.status
    registration.refresh_from_db()
    assert registration.status == before


def test_the_service_refuses_a_document_driven_status_by_hand(cpmi_user, kepala):
    from django.core.exceptions import ValidationError

    registration = complete_draft(user=cpmi_user)
    registration_submit(registration=registration, by=cpmi_user)
    with pytest.raises(ValidationError) as error:
        transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala, by_hand=True)
    assert error.value.code == "not_manual"
    assert "pemeriksaan dokumennya" in error.value.messages[0]
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    # The document reviews still move it (they call the service without by_hand).
    transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala)
    registration.refresh_from_db()
    assert registration.status == S.IN_VERIFICATION


def test_manual_moves_are_withdraw_reject_correction_and_departure():
    assert services.manual_transitions(S.DRAFT) == {S.WITHDRAWN}
    assert services.manual_transitions(S.SUBMITTED) == {S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED}
    assert services.manual_transitions(S.VERIFIED) == {S.DEPARTED, S.NEEDS_CORRECTION, S.WITHDRAWN}
