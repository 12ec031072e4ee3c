"""The attack corpus (corpus.py) sent to every entry point that accepts a file: a CPMI's own
document, the desk officer's scan for a walk-in, the public complaint form, the officers'
complaint form, a clarification note on a case, and the directory import. Each file is
refused with its Indonesian reason and nothing is stored, or it is neutralised; never a 500."""

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bp3mi import roles
from complaints.choices import CaseChannel, CaseStatus
from complaints.models import CaseAttachment, CaseEvent
from documents.models import Document
from registrations.choices import RegistrationStatus
from stakeholders.models import ImportJob, Stakeholder
from stakeholders.services import import_job_run
from tests.complaints.test_views import public_form
from tests.factories import ApplicantFactory, CaseFactory, RegistrationFactory

from .corpus import ANY_REASON, HostileFile, document_corpus, import_corpus

pytestmark = pytest.mark.django_db

DOCUMENTS = functools.cache(document_corpus)()
IMPORTS = functools.cache(import_corpus)()


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def stored_files(root) -> list[str]:
    return [f for _, _, files in os.walk(root) for f in files]


def as_upload(item: HostileFile) -> SimpleUploadedFile:
    return SimpleUploadedFile(item.name, item.content, content_type="application/octet-stream")


@dataclass
class EntryPoint:
    """How to send one file there, and what it stores (objects with `file` and
    `original_name`)."""

    send: Callable[[HostileFile], object]
    stored: Callable[[], list]


def cpmi_document(client, make_user):
    user = make_user(roles.CPMI)
    registration = RegistrationFactory(
        applicant=ApplicantFactory(user=user), status=RegistrationStatus.SUBMITTED
    )
    client.force_login(user)
    url = reverse("documents:upload", kwargs={"pk": registration.pk, "code": "ktp"})
    return EntryPoint(
        send=lambda item: client.post(url, {"file": as_upload(item)}),
        stored=lambda: list(Document.objects.all()),
    )


def desk_walk_in(client, make_user):
    walk_in = RegistrationFactory(
        applicant=ApplicantFactory(user=None), status=RegistrationStatus.SUBMITTED
    )
    client.force_login(make_user(roles.VERIFIKATOR))
    url = reverse("documents:upload", kwargs={"pk": walk_in.pk, "code": "ktp"})
    return EntryPoint(
        send=lambda item: client.post(url, {"file": as_upload(item)}),
        stored=lambda: list(Document.objects.all()),
    )


def public_complaint(client, make_user):
    url = reverse("complaints:file")
    return EntryPoint(
        send=lambda item: client.post(url, {**public_form(), "attachments": [as_upload(item)]}),
        stored=lambda: list(CaseAttachment.objects.all()),
    )


def officer_complaint(client, make_user):
    client.force_login(make_user(roles.PETUGAS_PENGADUAN))
    data = public_form(channel=CaseChannel.WALK_IN, received_on=timezone.localdate().isoformat())
    data.pop("website")
    url = reverse("complaints:case_file")
    return EntryPoint(
        send=lambda item: client.post(url, {**data, "attachments": [as_upload(item)]}),
        stored=lambda: list(CaseAttachment.objects.all()),
    )


def clarification_note(client, make_user):
    case = CaseFactory(status=CaseStatus.CLARIFICATION)
    client.force_login(make_user(roles.PETUGAS_PENGADUAN))
    url = reverse("complaints:case_event", args=[case.pk])
    data = {"kind": "clarification", "text": "BA klarifikasi dengan P3MI"}
    return EntryPoint(
        send=lambda item: client.post(url, {**data, "attachments": [as_upload(item)]}),
        stored=lambda: list(CaseAttachment.objects.all()),
    )


ENTRY_POINTS = {
    "cpmi-document": cpmi_document,
    "desk-walk-in": desk_walk_in,
    "public-complaint": public_complaint,
    "officer-complaint": officer_complaint,
    "clarification-note": clarification_note,
}


def test_the_corpus_is_what_it_claims():
    by_key = {item.key: item for item in DOCUMENTS}
    assert by_key["pdf-flate-bomb"].content.startswith(b"%PDF-")
    assert len(by_key["pdf-flate-bomb"].content) < 1024 * 1024  # 200 MB once inflated
    assert len(by_key["png-bomb-7070x7070"].content) < 1024 * 1024
    assert b"PK\x03\x04" in by_key["jpeg-zip-polyglot"].content
    assert b"<script" in by_key["png-script-in-text-chunk"].content
    assert {"/JavaScript", "/Launch"} <= {
        kind
        for item in DOCUMENTS
        for kind in ("/JavaScript", "/Launch")
        if kind.encode() in item.content
    }


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("item", DOCUMENTS, ids=lambda item: item.key)
def test_every_upload_entry_point_refuses_or_neutralises_each_hostile_file(
    client, make_user, storage, entry, item
):
    point = ENTRY_POINTS[entry](client, make_user)
    events_before = CaseEvent.objects.count()
    response = point.send(item)
    assert response.status_code < 500
    if item.refused:
        # The form again with the reason (400 where the form sits on a case's page).
        assert response.status_code in {200, 400}
        assert item.refused in response.content.decode()
        assert point.stored() == []
        assert stored_files(storage) == []
        assert CaseEvent.objects.count() == events_before
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    (kept,) = point.stored()
    assert kept.file.name.endswith(item.extension)
    assert ".." not in kept.file.name and "passwd" not in kept.file.name
    assert not set(kept.original_name) & {"/", "\\", "<", ">", '"', "\u202e"}
    with kept.file.open("rb") as handle:
        assert item.stored(handle.read())


@pytest.mark.parametrize("item", IMPORTS, ids=lambda item: item.key)
def test_the_directory_import_refuses_or_neutralises_each_hostile_file(
    client, staf_data, storage, item
):
    client.force_login(staf_data)
    response = client.post(reverse("stakeholders:import"), {"file": as_upload(item)})
    assert response.status_code < 500
    if item.refused:
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors["file"])
        assert errors and (item.refused == ANY_REASON or item.refused in errors)
        assert not ImportJob.objects.exists() and stored_files(storage) == []
        return
    # An XML entity in a workbook: refused as unreadable, or read without expanding it.
    pages = [response.content]
    if response.status_code == 302:
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_job_run(job_id=ImportJob.objects.get().pk)
        pages.append(client.get(response["Location"]).content)
    for page in pages:
        assert item.stored(page)
    assert all(
        item.stored(name.encode()) for name in Stakeholder.objects.values_list("name", flat=True)
    )
