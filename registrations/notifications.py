"""What a CPMI is told by e-mail about their registration (see bp3mi.mail)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from bp3mi.mail import send_in_indonesian

from .models import Applicant, Registration


def applicant_email(applicant: Applicant) -> str:
    """Where a person is written to: their account's e-mail, else the one an officer
    recorded at the desk (may be empty: then nothing is sent)."""
    return (applicant.user.email if applicant.user_id else "") or applicant.email


def registration_submitted_notify(*, registration_id: int) -> int:
    """On submission: the registration number and what comes next."""
    registration = Registration.objects.select_related("applicant__user").get(pk=registration_id)
    applicant = registration.applicant
    number = registration.number

    def body():
        lines = [
            _("Yth. %(name)s,") % {"name": applicant.full_name},
            "",
            _(
                "Pendaftaran Anda sebagai calon pekerja migran Indonesia telah kami terima "
                "dengan nomor %(number)s. Sebutkan nomor ini setiap kali menghubungi kantor."
            )
            % {"number": number},
            "",
        ]
        if applicant.user_id:
            link = settings.SITE_URL + reverse("registrations:timeline", args=[registration.pk])
            lines.append(
                _("Unggah dokumen yang diminta dan ikuti pemeriksaannya di: %(link)s")
                % {"link": link}
            )
        else:
            lines.append(
                _(
                    "Petugas di loket memindai dokumen Anda; kami mengabari Anda lewat e-mail "
                    "setelah semua dokumen diperiksa."
                )
            )
        return "\n".join(lines)

    return send_in_indonesian(
        to=applicant_email(applicant),
        subject=lambda: _("Pendaftaran %(number)s telah diterima") % {"number": number},
        body=body,
    )
