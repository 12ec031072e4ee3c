"""The verification letter's number, its Indonesian date, and its PDF (`render_pdf`)."""

from __future__ import annotations

import datetime

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from bp3mi.pdf import render_pdf  # noqa: F401 - the letter renderer (documents.services calls letters.render_pdf)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# Official Indonesian letter numbering: serial / office code / letter kind / month / year.
LETTER_NUMBER_FORMAT = getattr(
    settings, "LETTER_NUMBER_FORMAT", "{serial:04d}/BP3MI-SULTRA/VER/{month_roman}/{year}"
)


def indonesian_date(day: datetime.date) -> str:
    """23 November 2026: Django's Indonesian month names, whatever language is active (the
    letter is an official document in Bahasa Indonesia)."""
    with translation.override("id"):
        return formats.date_format(day, "j F Y")


def letter_number(*, serial: int, day: datetime.date) -> str:
    return LETTER_NUMBER_FORMAT.format(
        serial=serial, month_roman=ROMAN[day.month - 1], month=day.month, year=day.year
    )


def mask_name(name: str) -> str:
    """'Siti Aminah' -> 'S*** A*****': enough to match a person in front of you, not to
    learn a name from a lost letter."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())


def verification_url(token: str) -> str:
    return f"{settings.SITE_URL}/verifikasi/{token}/"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def letter_context(*, registration, documents, number: str, signer, signed_at) -> dict:
    """The letter's words: the same for the PDF and for the signer's preview."""
    applicant = registration.applicant
    return {
        "number": number,
        "registration": registration,
        "applicant": applicant,
        "documents": documents,
        "office": settings.OFFICE,
        "signer": signer,
        "signed_on": indonesian_date(timezone.localtime(signed_at).date()),
        "birth_date": indonesian_date(applicant.birth_date) if applicant.birth_date else "-",
    }


def letter_html(letter, documents) -> str:
    url = verification_url(letter.token)
    return render_to_string(
        "letters/verification_letter.html",
        {
            **letter_context(
                registration=letter.registration,
                documents=documents,
                number=letter.number,
                signer=letter.signed_by,
                signed_at=letter.signed_at,
            ),
            "letter": letter,
            "verification_url": url,
            "qr": qr_data_uri(url),
        },
    )
