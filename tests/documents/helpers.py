"""Registrations with their documents, built through the services."""

from documents.models import Document
from documents.selectors import letter_document_types, requirements_for
from documents.services import document_approve, document_upload
from documents.uploads import CleanFile
from registrations.choices import RegistrationStatus
from tests.factories import ApplicantFactory, RegistrationFactory

from .files import pdf_bytes


def clean_pdf(pages: int = 1, name: str = "dokumen.pdf") -> CleanFile:
    return CleanFile(content=pdf_bytes(pages), file_format="pdf", original_name=name)


def registration_with_documents(*, user=None, status=RegistrationStatus.SUBMITTED, **fields):
    """A registration with every required document uploaded (pending review)."""
    applicant = ApplicantFactory(user=user, **fields)
    registration = RegistrationFactory(applicant=applicant, status=status)
    uploader = user or applicant.user
    for requirement in requirements_for(registration=registration):
        document_upload(
            registration=registration,
            document_type=requirement.document_type,
            clean=clean_pdf(),
            by=uploader,
        )
    return registration


def approve_all(registration, by):
    """Approve every pending document the letter needs (not the departure-stage ones)."""
    needed = letter_document_types(registration=registration)
    for document in Document.objects.filter(
        registration=registration,
        is_current=True,
        status="menunggu",
        document_type__in=needed,
    ).order_by("pk"):
        document_approve(document=document, by=by, revision=document.revision)
    registration.refresh_from_db()
    return registration


def verified_registration(*, verifikator, user=None, **fields):
    return approve_all(registration_with_documents(user=user, **fields), verifikator)
