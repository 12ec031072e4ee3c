"""Writes on complaint cases: filing, the moves between steps, the timeline, assignment,
closing and reopening, the daily deadline sweep and the complainant's e-mails.

Every service runs in one transaction, locks the case it changes, returns early when there
is nothing to change (a double click or a retried task is harmless) and writes an audit
event. The allowed moves between statuses live in `TRANSITIONS` and nowhere else.
"""

from __future__ import annotations

import datetime
import hmac
import logging
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, model_changes, model_snapshot, sequence_next
from documents.choices import FileFormat
from documents.uploads import CleanFile
from registrations.models import Registration

from .choices import FINISHED_STATUSES, CaseChannel, ClosureReason, EventKind
from .choices import CaseStatus as S
from .deadlines import WorkCalendar, add_working_days
from .models import (
    Case,
    CaseAttachment,
    CaseEvent,
    ComplaintCategory,
    DeadlineNotice,
    StepDeadline,
)

logger = logging.getLogger(__name__)

# The allowed moves. Reopening a finished case is its own service (`case_reopen`).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.VERIFICATION, S.CLOSED}),
    S.VERIFICATION: frozenset({S.CLARIFICATION, S.REFERRED, S.RESOLVED, S.CLOSED}),
    S.CLARIFICATION: frozenset({S.MEDIATION, S.REFERRED, S.RESOLVED, S.CLOSED}),
    S.MEDIATION: frozenset({S.REFERRED, S.RESOLVED, S.CLOSED}),
    S.REFERRED: frozenset({S.RESOLVED, S.CLOSED}),
    S.RESOLVED: frozenset(),
    S.CLOSED: frozenset(),
}
# Moves that finish a case, and so need the `complaints.close_case` permission.
FINISHING_MOVES = frozenset({S.RESOLVED, S.CLOSED})
REOPEN_TO = S.VERIFICATION
# The respondent (e.g. a P3MI) answers a clarification with a commitment within 7 days.
COMMITMENT_WORKING_DAYS = 7
# Automatic-closure rules (Perban 6/2024 Pasal 30) the daily sweep proposes, never applies.
INCOMPLETE_CALENDAR_DAYS = 30
NO_CLARIFICATION_WORKING_DAYS = 15
# Timeline entries an officer writes by hand.
RECORDABLE_KINDS = frozenset(
    {EventKind.NOTE, EventKind.PUBLIC_UPDATE, EventKind.CLARIFICATION, EventKind.COMMITMENT}
)
# A case's own events (not the officer's writing) that the complainant may read.
PUBLIC_KINDS = frozenset({EventKind.FILED, EventKind.PUBLIC_UPDATE})
# A second identical entry by the same person within this time is a double submit.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=2)

SEQUENCE_NAME = "complaint"
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
TRACKING_LENGTH = 10  # 50 bits; guessing is further stopped by the rate limit

EXTENSIONS = {FileFormat.PDF: "pdf", FileFormat.JPEG: "jpg", FileFormat.PNG: "png"}

CASE_FIELDS_ON_FILING = (
    "category",
    "channel",
    "lapor_number",
    "complainant_kind",
    "complainant_relation",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "worker_name",
    "worker_nik",
    "worker_passport",
    "worker_sex",
    "worker_region",
    "destination_country",
    "employer_name",
    "p3mi",
    "p3mi_name",
    "procedural",
    "description",
    "consent",
)
# Fields an officer may correct after filing (the category decides `sensitive`).
EDITABLE_FIELDS = frozenset(CASE_FIELDS_ON_FILING) - {"consent", "channel"}


