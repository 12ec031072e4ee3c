"""E-mails to the CPMI, in Bahasa Indonesia, queued to Celery after commit: on submission
(with the number), when every document is verified, and when the letter is ready (with its
links). Each test runs exactly the task the service queued, in-process, into mail.outbox."""

import functools

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from bp3mi import mail as bp3mi_mail
from documents.models import Document
from documents.selectors import letter_document_types
from documents.services import document_approve, letter_generate, letter_sign
from registrations.choices import RegistrationStatus as RS
from registrations.services import registration_submit
from tests.registrations.conftest import complete_draft

from .helpers import approve_all, registration_with_documents

pytestmark = pytest.mark.django_db


def queued_tasks(callbacks) -> list[tuple]:
    """The (task, args) each captured on-commit callback would send to the broker."""
    return [
        (cb.args[0], cb.args[1:])
        for cb in callbacks
        if isinstance(cb, functools.partial) and cb.func is bp3mi_mail._send
    ]


def run_queued(callbacks, name: str) -> None:
    tasks = [(task, args) for task, args in queued_tasks(callbacks) if task.name == name]
    assert len(tasks) == 1, [t.name for t, _ in queued_tasks(callbacks)]
    task, args = tasks[0]
    task(*args)  # what the worker runs, here in-process


def test_submission_queues_an_indonesian_mail_with_the_number(
    cpmi_user, django_capture_on_commit_callbacks
):
    draft = complete_draft(user=cpmi_user)
    with translation.override("en"), django_capture_on_commit_callbacks() as callbacks:
        registration = registration_submit(registration=draft, by=cpmi_user)
    assert mail.outbox == []  # nothing before the worker runs
    with translation.override("en"):
        run_queued(callbacks, "registrations.tasks.registration_submitted_email")
    message = mail.outbox[0]
    assert message.to == [cpmi_user.email]
    assert message.subject == f"Pendaftaran {registration.number} telah diterima"
    assert registration.number in message.body
    link = settings.SITE_URL + reverse("registrations:timeline", args=[registration.pk])
    assert link in message.body and "Yth." in message.body


def test_a_refused_submission_queues_nothing(cpmi_user, django_capture_on_commit_callbacks):
    draft = complete_draft(user=cpmi_user, destination_country=None)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        registration_submit(registration=draft, by=cpmi_user)
    assert queued_tasks(callbacks) == []


def test_approving_the_last_document_queues_the_verified_mail(
    verifikator, django_capture_on_commit_callbacks
):
    registration = registration_with_documents(user=None, email="tanpa.akun@contoh.test")
    documents = list(
        Document.objects.filter(
            registration=registration,
            is_current=True,
            document_type__in=letter_document_types(registration=registration),
        ).order_by("pk")
    )
    with django_capture_on_commit_callbacks() as callbacks:
        for document in documents[:-1]:
            document_approve(document=document, by=verifikator, revision=document.revision)
    assert queued_tasks(callbacks) == []  # not complete yet
    last = documents[-1]
    with django_capture_on_commit_callbacks() as callbacks:
        document_approve(document=last, by=verifikator, revision=last.revision)
    registration.refresh_from_db()
    assert registration.status == RS.VERIFIED
    run_queued(callbacks, "documents.tasks.registration_verified_email")
    message = mail.outbox[-1]
    assert message.to == ["tanpa.akun@contoh.test"]
    assert message.subject == f"Dokumen pendaftaran {registration.number} telah diverifikasi"
    assert "telah diperiksa dan disetujui" in message.body


def test_a_ready_letter_queues_the_mail_with_download_and_check_links(
    cpmi_user, verifikator, kepala, django_capture_on_commit_callbacks
):
    registration = approve_all(registration_with_documents(user=cpmi_user), verifikator)
    with django_capture_on_commit_callbacks():
        letter = letter_sign(registration=registration, by=kepala)
    with django_capture_on_commit_callbacks() as callbacks:
        letter = letter_generate(letter_id=letter.pk)
    run_queued(callbacks, "documents.tasks.letter_ready_email")
    message = mail.outbox[-1]
    assert message.to == [cpmi_user.email]
    assert message.subject == f"Surat keterangan verifikasi {registration.number} sudah siap"
    assert letter.number in message.body
    assert (
        settings.SITE_URL + reverse("documents:checklist", args=[registration.pk]) in message.body
    )
    assert settings.SITE_URL + letter.get_public_url() in message.body
    # Generating again (a retried task) sends nothing more.
    with django_capture_on_commit_callbacks() as callbacks:
        letter_generate(letter_id=letter.pk)
    assert queued_tasks(callbacks) == []


def test_a_person_without_any_e_mail_address_gets_nothing(verifikator):
    registration = registration_with_documents(user=None, email="")
    assert bp3mi_mail.send_in_indonesian(to="", subject=str, body=str) == 0
    from registrations.notifications import registration_submitted_notify

    assert registration_submitted_notify(registration_id=registration.pk) == 0
    assert mail.outbox == []


def test_a_broker_that_is_down_loses_the_notice_never_the_submission(
    cpmi_user, django_capture_on_commit_callbacks, caplog
):
    from bp3mi.celery import app
    from tests.documents.test_services import drop_pools

    draft = complete_draft(user=cpmi_user)
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.broker_transport_options = {"max_retries": 0}
    drop_pools(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            registration = registration_submit(registration=draft, by=cpmi_user)
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        drop_pools(app)
    assert "broker unavailable" in caplog.text
    registration.refresh_from_db()
    assert registration.status == RS.SUBMITTED and registration.number
