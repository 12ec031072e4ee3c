"""Cross-cutting services: the audit trail, gap-free number sequences and accounts."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import AuditEvent, BackgroundJob, NumberSequence, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, the one function every part of the portal uses (audit trail,
    rate limits) and the same one django-axes uses for locking: django-ipware, trusting
    X-Forwarded-For only as far as `PROXY_COUNT` proxies go. A request whose X-Forwarded-For
    lists fewer addresses than that (one that did not come through every proxy) counts under
    the connection's own address, so it is neither refused with an error nor free to choose
    its address."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or None


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
    written if and only if the change it describes is. Text from the request (a filter in
    the query string) may carry NUL characters, which PostgreSQL refuses in text and JSON:
    they are recorded as U+FFFD."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=_without_nul(str(obj)[:200]) if obj is not None else "",
        message=_without_nul(message[:500]),
        changes=_without_nul(changes or {}),
        ip_address=client_ip(request),
    )


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


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


def job_mark_failed(*, model: type[BackgroundJob], job_id: int, exc: BaseException) -> None:
    """Record that a run of a background job (a letter, an export) failed, with the error the
    user sees; a run that finished meanwhile keeps its READY state. A database that cannot be
    reached is not the job's fault and could not record it anyway: the row stays RUNNING, and
    the task's retry or, once its heartbeat is stale, the sweep runs it again."""
    from django.utils import timezone

    from .middleware import DATABASE_ERRORS

    if isinstance(exc, DATABASE_ERRORS):
        return
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=job_id)
        if job.status != BackgroundJob.Status.READY:
            job.status = BackgroundJob.Status.FAILED
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])


def job_retry(
    *,
    job: BackgroundJob,
    by: User,
    message: str,
    queue: Callable[[int], object],
    request: HttpRequest | None = None,
    **reset: Any,
) -> BackgroundJob:
    """Queue a FAILED job (a letter, an export) again, the button beside it: PENDING, its
    message not yet sent, the fields in `reset` set back (an export's progress), audited
    with `message`; `queue(pk)` sends it after the commit. Any other state is left alone."""
    from django.utils import timezone

    model = type(job)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=job.pk)
        if locked.status != BackgroundJob.Status.FAILED:
            return locked
        locked.status = BackgroundJob.Status.PENDING
        locked.queued_at = timezone.now()
        locked.sent_at = None
        for field, value in reset.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "queued_at", "sent_at", *reset])
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, obj=locked, message=message, request=request
        )
        transaction.on_commit(lambda: queue(locked.pk))
    return locked


def sequence_next(*, name: str, year: int) -> int:
    """Take the next number of a yearly sequence. The counter row is locked for the rest of
    the caller's transaction, so two callers never get the same number and a rolled-back
    caller gives its number back (no gaps)."""
    return sequence_take(name=name, year=year, count=1)


def _signup_mail(*, user: User, subject: str, lines: list[str]) -> None:
    body = "\n\n".join([_("Yth. %(name)s,") % {"name": user.full_name}, *lines])
    body += "\n\n" + settings.OFFICE["name"]
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=True))


def _activation_link(user: User) -> str:
    path = reverse(
        "activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def user_signup(
    *, email: str, full_name: str, phone: str, password: str, request: HttpRequest | None = None
) -> User | None:
    """Sign-up of a CPMI, which never tells the caller whether the address has an account.

    A new address gets an inactive account in the CPMI role and an e-mail with the link that
    activates it (proving the address is theirs). An address that has an account gets an
    e-mail saying so, with the way to sign in or reset the password (or, if that account was
    never activated, a new activation link); nothing is created and None is returned. The
    password is hashed in both cases, so the time taken tells nothing either."""
    from .roles import SELF_SIGNUP_ROLE

    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    phone=phone,
                    is_active=False,
                )
                user.groups.add(Group.objects.get(name=SELF_SIGNUP_ROLE))
                audit_record(actor=user, action=AuditEvent.Action.SIGNUP, obj=user, request=request)
                _signup_mail(
                    user=user,
                    subject=_("Aktifkan akun CPMI Anda"),
                    lines=[
                        _("Terima kasih telah mendaftar. Buka tautan ini untuk mengaktifkan akun:"),
                        _activation_link(user),
                        _("Bila Anda tidak mendaftar, abaikan e-mail ini."),
                    ],
                )
            return user
        except IntegrityError:
            # The same address signed up at the same moment: answer as for an existing one.
            existing = User.objects.get(email__iexact=email)
    make_password(password)
    if not existing.is_active and existing.last_login is None:
        lines = [
            _("Akun dengan alamat ini sudah dibuat tetapi belum diaktifkan. Buka tautan ini:"),
            _activation_link(existing),
        ]
    else:
        lines = [
            _(
                "Seseorang (mungkin Anda) mencoba membuat akun baru dengan alamat e-mail ini, "
                "padahal alamat ini sudah memiliki akun. Tidak ada akun baru yang dibuat."
            ),
            _("Masuk di: %(link)s") % {"link": settings.SITE_URL + reverse("login")},
            _("Lupa kata sandi? Atur ulang di: %(link)s")
            % {"link": settings.SITE_URL + reverse("password_reset")},
        ]
    _signup_mail(user=existing, subject=_("Akun Anda di portal BP3MI"), lines=lines)
    return None


def user_activate(*, user: User, request: HttpRequest | None = None) -> User:
    """Activate an account whose owner followed the link sent at sign-up."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            return locked
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=locked,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes={"is_active": [False, True]},
            message=_("Akun diaktifkan lewat tautan e-mail"),
            request=request,
        )
    return locked


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
