"""Retention of personal data (UU 27/2022): a draft registration nobody touched for
RETENTION_DRAFT_DAYS is anonymised.

What goes: the person's name, NIK, birthplace and day of birth, address, phone numbers,
e-mail, family contact, free text, the link to their account, and every uploaded file (rows
and files). What stays, so the statistics stay exact: the registration and applicant rows
themselves (counts), status, scheme, destination country, occupation, region, sex, birth
year and dates. The audit trail keeps who did what and when about these objects; the
personal values it held (before/after of changes, the object's name) are replaced too.

It lives in the documents app because a draft's uploads are documents: this is the lowest
app that knows both the registration and its files."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent
from bp3mi.services import audit_record
from registrations.choices import RegistrationStatus as RS
from registrations.models import Applicant, Registration

from .models import Document

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "ANONIM"
REDACTED = "[dihapus]"
# Applicant fields that identify or reach the person; each is emptied (name: ANONYMOUS_NAME).
APPLICANT_PERSONAL_FIELDS = [
    "nik",
    "birthplace",
    "experience",
    "address",
    "kecamatan",
    "village",
    "phone",
    "email",
    "family_name",
    "family_relation",
    "family_phone",
]
REGISTRATION_PERSONAL_FIELDS = ["nik", "no_nik_reason", "status_reason"]


def abandoned_drafts(*, now: datetime.datetime | None = None) -> QuerySet[Registration]:
    """Drafts with no activity (registration, applicant, upload, sign-in) for
    RETENTION_DRAFT_DAYS, whose applicant was never anonymised and has never submitted any
    registration (a returning worker's earlier, submitted data is not a draft's to erase)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DRAFT_DAYS)
    recent_upload = Document.objects.filter(registration=OuterRef("pk"), uploaded_at__gte=cutoff)
    submitted_elsewhere = Registration.objects.filter(
        applicant=OuterRef("applicant"), submitted_at__isnull=False
    )
    return (
        Registration.objects.filter(
            status=RS.DRAFT,
            applicant__anonymised_at__isnull=True,
            updated_at__lt=cutoff,
            applicant__updated_at__lt=cutoff,
        )
        .exclude(applicant__user__last_login__gte=cutoff)
        .exclude(Exists(recent_upload))
        .exclude(Exists(submitted_elsewhere))
    )


def _redact_audit_trail(*, applicant: Applicant, registrations: list[Registration]) -> None:
    """Keep who, what and when of the events about these objects; drop the personal values."""
    applicant_type = ContentType.objects.get_for_model(Applicant)
    registration_type = ContentType.objects.get_for_model(Registration)
    document_type = ContentType.objects.get_for_model(Document)
    registration_ids = [str(r.pk) for r in registrations]
    document_ids = [
        str(pk)
        for pk in Document.objects.filter(registration__in=registrations).values_list(
            "pk", flat=True
        )
    ]
    events = AuditEvent.objects.filter(
        Q(content_type=applicant_type, object_id=str(applicant.pk))
        | Q(content_type=registration_type, object_id__in=registration_ids)
        | Q(content_type=document_type, object_id__in=document_ids)
    )
    for event in events.iterator():
        event.changes = {key: [REDACTED, REDACTED] for key in event.changes}
        if event.content_type_id == applicant_type.pk:
            event.object_repr = ANONYMOUS_NAME
            event.message = ""
        event.save(update_fields=["changes", "object_repr", "message"])


def draft_anonymise(*, registration_id: int, now: datetime.datetime | None = None) -> bool:
    """Anonymise one abandoned draft and its applicant; False when it no longer qualifies
    (touched since it was listed, already anonymised), so running twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            abandoned_drafts(now=now)
            .select_for_update(of=("self",))
            .filter(pk=registration_id)
            .select_related("applicant")
            .first()
        )
        if registration is None:
            return False
        applicant = Applicant.objects.select_for_update().get(pk=registration.applicant_id)
        drafts = list(Registration.objects.filter(applicant=applicant).select_for_update())
        documents = list(Document.objects.filter(registration__in=drafts))
        _redact_audit_trail(applicant=applicant, registrations=drafts)

        files = [d.file.name for d in documents if d.file]
        storage = Document._meta.get_field("file").storage
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        for draft in drafts:
            for field in REGISTRATION_PERSONAL_FIELDS:
                setattr(draft, field, "")
            draft.save(update_fields=[*REGISTRATION_PERSONAL_FIELDS, "updated_at"])

        applicant.full_name = ANONYMOUS_NAME
        for field in APPLICANT_PERSONAL_FIELDS:
            setattr(applicant, field, "")
        if applicant.birth_date:
            # The year stays for age groups; the day does not identify anyone any more.
            applicant.birth_date = applicant.birth_date.replace(month=7, day=1)
        applicant.user = None
        applicant.anonymised_at = now
        applicant.save()
        audit_record(
            actor=None,
            action=AuditEvent.Action.DELETE,
            obj=applicant,
            message=_(
                "Data pribadi draf dianonimkan setelah %(days)d hari tanpa aktivitas "
                "(%(documents)d berkas dihapus)."
            )
            % {"days": settings.RETENTION_DRAFT_DAYS, "documents": len(documents)},
            changes={"fields": [*APPLICANT_PERSONAL_FIELDS, "full_name", "birth_date", "user"]},
        )
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(storage, files))
    return True


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError as exc:  # the row is gone; a file left behind is logged, not fatal
            logger.warning("could not delete %s: %s", name, exc)


def retention_sweep(*, now: datetime.datetime | None = None) -> int:
    """Anonymise every abandoned draft (each in its own transaction); the number done."""
    now = now or timezone.now()
    ids = list(abandoned_drafts(now=now).values_list("pk", flat=True))
    return sum(draft_anonymise(registration_id=pk, now=now) for pk in ids)
