import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bp3mi.models import User
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_home_page_renders_on_a_phone_without_critical_accessibility_findings(phone_page):
    phone_page.goto("/")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("prosedural")
    expect(phone_page.get_by_role("link", name="Daftar sebagai CPMI")).to_be_visible()
    assert axe_violations(phone_page) == []


def test_a_new_cpmi_signs_up_activates_from_the_email_and_lands_on_the_dashboard(phone_page):
    phone_page.goto("/")
    phone_page.get_by_role("link", name="Daftar sebagai CPMI").click()
    phone_page.get_by_label("Nama lengkap (sesuai KTP)").fill("La Ode Hamid")
    phone_page.get_by_label("Alamat e-mail").fill("laode@contoh.test")
    phone_page.get_by_label("Nomor HP/WhatsApp").fill("0812 9876 5432")
    phone_page.get_by_label("Kata sandi*", exact=True).fill("Wakatobi-Laut-2026")
    phone_page.get_by_label("Ulangi kata sandi").fill("Wakatobi-Laut-2026")
    phone_page.get_by_label(re.compile("Saya setuju")).check()
    assert axe_violations(phone_page) == []
    phone_page.get_by_role("button", name="Buat akun").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Periksa e-mail Anda")
    assert axe_violations(phone_page) == []
    message = next(m for m in mail.outbox if m.to == ["laode@contoh.test"])
    phone_page.goto(re.search(r"https?://[^/\s]+(/akun/aktifkan/\S+/)", message.body).group(1))
    phone_page.get_by_role("button", name="Aktifkan akun").click()
    expect(phone_page).to_have_url(re.compile(r"/dasbor/$"))
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Halo, La Ode Hamid")
    assert User.objects.get(email="laode@contoh.test").phone == "+6281298765432"
