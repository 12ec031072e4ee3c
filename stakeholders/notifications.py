"""E-mail notices to the staff who keep the directory."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bp3mi.models import User

from .models import Licence


def staff_recipients() -> list[str]:
    """STAFF_NOTIFICATION_EMAILS plus every active user who may change licences."""
    permission = Permission.objects.filter(
        content_type__app_label="stakeholders", codename="change_licence"
    ).first()
    users = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
    )
    emails = {e.strip().lower() for e in settings.STAFF_NOTIFICATION_EMAILS if e.strip()}
    emails.update(e.lower() for e in users.values_list("email", flat=True).distinct())
    return sorted(emails)


def notify_licences_expired(*, licence_ids: list[int]) -> int:
    """Tell staff which licences have just expired. Returns the number of messages sent."""
    licences = list(
        Licence.objects.filter(pk__in=licence_ids)
        .select_related("stakeholder")
        .order_by("stakeholder__name", "kind")
    )
    recipients = staff_recipients()
    if not licences or not recipients:
        return 0
    lines = [
        f"- {lic.stakeholder.name}: {lic.get_kind_display()} {lic.number} "
        f"({_('berlaku sampai')} {lic.expires_on:%d/%m/%Y})"
        for lic in licences
    ]
    body = "\n".join(
        [
            _("Izin berikut telah kedaluwarsa dan kini tercatat sebagai kedaluwarsa di direktori:"),
            "",
            *lines,
            "",
            _("Izin yang akan kedaluwarsa dalam 60 hari:")
            + f" {settings.SITE_URL}{reverse('stakeholders:licence_expiring')}",
        ]
    )
    subject = _("[%(office)s] %(count)d izin pemangku kepentingan kedaluwarsa") % {
        "office": settings.OFFICE["name"],
        "count": len(licences),
    }
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
