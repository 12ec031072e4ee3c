"""The officers' P3MI filter in a browser: with JavaScript, typing fills the field's
suggestion list (htmx) and a chosen name filters the list; without JavaScript, part of a name
offers the matching companies as radio buttons, chosen by their labels."""

import re

import pytest
from playwright.sync_api import expect

from bp3mi import roles
from registrations.choices import RegistrationStatus as S
from tests.conftest import axe_violations
from tests.factories import PASSWORD, RegistrationFactory, StakeholderFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(transactional_db):
    return UserFactory(email="petugas.p3mi@bp3mi.test", roles=[roles.VERIFIKATOR])


@pytest.fixture
def registrations(transactional_db):
    laut = StakeholderFactory(name="PT. Bintang Laut Sejahtera")
    timur = StakeholderFactory(name="PT. Bintang Timur")
    return {
        "laut": RegistrationFactory(status=S.SUBMITTED, p3mi=laut),
        "timur": RegistrationFactory(status=S.SUBMITTED, p3mi=timur),
    }


def sign_in(page, user):
    page.goto("/akun/masuk/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def test_typing_suggests_the_companies_and_a_chosen_name_filters(
    phone_page, officer, registrations
):
    page = phone_page
    sign_in(page, officer)
    page.goto("/petugas/pendaftaran/")
    field = page.get_by_label("P3MI", exact=True)
    field.press_sequentially("bintang", delay=30)
    options = page.locator("#id_p3mi_saran option")
    expect(options).to_have_count(2)
    assert sorted(options.evaluate_all("os => os.map(o => o.value)")) == [
        "PT. Bintang Laut Sejahtera",
        "PT. Bintang Timur",
    ]
    field.fill("PT. Bintang Timur")
    field.press("Enter")
    table = page.locator("table")
    expect(table).to_contain_text(str(registrations["timur"]))
    expect(table).not_to_contain_text(str(registrations["laut"]))
    expect(field).to_have_value("PT. Bintang Timur")
    assert axe_violations(page) == []


def test_without_javascript_several_matches_are_radio_buttons(
    browser, live_server, officer, registrations
):
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        base_url=live_server.url,
        locale="id-ID",
        java_script_enabled=False,
    )
    page = context.new_page()
    sign_in(page, officer)
    page.goto("/petugas/pendaftaran/")
    page.get_by_label("P3MI", exact=True).fill("Bintang")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.get_by_role("search", name="Saring pendaftaran")).to_contain_text(
        "Beberapa P3MI cocok"
    )
    page.get_by_role("group", name="Pilih salah satu P3MI:").get_by_label(
        re.compile("PT. Bintang Laut Sejahtera")
    ).check()
    page.get_by_role("button", name="Terapkan").click()
    table = page.locator("table")
    expect(table).to_contain_text(str(registrations["laut"]))
    expect(table).not_to_contain_text(str(registrations["timur"]))
    context.close()
