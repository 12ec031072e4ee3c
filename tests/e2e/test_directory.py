import re

import pytest
from playwright.sync_api import expect

from stakeholders.choices import LicenceStatus, StakeholderKind
from tests.conftest import axe_violations
from tests.factories import LicenceFactory, Sip2miFactory, StakeholderFactory, country

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(transactional_db):
    licensed = StakeholderFactory(name="PT. Lia Center Utama", office_type="cabang")
    LicenceFactory(stakeholder=licensed, number="UJI-SIP3MI/LCU/2025")
    Sip2miFactory(stakeholder=licensed, country=country("JP"))
    revoked = StakeholderFactory(name="PT. Khalifah Fierdaus Aulia", office_type="cabang")
    LicenceFactory(stakeholder=revoked, status=LicenceStatus.REVOKED)
    StakeholderFactory(name="LPK Kizuna Wawonii", kind=StakeholderKind.LPK)
    return licensed


def test_a_visitor_checks_a_p3mi_from_the_home_page_on_a_phone(phone_page, directory):
    page = phone_page
    page.goto("/")
    check = page.get_by_role("region", name="Cek P3MI")
    expect(check).to_be_visible()
    check.get_by_label("Nama perusahaan atau nomor izin SIP3MI").fill("Lia Center")
    check.get_by_role("button", name="Cek").click()
    answer = page.locator("#hasil-cek")
    expect(answer).to_contain_text("boleh merekrut")
    expect(answer).to_contain_text("Jepang")
    assert axe_violations(page) == []

    check.get_by_label("Nama perusahaan atau nomor izin SIP3MI").fill("Khalifah")
    check.get_by_role("button", name="Cek").click()
    expect(answer).to_contain_text("Izin dicabut")

    check.get_by_label("Nama perusahaan atau nomor izin SIP3MI").fill("PT Abal Abal Jaya")
    check.get_by_role("button", name="Cek").click()
    expect(answer).to_contain_text("Tidak ditemukan")


def test_cek_p3mi_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        base_url=live_server.url,
        locale="id-ID",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Nama perusahaan atau nomor izin SIP3MI").fill("UJI-SIP3MI/LCU/2025")
    page.get_by_role("button", name="Cek").click()
    expect(page).to_have_url(re.compile(r"/cek-p3mi/\?q="))
    expect(page.locator("#hasil-cek")).to_contain_text("boleh merekrut")
    context.close()


def test_a_visitor_searches_the_directory_and_opens_a_p3mi(phone_page, directory):
    page = phone_page
    page.goto("/direktori/")
    assert axe_violations(page) == []
    page.get_by_text("Saring menurut jenis").click()
    page.get_by_label("Jenis").select_option("p3mi")
    page.get_by_label("Cari nama").fill("lia center")
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_role("status")).to_contain_text("1 hasil")
    # The filters in use stay open after the search.
    expect(page.get_by_label("Jenis")).to_have_value("p3mi")
    page.get_by_role("link", name="PT. Lia Center Utama").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PT. Lia Center Utama")
    expect(page.get_by_text("perusahaan ini boleh merekrut")).to_be_visible()
    assert axe_violations(page) == []
    # Nothing overflows the phone screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
