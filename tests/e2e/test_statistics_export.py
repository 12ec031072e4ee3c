"""Staff ask for the ministry's monthly tables as XLSX in a browser, a real worker writes
the file while the downloads page updates itself, and they download it."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from bp3mi import roles
from bp3mi.models import AuditEvent
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.statistics.conftest import place

from . import steps
from .steps import sign_in


def assert_no_serious_findings(page):
    assert axe_violations(page, impacts=("critical", "serious")) == []


@pytest.mark.browser
@pytest.mark.worker
def test_staff_request_an_xlsx_and_download_it(browser, live_server, celery_worker_process):
    staff = UserFactory(roles=[roles.STAF_DATA])
    place(datetime.date(2026, 3, 2))
    place(datetime.date(2026, 3, 9), region_code="74.02")
    place(datetime.date(2025, 3, 9))
    context = browser.new_context(base_url=live_server.url, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(20000)
    page = context.new_page()
    sign_in(page, staff)
    steps.request_monthly_tables(
        page,
        export_format="XLSX (Excel)",
        year=2026,
        month=3,
        audit=assert_no_serious_findings,
    )
    expect(page.get_by_text("Ekspor sedang dibuat")).to_be_visible()
    # No reload: htmx polls the list until the worker has written the file.
    link = page.get_by_role("link", name="Unduh")
    expect(link).to_be_visible(timeout=90000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert book.worksheets[0].title == "Keterangan"
    same_month = list(book.worksheets[1].iter_rows(values_only=True))
    assert same_month[3][:2] == ("2025", 1) and same_month[4][:2] == ("2026", 2)
    assert AuditEvent.objects.filter(actor=staff, action=AuditEvent.Action.EXPORT).count() == 1
    context.close()


@pytest.mark.browser
def test_public_statistics_on_a_phone_without_login(phone_page):
    for _ in range(6):
        place(datetime.date.today().replace(month=1, day=3))
    place(datetime.date.today().replace(month=1, day=3), region_code="74.02")
    page = phone_page
    page.goto("/statistik/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik penempatan PMI")
    expect(page.get_by_role("cell", name="<5").first).to_be_visible()
    assert axe_violations(page, impacts=("critical", "serious")) == []
    # Nothing wider than the phone but the tables, which scroll inside their own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh tabel (CSV)").click()
    assert "Kab. Konawe" in download_info.value.path().read_text(encoding="utf-8-sig")


@pytest.mark.browser
def test_staff_dashboard_draws_its_charts_without_console_errors(browser, live_server):
    staff = UserFactory(roles=[roles.KEPALA])
    place(datetime.date.today())
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/akun/masuk/")
    page.get_by_label("E-mail").fill(staff.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))
    page.goto("/statistik/dasbor/")
    # Chart.js has drawn on both canvases (a drawn canvas has a non-zero rendered size).
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length === 2")
    assert errors == []
    assert axe_violations(page, impacts=("critical", "serious")) == []
    context.close()
