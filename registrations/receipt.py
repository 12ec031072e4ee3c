"""The registration receipt a CPMI saves after submitting: a one-page PDF rendered in the
request with WeasyPrint from templates/letters/registration_receipt.html."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from bp3mi.pdf import render_pdf

from .models import Registration


def registration_receipt_pdf(*, registration: Registration, request: HttpRequest | None) -> bytes:
    html = render_to_string(
        "letters/registration_receipt.html",
        {"registration": registration, "applicant": registration.applicant, "now": timezone.now()},
        request=request,
    )
    return render_pdf(html)
