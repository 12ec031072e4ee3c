"""A walk-in from the desk to a signed letter, in a browser: a desk officer records the
person and scans every document, a second officer approves them, the signer previews and
signs, a real worker renders and signs the PDF while the page polls, and the journey's
e-mails are in the worker's outbox."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bp3mi import roles
from documents import signing
from documents.models import Document, Letter
from documents.selectors import letter_document_types, requirements_for
from registrations.choices import RegistrationStatus
from registrations.models import Registration
from tests.conftest import axe_violations, wait_for, worker_outbox
from tests.documents.files import pdf_bytes
from tests.factories import UserFactory

from . import steps
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_a_walk_in_goes_from_the_desk_to_a_signed_one_page_letter_with_its_mails(
    phone_page, live_server, celery_worker_process, tmp_path
):
    page = phone_page
    desk = UserFactory(roles=[roles.VERIFIKATOR], full_name="Petugas Loket")
    reviewer = UserFactory(roles=[roles.VERIFIKATOR], full_name="Petugas Pemeriksa")
    kepala = UserFactory(roles=[roles.KEPALA], full_name="La Ode Kepala", nip="197003152000031002")
    scan = tmp_path / "pindaian.pdf"
    scan.write_bytes(pdf_bytes())

    # 1. The desk officer records the person who came to the LTSA desk.
    sign_in(page, desk)
    steps.record_walk_in(page, email="aisyah@contoh.test")
    registration = wait_for(
        lambda: Registration.objects.filter(applicant__nik=steps.WALK_IN_NIK).first()
    )
    assert registration.applicant.user is None
    assert registration.status == RegistrationStatus.SUBMITTED

    # 2. From the detail page to the checklist, the desk officer scans every document.
    page.get_by_role("link", name="Daftar dokumen").click()
    expect(page.get_by_text("Pendaftaran di loket: pindai")).to_be_visible()
    assert axe_violations(page) == []
    for requirement in requirements_for(registration=registration):
        steps.upload(page, requirement.document_type.name, scan)
    uploaded = Document.objects.filter(registration=registration)
    assert uploaded.count() == len(requirements_for(registration=registration))
    assert set(uploaded.values_list("uploaded_by", flat=True)) == {desk.pk}

    # The desk officer may not judge their own scans.
    page.goto(f"/petugas/verifikasi/{registration.pk}/")
    expect(page.get_by_role("button", name=re.compile("^Setujui"))).to_have_count(0)

    # 3. Another officer approves every document the letter needs.
    sign_in(page, reviewer)
    page.goto(f"/petugas/verifikasi/{registration.pk}/")
    for document_type in letter_document_types(registration=registration):
        page.get_by_role("button", name=f"Setujui {document_type.name}", exact=True).click()
        expect(page.get_by_text(f"{document_type.name} disetujui.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.VERIFIED

    # 4. The signer previews the letter, signs, and the page shows the PDF when it is made.
    sign_in(page, kepala)
    page.goto("/petugas/verifikasi/tanda-tangan/")
    page.get_by_role("link", name=registration.number).click()
    expect(page.get_by_text("Pratinjau isi surat")).to_be_visible()
    expect(page.get_by_text("NIP 197003152000031002")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tandatangani surat verifikasi").click()
    expect(page.get_by_text("Surat ditandatangani")).to_be_visible()
    # No reload: the letter's card polls until the worker has made the PDF.
    download_link = page.get_by_role("link", name="Unduh surat (PDF)")
    expect(download_link).to_be_visible(timeout=120_000)
    letter = Letter.objects.get(registration=registration)
    assert letter.status == Letter.Status.READY
    with page.expect_download() as download_info:
        download_link.click()
    pdf = download_info.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "NIP 197003152000031002" in reader.pages[0].extract_text()
    assert signing.signature_check(pdf).ok

    # 5. The public page of the QR code says the signature is intact.
    page.goto(letter.get_public_url())
    expect(page.get_by_text("BERLAKU")).to_be_visible()
    expect(page.locator("[data-signature=utuh]")).to_be_visible()

    # 6. The person was written to on submission, verification and when the letter was ready.
    mails = wait_for(
        lambda: (lambda m: m if len(m) >= 3 else None)(worker_outbox(celery_worker_process)),
        timeout=60,
        process=celery_worker_process,
    )
    subjects = sorted(str(m["Subject"]) for m in mails)
    assert subjects == sorted(
        [
            f"Pendaftaran {registration.number} telah diterima",
            f"Dokumen pendaftaran {registration.number} telah diverifikasi",
            f"Surat keterangan verifikasi {registration.number} sudah siap",
        ]
    )
    assert all(m["To"] == "aisyah@contoh.test" for m in mails)
    ready = next(m for m in mails if "sudah siap" in str(m["Subject"]))
    assert letter.get_public_url() in ready.get_content()
    letter.file.delete(save=False)