# --- Tracking codes ----------------------------------------------------------------------------


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def tracking_code_normalise(code: str) -> str:
    """What the person typed, without spaces or dashes, upper case."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def tracking_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def tracking_code_hash(*, number: str, code: str) -> str:
    """A keyed hash of the code, bound to the case number: the code itself is never stored."""
    return salted_hmac(
        "complaints.tracking", f"{number}:{tracking_code_normalise(code)}", algorithm="sha256"
    ).hexdigest()


def case_track(*, number: str, code: str) -> Case | None:
    """The case with this number if the code matches, otherwise None. An unknown number and
    a wrong code take the same work and give the same answer."""
    number = (number or "").strip().upper()
    case = Case.objects.filter(number=number).select_related("category").first()
    expected = case.tracking_code_hash if case is not None else "0" * 64
    given = tracking_code_hash(number=number, code=code)
    if hmac.compare_digest(expected, given) and case is not None:
        return case
    return None


# --- Deadlines ---------------------------------------------------------------------------------


def step_days() -> dict[str, int]:
    return dict(StepDeadline.objects.values_list("status", "working_days"))


def step_due_date(*, status: str, start: datetime.date) -> datetime.date | None:
    """When a case entering `status` on `start` must move on; None for finished cases or a
    step without a deadline."""
    if status in FINISHED_STATUSES:
        return None
    n = step_days().get(status)
    if n is None:
        return None
    return add_working_days(start, n)


def _start_step(case: Case, status: str, today: datetime.date) -> list[str]:
    case.status = status
    case.step_started_on = today
    case.due_date = step_due_date(status=status, start=today)
    case.proposed_closure_reason = ""
    return ["status", "step_started_on", "due_date", "proposed_closure_reason"]


# --- Filing ------------------------------------------------------------------------------------


def _save_attachments(
    *, case: Case, event: CaseEvent | None, files: Iterable[CleanFile], by: User | None
) -> list[str]:
    """Write each checked file under a random name; return the stored names, so the caller
    can remove them when its transaction fails."""
    stored = []
    for clean in files:
        attachment = CaseAttachment(
            case=case,
            event=event,
            original_name=clean.original_name,
            file_format=clean.file_format,
            size=clean.size,
            sha256=clean.sha256,
            uploaded_by=by if by is not None and by.is_authenticated else None,
        )
        attachment.file.save(
            f"x.{EXTENSIONS[clean.file_format]}", ContentFile(clean.content), save=False
        )
        stored.append(attachment.file.name)
        attachment.save()
    return stored


def _remove_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def case_file(
    *,
    data: dict[str, Any],
    channel: str = CaseChannel.ONLINE,
    by: User | None = None,
    attachments: Iterable[CleanFile] = (),
    intake_key: uuid.UUID | None = None,
    assignee: User | None = None,
    received_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[Case, str | None]:
    """File a complaint, by the public (`by` None, channel online) or by an officer on
    someone's behalf (with the channel it came through). Returns the case and its tracking
    code, shown once; the code is None when `intake_key` shows the same form was already
    filed (a double submit), and the case filed then is returned.

    Invariants: consent is given; a LAPOR! case has its LAPOR! number; `sensitive` is the
    category's; the number is the next of the year's gap-free sequence."""
    if intake_key is not None:
        existing = Case.objects.filter(intake_key=intake_key).first()
        if existing is not None:
            return existing, None
    if not data.get("consent"):
        raise ValidationError(
            {"consent": _("Persetujuan pemrosesan data diperlukan untuk menangani pengaduan.")},
            code="consent",
        )
    if channel == CaseChannel.LAPOR and not (data.get("lapor_number") or "").strip():
        raise ValidationError(
            {"lapor_number": _("Isi nomor tiket LAPOR! untuk pengaduan dari SP4N-LAPOR!.")},
            code="lapor_number",
        )
    category: ComplaintCategory = data["category"]
    fields = {name: data[name] for name in CASE_FIELDS_ON_FILING if name in data}
    fields["channel"] = channel
    if channel != CaseChannel.LAPOR:
        fields["lapor_number"] = ""
    if fields.get("p3mi") is not None:
        fields["p3mi_name"] = ""
    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    code = tracking_code_new()
    stored: list[str] = []
    try:
        with transaction.atomic():
            year = received_on.year
            number = f"ADU-{year}-{sequence_next(name=SEQUENCE_NAME, year=year):05d}"
            service_class = category.service_class
            case = Case(
                **fields,
                number=number,
                tracking_code_hash=tracking_code_hash(number=number, code=code),
                intake_key=intake_key,
                sensitive=category.sensitive,
                service_class=service_class,
                received_at=received_at,
                filed_by=by if by is not None and by.is_authenticated else None,
                assignee=assignee,
            )
            case.status = S.RECEIVED
            case.step_started_on = received_on
            case.due_date = step_due_date(status=S.RECEIVED, start=received_on)
            if service_class is not None:
                case.target_date = add_working_days(received_on, service_class.working_days)
            try:
                with transaction.atomic():
                    case.save()
            except IntegrityError:
                if intake_key is not None and Case.objects.filter(intake_key=intake_key).exists():
                    raise _AlreadyFiled from None
                raise
            event = CaseEvent.objects.create(
                case=case,
                kind=EventKind.FILED,
                is_public=True,
                to_status=S.RECEIVED,
                text=_("Pengaduan diterima melalui %(channel)s dengan nomor %(number)s.")
                % {"channel": case.get_channel_display(), "number": number},
                author=case.filed_by,
                created_at=received_at,
            )
            stored = _save_attachments(case=case, event=event, files=attachments, by=by)
            if assignee is not None:
                CaseEvent.objects.create(
                    case=case,
                    kind=EventKind.ASSIGNMENT,
                    text=_("Ditugaskan kepada %(name)s.") % {"name": assignee},
                    author=case.filed_by,
                )
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE,
                obj=case,
                message=_("Pengaduan dicatat melalui %(channel)s")
                % {"channel": case.get_channel_display()},
                request=request,
            )
            if case.complainant_email:
                transaction.on_commit(lambda: _queue_notice(event.pk, code))
    except _AlreadyFiled:
        _remove_files(stored)
        return Case.objects.get(intake_key=intake_key), None
    except BaseException:
        _remove_files(stored)
        raise
    return case, code


class _AlreadyFiled(Exception):
    pass


# --- Handling ----------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _refuse_if_anonymised(case: Case) -> None:
    """An anonymised case keeps only what the statistics count: nothing more is written on
    it, and it is not reopened (its complainant can no longer be reached or identified)."""
    if case.is_anonymised:
        raise ValidationError(
            _(
                "Kasus ini sudah dianonimkan setelah masa retensi data pribadi berakhir, "
                "sehingga tidak dapat dibuka kembali atau diubah. Catat pengaduan baru "
                "bila pengadu menghubungi lagi."
            ),
            code="anonymised",
        )


def allowed_moves(case: Case) -> list[str]:
    """The statuses the case may move to now, in the order of the steps."""
    allowed = TRANSITIONS[case.status]
    return [s for s in S.values if s in allowed]


def case_transition(
    *,
    case: Case,
    to_status: str,
    by: User,
    note: str = "",
    closure_reason: str = "",
    resolution_outcome: str = "",
    referred_to: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Move a case to `to_status` if `TRANSITIONS` allows it. Closing needs a reason from the
    legal list; resolving needs an outcome; referring needs the agency. Moving to the status
    it already has changes nothing. The new step's due date is counted in working days."""
    note = (note or "").strip()
    referred_to = (referred_to or "").strip()
    with transaction.atomic():
        locked = _lock(case)
        if locked.status == to_status:
            return locked
        if to_status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Status kasus tidak dapat diubah dari %(from)s ke %(to)s.")
                % {"from": locked.get_status_display(), "to": S(to_status).label},
                code="transition",
            )
        if to_status == S.CLOSED and closure_reason not in ClosureReason.values:
            raise ValidationError(
                {"closure_reason": _("Pilih alasan penutupan dari daftar.")}, code="reason"
            )
        if to_status == S.RESOLVED and not resolution_outcome:
            raise ValidationError(
                {"resolution_outcome": _("Pilih hasil penyelesaian.")}, code="outcome"
            )
        if to_status == S.REFERRED and not referred_to:
            raise ValidationError(
                {"referred_to": _("Tulis instansi tujuan rujukan.")}, code="referred_to"
            )
        if closure_reason == ClosureReason.REFERRED and not (referred_to or locked.referred_to):
            raise ValidationError(
                {"referred_to": _("Tulis instansi tempat pengaduan dilimpahkan.")},
                code="referred_to",
            )
        from_status = locked.status
        today = timezone.localdate()
        fields = _start_step(locked, to_status, today)
        if to_status in FINISHING_MOVES:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        if to_status == S.CLOSED:
            locked.closure_reason = closure_reason
            fields.append("closure_reason")
        if to_status == S.RESOLVED:
            locked.resolution_outcome = resolution_outcome
            locked.resolution_note = note
            fields += ["resolution_outcome", "resolution_note"]
        if referred_to:
            locked.referred_to = referred_to[:200]
            fields.append("referred_to")
        locked.save(update_fields=[*fields, "updated_at"])
        text = note
        if to_status == S.CLOSED:
            text = f"{locked.get_closure_reason_display()}. {note}".strip()
        elif to_status == S.RESOLVED:
            text = f"{locked.get_resolution_outcome_display()}. {note}".strip()
        elif to_status == S.REFERRED:
            text = f"{_('Dirujuk ke')} {locked.referred_to}. {note}".strip()
        CaseEvent.objects.create(
            case=locked,
            kind=EventKind.REFERRAL if to_status == S.REFERRED else EventKind.STATUS,
            from_status=from_status,
            to_status=to_status,
            text=text,
            author=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [from_status, to_status]},
            message=text,
            request=request,
        )
    return locked


