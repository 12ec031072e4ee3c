"""Writes on documents and letters. Each service is one transaction, locks what it changes,
returns early when there is nothing to change, and leaves an audit event."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.jobs import job_heartbeat, job_queue, job_sweep
from bp3mi.mail import queue_after_commit
from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, job_mark_failed, job_retry, sequence_next
from registrations.choices import RegistrationStatus as RS
from registrations.models import Registration
from registrations.services import registration_transition

from . import letters, signing
from .choices import EXTENSIONS, DocumentStatus, RejectReason
from .models import Document, DocumentType, Letter
from .selectors import UPLOAD_STATUSES, letter_document_types, letter_documents, upload_refusal
from .uploads import CleanFile

logger = logging.getLogger(__name__)

REVIEW_STATUSES = {RS.SUBMITTED, RS.IN_VERIFICATION}


class ConflictError(ValidationError):
    """Someone else changed the object since the form was shown."""


def _conflict() -> ConflictError:
    return ConflictError(
        _(
            "Dokumen ini sudah diperiksa atau diganti oleh orang lain sejak halaman dibuka. "
            "Tidak ada yang diubah; lihat keadaannya sekarang lalu putuskan lagi."
        ),
        code="conflict",
    )


# --- Uploads ----------------------------------------------------------------------------------


def document_upload(
    *,
    registration: Registration,
    document_type: DocumentType,
    clean: CleanFile,
    by: User,
    expires_on=None,
    request: HttpRequest | None = None,
) -> Document:
    """Store a checked file as the new current version of a document.

    Whether an upload is allowed now is `selectors.upload_refusal` (the checklist offers the
    button by the same rule). The file is written under a random name; if the database write
    fails the file is removed again, so nothing half-written stays behind."""
    name = f"x.{EXTENSIONS[clean.file_format]}"
    stored = ""
    try:
        with transaction.atomic():
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            current = (
                Document.objects.select_for_update()
                .filter(registration=locked, document_type=document_type, is_current=True)
                .first()
            )
            if (
                current is not None
                and current.sha256 == clean.sha256
                and locked.status in UPLOAD_STATUSES
            ):
                if current.status == DocumentStatus.REJECTED:
                    raise ValidationError(
                        _(
                            "Berkas ini sama dengan yang ditolak. Unggah berkas yang sudah diperbaiki."
                        ),
                        code="same_as_rejected",
                    )
                # The same file sent twice (a double tap): nothing changes.
                return current
            refusal = upload_refusal(
                registration=locked, document_type=document_type, current=current
            )
            if refusal is not None:
                raise refusal
            version = 1
            if current is not None:
                version = current.version + 1
                current.is_current = False
                if current.status == DocumentStatus.PENDING:
                    current.status = DocumentStatus.SUPERSEDED
                current.revision += 1
                current.save(update_fields=["is_current", "status", "revision"])
            document = Document(
                registration=locked,
                document_type=document_type,
                version=version,
                original_name=clean.original_name,
                file_format=clean.file_format,
                size=clean.size,
                sha256=clean.sha256,
                expires_on=expires_on,
                uploaded_by=by,
            )
            document.file.save(name, ContentFile(clean.content), save=False)
            stored = document.file.name
            document.save()
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE,
                obj=document,
                message=_("Unggah %(type)s versi %(version)s")
                % {"type": document_type.name, "version": version},
                request=request,
            )
            if locked.status == RS.NEEDS_CORRECTION and not _has_rejected(locked):
                registration_transition(
                    registration=locked,
                    to_status=RS.IN_VERIFICATION,
                    by=by,
                    reason=_("Dokumen perbaikan telah diunggah."),
                )
            review_waiting_refresh(registration_id=locked.pk)
    except BaseException:
        # The database write failed: the file written under a random name goes too.
        if stored:
            default_storage.delete(stored)
        raise
    return document


def oldest_waiting_upload() -> Subquery:
    """For the registration of the outer query: the upload time of its oldest current
    document waiting for review (NULL when none waits). An aggregate over the registration's
    own documents (its foreign-key index), with no ORDER BY ... LIMIT that could tempt the
    planner to walk the (status, is_current, uploaded_at) index of every waiting document."""
    return Subquery(
        Document.objects.filter(
            registration=OuterRef("pk"), is_current=True, status=DocumentStatus.PENDING
        )
        .order_by()
        .values("registration")
        .annotate(oldest=Min("uploaded_at"))
        .values("oldest")
    )


def review_waiting_refresh(*, registration_id: int) -> None:
    """Set the registration's `review_waiting_since` (the verification queue's order) to the
    upload time of its oldest current document waiting for review, or None; one UPDATE, run
    in the transaction that changed a document."""
    Registration.objects.filter(pk=registration_id).update(
        review_waiting_since=oldest_waiting_upload()
    )


def _has_rejected(registration: Registration) -> bool:
    return Document.objects.filter(
        registration=registration, is_current=True, status=DocumentStatus.REJECTED
    ).exists()


# --- Reviews ----------------------------------------------------------------------------------


def _lock_for_review(*, document: Document, revision: int, by: User) -> Document:
    # The document and its registration are locked, not the shared document type row.
    locked = (
        Document.objects.select_for_update(of=("self", "registration"))
        .select_related("registration", "document_type")
        .get(pk=document.pk)
    )
    if locked.revision != revision or not locked.is_current:
        raise _conflict()
    if locked.uploaded_by_id == by.pk:
        # A desk officer who scanned a walk-in's document does not also judge it.
        raise ValidationError(
            _(
                "Anda sendiri yang mengunggah dokumen ini, jadi pemeriksaannya dilakukan "
                "petugas lain (prinsip empat mata)."
            ),
            code="own_upload",
        )
    if locked.registration.status not in REVIEW_STATUSES:
        raise ValidationError(
            _("Pendaftaran berstatus %(status)s; dokumennya tidak sedang diperiksa.")
            % {"status": locked.registration.get_status_display()},
            code="status",
        )
    return locked


def _start_verification(registration: Registration, by: User) -> None:
    if registration.status == RS.SUBMITTED:
        registration_transition(registration=registration, to_status=RS.IN_VERIFICATION, by=by)


def document_approve(
    *,
    document: Document,
    by: User,
    revision: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """Approve the current version of a document. `revision` is the one the officer saw; if
    it changed meanwhile, ConflictError and nothing is written. When this approval completes
    every document the letter needs, the registration becomes Verified."""
    with transaction.atomic():
        locked = _lock_for_review(document=document, revision=revision, by=by)
        if locked.status == DocumentStatus.APPROVED:
            return locked
        _start_verification(locked.registration, by)
        before = locked.status
        locked.status = DocumentStatus.APPROVED
        locked.reject_reason = ""
        locked.review_note = note.strip()
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.revision += 1
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [before, locked.status]},
            message=locked.review_note,
            request=request,
        )
        review_waiting_refresh(registration_id=locked.registration_id)
        registration_verify_if_complete(registration=locked.registration, by=by)
    return locked


def document_reject(
    *,
    document: Document,
    by: User,
    revision: int,
    reason: str,
    note: str,
    request: HttpRequest | None = None,
) -> Document:
    """Reject the current version of a document with a coded reason and a note the CPMI can
    act on. Same conflict rule as approval."""
    if reason not in RejectReason.values:
        raise ValidationError(_("Pilih alasan penolakan."), code="reason")
    if not note.strip():
        raise ValidationError(
            _("Tulis catatan yang menjelaskan apa yang harus diperbaiki."), code="note"
        )
    with transaction.atomic():
        locked = _lock_for_review(document=document, revision=revision, by=by)
        _start_verification(locked.registration, by)
        before = locked.status
        locked.status = DocumentStatus.REJECTED
        locked.reject_reason = reason
        locked.review_note = note.strip()
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.revision += 1
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [before, locked.status], "reject_reason": ["", reason]},
            message=locked.review_note,
            request=request,
        )
        review_waiting_refresh(registration_id=locked.registration_id)
    return locked


def registration_verify_if_complete(*, registration: Registration, by: User) -> bool:
    """Move the registration to Verified when every document the letter needs is approved;
    after commit the person is e-mailed."""
    needed = {t.pk for t in letter_document_types(registration=registration)}
    approved = set(
        Document.objects.filter(
            registration=registration, is_current=True, status=DocumentStatus.APPROVED
        ).values_list("document_type_id", flat=True)
    )
    if not needed or not needed <= approved:
        return False
    _start_verification(registration, by)
    registration_transition(
        registration=registration,
        to_status=RS.VERIFIED,
        by=by,
        reason=_("Semua dokumen wajib telah disetujui."),
    )
    from .tasks import registration_verified_email_task

    queue_after_commit(registration_verified_email_task, registration.pk)
    return True


def registration_request_correction(
    *, registration: Registration, by: User, request: HttpRequest | None = None
) -> Registration:
    """Send a registration back to the CPMI to re-upload the rejected documents; they are
    told by e-mail and see it on their dashboard."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == RS.NEEDS_CORRECTION:
            return locked
        rejected = list(
            Document.objects.filter(
                registration=locked, is_current=True, status=DocumentStatus.REJECTED
            ).select_related("document_type")
        )
        if not rejected:
            raise ValidationError(
                _("Tolak paling sedikit satu dokumen sebelum meminta perbaikan."),
                code="nothing_rejected",
            )
        lines = [
            f"- {d.document_type.name}: {d.get_reject_reason_display()}. {d.review_note}"
            for d in rejected
        ]
        reason = _("Dokumen yang perlu diperbaiki:") + "\n" + "\n".join(lines)
        locked = registration_transition(
            registration=locked, to_status=RS.NEEDS_CORRECTION, by=by, reason=reason
        )
        applicant = locked.applicant
        address = (applicant.user.email if applicant.user_id else "") or applicant.email
        if address:
            link = settings.SITE_URL + reverse("documents:checklist", kwargs={"pk": locked.pk})
            subject = _("Dokumen pendaftaran %(number)s perlu diperbaiki") % {
                "number": locked.number
            }
            body = (
                _("Yth. %(name)s,") % {"name": applicant.full_name}
                + "\n\n"
                + reason
                + "\n\n"
                + _("Unggah ulang dokumen tersebut di: %(link)s") % {"link": link}
                + "\n\n"
                + settings.OFFICE["name"]
            )
            transaction.on_commit(
                lambda: send_mail(subject, body, None, [address], fail_silently=True)
            )
    return locked


