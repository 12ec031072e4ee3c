import re

import pytest
from playwright.sync_api import expect

from bp3mi import roles
from registrations.choices import RegistrationStatus
from registrations.models import Registration
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def test_a_new_cpmi_fills_the_steps_leaves_comes_back_and_submits(phone_page, browser, live_server):
    user = UserFactory(roles=[roles.CPMI], email="sitti@contoh.test", full_name="Wa Ode Sitti")
    page = phone_page
    sign_in(page, user.email)
    page.get_by_role("link", name="Mulai pendaftaran").click()

    # Step 1: identity, with a mistake first (birth date not matching the NIK).
    expect(page.get_by_role("heading", level=1)).to_have_text("Identitas")
    page.get_by_label("NIK").fill("7471015708950001")
    page.get_by_label("Nama lengkap").fill("Wa Ode Sitti")
    page.get_by_label("Perempuan").check()
    page.get_by_label("Tempat lahir").fill("Kendari")
    page.get_by_label("Tanggal lahir").fill("1995-08-18")
    page.get_by_label("Status perkawinan").select_option(label="Belum kawin")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page.get_by_text("Tanggal lahir tidak cocok dengan NIK")).to_be_visible()
    page.get_by_label("Tanggal lahir").fill("1995-08-17")
    page.get_by_role("button", name="Simpan dan lanjutkan").click()

    # Step 2: address, then leave.
    expect(page.get_by_role("heading", level=1)).to_have_text("Alamat dan keluarga")
    page.get_by_label("Alamat", exact=False).first.fill("Jl. Sao-Sao No. 5")
    page.locator("select[name=residence]").select_option(label="Kota Kendari")
    page.locator("input[name=kecamatan]").fill("Kadia")
    page.locator("input[name=village]").fill("Bende")
    page.locator("input[name=phone]").fill("0812 3456 7890")
    page.locator("input[name=family_name]").fill("La Ode Ali")
    page.locator("select[name=family_relation]").select_option(label="Ayah")
    page.locator("input[name=family_phone]").fill("0813 1111 2222")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Simpan dan keluar").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))
    expect(page.get_by_text("Draf tersimpan")).to_be_visible()

    # Later, on another phone: a fresh browser context, signing in again.
    other = browser.new_context(
        viewport={"width": 360, "height": 640},
        base_url=live_server.url,
        locale="id-ID",
        is_mobile=True,
        has_touch=True,
    )
    other.set_default_timeout(15000)
    page = other.new_page()
    try:
        sign_in(page, user.email)
        page.get_by_role("link", name="Lanjutkan pendaftaran").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Pendidikan dan pengalaman")
        page.locator("select[name=education]").select_option(label="SMA/SMK/sederajat")
        page.get_by_role("button", name="Simpan dan lanjutkan").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Tujuan dan skema")
        page.get_by_label("G to G").check()
        page.locator("select[name=destination_country]").select_option(label="Jepang")
        page.locator("select[name=occupation]").select_option(
            label="Perawat (caregiver) panti (Formal)"
        )
        page.get_by_label("Pemberi kerja berbadan hukum").check()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Simpan dan lanjutkan").click()

        # Check your answers, then submit.
        expect(page.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")
        expect(page.get_by_text("+6281234567890")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Ajukan pendaftaran").click()

        registration = Registration.objects.get(applicant__user=user)
        assert registration.status == RegistrationStatus.SUBMITTED
        expect(page.get_by_test_id("nomor")).to_have_text(registration.number)
        assert re.fullmatch(r"REG-\d{4}-\d{6}", registration.number)
        expect(page.get_by_text("Pendaftaran diajukan", exact=True)).to_be_visible()
        expect(page.get_by_text("Keberangkatan", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Unduh tanda terima (PDF)")).to_be_visible()
        assert axe_violations(page) == []
    finally:
        other.close()
