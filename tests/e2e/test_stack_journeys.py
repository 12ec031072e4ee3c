"""The journeys against the portal as it is deployed: Chromium speaks HTTPS to `gunicorn
bp3mi.wsgi` (production settings, DEBUG off, static files from collectstatic through
whitenoise) while a separate `celery worker` on the configured broker makes the letters,
the exports and the e-mails (tests/e2e/conftest.py `stack`). Nothing runs eagerly and nothing
runs inside the test process but the browser and the checks."""

import datetime
import io
import os
import re
import shutil
import subprocess
import tempfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from bp3mi import roles
from complaints.models import Case
from documents import signing
from documents.models import Letter
from documents.selectors import letter_document_types, requirements_for
from registrations.choices import RegistrationStatus
from registrations.models import Registration
from tests.conftest import IN_CI, wait_for
from tests.documents.files import jpeg_bytes, pdf_bytes
from tests.factories import UserFactory
from tests.statistics.conftest import place

from . import steps

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PASSWORD = "Wakatobi-Laut-2026"


def mail_to(stack, address: str, subject_part: str):
    """Wait for the e-mail to `address` whose subject contains `subject_part`."""

    def found():
        return next(
            (m for m in stack.outbox() if m["To"] == address and subject_part in str(m["Subject"])),
            None,
        )

    return wait_for(found, timeout=120, process=stack.worker)


def link_in(message, path_pattern: str, stack) -> str:
    """The link in an e-mail's body to this stack's address with a path matching the pattern."""
    match = re.search(rf"{re.escape(stack.url)}{path_pattern}", message.get_content())
    assert match, message.get_content()
    return match.group(0)