# --- Letters ----------------------------------------------------------------------------------


def _queue_letter(letter_id: int) -> None:
    """Send the render job to the broker. If the broker is down the row stays PENDING and
    unsent, and the sweep sends it when the broker is back; the signature is already saved."""
    from .tasks import letter_generate_task

    job_queue(model=Letter, job_id=letter_id, task=letter_generate_task)


def _check_letter_documents(*, registration: Registration, signer: User) -> None:
    """The letter's conditions, checked with the registration's documents locked: every
    document the letter lists has an approved current version, and the signer reviewed no
    version of any document of this registration (current or earlier, approved or rejected,
    also a review later overwritten: the audit trail keeps every one)."""
    documents = list(
        Document.objects.select_for_update(of=("self",))
        .filter(registration=registration)
        .order_by("pk")
    )
    approved = {
        d.document_type_id
        for d in documents
        if d.is_current and d.status == DocumentStatus.APPROVED
    }
    missing = [
        t.name for t in letter_document_types(registration=registration) if t.pk not in approved
    ]
    if missing:
        raise ValidationError(
            _("Surat belum dapat ditandatangani: dokumen berikut belum disetujui: %(types)s.")
            % {"types": ", ".join(missing)},
            code="not_approved",
        )
    reviewed = any(d.reviewed_by_id == signer.pk for d in documents) or (
        AuditEvent.objects.filter(
            actor=signer,
            action=AuditEvent.Action.STATUS,
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=[str(d.pk) for d in documents],
        ).exists()
    )
    if reviewed:
        raise ValidationError(
            _(
                "Anda memeriksa dokumen pendaftaran ini, jadi tidak boleh menandatangani "
                "suratnya (prinsip empat mata). Minta penandatangan lain."
            ),
            code="four_eyes",
        )


