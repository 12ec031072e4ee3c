"""The registration receipt a CPMI saves after submitting: a one-page PDF rendered in the
request with WeasyPrint from templates/letters/registration_receipt.html."""

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Registration


def registration_receipt_pdf(*, registration: Registration, request: HttpRequest | None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "letters/registration_receipt.html",
        {"registration": registration, "applicant": registration.applicant, "now": timezone.now()},
        request=request,
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