def case_reopen(*, case: Case, by: User, reason: str, request: HttpRequest | None = None) -> Case:
    """Reopen a resolved or closed case with a reason; it goes back to verification with a
    fresh due date. An open case is left as it is; an anonymised one is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan membuka kembali wajib diisi.")}, code="reason")
    with transaction.atomic():
        locked = _lock(case)
        if locked.status not in FINISHED_STATUSES:
            return locked
        _refuse_if_anonymised(locked)
        from_status = locked.status
        fields = _start_step(locked, REOPEN_TO, timezone.localdate())
        locked.closed_at = None
        locked.closure_reason = ""
        locked.resolution_outcome = ""
        locked.save(
            update_fields=[
                *fields,
                "closed_at",
                "closure_reason",
                "resolution_outcome",
                "updated_at",
            ]
        )
        CaseEvent.objects.create(
            case=locked,
            kind=EventKind.REOPEN,
            from_status=from_status,
            to_status=REOPEN_TO,
            text=reason,
            author=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [from_status, REOPEN_TO]},
            message=_("Dibuka kembali: %(reason)s") % {"reason": reason},
            request=request,
        )
    return locked


def may_handle_cases(user: User) -> bool:
    return user.is_active and user.has_perm("complaints.change_case")


def case_assign(
    *, case: Case, assignee: User, by: User, request: HttpRequest | None = None
) -> Case:
    """Give the case to a complaint officer. The officer must be able to handle cases; a
    sensitive case becomes visible to them by being theirs."""
    if not may_handle_cases(assignee):
        raise ValidationError(
            {"assignee": _("%(name)s tidak dapat menangani pengaduan.") % {"name": assignee}},
            code="assignee",
        )
    with transaction.atomic():
        locked = _lock(case)
        if locked.assignee_id == assignee.pk:
            return locked
        if locked.is_finished:
            raise ValidationError(
                _("Kasus yang sudah selesai atau ditutup tidak dapat ditugaskan."),
                code="finished",
            )
        before = locked.assignee_id
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        CaseEvent.objects.create(
            case=locked,
            kind=EventKind.ASSIGNMENT,
            text=_("Ditugaskan kepada %(name)s.") % {"name": assignee},
            author=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes={"assignee": [before, assignee.pk]},
            message=_("Penugasan kasus"),
            request=request,
        )
    return locked


def case_event_add(
    *,
    case: Case,
    kind: str,
    text: str,
    by: User,
    attachments: Iterable[CleanFile] = (),
    request: HttpRequest | None = None,
) -> CaseEvent:
    """Write an entry on the timeline: an internal note, an update the complainant sees (and
    is e-mailed), a clarification record (during clarification, with its signed statement
    attached) or the respondent's commitment (due in 7 working days; the case's due date
    follows it). The same entry sent twice in a row is stored once."""
    text = (text or "").strip()
    if kind not in RECORDABLE_KINDS:
        raise ValidationError(_("Jenis catatan tidak dikenal."), code="kind")
    if not text:
        raise ValidationError({"text": _("Isi catatan wajib diisi.")}, code="text")
    attachments = list(attachments)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(case)
            recent = (
                CaseEvent.objects.filter(
                    case=locked,
                    kind=kind,
                    author=by,
                    text=text,
                    created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
                )
                .order_by("-created_at")
                .first()
            )
            if recent is not None:
                return recent
            _refuse_if_anonymised(locked)
            if kind != EventKind.NOTE and locked.is_finished:
                raise ValidationError(
                    _("Kasus ini sudah %(status)s. Buka kembali kasus untuk melanjutkan.")
                    % {"status": locked.get_status_display().lower()},
                    code="finished",
                )
            if kind in {EventKind.CLARIFICATION, EventKind.COMMITMENT} and locked.status not in {
                S.CLARIFICATION,
                S.MEDIATION,
            }:
                raise ValidationError(
                    _(
                        "Berita acara klarifikasi dan komitmen teradu dicatat pada tahap klarifikasi."
                    ),
                    code="step",
                )
            event = CaseEvent(
                case=locked,
                kind=kind,
                text=text,
                is_public=kind in PUBLIC_KINDS,
                author=by,
            )
            fields = ["updated_at"]
            if kind == EventKind.COMMITMENT:
                event.due_date = add_working_days(timezone.localdate(), COMMITMENT_WORKING_DAYS)
                if locked.due_date is None or locked.due_date < event.due_date:
                    locked.due_date = event.due_date
                    fields.append("due_date")
            if (
                kind == EventKind.CLARIFICATION
                and locked.proposed_closure_reason == ClosureReason.NO_CLARIFICATION
            ):
                locked.proposed_closure_reason = ""
                fields.append("proposed_closure_reason")
            event.save()
            locked.save(update_fields=fields)
            stored = _save_attachments(case=locked, event=event, files=attachments, by=by)
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                obj=locked,
                message=_("Catatan: %(kind)s") % {"kind": event.get_kind_display()},
                request=request,
            )
            if event.is_public and locked.complainant_email:
                transaction.on_commit(lambda: _queue_notice(event.pk, ""))
    except BaseException:
        _remove_files(stored)
        raise
    return event


def case_update(
    *, case: Case, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Case:
    """Correct the details of a case (category, worker, P3MI...). A new category brings its
    sensitivity with it. Nothing changed: nothing written."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(case)
        _refuse_if_anonymised(locked)
        before = model_snapshot(locked, fields=sorted(data))
        for name, value in data.items():
            setattr(locked, name, value)
        if data.get("p3mi") is not None:
            locked.p3mi_name = ""
        after = model_snapshot(locked, fields=sorted(data))
        changes = model_changes(before, after)
        if not changes:
            return locked
        update = [*data, "updated_at"]
        if "category" in changes:
            locked.sensitive = locked.category.sensitive
            update.append("sensitive")
        if "p3mi_name" not in update:
            update.append("p3mi_name")
        locked.save(update_fields=update)
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes, request=request
        )
    return locked


