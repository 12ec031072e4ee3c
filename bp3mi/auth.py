"""Glue between Django's authentication, django-axes and the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

# RFC 5321's limit, the length of the user model's e-mail field.
EMAIL_MAX_LENGTH = 254


def axes_username(request, credentials=None) -> str:
    """The address typed into the login form, lower-cased, so that 'A@x' and 'a@x' count as
    the same account when failures are counted. Cut to the length of an e-mail address:
    Django's login form hands longer text to the backends, and django-axes stores the name
    in a column of 255 characters."""
    source = credentials if credentials else getattr(request, "POST", {})
    typed = str(source.get("username") or source.get("email") or "")
    return typed.strip().lower()[:EMAIL_MAX_LENGTH]


def _through_admin(request) -> bool:
    return request is not None and request.path.startswith(reverse("admin:index"))


@receiver(user_logged_in, dispatch_uid="bp3mi_audit_login")
def audit_login(sender, request, user, **kwargs):
    """Every sign-in, whichever page it came through (the portal's, the admin's, a password
    reset that signs in), is written to the audit trail."""
    from .models import AuditEvent
    from .services import audit_record

    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        message=_("Masuk lewat halaman admin") if _through_admin(request) else "",
        request=request,
    )


@receiver(user_login_failed, dispatch_uid="bp3mi_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """Every failed sign-in, with the address typed (never the password: Django has already
    masked it) and the client's address."""
    from .models import AuditEvent
    from .services import audit_record

    typed = axes_username(request, credentials)[:200]
    where = _("halaman admin") if _through_admin(request) else _("halaman masuk")
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        message=_("Gagal masuk sebagai %(typed)s (%(where)s)") % {"typed": typed, "where": where},
        request=request,
    )
