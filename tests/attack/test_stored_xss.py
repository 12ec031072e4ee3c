"""Stored cross-site scripting: HTML and script typed into every free-text field (world.py)
is shown as text on every page that shows it, officers' and public ones alike, and in the
PDFs (receipt, verification letter, statistics report) as the literal characters."""

import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from registrations.choices import RegistrationStatus
from registrations.models import Registration
from reports.choices import Dimension, ExportFormat, ReportKind
from reports.services import export_generate, export_request
from reports.tables import period_month
from tests.bp3mi.test_csp import csp_problems
from tests.factories import CASE_TRACKING_CODE, UserFactory

from . import world as hostile
from .world import XSS

pytestmark = pytest.mark.django_db

ESCAPED = html.escape(XSS)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def world(cpmi_user, verifikator, kepala, petugas_pengaduan):
    return hostile.build(
        text=XSS, cpmi=cpmi_user, verifikator=verifikator, kepala=kepala, petugas=petugas_pengaduan
    )


def officer_pages(w):
    reg, case, stakeholder = w.registration.pk, w.case.pk, w.stakeholder.pk
    return [
        reverse("registrations:list"),
        reverse("registrations:detail", args=[reg]),
        reverse("documents:queue"),
        reverse("documents:review", args=[reg]),
        reverse("documents:access_log", args=[reg]),
        reverse("complaints:case_list"),
        reverse("complaints:case_detail", args=[case]),
        reverse("complaints:case_edit", args=[case]),
        reverse("stakeholders:manage_list"),
        reverse("stakeholders:update", args=[stakeholder]),
        reverse("audit_list"),
        reverse("admin:registrations_applicant_change", args=[w.registration.applicant_id]),
        reverse("admin:complaints_case_change", args=[case]),
        reverse("admin:stakeholders_stakeholder_change", args=[stakeholder]),
    ]


def cpmi_pages(w):
    reg = w.registration.pk
    return [
        reverse("dashboard"),
        reverse("registrations:timeline", args=[reg]),
        reverse("documents:checklist", args=[reg]),
    ]


def public_pages(w):
    return [
        reverse("stakeholders:list"),
        reverse("stakeholders:detail", args=[w.stakeholder.pk]),
        reverse("documents:letter_check", args=[w.letter.token]),
    ]


def assert_shown_as_text(response, where):
    assert response.status_code == 200, where
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page, where
    # No inline script or event attribute crept in, and the page carries the strict policy.
    assert csp_problems(response) == [], where
    return page


def test_every_page_shows_the_hostile_text_escaped(client, world):
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(world.cpmi)
    anonymous = Client()
    shown = []
    for browser, paths in (
        (superuser, officer_pages(world)),
        (client, cpmi_pages(world)),
        (anonymous, public_pages(world)),
    ):
        for path in paths:
            page = assert_shown_as_text(browser.get(path), path)
            shown.append((path, ESCAPED[:40] in page or html.escape(XSS[:18]) in page))
    tracked = anonymous.post(
        reverse("complaints:track"), {"number": world.case.number, "code": CASE_TRACKING_CODE}
    )
    page = assert_shown_as_text(tracked, "complaints:track")
    shown.append(("complaints:track", ESCAPED[:40] in page))
    # Each page did show the text (escaped): the checks above were not vacuous. The queue
    # lists only registrations waiting for review, the letter check a masked name.
    not_shown = {path for path, seen in shown if not seen}
    assert not_shown == {
        reverse("documents:queue"),
        reverse("documents:letter_check", args=[world.letter.token]),
    }


def pdf_text(content: bytes) -> str:
    assert b"/JavaScript" not in content and b"/Launch" not in content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text)


LITERAL = re.sub(r"\s+", "", "<script>alert(1)</script>")


def test_the_receipt_and_the_letter_print_the_text_literally(client, world):
    client.force_login(world.cpmi)
    receipt = client.get(reverse("registrations:receipt", args=[world.registration.pk]))
    assert receipt.status_code == 200
    assert LITERAL in pdf_text(
        b"".join(receipt.streaming_content) if receipt.streaming else receipt.content
    )
    with world.letter.file.open("rb") as handle:
        assert LITERAL in pdf_text(handle.read())


def test_the_statistics_pdf_prints_a_p3mi_name_literally(world, staf_data):
    from registrations.models import Milestone

    Registration.objects.filter(pk=world.registration.pk).update(status=RegistrationStatus.DEPARTED)
    departed = Milestone.objects.filter(registration=world.registration).first().date
    params = {
        **period_month(departed.year, departed.month).as_params(),
        "group_by": [Dimension.P3MI],
    }
    export = export_request(
        by=staf_data, kind=ReportKind.PLACEMENTS, export_format=ExportFormat.PDF, params=params
    )
    export = export_generate(export_id=export.pk)
    with export.file.open("rb") as handle:
        assert LITERAL in pdf_text(handle.read())