def letter_sign(
    *, registration: Registration, by: User, request: HttpRequest | None = None
) -> Letter:
    """Sign the verification letter of a Verified registration: take the next number of the
    year's sequence inside this transaction and queue the render after commit. Four eyes:
    inside the transaction, with the documents locked, every document the letter lists must
    be approved and the signer must have reviewed no version of any of them. Signing twice
    returns the letter already signed."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        existing = Letter.objects.filter(registration=locked, revoked_at__isnull=True).first()
        if existing is not None:
            return existing
        if locked.status != RS.VERIFIED:
            raise ValidationError(
                _("Surat hanya dapat ditandatangani untuk pendaftaran yang terverifikasi."),
                code="status",
            )
        _check_letter_documents(registration=locked, signer=by)
        now = timezone.now()
        day = timezone.localtime(now).date()
        serial = sequence_next(name="letter", year=day.year)
        letter = Letter.objects.create(
            registration=locked,
            number=letters.letter_number(serial=serial, day=day),
            year=day.year,
            serial=serial,
            signed_by=by,
            signed_at=now,
            queued_at=now,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=letter,
            message=_("Surat verifikasi ditandatangani"),
            request=request,
        )
        transaction.on_commit(lambda: _queue_letter(letter.pk))
    return letter


def letter_path(letter: Letter) -> str:
    """The same path every time a letter is rendered, so a retry overwrites, never adds."""
    return f"letters/{letter.year}/{letter.token}.pdf"


def _render_letter(letter_id: int) -> bytes:
    """The letter's signed PDF, made from what the database holds now."""
    letter = Letter.objects.select_related(
        "registration__applicant", "registration__destination_country", "signed_by"
    ).get(pk=letter_id)
    documents = letter_documents(registration=letter.registration)
    return letter_pdf_signed(
        letter=letter, pdf=letters.render_pdf(letters.letter_html(letter, documents))
    )


