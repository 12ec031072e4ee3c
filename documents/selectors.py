"""Reads on documents and letters, scoped to what the user may see."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, User
from registrations.choices import RegistrationStatus
from registrations.models import Registration
from registrations.person_data import person_records
from registrations.selectors import registration_scope

from .choices import LETTER_STAGES, DocumentStatus, Stage
from .models import Document, DocumentRequirement, DocumentType, Letter
from .signing import SignatureCheck, signature_check

OFFICER_PERMISSION = "documents.view_document"
CPMI_PERMISSION = "registrations.register_self"
# The desk officer who records a walk-in also scans that person's documents.
WALK_IN_PERMISSION = "registrations.register_walk_in"


def document_registration_scope(*, user: User) -> QuerySet[Registration]:
    """Registrations whose documents the user may see: officers who view documents see all,
    a CPMI only their own."""
    if not user.is_authenticated:
        return Registration.objects.none()
    if user.has_perm(OFFICER_PERMISSION):
        return Registration.objects.all()
    if user.has_perm(CPMI_PERMISSION):
        return registration_scope(user=user).filter(applicant__user=user)
    return Registration.objects.none()


def own_registration_scope(*, user: User) -> QuerySet[Registration]:
    """A CPMI's own registrations."""
    if not user.is_authenticated or not user.has_perm(CPMI_PERMISSION):
        return Registration.objects.none()
    return Registration.objects.filter(applicant__user=user)


def upload_registration_scope(*, user: User) -> QuerySet[Registration]:
    """The registrations whose documents the user may upload: a CPMI their own; a desk
    officer (`registrations.register_walk_in`) those of walk-ins, people without an account,
    who bring their papers to the desk. Nobody uploads for a CPMI who has an account."""
    if not user.is_authenticated:
        return Registration.objects.none()
    condition = Q(pk__in=[])
    if user.has_perm(CPMI_PERMISSION):
        condition |= Q(applicant__user=user)
    if user.has_perm(WALK_IN_PERMISSION):
        condition |= Q(applicant__user__isnull=True)
    return Registration.objects.filter(condition)


def may_upload_for(*, user: User, registration: Registration) -> bool:
    """Whether `user` uploads documents for `registration` (see upload_registration_scope),
    without a query."""
    if not user.is_authenticated:
        return False
    if registration.applicant.user_id is None:
        return user.has_perm(WALK_IN_PERMISSION)
    return registration.applicant.user_id == user.pk and user.has_perm(CPMI_PERMISSION)


def document_scope(*, user: User) -> QuerySet[Document]:
    return Document.objects.filter(
        registration__in=document_registration_scope(user=user)
    ).select_related("document_type", "registration")


def letter_scope(*, user: User) -> QuerySet[Letter]:
    return Letter.objects.filter(
        registration__in=document_registration_scope(user=user)
    ).select_related("registration__applicant", "signed_by")


def requirements_for(*, registration: Registration) -> list[DocumentRequirement]:
    """The requirements that apply to a registration's scheme, in checklist order."""
    return list(
        DocumentRequirement.objects.filter(document_type__is_active=True)
        .filter(Q(scheme="") | Q(scheme=registration.scheme))
        .select_related("document_type")
        .order_by("document_type__position")
    )


def letter_document_types(*, registration: Registration) -> list[DocumentType]:
    """The document types that must be approved before the verification letter."""
    return [
        r.document_type
        for r in requirements_for(registration=registration)
        if r.stage in LETTER_STAGES
    ]


# Registration statuses in which the CPMI's documents may be uploaded or replaced.
UPLOAD_STATUSES = frozenset(
    {
        RegistrationStatus.DRAFT,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.IN_VERIFICATION,
        RegistrationStatus.NEEDS_CORRECTION,
    }
)


