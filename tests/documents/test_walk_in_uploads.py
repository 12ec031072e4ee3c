"""A desk officer scans a walk-in's documents; another officer reviews them; the letter
follows as for any CPMI."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent
from documents.models import Document
from documents.selectors import requirements_for
from documents.services import document_approve, document_reject, letter_sign
from registrations.choices import RegistrationStatus as RS
from tests.factories import ApplicantFactory, RegistrationFactory

from .files import jpeg_bytes, pdf_bytes, upload
from .helpers import approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk_in():
    return RegistrationFactory(applicant=ApplicantFactory(user=None), status=RS.SUBMITTED)


@pytest.fixture
def second_verifikator(make_user):
    return make_user(roles.VERIFIKATOR)


def upload_url(registration, code="ktp"):
    return reverse("documents:upload", kwargs={"pk": registration.pk, "code": code})


def test_the_desk_officer_uploads_a_walk_ins_document_recorded_as_theirs(
    client, verifikator, walk_in
):
    client.force_login(verifikator)
    assert client.get(upload_url(walk_in)).status_code == 200
    response = client.post(upload_url(walk_in), {"file": upload("ktp.jpg", jpeg_bytes())})
    assert response.status_code == 302
    assert response.url == reverse("documents:checklist", kwargs={"pk": walk_in.pk})
    document = Document.objects.get(registration=walk_in)
    assert document.uploaded_by == verifikator
    assert document.file_format == "jpeg"
    assert AuditEvent.objects.filter(
        actor=verifikator, action=AuditEvent.Action.CREATE, object_id=str(document.pk)
    ).exists()


def test_the_checklist_offers_the_desk_officer_an_upload_for_each_walk_in_document(
    client, verifikator, walk_in
):
    client.force_login(verifikator)
    page = client.get(reverse("documents:checklist", kwargs={"pk": walk_in.pk})).content.decode()
    for requirement in requirements_for(registration=walk_in):
        assert upload_url(walk_in, requirement.document_type.code) in page


def test_walk_in_uploads_pass_the_same_content_checks(client, verifikator, walk_in):
    client.force_login(verifikator)
    response = client.post(
        upload_url(walk_in), {"file": upload("ktp.pdf", b"MZ\x90\x00" + b"\x00" * 200)}
    )
    assert response.status_code == 200
    assert "Berkas ini adalah program, bukan dokumen." in response.content.decode()
    assert not Document.objects.exists()


def test_roles_without_the_desk_permission_may_not_upload_for_a_walk_in(
    client, kepala, cpmi_user, walk_in
):
    client.force_login(kepala)
    assert (
        client.post(upload_url(walk_in), {"file": upload("a.pdf", pdf_bytes())}).status_code == 403
    )
    client.force_login(cpmi_user)
    assert (
        client.post(upload_url(walk_in), {"file": upload("a.pdf", pdf_bytes())}).status_code == 404
    )
    assert not Document.objects.exists()


def test_the_officer_who_uploaded_may_not_review_and_another_officer_may(
    client, verifikator, second_verifikator, walk_in
):
    client.force_login(verifikator)
    client.post(upload_url(walk_in), {"file": upload("ktp.pdf", pdf_bytes())})
    document = Document.objects.get(registration=walk_in)
    with pytest.raises(ValidationError) as error:
        document_approve(document=document, by=verifikator, revision=document.revision)
    assert error.value.code == "own_upload"
    with pytest.raises(ValidationError):
        document_reject(
            document=document, by=verifikator, revision=document.revision, reason="buram", note="x"
        )
    review = client.get(reverse("documents:review", kwargs={"pk": walk_in.pk})).content.decode()
    assert "petugas lain yang memeriksanya" in review
    assert (
        f'action="{reverse("documents:document_review", kwargs={"pk": document.pk})}"' not in review
    )
    document.refresh_from_db()
    assert document.status == "menunggu"
    document_approve(document=document, by=second_verifikator, revision=document.revision)
    document.refresh_from_db()
    assert document.status == "disetujui"


def test_a_walk_in_goes_from_desk_uploads_to_a_signed_letter(
    client, verifikator, second_verifikator, kepala, walk_in
):
    client.force_login(verifikator)
    for requirement in requirements_for(registration=walk_in):
        response = client.post(
            upload_url(walk_in, requirement.document_type.code),
            {"file": upload("scan.pdf", pdf_bytes())},
        )
        assert response.status_code == 302, requirement.document_type.code
    approve_all(walk_in, second_verifikator)
    assert walk_in.status == RS.VERIFIED
    letter = letter_sign(registration=walk_in, by=kepala)
    assert letter.number