def case_link_registration(
    *,
    case: Case,
    registration: Registration | None,
    by: User,
    request: HttpRequest | None = None,
) -> Case:
    """Point the case at the worker's registration (or unlink it with None); its P3MI and
    destination fill the case's empty ones."""
    with transaction.atomic():
        locked = _lock(case)
        new_id = registration.pk if registration is not None else None
        if locked.registration_id == new_id:
            return locked
        _refuse_if_anonymised(locked)
        before = locked.registration_id
        locked.registration = registration
        fields = ["registration", "updated_at"]
        if registration is not None:
            if locked.p3mi_id is None and registration.p3mi_id is not None:
                locked.p3mi_id = registration.p3mi_id
                fields.append("p3mi")
            if locked.destination_country_id is None and registration.destination_country_id:
                locked.destination_country_id = registration.destination_country_id
                fields.append("destination_country")
        locked.save(update_fields=fields)
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes={"registration": [before, new_id]},
            message=_("Tautan ke pendaftaran CPMI"),
            request=request,
        )
    return locked


def case_view_log(
    *,
    case: Case,
    by: User,
    obj=None,
    message: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Record that an officer opened a case, or something reached through it (its linked
    registration, an attachment): UU 27/2022 asks for a record of processing."""
    audit_record(
        actor=by,
        action=AuditEvent.Action.VIEW,
        obj=obj if obj is not None else case,
        message=message or (_("Dilihat melalui pengaduan %(number)s") % {"number": case}),
        request=request,
    )


# --- E-mail to the complainant ----------------------------------------------------------------


def _queue_notice(event_id: int, tracking_code: str) -> None:
    """Send the e-mail job to the broker; if the broker is down the entry stays unsent and
    is shown on the tracking page all the same."""
    from .tasks import case_event_notify_task

    try:
        case_event_notify_task.delay(event_id, tracking_code)
    except Exception as exc:
        logger.warning("broker unavailable (%s); case event %s not e-mailed", exc, event_id)


def tracking_url() -> str:
    return f"{settings.SITE_URL}{reverse('complaints:track')}"


def case_event_notify(*, event_id: int, tracking_code: str = "") -> bool:
    """E-mail a public timeline entry to the complainant, once: the entry is locked and
    marked sent, so a retried task sends nothing twice. The acknowledgement of a new case
    carries the tracking code (passed by the filing, never stored)."""
    with transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update().select_related("case").filter(pk=event_id).first()
        )
        if event is None or event.notified_at is not None or not event.is_public:
            return False
        case = event.case
        if not case.complainant_email:
            return False
        lines = [
            _("Yth. %(name)s,") % {"name": case.complainant_name},
            "",
        ]
        if event.kind == EventKind.FILED:
            subject = _("Pengaduan %(number)s telah diterima") % {"number": case.number}
            lines.append(
                _("Pengaduan Anda telah kami terima dengan nomor %(number)s.")
                % {"number": case.number}
            )
            if tracking_code:
                lines.append(
                    _("Kode pelacakan: %(code)s (rahasia, jangan dibagikan).")
                    % {"code": tracking_code_display(tracking_code)}
                )
        else:
            subject = _("Kabar terbaru pengaduan %(number)s") % {"number": case.number}
            lines += [event.text]
        lines += [
            "",
            _("Status saat ini: %(status)s.") % {"status": case.get_status_display()},
            _("Lacak pengaduan dengan nomor dan kode pelacakan di %(url)s")
            % {"url": tracking_url()},
            "",
            settings.OFFICE["name"],
        ]
        send_mail(
            f"[{settings.OFFICE['name']}] {subject}",
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [case.complainant_email],
        )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


# --- The daily deadline sweep ------------------------------------------------------------------


def _users_with_perm(codename: str):
    permission = Permission.objects.filter(
        content_type__app_label="complaints", codename=codename
    ).first()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("pk")
    )


def case_propose_closure(*, case: Case, reason: str, today: datetime.date) -> bool:
    """Mark a case as meeting an automatic-closure rule, for an officer to decide. It is
    never closed here; a case already proposed, or moved on meanwhile, is left alone."""
    with transaction.atomic():
        locked = _lock(case)
        if locked.proposed_closure_reason or locked.is_finished or locked.status != case.status:
            return False
        locked.proposed_closure_reason = reason
        locked.save(update_fields=["proposed_closure_reason", "updated_at"])
        CaseEvent.objects.create(
            case=locked,
            kind=EventKind.CLOSURE_PROPOSED,
            text=_("Memenuhi syarat penutupan: %(reason)s. Putuskan: tutup atau lanjutkan.")
            % {"reason": ClosureReason(reason).label},
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes={"proposed_closure_reason": ["", reason]},
            message=_("Usulan penutupan otomatis"),
        )
    return True


def closure_candidates(*, today: datetime.date) -> list[tuple[Case, str]]:
    """Open cases that meet an automatic-closure rule and are not yet proposed: still
    waiting for complete documents 30 days after filing, or in clarification for more
    than 15 working days with no clarification record."""
    found: list[tuple[Case, str]] = []
    waiting = Case.objects.filter(
        status__in=[S.RECEIVED, S.VERIFICATION],
        proposed_closure_reason="",
        received_at__date__lte=today - datetime.timedelta(days=INCOMPLETE_CALENDAR_DAYS),
    )
    found += [(case, ClosureReason.INCOMPLETE) for case in waiting]
    in_clarification = list(
        Case.objects.filter(
            status=S.CLARIFICATION,
            proposed_closure_reason="",
            step_started_on__lt=today - datetime.timedelta(days=NO_CLARIFICATION_WORKING_DAYS),
        )
        .exclude(events__kind=EventKind.CLARIFICATION)
        .distinct()
    )
    if in_clarification:
        calendar = WorkCalendar.load(min(c.step_started_on for c in in_clarification), today)
        found += [
            (case, ClosureReason.NO_CLARIFICATION)
            for case in in_clarification
            if calendar.count_between(case.step_started_on, today) > NO_CLARIFICATION_WORKING_DAYS
        ]
    return found


def _case_line(case: Case) -> str:
    due = case.due_date.strftime("%d/%m/%Y") if case.due_date else "-"
    line = (
        f"- {case.number} ({case.category.name}, {case.get_status_display()}, {_('batas')} {due})"
    )
    if case.proposed_closure_reason:
        line += " " + _("[diusulkan ditutup: %(reason)s]") % {
            "reason": case.get_proposed_closure_reason_display()
        }
    return line


def _send_notice(
    *, day: datetime.date, recipient: User, kind: str, subject: str, cases: list[Case], intro: str
) -> bool:
    """Send one digest, once a day per person and kind (the notice row is the guard)."""
    with transaction.atomic():
        _notice, created = DeadlineNotice.objects.get_or_create(
            day=day, recipient=recipient, kind=kind, defaults={"case_count": len(cases)}
        )
        if not created:
            return False
        body = "\n".join(
            [
                _("Yth. %(name)s,") % {"name": recipient},
                "",
                intro,
                "",
                *[_case_line(c) for c in cases],
                "",
                f"{settings.SITE_URL}{reverse('complaints:case_list')}",
            ]
        )
        send_mail(
            f"[{settings.OFFICE['name']}] {subject}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
    return True


def case_deadline_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily run: propose closures where a legal rule is met; remind each assignee of
    their cases due by the next working day or overdue; send supervisors (holders of
    `view_sensitive_case`) the list of overdue and proposed cases. Run twice on a day, it
    proposes and sends nothing more."""
    today = today or timezone.localdate()
    proposed = sum(
        case_propose_closure(case=case, reason=reason, today=today)
        for case, reason in closure_candidates(today=today)
    )
    calendar = WorkCalendar.for_span(today, 1)
    soon = calendar.add(today, 1)
    due = list(
        Case.objects.open()
        .filter(assignee__isnull=False, assignee__is_active=True, due_date__lte=soon)
        .select_related("category", "assignee")
        .order_by("due_date", "number")
    )
    by_assignee: dict[int, list[Case]] = defaultdict(list)
    for case in due:
        by_assignee[case.assignee_id].append(case)
    reminders = 0
    for cases in by_assignee.values():
        late = sum(1 for c in cases if c.due_date < today)
        reminders += _send_notice(
            day=today,
            recipient=cases[0].assignee,
            kind=DeadlineNotice.Kind.REMINDER,
            subject=_("%(count)d kasus pengaduan Anda jatuh tempo") % {"count": len(cases)},
            cases=cases,
            intro=_(
                "Kasus berikut jatuh tempo paling lambat hari kerja berikutnya "
                "(%(late)d sudah terlambat):"
            )
            % {"late": late},
        )
    flagged = list(
        Case.objects.open()
        .filter(Q(due_date__lt=today) | ~Q(proposed_closure_reason=""))
        .select_related("category", "assignee")
        .order_by("due_date", "number")
    )
    overdue_lists = 0
    if flagged:
        for supervisor in _users_with_perm("view_sensitive_case"):
            overdue_lists += _send_notice(
                day=today,
                recipient=supervisor,
                kind=DeadlineNotice.Kind.OVERDUE_LIST,
                subject=_("%(count)d kasus pengaduan terlambat atau diusulkan ditutup")
                % {"count": len(flagged)},
                cases=flagged,
                intro=_("Kasus terlambat dan usulan penutupan hari ini:"),
            )
    return {"proposed": proposed, "reminders": reminders, "overdue_lists": overdue_lists}
