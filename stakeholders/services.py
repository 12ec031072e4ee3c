"""Writes on the directory. Each service is one transaction, locks what it changes, returns
early when nothing changes, and records who changed what in the audit trail.

Every event is recorded against the stakeholder (also for its licences and SIP2MI), so the
stakeholder's page shows one history. A licence's `status` follows its expiry date: saving
an active licence whose date has passed stores it as expired, and extending an expired one
makes it active again; suspension and revocation are left as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, model_changes, model_snapshot

from .choices import LicenceStatus
from .models import Licence, Sip2mi, Stakeholder, Vocation

SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def snapshot(
    obj: models.Model, *, prefix: str = "", vocations: Iterable[Vocation] | None = None
) -> dict[str, Any]:
    """The concrete fields of `obj` as JSON-ready values (foreign keys as their ids); for a
    stakeholder also its vocations (read from the database unless given)."""
    data = model_snapshot(obj, exclude={*SKIPPED_FIELDS, "stakeholder"}, prefix=prefix)
    if isinstance(obj, Stakeholder) and obj.pk:
        chosen = obj.vocations.all() if vocations is None else vocations
        data["vocations"] = sorted(v.name for v in chosen)
    return data


# Foreign keys are left to the database's own constraint: checking that a region or the
# stakeholder exists would cost a query per save, and a form has already chosen them.
FULL_CLEAN_EXCLUDE = {"region", "stakeholder"}


def _assign(obj: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _check_vocations(stakeholder: Stakeholder, vocations: Iterable[Vocation] | None) -> None:
    """Vocations are many-to-many, out of reach of `Stakeholder.clean`: check them here."""
    if vocations and not Stakeholder.may_fill(stakeholder.kind, "vocations"):
        raise ValidationError(
            {
                "vocations": _("Kejuruan tidak berlaku untuk %(kind)s.")
                % {"kind": stakeholder.get_kind_display()}
            },
            code="field_not_for_kind",
        )


def stakeholder_create(
    *,
    by: User | None,
    fields: dict[str, Any],
    vocations: Iterable[Vocation] = (),
    request: HttpRequest | None = None,
) -> Stakeholder:
    """Add a stakeholder to the directory."""
    with transaction.atomic():
        vocations = list(vocations)
        stakeholder = Stakeholder(**fields)
        stakeholder.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        _check_vocations(stakeholder, vocations)
        stakeholder.save()
        if vocations:
            stakeholder.vocations.set(vocations)
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=stakeholder,
            message="Ditambahkan ke direktori",
            changes=model_changes({}, snapshot(stakeholder, vocations=vocations)),
            request=request,
        )
    return stakeholder


def stakeholder_update(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    vocations: Iterable[Vocation] | None = None,
    request: HttpRequest | None = None,
) -> Stakeholder:
    """Change a stakeholder's fields (and vocations, when given). Nothing that differs: no
    write and no audit event."""
    with transaction.atomic():
        locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
        before = snapshot(locked)
        _assign(locked, fields)
        if vocations is None and not Stakeholder.may_fill(locked.kind, "vocations"):
            vocations = []  # a kind without vocations keeps none from its former kind
        after = {**snapshot(locked), "vocations": before["vocations"]}
        if vocations is not None:
            after["vocations"] = sorted(v.name for v in vocations)
        changes = model_changes(before, after)
        if not changes:
            return locked
        locked.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        _check_vocations(locked, vocations)
        locked.save()
        if vocations is not None and "vocations" in changes:
            locked.vocations.set(vocations)
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            message="Data diubah",
            changes=changes,
            request=request,
        )
    return locked


def stakeholder_set_active(
    *, stakeholder: Stakeholder, by: User | None, active: bool, request: HttpRequest | None = None
) -> Stakeholder:
    """Deactivate (hide from the public directory and Cek P3MI) or reactivate a stakeholder.
    Its licences and history stay."""
    with transaction.atomic():
        locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            message="Diaktifkan kembali" if active else "Dinonaktifkan",
            changes={"is_active": [not active, active]},
            request=request,
        )
    return locked


def licence_save(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    licence: Licence | None = None,
    request: HttpRequest | None = None,
) -> Licence:
    """Add a licence to a stakeholder, or change one of its licences."""
    day = timezone.localdate()
    with transaction.atomic():
        Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
        if licence is None:
            locked = Licence(stakeholder=stakeholder)
            before: dict[str, Any] = {}
        else:
            locked = Licence.objects.select_for_update().get(pk=licence.pk, stakeholder=stakeholder)
            before = snapshot(locked, prefix="izin.")
        _assign(locked, fields)
        if locked.kind not in stakeholder.licence_kinds:
            raise ValidationError(
                {
                    "kind": _("Jenis izin ini tidak berlaku untuk %(kind)s.")
                    % {"kind": stakeholder.get_kind_display()}
                },
                code="licence_not_for_kind",
            )
        locked.status = locked.status_to_store(day)
        changes = model_changes(before, snapshot(locked, prefix="izin."))
        if not changes:
            return locked
        locked.full_clean(exclude=FULL_CLEAN_EXCLUDE)
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=stakeholder,
            message=f"Izin {locked} {'diubah' if before else 'ditambahkan'}",
            changes=changes,
            request=request,
        )
    return locked


def sip2mi_save(
    *,
    stakeholder: Stakeholder,
    by: User | None,
    fields: dict[str, Any],
    sip2mi: Sip2mi | None = None,
    request: HttpRequest | None = None,
) -> Sip2mi:
    """Add a SIP2MI (destination country permit) to a P3MI, or change one of its SIP2MI."""
    with transaction.atomic():
        Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
        if sip2mi is None:
            locked = Sip2mi(stakeholder=stakeholder)
            before: dict[str, Any] = {}
        else:
            locked = Sip2mi.objects.select_for_update().get(pk=sip2mi.pk, stakeholder=stakeholder)
            before = snapshot(locked, prefix="sip2mi.")
        _assign(locked, fields)
        changes = model_changes(before, snapshot(locked, prefix="sip2mi."))
        if not changes:
            return locked
        locked.full_clean()
        locked.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=stakeholder,
            message=f"SIP2MI {locked.country} {'diubah' if before else 'ditambahkan'}",
            changes=changes,
            request=request,
        )
    return locked


def licences_expire(*, day: datetime.date | None = None) -> list[int]:
    """Mark as expired every active licence whose expiry date is before `day` (today by
    default). Returns the ids it changed; a second run on the same day changes nothing."""
    day = day or timezone.localdate()
    with transaction.atomic():
        due = list(
            Licence.objects.select_for_update(of=("self",))
            .due_to_expire_on(day)
            .select_related("stakeholder")
            .order_by("pk")
        )
        for licence in due:
            licence.status = LicenceStatus.EXPIRED
            licence.save(update_fields=["status"])
            audit_record(
                actor=None,
                action=AuditEvent.Action.STATUS,
                obj=licence.stakeholder,
                message=f"Izin {licence} kedaluwarsa pada {licence.expires_on:%d/%m/%Y}",
                changes={"izin.status": [LicenceStatus.ACTIVE, LicenceStatus.EXPIRED]},
            )
    return [licence.pk for licence in due]


IMPORT_DIRECTORY = "imports/stakeholders"


def import_uploads_discard(*, older_than: datetime.timedelta) -> int:
    """Delete uploaded import files left waiting for confirmation longer than `older_than`
    (a preview abandoned without confirming or cancelling). Returns how many were deleted."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(IMPORT_DIRECTORY):
        return 0
    cutoff = timezone.now() - older_than
    _dirs, files = default_storage.listdir(IMPORT_DIRECTORY)
    deleted = 0
    for name in files:
        path = f"{IMPORT_DIRECTORY}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


def stakeholder_import(
    *, preview, by: User | None, request: HttpRequest | None = None
) -> tuple[int, int]:
    """Write a validated import preview (`importing.ImportPreview`): every row or none.
    Returns (created, updated)."""
    if not preview.is_valid:
        raise ValueError("Only a preview without errors can be imported.")
    created = updated = 0
    with transaction.atomic():
        for row in preview.rows:
            if row.instance is None:
                stakeholder = stakeholder_create(
                    by=by,
                    fields=row.stakeholder_fields,
                    vocations=row.vocations or (),
                    request=request,
                )
                created += 1
            else:
                stakeholder = stakeholder_update(
                    stakeholder=row.instance,
                    by=by,
                    fields=row.stakeholder_fields,
                    vocations=row.vocations,
                    request=request,
                )
                updated += 1
            if row.licence_fields is not None:
                licence_save(
                    stakeholder=stakeholder,
                    by=by,
                    fields=row.licence_fields,
                    licence=row.licence_instance,
                    request=request,
                )
    return created, updated
