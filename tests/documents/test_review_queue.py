"""The verification queue at scale: each registration keeps when its oldest waiting document
was uploaded (`Registration.review_waiting_since`, kept by the document services), and the
queue pages by seek on that key."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.choices import DocumentStatus, RejectReason
from documents.models import Document
from documents.services import (
    document_approve,
    document_reject,
    document_upload,
    registration_request_correction,
    review_waiting_refresh,
)
from registrations.choices import RegistrationStatus as RS
from registrations.models import Registration

from .helpers import clean_pdf, registration_with_documents

pytestmark = pytest.mark.django_db


def waiting_since(registration) -> datetime.datetime | None:
    return Registration.objects.values_list("review_waiting_since", flat=True).get(
        pk=registration.pk
    )


def pending(registration):
    return Document.objects.filter(
        registration=registration, is_current=True, status=DocumentStatus.PENDING
    ).order_by("uploaded_at", "pk")


def reject(document, by):
    document_reject(
        document=document,
        by=by,
        revision=document.revision,
        reason=RejectReason.ILLEGIBLE,
        note="Foto buram, unggah ulang.",
    )


def test_the_oldest_waiting_upload_follows_every_upload_and_review(verifikator):
    registration = registration_with_documents()
    documents = list(pending(registration))
    assert len(documents) > 2
    assert waiting_since(registration) == documents[0].uploaded_at

    # Reviewing the oldest moves the key to the next one still waiting.
    document_approve(document=documents[0], by=verifikator, revision=documents[0].revision)
    assert waiting_since(registration) == documents[1].uploaded_at
    reject(documents[1], verifikator)
    assert waiting_since(registration) == documents[2].uploaded_at

    # A new version of a waiting document replaces it: its upload time counts instead.
    newer = document_upload(
        registration=registration,
        document_type=documents[2].document_type,
        clean=clean_pdf(pages=2),
        by=registration.applicant.user,
    )
    remaining = list(pending(registration))
    assert newer in remaining
    assert waiting_since(registration) == min(d.uploaded_at for d in remaining)

    # Nothing waits once every document is reviewed.
    for document in remaining:
        reject(document, verifikator)
    assert waiting_since(registration) is None

    # Sent back for correction, the re-uploaded document waits again.
    registration_request_correction(registration=registration, by=verifikator)
    again = document_upload(
        registration=registration,
        document_type=documents[1].document_type,
        clean=clean_pdf(pages=3),
        by=registration.applicant.user,
    )
    assert waiting_since(registration) == again.uploaded_at


def test_a_registration_saved_whole_keeps_the_key_the_services_wrote(verifikator):
    registration = registration_with_documents()
    stale = Registration.objects.get(pk=registration.pk)  # loaded before the reviews
    for document in pending(registration):
        document_approve(document=document, by=verifikator, revision=document.revision)
    assert waiting_since(registration) is None

    stale.status_reason = "diubah petugas"
    stale.save()  # a whole save, as a form does

    assert waiting_since(registration) is None
    assert Registration.objects.get(pk=registration.pk).status_reason == "diubah petugas"


def queue_numbers(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [r.number for r in response.context["registrations"]]


def test_the_queue_pages_by_seek_longest_waiting_first(
    client, verifikator, django_assert_max_num_queries, settings
):
    registrations = [registration_with_documents() for _ in range(7)]
    # Spread the uploads over the past weeks, oldest last created.
    now = timezone.now()
    for age, registration in enumerate(registrations):
        Document.objects.filter(registration=registration).update(
            uploaded_at=now - datetime.timedelta(days=age * 3)
        )
        review_waiting_refresh(registration_id=registration.pk)
    expected = [r.number for r in reversed(registrations)]
    url = reverse("documents:queue")
    client.force_login(verifikator)

    from documents.views import QueueView

    QueueView.per_page = 3
    try:
        with django_assert_max_num_queries(10):
            response, first = queue_numbers(client, url)
        assert first == expected[:3]
        assert response.context["count"] == 7
        page = response.context["page"]
        response, second = queue_numbers(client, url, {"after": page.next_cursor})
        assert second == expected[3:6]
        with django_assert_max_num_queries(10):
            response, last = queue_numbers(client, url, {"last": "1"})
        assert last == expected[4:]  # the last page is the last three
        response, before_last = queue_numbers(
            client, url, {"before": response.context["page"].previous_cursor}
        )
        assert before_last == expected[1:4]
        # A forged cursor gives the first page.
        assert queue_numbers(client, url, {"after": "bukan-kursor"})[1] == expected[:3]
        # Filters page the same way: waiting 5 days or more (five of the seven).
        response, old = queue_numbers(client, url, {"days": 5})
        assert old == expected[:3]
        assert (
            queue_numbers(client, url, {"days": 5, "after": response.context["page"].next_cursor})[
                1
            ]
            == expected[3:5]
        )
    finally:
        QueueView.per_page = 50


def test_registrations_out_of_review_leave_the_queue(client, verifikator):
    waiting = registration_with_documents()
    sent_back = registration_with_documents()
    reject(pending(sent_back).first(), verifikator)
    registration_request_correction(registration=sent_back, by=verifikator)
    assert Registration.objects.get(pk=sent_back.pk).status == RS.NEEDS_CORRECTION

    client.force_login(verifikator)
    listed = queue_numbers(client, reverse("documents:queue"))[1]
    assert waiting.number in listed
    assert sent_back.number not in listed  # its other documents still wait, but not in review


def test_the_migration_fills_the_key_for_documents_already_waiting(transactional_db):
    """Documents uploaded before the key existed: the migration sets it from them."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("documents", "0003_letter_heartbeat_at_letter_sent_at"),
        ("registrations", "0013_registration_registration_verified_updated"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Applicant_ = old.get_model("registrations", "Applicant")
    Registration_ = old.get_model("registrations", "Registration")
    Document_ = old.get_model("documents", "Document")
    DocumentType_ = old.get_model("documents", "DocumentType")
    types = list(DocumentType_.objects.order_by("pk")[:2])
    now = timezone.now()

    def registration(number, *uploads):
        applicant = Applicant_.objects.create(full_name="Wa Ode Sitti")
        made = Registration_.objects.create(applicant=applicant, status=RS.SUBMITTED, number=number)
        for document_type, (days, status) in zip(types, uploads, strict=False):
            Document_.objects.create(
                registration=made,
                document_type=document_type,
                file=f"lama/{number}-{document_type.pk}.pdf",
                file_format="pdf",
                size=1,
                sha256="0" * 64,
                status=status,
                uploaded_at=now - datetime.timedelta(days=days),
            )
        return made

    waiting = registration(
        "REG-2026-000101", (9, DocumentStatus.APPROVED), (4, DocumentStatus.PENDING)
    )
    reviewed = registration("REG-2026-000102", (2, DocumentStatus.APPROVED))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert waiting_since(waiting) == now - datetime.timedelta(days=4)
    assert waiting_since(reviewed) is None