def letter_pdf_signed(*, letter: Letter, pdf: bytes) -> bytes:
    """The letter's PDF with the office's PAdES signature, in the signer's name."""
    return signing.sign_pdf(
        pdf,
        signer_name=letter.signed_by.full_name,
        reason=_("Surat keterangan verifikasi %(number)s") % {"number": letter.number},
        location=settings.OFFICE["city"],
    )


def letter_generate(*, letter_id: int) -> Letter:
    """Render the letter's PDF and sign it with the office's certificate (PAdES). Safe to
    run twice or after a killed worker: a READY letter is left alone, the file goes to a
    deterministic path, and only the first finished render is recorded. While it renders,
    the row's heartbeat shows the sweep that its worker is alive."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status == Letter.Status.READY:
            return letter
        letter.status = Letter.Status.RUNNING
        letter.attempts += 1
        letter.started_at = letter.heartbeat_at = timezone.now()
        letter.error = ""
        letter.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "error"])
    try:
        with job_heartbeat(model=Letter, job_id=letter_id):
            pdf = _render_letter(letter_id)
    except Exception as exc:
        job_mark_failed(model=Letter, job_id=letter_id, exc=exc)
        raise
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status == Letter.Status.READY:
            return letter
        path = letter_path(letter)
        if default_storage.exists(path):
            default_storage.delete(path)
        letter.file.name = default_storage.save(path, ContentFile(pdf))
        letter.sha256 = hashlib.sha256(pdf).hexdigest()
        letter.status = Letter.Status.READY
        letter.finished_at = timezone.now()
        letter.save(update_fields=["file", "sha256", "status", "finished_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=letter,
            message=_("PDF surat verifikasi dibuat"),
        )
        from .tasks import letter_ready_email_task

        queue_after_commit(letter_ready_email_task, letter.pk)
    return letter


def letter_retry(*, letter: Letter, by: User, request: HttpRequest | None = None) -> Letter:
    """Queue a FAILED letter again (the button beside a failed letter)."""
    return job_retry(
        job=letter,
        by=by,
        message=_("Pembuatan surat diulang"),
        queue=_queue_letter,
        request=request,
    )


def letter_revoke(
    *, letter: Letter, by: User, reason: str, request: HttpRequest | None = None
) -> Letter:
    """Revoke a letter; its public page then says so. The number stays used."""
    if not reason.strip():
        raise ValidationError(_("Alasan pencabutan wajib diisi."), code="reason")
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revoke_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"revoked": [False, True]},
            message=locked.revoke_reason,
            request=request,
        )
    return locked


def letter_sweep() -> list[int]:
    """Queue again the letters left behind: never sent, lost, or whose worker is gone (see
    bp3mi.jobs). Returns the ids queued."""
    return job_sweep(model=Letter, queue=_queue_letter)
