"""The complaint journey in a browser: a family member files from a 360x640 phone without an
account and tracks the case; an officer assigns it, records a clarification, writes an
internal note and a public update, and closes it with a legal reason; the public page shows
the update and the closure, never the internal note."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from bp3mi import roles
from complaints.models import Case
from tests.conftest import axe_violations
from tests.factories import UserFactory

from . import steps
from .steps import sign_in

pytestmark = pytest.mark.browser
SEVERE = ("critical", "serious")

INTERNAL_NOTE = "Catatan internal: dugaan perekrut ilegal di Wangi-Wangi."
PUBLIC_UPDATE = "Kami sudah menghubungi KBRI Kuala Lumpur untuk mencari Rahman."


def assert_no_severe_findings(page):
    assert axe_violations(page, impacts=SEVERE) == []


def test_family_files_from_a_phone_officer_handles_and_closes_public_sees_no_internal_note(
    phone_page, browser, live_server
):
    cache.clear()
    officer = UserFactory(roles=[roles.PETUGAS_PENGADUAN], full_name="Andi Petugas")
    page = phone_page

    # 1. A mother in Wakatobi files from her phone, without an account.
    number, code = steps.file_complaint(page, audit=assert_no_severe_findings)

    steps.track_complaint(page, number, code)
    expect(page.locator("#status-pengaduan")).to_have_text("Diterima")
    assert axe_violations(page, impacts=SEVERE) == []
    steps.track_complaint(page, number, "AAAAA-BBBBB")
    expect(page.get_by_text("tidak cocok")).to_be_visible()

    # 2. The officer assigns it, moves it to clarification, records it, writes, closes.
    officer_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    officer_context.set_default_timeout(15000)
    desk = officer_context.new_page()
    sign_in(desk, officer)
    steps.assign_complaint(desk, number, "Andi Petugas")
    steps.move_complaint(desk, "Verifikasi", "Klarifikasi")
    steps.note_complaint(
        desk, "Berita acara klarifikasi", "Klarifikasi I dengan ibu pengadu; kontak terakhir Juli."
    )
    expect(desk.get_by_text("Berita acara klarifikasi tersimpan.")).to_be_visible()
    steps.note_complaint(desk, "Catatan internal", INTERNAL_NOTE)
    steps.note_complaint(desk, "Kabar untuk pengadu", PUBLIC_UPDATE)
    expect(desk.locator("#riwayat")).to_contain_text(INTERNAL_NOTE)
    assert axe_violations(desk, impacts=SEVERE) == []

    steps.open_complaint_closure(desk)
    assert axe_violations(desk, impacts=SEVERE) == []
    desk.get_by_role("button", name="Simpan keputusan").click()
    expect(desk.locator("#status-kasus")).to_have_text("Ditutup")
    officer_context.close()

    case = Case.objects.get(number=number)
    assert case.assignee == officer and case.closure_reason == "unreachable_60d"

    # 3. The family tracks again: the update and the closure, never the internal note.
    steps.track_complaint(page, number, code)
    expect(page.locator("#status-pengaduan")).to_have_text("Ditutup")
    expect(page.locator("#perkembangan")).to_contain_text(PUBLIC_UPDATE)
    assert INTERNAL_NOTE not in page.content()
    assert "Klarifikasi I dengan ibu" not in page.content()
