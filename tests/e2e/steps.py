"""Steps of the browser journeys that more than one test walks: against pytest's live server
(the other files here) and against gunicorn with a worker (test_stack_journeys.py)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, country, region

WALK_IN_NIK = "7471015708950001"  # Kota Kendari, born 17-08-1995, female


def sign_in(page, user):
    """Sign in as `user`, signing out whoever used this browser context before."""
    page.context.clear_cookies()
    page.goto("/akun/masuk/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def record_walk_in(page, *, email: str):
    """A desk officer records the person who came to the LTSA desk, and submits."""
    page.goto("/petugas/pendaftaran/baru/")
    page.locator("input[name=nik]").fill(WALK_IN_NIK)
    page.locator("input[name=full_name]").fill("Wa Ode Sitti Aisyah")
    page.locator("input[name=sex][value=P]").check()
    page.locator("input[name=birthplace]").fill("Kendari")
    page.locator("input[name=birth_date]").fill("1995-08-17")
    page.locator("select[name=marital_status]").select_option(value="belum_kawin")
    page.locator("textarea[name=address], input[name=address]").first.fill("Jl. Sao-Sao No. 5")
    page.locator("select[name=residence]").select_option(value=str(region("74.71").pk))
    page.locator("input[name=kecamatan]").fill("Kadia")
    page.locator("input[name=village]").fill("Bende")
    page.locator("input[name=phone]").fill("0812 3456 7890")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=family_name]").fill("La Ode Ali")
    page.locator("select[name=family_relation]").select_option(value="ayah")
    page.locator("input[name=family_phone]").fill("0813 1111 2222")
    page.locator("select[name=education]").select_option(value="sma")
    page.locator("input[name=scheme][value=g2g]").check()
    page.locator("select[name=destination_country]").select_option(value=str(country("JP").pk))
    page.locator("select[name=occupation]").select_option(index=1)
    page.locator("input[name=employer_type][value=badan_hukum]").check()
    page.get_by_role("button", name="Simpan dan ajukan").click()


def upload(page, name: str, path) -> None:
    """From a registration's checklist, upload one document (first or again)."""
    page.get_by_role("link", name=re.compile(rf"^Unggah( ulang)? {re.escape(name)}$")).click()
    page.get_by_label("Berkas dokumen").set_input_files(str(path))
    page.get_by_role("button", name="Kirim dokumen").click()
    expect(page.get_by_text(f"{name} berhasil diunggah.")).to_be_visible()


def _no_audit(page) -> None:
    return None


def file_complaint(page, *, audit=_no_audit) -> tuple[str, str]:
    """A mother in Wakatobi files from her phone, without an account; returns the case
    number and the tracking code the confirmation page shows. `audit(page)` runs on the
    form and on the confirmation."""
    page.goto("/")
    page.get_by_role("link", name="Sampaikan pengaduan secara daring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sampaikan pengaduan")
    audit(page)
    page.get_by_label("Keluarga pekerja migran").check()
    page.get_by_label("Hubungan dengan pekerja", exact=False).fill("Ibu")
    page.get_by_label("Nama Anda (pengadu)", exact=False).fill("Wa Ode Hasna")
    page.get_by_label("Nomor telepon/WhatsApp Anda", exact=False).fill("0812 3456 7890")
    page.get_by_label("Nama pekerja migran", exact=False).fill("La Ode Rahman")
    page.get_by_label("Kabupaten/kota asal pekerja").select_option(label="Kab. Wakatobi")
    page.get_by_label("Negara tempat bekerja").select_option(label="Malaysia")
    page.get_by_label("Masalah yang dialami", exact=False).select_option(label="Hilang kontak")
    page.get_by_label("Ceritakan apa yang terjadi", exact=False).fill(
        "Anak saya berangkat ke Malaysia lewat calo dan tidak dapat dihubungi sejak Juli."
    )
    page.get_by_label("Saya setuju", exact=False).check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengaduan Anda sudah kami terima")
    number = page.locator("#nomor-pengaduan").inner_text().strip()
    code = page.locator("#kode-pelacakan").inner_text().strip()
    assert re.fullmatch(r"ADU-\d{4}-\d{5}", number) and len(code) == 11
    audit(page)
    return number, code


def track_complaint(page, number: str, code: str) -> None:
    page.goto("/pengaduan/lacak/")
    page.get_by_label("Nomor pengaduan").fill(number)
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lihat status").click()


def assign_complaint(desk, number: str, officer_name: str) -> None:
    """From the case list, the signed-in officer opens the case and assigns it."""
    desk.goto("/petugas/pengaduan/")
    desk.get_by_role("link", name=number).click()
    desk.get_by_label("Tugaskan kepada", exact=False).select_option(label=officer_name)
    desk.get_by_role("button", name="Tugaskan").click()
    expect(desk.locator("#petugas-kasus")).to_have_text(officer_name)


def move_complaint(desk, *steps: str) -> None:
    for step in steps:
        desk.get_by_label("Pindahkan ke tahap", exact=False).select_option(label=step)
        desk.get_by_role("button", name="Pindahkan").click()
        expect(desk.locator("#status-kasus")).to_have_text(step)


def note_complaint(desk, kind: str, text: str) -> None:
    desk.get_by_label("Jenis catatan", exact=False).select_option(label=kind)
    desk.get_by_role("textbox", name=re.compile(r"^Isi")).fill(text)
    desk.get_by_role("button", name="Simpan catatan").click()


def open_complaint_closure(desk) -> None:
    """To the closing form, choosing a closure for the 60 days without contact."""
    desk.get_by_role("link", name="Selesaikan atau tutup kasus").click()
    desk.get_by_label("Ditutup, dengan alasan").check()
    desk.get_by_label("Alasan penutupan", exact=False).select_option(
        label="Pengadu tidak dapat dihubungi selama 60 hari"
    )


def request_monthly_tables(
    page, *, export_format: str, year: int, month: int, audit=_no_audit
) -> None:
    """From the staff statistics dashboard, ask for the ministry's monthly tables
    (`audit(page)` runs on the request form)."""
    page.goto("/dasbor/")
    page.get_by_role("link", name="Buka dasbor statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor statistik")
    page.get_by_role("link", name="Buat laporan").first.click()
    audit(page)
    page.get_by_label("Tabel bulanan untuk Kementerian").check()
    page.get_by_label(export_format, exact=True).check()
    page.get_by_role("spinbutton", name=re.compile("^Tahun")).fill(str(year))
    page.get_by_role("combobox", name=re.compile("^Bulan")).select_option(str(month))
    page.get_by_role("button", name="Buat laporan").click()
    expect(page).to_have_url(re.compile(r"/statistik/unduhan/$"))