def upload_refusal(
    *, registration: Registration, document_type: DocumentType, current: Document | None
) -> ValidationError | None:
    """Why a document of `document_type` may not be uploaded to `registration` now (its
    current version being `current`), or None when it may. The one home of the rule: the
    upload service enforces it and the checklist offers the upload button by it.

    Uploads are open while the registration is a draft, submitted, in verification or sent
    back for correction; an approved version is never replaced; during a correction only a
    rejected document is replaced (a missing one may still be added); and a registration
    holds at most UPLOAD_MAX_VERSIONS versions of a document type."""
    if registration.status not in UPLOAD_STATUSES:
        return ValidationError(
            _("Dokumen tidak dapat diunggah saat pendaftaran berstatus %(status)s.")
            % {"status": registration.get_status_display()},
            code="status",
        )
    if current is None:
        return None
    if current.status == DocumentStatus.APPROVED:
        return ValidationError(
            _("Dokumen %(type)s sudah disetujui dan tidak perlu diunggah lagi.")
            % {"type": document_type.name},
            code="approved",
        )
    if current.version >= settings.UPLOAD_MAX_VERSIONS:
        return ValidationError(
            _(
                "Dokumen %(type)s sudah diunggah %(count)s kali, batas untuk satu "
                "pendaftaran. Bila masih perlu diganti, hubungi petugas BP3MI."
            )
            % {"type": document_type.name, "count": current.version},
            code="too_many_versions",
        )
    if (
        registration.status == RegistrationStatus.NEEDS_CORRECTION
        and current.status != DocumentStatus.REJECTED
    ):
        return ValidationError(
            _("Saat ini hanya dokumen yang ditolak yang perlu diunggah ulang."),
            code="not_rejected",
        )
    return None


@dataclass
class ChecklistRow:
    requirement: DocumentRequirement
    document: Document | None
    history: list[Document]
    # Whether the registration's status and this document allow an upload now (see
    # upload_refusal); the view adds whether the user is the one who uploads.
    can_upload: bool = False

    @property
    def is_rejected(self) -> bool:
        return self.document is not None and self.document.status == DocumentStatus.REJECTED

    @property
    def document_type(self) -> DocumentType:
        return self.requirement.document_type

    @property
    def required_for_letter(self) -> bool:
        return self.requirement.stage != Stage.DEPARTURE

    @property
    def state(self) -> str:
        return self.document.status if self.document else "belum"


def checklist(*, registration: Registration) -> list[ChecklistRow]:
    """For each required document: the current version (or none) and earlier versions."""
    documents = list(
        registration.documents.select_related(
            "document_type", "reviewed_by", "uploaded_by"
        ).order_by("document_type_id", "-version")
    )
    rows = []
    for requirement in requirements_for(registration=registration):
        versions = [d for d in documents if d.document_type_id == requirement.document_type_id]
        current = next((d for d in versions if d.is_current), None)
        refusal = upload_refusal(
            registration=registration, document_type=requirement.document_type, current=current
        )
        rows.append(
            ChecklistRow(
                requirement=requirement,
                document=current,
                history=[d for d in versions if not d.is_current],
                can_upload=refusal is None,
            )
        )
    return rows


def verification_queue(
    *,
    user: User,
    region_id: int | None = None,
    scheme: str = "",
    min_days_waiting: int | None = None,
) -> QuerySet[Registration]:
    """Registrations under review with a current document waiting, the longest waiting first:
    in the order of `review_waiting_since` (kept by the document services), which a partial
    index serves, so any page of a long queue is read by seek."""
    qs = (
        document_registration_scope(user=user)
        .filter(
            status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.IN_VERIFICATION],
            review_waiting_since__isnull=False,
        )
        .select_related("applicant__region", "destination_country")
        .order_by("review_waiting_since", "pk")
    )
    if region_id:
        qs = qs.filter(applicant__region_id=region_id)
    if scheme:
        qs = qs.filter(scheme=scheme)
    if min_days_waiting:
        qs = qs.filter(
            review_waiting_since__lte=timezone.now() - datetime.timedelta(days=min_days_waiting)
        )
    return qs


def signing_queue(*, user: User) -> QuerySet[Registration]:
    """Verified registrations without a valid letter, waiting for a signature."""
    valid_letter = Letter.objects.filter(registration=OuterRef("pk"), revoked_at__isnull=True)
    return (
        document_registration_scope(user=user)
        .filter(status=RegistrationStatus.VERIFIED)
        .exclude(Exists(valid_letter))
        .select_related("applicant__region")
        .order_by("updated_at", "pk")
    )


