"""Writes on registrations. Each service is one transaction, locks what it changes, returns
early when there is nothing to change, and leaves an audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record

from .choices import RegistrationStatus as S
from .models import Registration, StatusChange

# Which status may follow which. Departure, withdrawal and rejection are final.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_VERIFICATION, S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED},
    S.IN_VERIFICATION: {S.NEEDS_CORRECTION, S.VERIFIED, S.WITHDRAWN, S.REJECTED},
    S.NEEDS_CORRECTION: {S.SUBMITTED, S.IN_VERIFICATION, S.WITHDRAWN, S.REJECTED},
    S.VERIFIED: {S.DEPARTED, S.NEEDS_CORRECTION, S.WITHDRAWN},
    S.DEPARTED: set(),
    S.WITHDRAWN: set(),
    S.REJECTED: set(),
}
REASON_REQUIRED = {S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED}


def registration_transition(
    *, registration: Registration, to_status: str, by: User | None, reason: str = ""
) -> Registration:
    """Move a registration to `to_status`, recording the step in its history and the audit
    trail. Moving to the status it already has changes nothing (a double submit is
    harmless); a move the path does not allow raises ValidationError."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == to_status:
            return locked
        if to_status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
                % {"from": locked.get_status_display(), "to": S(to_status).label},
                code="transition",
            )
        if to_status in REASON_REQUIRED and not reason.strip():
            raise ValidationError(_("Alasan wajib diisi."), code="reason")
        from_status = locked.status
        locked.status = to_status
        locked.status_reason = reason.strip()
        fields = ["status", "status_reason", "updated_at"]
        if to_status == S.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=fields)
        StatusChange.objects.create(
            registration=locked,
            from_status=from_status,
            to_status=to_status,
            reason=locked.status_reason,
            changed_by=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [from_status, to_status]},
            message=locked.status_reason,
        )
    registration.refresh_from_db()
    return locked