def qr_codes_in_pdf(pdf: bytes) -> list[str]:
    """Rasterise the PDF's first page with Ghostscript and read its QR codes with zbar."""
    gs, zbarimg = shutil.which("gs"), shutil.which("zbarimg")
    if gs is None or zbarimg is None:
        if IN_CI:
            pytest.fail("gs or zbarimg is missing in CI: .ci/run installs them")
        pytest.skip("Ghostscript and zbar-tools are needed to read the letter's QR code")
    with tempfile.TemporaryDirectory() as folder:
        source, image = os.path.join(folder, "surat.pdf"), os.path.join(folder, "surat.png")
        with open(source, "wb") as out:
            out.write(pdf)
        subprocess.run(
            [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r200"]
            + ["-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={image}", source],
            check=True,
            capture_output=True,
            timeout=120,
        )
        result = subprocess.run(
            [zbarimg, "--quiet", "--raw", image], capture_output=True, text=True, timeout=60
        )
    return result.stdout.split()


def download(page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def check_letter(page, pdf: bytes, *, letter: Letter, check_url: str) -> None:
    """One signed page; its QR code points to the check page, which says it is valid."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert letter.number in reader.pages[0].extract_text()
    assert signing.signature_check(pdf).ok
    assert qr_codes_in_pdf(pdf) == [check_url]
    page.goto(check_url)
    expect(page.get_by_text("BERLAKU", exact=True)).to_be_visible()
    expect(page.locator("[data-signature=utuh]")).to_be_visible()


def test_a_cpmi_signs_up_uploads_is_rejected_once_and_gets_a_letter_that_is_then_revoked(
    stack, browser, tmp_path
):
    email = "wa.ode.nurhayati@contoh.test"
    verifikator = UserFactory(roles=[roles.VERIFIKATOR], full_name="Petugas Verifikasi")
    kepala = UserFactory(roles=[roles.KEPALA], full_name="La Ode Kepala")
    photo, sharper, scan = tmp_path / "ktp.jpg", tmp_path / "ktp-terang.jpg", tmp_path / "d.pdf"
    photo.write_bytes(jpeg_bytes())
    sharper.write_bytes(jpeg_bytes(size=(1200, 800)))
    scan.write_bytes(pdf_bytes())
    cpmi = stack.new_page(browser, phone=True)
    desk = stack.new_page(browser)

    # 1. Sign-up on the phone; the activation link comes by e-mail from the web server.
    cpmi.goto("/")
    cpmi.get_by_role("link", name="Daftar sebagai CPMI").click()
    cpmi.get_by_label("Nama lengkap (sesuai KTP)").fill("Wa Ode Nurhayati")
    cpmi.get_by_label("Alamat e-mail").fill(email)
    cpmi.get_by_label("Nomor HP/WhatsApp").fill("0812 9876 5432")
    cpmi.get_by_label("Kata sandi*", exact=True).fill(PASSWORD)
    cpmi.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    cpmi.get_by_label(re.compile("Saya setuju")).check()
    cpmi.get_by_role("button", name="Buat akun").click()
    expect(cpmi.get_by_role("heading", level=1)).to_contain_text("Periksa e-mail Anda")
    activation = mail_to(stack, email, "Aktifkan akun")
    cpmi.goto(link_in(activation, r"/akun/aktifkan/\S+/", stack))
    cpmi.get_by_role("button", name="Aktifkan akun").click()
    expect(cpmi.get_by_role("heading", level=1)).to_have_text("Halo, Wa Ode Nurhayati")

    # 2. The registration, step by step, then submitted.
    cpmi.get_by_role("link", name="Mulai pendaftaran").click()
    cpmi.get_by_label("NIK").fill("7471015708950002")
    cpmi.get_by_label("Nama lengkap").fill("Wa Ode Nurhayati")
    cpmi.get_by_label("Perempuan").check()
    cpmi.get_by_label("Tempat lahir").fill("Kendari")
    cpmi.get_by_label("Tanggal lahir").fill("1995-08-17")
    cpmi.get_by_label("Status perkawinan").select_option(label="Belum kawin")
    cpmi.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(cpmi.get_by_role("heading", level=1)).to_have_text("Alamat dan keluarga")
    cpmi.get_by_label("Alamat", exact=False).first.fill("Jl. Sao-Sao No. 5")
    cpmi.locator("select[name=residence]").select_option(label="Kota Kendari")
    cpmi.locator("input[name=kecamatan]").fill("Kadia")
    cpmi.locator("input[name=village]").fill("Bende")
    cpmi.locator("input[name=phone]").fill("0812 9876 5432")
    cpmi.locator("input[name=family_name]").fill("La Ode Ali")
    cpmi.locator("select[name=family_relation]").select_option(label="Ayah")
    cpmi.locator("input[name=family_phone]").fill("0813 1111 2222")
    cpmi.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(cpmi.get_by_role("heading", level=1)).to_have_text("Pendidikan dan pengalaman")
    cpmi.locator("select[name=education]").select_option(label="SMA/SMK/sederajat")
    cpmi.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(cpmi.get_by_role("heading", level=1)).to_have_text("Tujuan dan skema")
    cpmi.get_by_label("G to G").check()
    cpmi.locator("select[name=destination_country]").select_option(label="Jepang")
    cpmi.locator("select[name=occupation]").select_option(
        label="Perawat (caregiver) panti (Formal)"
    )
    cpmi.get_by_label("Pemberi kerja berbadan hukum").check()
    cpmi.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(cpmi.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")
    cpmi.get_by_role("button", name="Ajukan pendaftaran").click()
    expect(cpmi.get_by_text("Pendaftaran diajukan", exact=True)).to_be_visible()
    registration = Registration.objects.get(applicant__user__email=email)
    assert registration.status == RegistrationStatus.SUBMITTED

    # 3. Every document: the KTP as a phone photo, the others as scans.
    cpmi.goto("/dasbor/")
    cpmi.get_by_role("link", name=re.compile("Dokumen pendaftaran")).click()
    for requirement in requirements_for(registration=registration):
        name = requirement.document_type.name
        steps.upload(cpmi, name, photo if requirement.document_type.code == "ktp" else scan)

    # 4. The officer approves all but the KTP, rejects it and sends the registration back.
    steps.sign_in(desk, verifikator)
    desk.goto("/petugas/verifikasi/")
    desk.get_by_role("link", name=registration.number).click()
    for document_type in letter_document_types(registration=registration):
        if document_type.code != "ktp":
            desk.get_by_role("button", name=f"Setujui {document_type.name}", exact=True).click()
            expect(desk.get_by_text(f"{document_type.name} disetujui.")).to_be_visible()
    ktp_card = desk.locator("article", has=desk.get_by_role("heading", name=re.compile("^KTP")))
    ktp_card.get_by_label("Alasan penolakan").select_option("tidak_terbaca")
    ktp_card.get_by_label("Catatan untuk CPMI").fill("Foto KTP buram, ulangi di tempat terang.")
    ktp_card.get_by_role("button", name="Tolak KTP").click()
    expect(desk.get_by_text("KTP ditolak.")).to_be_visible()
    desk.get_by_role("button", name="Kirim kembali untuk perbaikan").click()
    expect(desk.get_by_text("dikembalikan kepada CPMI")).to_be_visible()

    # 5. The CPMI sees why and uploads the KTP again.
    cpmi.goto("/dasbor/")
    expect(cpmi.get_by_text("Ada dokumen yang ditolak")).to_be_visible()
    cpmi.get_by_role("link", name=re.compile("Dokumen pendaftaran")).click()
    expect(cpmi.get_by_text("Foto KTP buram")).to_be_visible()
    steps.upload(cpmi, "KTP", sharper)

    # 6. The officer approves it: every document the letter needs is approved.
    desk.goto(f"/petugas/verifikasi/{registration.pk}/")
    desk.get_by_role("button", name="Setujui KTP").click()
    expect(desk.get_by_text("KTP disetujui.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.VERIFIED

    # 7. The signer signs; the worker makes the letter and e-mails the CPMI.
    steps.sign_in(desk, kepala)
    desk.goto("/petugas/verifikasi/tanda-tangan/")
    desk.get_by_role("link", name=registration.number).click()
    desk.get_by_role("button", name="Tandatangani surat verifikasi").click()
    expect(desk.get_by_text("Surat ditandatangani")).to_be_visible()
    ready = mail_to(stack, email, "sudah siap")
    letter = Letter.objects.get(registration=registration)
    assert letter.status == Letter.Status.READY
    check_url = link_in(ready, r"/verifikasi/[\w-]+/", stack)

    # 8. The CPMI follows the e-mail to the letter, downloads it, and its QR code says valid.
    cpmi.goto(link_in(ready, rf"/dokumen/pendaftaran/{registration.pk}/", stack))
    _, pdf = download(cpmi, cpmi.get_by_role("link", name="Unduh surat (PDF)"))
    check_letter(cpmi, pdf, letter=letter, check_url=check_url)

    # 9. The signer revokes it; the same QR code now says so.
    desk.goto(f"/petugas/verifikasi/{registration.pk}/surat/")
    desk.get_by_role("link", name=f"Cabut surat {letter.number}").click()
    desk.get_by_label("Alasan pencabutan").fill("Data paspor keliru, surat diterbitkan ulang.")
    desk.get_by_role("button", name="Cabut surat").click()
    expect(desk.get_by_text(f"Surat {letter.number} dicabut.")).to_be_visible()
    cpmi.goto(check_url)
    expect(cpmi.get_by_text("DICABUT", exact=True)).to_be_visible()
    expect(cpmi.get_by_text("BERLAKU", exact=True)).to_have_count(0)
    stack.assert_running()


def test_a_walk_in_goes_from_the_desk_to_a_letter_whose_qr_code_says_valid(
    stack, browser, tmp_path
):
    desk_officer = UserFactory(roles=[roles.VERIFIKATOR], full_name="Petugas Loket")
    reviewer = UserFactory(roles=[roles.VERIFIKATOR], full_name="Petugas Pemeriksa")
    kepala = UserFactory(roles=[roles.KEPALA], full_name="La Ode Kepala")
    scan = tmp_path / "pindaian.pdf"
    scan.write_bytes(pdf_bytes())
    page = stack.new_page(browser)

    steps.sign_in(page, desk_officer)
    steps.record_walk_in(page, email="aisyah@contoh.test")
    expect(page.get_by_role("link", name="Daftar dokumen")).to_be_visible()
    registration = Registration.objects.get(
        applicant__nik=steps.WALK_IN_NIK, applicant__user__isnull=True
    )
    page.get_by_role("link", name="Daftar dokumen").click()
    for requirement in requirements_for(registration=registration):
        steps.upload(page, requirement.document_type.name, scan)

    steps.sign_in(page, reviewer)
    page.goto(f"/petugas/verifikasi/{registration.pk}/")
    for document_type in letter_document_types(registration=registration):
        page.get_by_role("button", name=f"Setujui {document_type.name}", exact=True).click()
        expect(page.get_by_text(f"{document_type.name} disetujui.")).to_be_visible()

    steps.sign_in(page, kepala)
    page.goto(f"/petugas/verifikasi/{registration.pk}/surat/")
    page.get_by_role("button", name="Tandatangani surat verifikasi").click()
    # No reload: the letter's card polls gunicorn until the worker has made the PDF.
    link = page.get_by_role("link", name="Unduh surat (PDF)")
    expect(link).to_be_visible(timeout=120_000)
    _, pdf = download(page, link)
    letter = Letter.objects.get(registration=registration)
    ready = mail_to(stack, "aisyah@contoh.test", "sudah siap")
    check_letter(page, pdf, letter=letter, check_url=link_in(ready, r"/verifikasi/[\w-]+/", stack))
    stack.assert_running()


def test_a_family_member_files_a_complaint_and_an_officer_closes_it(stack, browser):
    officer = UserFactory(roles=[roles.PETUGAS_PENGADUAN], full_name="Andi Petugas")
    family = stack.new_page(browser, phone=True)
    desk = stack.new_page(browser)

    number, code = steps.file_complaint(family)
    steps.track_complaint(family, number, code)
    expect(family.locator("#status-pengaduan")).to_have_text("Diterima")

    steps.sign_in(desk, officer)
    steps.assign_complaint(desk, number, "Andi Petugas")
    steps.move_complaint(desk, "Verifikasi", "Klarifikasi")
    steps.note_complaint(desk, "Kabar untuk pengadu", "Kami sudah menghubungi KBRI Kuala Lumpur.")
    expect(desk.locator("#riwayat")).to_contain_text("KBRI Kuala Lumpur")
    steps.open_complaint_closure(desk)
    desk.get_by_role("button", name="Simpan keputusan").click()
    expect(desk.locator("#status-kasus")).to_have_text("Ditutup")
    assert Case.objects.get(number=number).closure_reason == "unreachable_60d"

    steps.track_complaint(family, number, code)
    expect(family.locator("#status-pengaduan")).to_have_text("Ditutup")
    expect(family.locator("#perkembangan")).to_contain_text("KBRI Kuala Lumpur")
    stack.assert_running()


def test_staff_export_the_monthly_tables_as_xlsx_and_pdf_and_both_files_open(stack, browser):
    staff = UserFactory(roles=[roles.STAF_DATA])
    place(datetime.date(2026, 3, 2))
    place(datetime.date(2026, 3, 9), region_code="74.02")
    page = stack.new_page(browser)
    steps.sign_in(page, staff)

    steps.request_monthly_tables(page, export_format="XLSX (Excel)", year=2026, month=3)
    steps.request_monthly_tables(page, export_format="PDF", year=2026, month=3)
    files = {}
    for label in ("XLSX (Excel)", "PDF"):
        row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
        # No reload: the list polls gunicorn until the worker has written the file.
        link = row.get_by_role("link", name="Unduh")
        expect(link).to_be_visible(timeout=120_000)
        name, content = download(page, link)
        files[name.rsplit(".", 1)[-1]] = content

    book = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert book.worksheets[0].title == "Keterangan"
    title = next(book.worksheets[0].iter_rows(values_only=True))[0]
    same_month = [row[:2] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ("2026", 2) in same_month
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert title in " ".join(reader.pages[0].extract_text().split())
    stack.assert_running()


def test_the_deployed_pages_use_collected_compressed_static_files_and_hide_debug_details(
    stack, browser
):
    page = stack.new_page(browser)
    response = page.goto("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    steps.sign_in(page, UserFactory(roles=[roles.STAF_DATA]))
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["csrftoken"]["secure"]
    page.goto("/")
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    # The manifest storage put a hash of the content in the name: browsers may keep it a year.
    assert re.fullmatch(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", stylesheet)
    css = page.request.get(stylesheet, headers={"Accept-Encoding": "br"})
    assert css.ok and css.headers["content-encoding"] == "br"
    assert "immutable" in css.headers["cache-control"]
    # DEBUG is off: an unknown address gets the portal's page, not Django's technical one.
    missing = page.goto("/tidak-ada/")
    assert missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    assert "URLconf" not in page.content()
