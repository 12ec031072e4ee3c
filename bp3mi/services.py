"""Cross-cutting services: the audit trail and gap-free number sequences."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from .models import AuditEvent, NumberSequence, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, the one function every part of the portal uses (audit trail,
    rate limits) and the same one django-axes uses for locking: django-ipware, trusting
    X-Forwarded-For only as far as `PROXY_COUNT` proxies go."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    message: str = "",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one row to the audit trail. Called inside the caller's transaction, so the row is
    written if and only if the change it describes is."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        message=message[:500],
        changes=changes or {},
        ip_address=client_ip(request),
    )


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def model_snapshot(
    obj: models.Model,
    *,
    fields: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    prefix: str = "",
) -> dict[str, Any]:
    """Field values of `obj` as JSON-ready values (foreign keys as ids, dates as ISO text),
    for the before/after of an audit event: the named `fields`, or every concrete field but
    the `exclude`d ones."""
    if fields is None:
        excluded = set(exclude)
        names = [f.name for f in obj._meta.concrete_fields if f.name not in excluded]
    else:
        names = list(fields)
    return {
        f"{prefix}{name}": _json_ready(getattr(obj, obj._meta.get_field(name).attname))
        for name in names
    }


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that differ between two snapshots, as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def sequence_next(*, name: str, year: int) -> int:
    """Take the next number of a yearly sequence. The counter row is locked for the rest of
    the caller's transaction, so two callers never get the same number and a rolled-back
    caller gives its number back (no gaps)."""
    return sequence_take(name=name, year=year, count=1)


def user_signup(
    *, email: str, full_name: str, phone: str, password: str, request: HttpRequest | None = None
) -> User:
    """Create a self-registered CPMI account in the CPMI role."""
    from django.contrib.auth.models import Group

    from .roles import SELF_SIGNUP_ROLE

    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, phone=phone
        )
        user.groups.add(Group.objects.get(name=SELF_SIGNUP_ROLE))
        audit_record(actor=user, action=AuditEvent.Action.SIGNUP, obj=user, request=request)
    return user


def sequence_take(*, name: str, year: int, count: int) -> int:
    """Reserve `count` consecutive numbers of a yearly sequence at once (bulk loads) and
    return the first."""
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        NumberSequence.objects.get_or_create(name=name, year=year)
        sequence = NumberSequence.objects.select_for_update().get(name=name, year=year)
        first = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
        return first
