"""The complaint journey in a browser: a family member files from a 360x640 phone without an
account and tracks the case; an officer assigns it, records a clarification, writes an
internal note and a public update, and closes it with a legal reason; the public page shows
the update and the closure, never the internal note."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from bp3mi import roles
from complaints.models import Case
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser
SEVERE = ("critical", "serious")

INTERNAL_NOTE = "Catatan internal: dugaan perekrut ilegal di Wangi-Wangi."
PUBLIC_UPDATE = "Kami sudah menghubungi KBRI Kuala Lumpur untuk mencari Rahman."


def sign_in(page, user):
    page.goto("/akun/masuk/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def track(page, number, code):
    page.goto("/pengaduan/lacak/")
    page.get_by_label("Nomor pengaduan").fill(number)
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lihat status").click()


def test_family_files_from_a_phone_officer_handles_and_closes_public_sees_no_internal_note(
    phone_page, browser, live_server
):
    cache.clear()
    officer = UserFactory(roles=[roles.PETUGAS_PENGADUAN], full_name="Andi Petugas")
    page = phone_page

    # 1. A mother in Wakatobi files from her phone, without an account.
    page.goto("/")
    page.get_by_role("link", name="Sampaikan pengaduan secara daring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sampaikan pengaduan")
    assert axe_violations(page, impacts=SEVERE) == []
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
    assert axe_violations(page, impacts=SEVERE) == []

    track(page, number, code)
    expect(page.locator("#status-pengaduan")).to_have_text("Diterima")
    assert axe_violations(page, impacts=SEVERE) == []
    track(page, number, "AAAAA-BBBBB")
    expect(page.get_by_text("tidak cocok")).to_be_visible()

    # 2. The officer assigns it, moves it to clarification, records it, writes, closes.
    officer_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    officer_context.set_default_timeout(15000)
    desk = officer_context.new_page()
    sign_in(desk, officer)
    desk.goto("/petugas/pengaduan/")
    desk.get_by_role("link", name=number).click()
    desk.get_by_label("Tugaskan kepada", exact=False).select_option(label="Andi Petugas")
    desk.get_by_role("button", name="Tugaskan").click()
    expect(desk.locator("#petugas-kasus")).to_have_text("Andi Petugas")
    for step in ("Verifikasi", "Klarifikasi"):
        desk.get_by_label("Pindahkan ke tahap", exact=False).select_option(label=step)
        desk.get_by_role("button", name="Pindahkan").click()
        expect(desk.locator("#status-kasus")).to_have_text(step)
    desk.get_by_label("Jenis catatan", exact=False).select_option(label="Berita acara klarifikasi")
    desk.get_by_role("textbox", name=re.compile(r"^Isi")).fill(
        "Klarifikasi I dengan ibu pengadu; kontak terakhir Juli."
    )
    desk.get_by_role("button", name="Simpan catatan").click()
    expect(desk.get_by_text("Berita acara klarifikasi tersimpan.")).to_be_visible()
    desk.get_by_label("Jenis catatan", exact=False).select_option(label="Catatan internal")
    desk.get_by_role("textbox", name=re.compile(r"^Isi")).fill(INTERNAL_NOTE)
    desk.get_by_role("button", name="Simpan catatan").click()
    desk.get_by_label("Jenis catatan", exact=False).select_option(label="Kabar untuk pengadu")
    desk.get_by_role("textbox", name=re.compile(r"^Isi")).fill(PUBLIC_UPDATE)
    desk.get_by_role("button", name="Simpan catatan").click()
    expect(desk.locator("#riwayat")).to_contain_text(INTERNAL_NOTE)
    assert axe_violations(desk, impacts=SEVERE) == []

    desk.get_by_role("link", name="Selesaikan atau tutup kasus").click()
    desk.get_by_label("Ditutup, dengan alasan").check()
    desk.get_by_label("Alasan penutupan", exact=False).select_option(
        label="Pengadu tidak dapat dihubungi selama 60 hari"
    )
    assert axe_violations(desk, impacts=SEVERE) == []
    desk.get_by_role("button", name="Simpan keputusan").click()
    expect(desk.locator("#status-kasus")).to_have_text("Ditutup")
    officer_context.close()

    case = Case.objects.get(number=number)
    assert case.assignee == officer and case.closure_reason == "unreachable_60d"

    # 3. The family tracks again: the update and the closure, never the internal note.
    track(page, number, code)
    expect(page.locator("#status-pengaduan")).to_have_text("Ditutup")
    expect(page.locator("#perkembangan")).to_contain_text(PUBLIC_UPDATE)
    assert INTERNAL_NOTE not in page.content()
    assert "Klarifikasi I dengan ibu" not in page.content()
