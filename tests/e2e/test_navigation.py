"""The main menu on a phone and a desktop, for every role: it opens without JavaScript, fits
the screen from 360 to 1366 px, and has no serious or critical accessibility finding."""

import re

import pytest
from playwright.sync_api import expect

from bp3mi import roles
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

ROLES = [
    None,
    roles.CPMI,
    roles.VERIFIKATOR,
    roles.KEPALA,
    roles.PETUGAS_PENGADUAN,
    roles.STAF_DATA,
    roles.ADMIN,
]


def new_page(browser, live_server, width, *, javascript=True):
    context = browser.new_context(
        viewport={"width": width, "height": 700},
        base_url=live_server.url,
        locale="id-ID",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15000)
    return context.new_page()


def sign_in(page, user):
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def user_with(role):
    return UserFactory(
        roles=[role],
        is_staff=role == roles.ADMIN,
        full_name="Wa Ode Nurhayati Sitti Rahmawati Kendari",
    )


@pytest.mark.parametrize("width", [360, 992, 1280, 1366])
def test_every_roles_landing_page_fits_the_screen(browser, live_server, width):
    for role in ROLES:
        page = new_page(browser, live_server, width)
        try:
            if role is None:
                page.goto("/")
            else:
                sign_in(page, user_with(role))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (role, width, overflow)
            if width >= 992:
                # The areas in one row, the account and language in one row beside the
                # office's name, nothing overlapping or off screen, "Keluar" reachable.
                rows = [
                    page.locator(selector).evaluate_all(
                        "items => items.map(i => i.getBoundingClientRect())"
                        ".map(r => ({top: Math.round(r.top), left: r.left, right: r.right}))"
                    )
                    for selector in [
                        ".nav-panel > .nav-list:not(.nav-list-end) > li",
                        ".nav-panel > .nav-list-end > li",
                    ]
                ]
                for boxes in rows:
                    assert len({box["top"] for box in boxes}) == 1, (role, width, boxes)
                    assert all(box["right"] <= width for box in boxes), (role, width, boxes)
                brand = page.locator(".site-brand").bounding_box()
                assert brand["x"] + brand["width"] <= min(box["left"] for box in rows[1])
                if role is not None:
                    page.locator("[data-nav-area=akun] > summary").click()
                    logout = page.get_by_role("button", name="Keluar")
                    expect(logout).to_be_visible()
                    assert logout.bounding_box()["x"] + logout.bounding_box()["width"] <= width
            else:
                page.get_by_text("Menu", exact=True).click()
                expect(page.get_by_role("button", name="English")).to_be_in_viewport()
        finally:
            page.context.close()


@pytest.mark.parametrize("role", ROLES[1:])
def test_each_roles_menu_areas_open_and_have_no_serious_accessibility_finding(
    browser, live_server, role
):
    page = new_page(browser, live_server, 1280)
    try:
        sign_in(page, user_with(role))
        assert axe_violations(page, impacts=("critical", "serious")) == []
        for area in page.locator(".nav-panel details.nav-dropdown").all():
            area.locator("summary").click()
            links = area.locator("ul a, ul button")
            expect(links.first).to_be_visible()
            assert axe_violations(page, impacts=("critical", "serious")) == []
            # Escape closes it again (portal.js).
            page.keyboard.press("Escape")
            expect(links.first).to_be_hidden()
    finally:
        page.context.close()


def test_without_javascript_the_phone_menu_opens_to_sign_out_and_switch_language(
    browser, live_server
):
    user = user_with(roles.CPMI)
    page = new_page(browser, live_server, 360, javascript=False)
    try:
        sign_in(page, user)
        logout = page.get_by_role("button", name="Keluar")
        expect(logout).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        page.get_by_text("Akun", exact=True).click()
        expect(page.get_by_role("link", name="Pendaftaran saya")).to_be_visible()
        expect(page.get_by_role("link", name="Ubah kata sandi")).to_be_visible()

        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_text("Menu", exact=True).click()
        page.get_by_role("button", name="Bahasa Indonesia").click()
        expect(page.locator("html")).to_have_attribute("lang", "id")

        page.get_by_text("Menu", exact=True).click()
        page.get_by_text("Akun", exact=True).click()
        page.get_by_role("button", name="Keluar").click()
        expect(page.get_by_role("link", name="Masuk").first).to_be_visible()
        page.goto("/dasbor/")
        expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    finally:
        page.context.close()


def test_a_first_visit_with_an_english_browser_is_in_bahasa_indonesia(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 700},
        base_url=live_server.url,
        locale="en-GB",
        extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_role("heading", level=1)).to_contain_text("secara prosedural")
        # Until the person chooses English.
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/akun/masuk/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
