"""What a CPMI is told by e-mail about their documents and letter (see bp3mi.mail)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from bp3mi.mail import send_in_indonesian
from registrations.models import Registration
from registrations.notifications import applicant_email

from .models import Letter


def registration_verified_notify(*, registration_id: int) -> int:
    """Every document the letter needs is approved; the letter is next."""
    registration = Registration.objects.select_related("applicant__user").get(pk=registration_id)
    applicant = registration.applicant

    def body():
        return "\n".join(
            [
                _("Yth. %(name)s,") % {"name": applicant.full_name},
                "",
                _(
                    "Semua dokumen pendaftaran %(number)s telah diperiksa dan disetujui. "
                    "Surat keterangan verifikasi sekarang menunggu tanda tangan pejabat; kami "
                    "mengirim e-mail lagi ketika surat siap."
                )
                % {"number": registration.number},
            ]
        )

    return send_in_indonesian(
        to=applicant_email(applicant),
        subject=lambda: (
            _("Dokumen pendaftaran %(number)s telah diverifikasi") % {"number": registration.number}
        ),
        body=body,
    )


def letter_ready_notify(*, letter_id: int) -> int:
    """The signed letter's PDF is ready: where to download it and where anyone checks it."""
    letter = Letter.objects.select_related("registration__applicant__user").get(pk=letter_id)
    if letter.is_revoked:
        return 0
    registration = letter.registration
    applicant = registration.applicant
    check = settings.SITE_URL + letter.get_public_url()

    def body():
        lines = [
            _("Yth. %(name)s,") % {"name": applicant.full_name},
            "",
            _("Surat keterangan verifikasi Anda nomor %(letter)s telah ditandatangani.")
            % {"letter": letter.number},
            "",
        ]
        if applicant.user_id:
            link = settings.SITE_URL + reverse("documents:checklist", args=[registration.pk])
            lines.append(_("Unduh surat (PDF) di: %(link)s") % {"link": link})
        else:
            lines.append(_("Ambil salinan surat di loket layanan kantor kami."))
        lines.append(
            _("Siapa pun dapat memeriksa keaslian surat ini di: %(link)s") % {"link": check}
        )
        return "\n".join(lines)

    return send_in_indonesian(
        to=applicant_email(applicant),
        subject=lambda: (
            _("Surat keterangan verifikasi %(number)s sudah siap") % {"number": registration.number}
        ),
        body=body,
    )
