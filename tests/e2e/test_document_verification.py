"""The whole verification journey in a browser: the CPMI uploads from a 360x640 phone, an
officer rejects one document, the CPMI re-uploads it, the officer approves, the signer signs,
a real worker renders the letter, it is downloaded and its QR page says it is valid."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bp3mi import roles
from documents import signing
from documents.models import Document, Letter
from documents.selectors import letter_document_types
from documents.services import document_approve
from registrations.choices import RegistrationStatus
from tests.conftest import axe_violations, wait_for
from tests.documents.files import jpeg_bytes
from tests.documents.helpers import registration_with_documents
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def sign_in(page, user):
    page.goto("/akun/masuk/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def sign_out(page):
    page.context.clear_cookies()


def test_cpmi_uploads_officer_rejects_reupload_approve_sign_and_check_the_letter(
    phone_page, browser, live_server, celery_worker_process, tmp_path
):
    page = phone_page
    cpmi = UserFactory(roles=[roles.CPMI], full_name="Wa Ode Nurhayati")
    verifikator = UserFactory(roles=[roles.VERIFIKATOR])
    kepala = UserFactory(roles=[roles.KEPALA])
    registration = registration_with_documents(user=cpmi, full_name="Wa Ode Nurhayati")
    # Everything but the KTP is already in and approved, so the journey stays short.
    Document.objects.filter(registration=registration, document_type__code="ktp").delete()
    for document in Document.objects.filter(
        registration=registration,
        document_type__in=letter_document_types(registration=registration),
    ):
        document_approve(document=document, by=verifikator, revision=document.revision)
    photo = tmp_path / "ktp.jpg"
    photo.write_bytes(jpeg_bytes(gps=True))
    sharper = tmp_path / "ktp-terang.jpg"
    sharper.write_bytes(jpeg_bytes(size=(1200, 800)))

    # 1. The CPMI uploads a photo of the KTP on the phone.
    sign_in(page, cpmi)
    page.get_by_role("link", name=re.compile("Dokumen pendaftaran")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dokumen pendaftaran")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Unggah KTP").click()
    page.get_by_label("Berkas dokumen").set_input_files(str(photo))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Kirim dokumen").click()
    expect(page.get_by_text("KTP berhasil diunggah.")).to_be_visible()
    sign_out(page)

    # 2. The officer rejects it and sends the registration back.
    sign_in(page, verifikator)
    page.goto("/petugas/verifikasi/")
    page.get_by_role("link", name=registration.number).click()
    expect(page.get_by_text("Wa Ode Nurhayati").first).to_be_visible()
    ktp_card = page.locator("article", has=page.get_by_role("heading", name=re.compile("^KTP")))
    ktp_card.get_by_label("Alasan penolakan").select_option("tidak_terbaca")
    ktp_card.get_by_label("Catatan untuk CPMI").fill("Foto KTP buram, ulangi di tempat terang.")
    ktp_card.get_by_role("button", name="Tolak KTP").click()
    expect(page.get_by_text("KTP ditolak.")).to_be_visible()
    page.get_by_role("button", name="Kirim kembali untuk perbaikan").click()
    expect(page.get_by_text("dikembalikan kepada CPMI")).to_be_visible()
    sign_out(page)

    # 3. The CPMI sees why and re-uploads only the KTP.
    sign_in(page, cpmi)
    expect(page.get_by_text("Ada dokumen yang ditolak")).to_be_visible()
    page.get_by_role("link", name=re.compile("Dokumen pendaftaran")).click()
    expect(page.get_by_text("Foto KTP buram")).to_be_visible()
    page.get_by_role("link", name="Unggah ulang KTP").click()
    page.get_by_label("Berkas dokumen").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim dokumen").click()
    expect(page.get_by_text("sama dengan yang ditolak")).to_be_visible()
    page.get_by_label("Berkas dokumen").set_input_files(str(sharper))
    page.get_by_role("button", name="Kirim dokumen").click()
    expect(page.get_by_text("KTP berhasil diunggah.")).to_be_visible()
    sign_out(page)

    # 4. The officer approves the new version: every required document is approved.
    sign_in(page, verifikator)
    page.goto(f"/petugas/verifikasi/{registration.pk}/")
    page.get_by_role("button", name="Setujui KTP").click()
    expect(page.get_by_text("KTP disetujui.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.VERIFIED
    sign_out(page)

    # 5. The signer signs; a real worker renders the letter.
    sign_in(page, kepala)
    page.goto("/petugas/verifikasi/tanda-tangan/")
    page.get_by_role("link", name=registration.number).click()
    page.get_by_role("button", name="Tandatangani surat verifikasi").click()
    expect(page.get_by_text("Surat ditandatangani")).to_be_visible()
    letter = wait_for(
        lambda: Letter.objects.filter(registration=registration, status="ready").first(),
        timeout=120,
        process=celery_worker_process,
    )
    sign_out(page)

    # 6. The CPMI downloads the letter and opens the page its QR code points to.
    sign_in(page, cpmi)
    page.goto(f"/dokumen/pendaftaran/{registration.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh surat (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert letter.number in text and "Wa Ode Nurhayati" in text
    assert signing.signature_check(pdf).ok
    page.goto(letter.get_public_url())
    expect(page.get_by_text("BERLAKU")).to_be_visible()
    expect(page.get_by_text(letter.sha256)).to_be_visible()
    assert axe_violations(page) == []
    letter.file.delete(save=False)