def registration_for_review(*, user: User, pk: int) -> Registration:
    return (
        document_registration_scope(user=user)
        .select_related("applicant__region", "destination_country", "occupation", "p3mi")
        .prefetch_related(Prefetch("letters", queryset=Letter.objects.order_by("-signed_at")))
        .get(pk=pk)
    )


def current_letter(*, registration: Registration) -> Letter | None:
    return registration.letters.order_by(
        F("revoked_at").asc(nulls_first=True), "-signed_at"
    ).first()


def person_access_log(*, registration: Registration, user: User) -> QuerySet[AuditEvent]:
    """Every audit event about the person behind `registration`: their applicant record, each
    of their registrations, documents and letters, their account, and what higher apps keep
    about them (their complaint cases, as far as `user` may see them); views and changes,
    newest first."""
    applicant = registration.applicant
    registrations = list(
        Registration.objects.filter(applicant=applicant).values_list("pk", flat=True)
    )
    objects = {
        Registration: registrations,
        Document: Document.objects.filter(registration__in=registrations).values_list(
            "pk", flat=True
        ),
        Letter: Letter.objects.filter(registration__in=registrations).values_list("pk", flat=True),
        type(applicant): [applicant.pk],
    }
    if applicant.user_id:
        objects[User] = [applicant.user_id]
    objects.update(person_records(applicant=applicant, registration_ids=registrations, user=user))
    condition = Q(pk__in=[])
    for model, ids in objects.items():
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )
    return (
        AuditEvent.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def registration_letters(*, registration: Registration) -> list[Letter]:
    """Every letter of a registration, the valid one first, then the revoked ones, newest
    first."""
    return list(
        registration.letters.select_related("signed_by", "revoked_by").order_by(
            F("revoked_at").asc(nulls_first=True), "-signed_at"
        )
    )


def letter_documents(*, registration: Registration) -> list[Document]:
    """The approved documents a letter lists, in checklist order."""
    return list(
        Document.objects.filter(
            registration=registration, is_current=True, status=DocumentStatus.APPROVED
        )
        .select_related("document_type", "reviewed_by")
        .order_by("document_type__position")
    )


def letters_context(*, user: User, registration: Registration) -> dict:
    """What the letters section of a page shows: every letter of the registration; whether
    it awaits a signature (verified, no letter or every letter revoked); and whether this
    user may sign a new one after a revocation."""
    letters = registration_letters(registration=registration)
    awaiting_signature = registration.status == RegistrationStatus.VERIFIED and all(
        letter.is_revoked for letter in letters
    )
    return {
        "letters": letters,
        "letter": letters[0] if letters else None,
        "awaiting_signature": awaiting_signature,
        "can_sign_again": (
            awaiting_signature and bool(letters) and user.has_perm("documents.sign_letter")
        ),
    }


def letter_signature_check(*, letter: Letter) -> SignatureCheck | None:
    """Whether the stored PDF of a letter still carries the office's intact signature and
    the fingerprint recorded when it was made; None while there is no PDF.

    The file is read and hashed on every call. The signature's validation (pyHanko, a few
    tens of milliseconds of CPU: the largest part of the public check page) is kept in the
    cache for `LETTER_SIGNATURE_CACHE_SECONDS` under the digest of the exact bytes and of the
    trust settings, so a changed file or another trust root is validated afresh."""
    if not letter.is_ready:
        return None
    with letter.file.open("rb") as stored:
        pdf = stored.read()
    digest = hashlib.sha256(pdf).hexdigest()
    trust = repr((settings.LETTER_SIGNING_CERT, settings.LETTER_SIGNING_TRUST_ROOTS))
    key = f"letter-signature:{digest}:{hashlib.sha256(trust.encode()).hexdigest()[:16]}"
    check = cache.get(key)
    if check is None:
        check = signature_check(pdf)
        cache.set(key, check, timeout=settings.LETTER_SIGNATURE_CACHE_SECONDS)
    if digest != letter.sha256:
        return replace(check, covers_whole_file=False)
    return check
