"""Who may open which statistics page, and what the pages show."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent
from reports.choices import ExportFormat, ReportKind
from reports.models import ReportExport
from reports.services import export_generate, export_request
from reports.tables import period_month

from .conftest import place

pytestmark = pytest.mark.django_db

D = datetime.date
STAFF_PAGES = ["statistics:dashboard", "statistics:request", "statistics:exports"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("role", [roles.CPMI, roles.VERIFIKATOR, roles.PETUGAS_PENGADUAN])
def test_roles_without_the_statistics_permission_get_403(client, make_user, name, role):
    client.force_login(make_user(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("role", [roles.STAF_DATA, roles.KEPALA, roles.ADMIN])
def test_roles_with_the_statistics_permission_get_the_page(client, make_user, name, role):
    client.force_login(make_user(role))
    assert client.get(reverse(name)).status_code == 200


def ready_export(user):
    params = {**period_month(2026, 3).as_params(), "group_by": []}
    export = export_request(
        by=user, kind=ReportKind.PLACEMENTS, export_format=ExportFormat.CSV, params=params
    )
    return export_generate(export_id=export.pk)


def test_the_owner_downloads_the_file_and_the_download_is_audited(client, staf_data):
    place(D(2026, 3, 1))
    export = ready_export(staf_data)
    client.force_login(staf_data)
    response = client.get(export.get_download_url())
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[-1] == ["1"]
    assert (
        AuditEvent.objects.filter(
            actor=staf_data, action=AuditEvent.Action.EXPORT, object_id=str(export.pk)
        ).count()
        == 1
    )


def test_another_users_export_is_404_for_download_and_retry(client, staf_data, make_user):
    export = ready_export(staf_data)
    other = make_user(roles.STAF_DATA)
    client.force_login(other)
    assert client.get(export.get_download_url()).status_code == 404
    assert client.post(reverse("statistics:retry", args=[export.pk])).status_code == 404
    assert client.get(reverse("statistics:download", args=[export.pk + 1000])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_expired_or_unfinished_export_is_not_downloadable(client, staf_data):
    export = ready_export(staf_data)
    ReportExport.objects.filter(pk=export.pk).update(expires_at=export.finished_at)
    client.force_login(staf_data)
    assert client.get(export.get_download_url()).status_code == 404
    pending = export_request(
        by=staf_data,
        kind=ReportKind.MONTHLY,
        export_format=ExportFormat.PDF,
        params={"year": 2026, "month": 3},
    )
    assert client.get(pending.get_download_url()).status_code == 404


def test_the_request_form_creates_an_export_and_queues_it(
    client, staf_data, django_capture_on_commit_callbacks
):
    client.force_login(staf_data)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("statistics:request"),
            {
                "kind": ReportKind.PLACEMENTS,
                "export_format": ExportFormat.XLSX,
                "period_kind": "triwulan",
                "year": 2026,
                "month": 1,
                "quarter": 2,
                "group_by": ["negara", "bulan"],
            },
        )
    assert response.status_code == 302 and response["Location"] == reverse("statistics:exports")
    export = ReportExport.objects.get(owner=staf_data)
    assert export.params["start"] == "2026-04-01" and export.params["end"] == "2026-06-30"
    assert export.params["group_by"] == ["bulan", "negara"]
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"kind": ReportKind.PLACEMENT_ROWS, "export_format": ExportFormat.PDF},
            "Data rinci hanya tersedia sebagai CSV atau XLSX",
        ),
        (
            {"period_kind": "rentang", "start": "2026-05-01", "end": "2026-04-01"},
            "Tanggal awal harus sebelum",
        ),
        ({"period_kind": "rentang", "start": "", "end": ""}, "Isi tanggal awal"),
        ({"year": "20x6"}, "Masukkan keseluruhan angka bilangan"),
    ],
)
def test_bad_requests_get_a_clear_message_and_store_nothing(client, staf_data, data, message):
    client.force_login(staf_data)
    form = {
        "kind": ReportKind.PLACEMENTS,
        "export_format": ExportFormat.CSV,
        "period_kind": "bulan",
        "year": 2026,
        "month": 3,
        **data,
    }
    response = client.post(reverse("statistics:request"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportExport.objects.exists()


def test_downloads_page_lists_only_own_exports_and_polls_while_one_is_running(
    client, staf_data, make_user, django_assert_max_num_queries
):
    mine = ready_export(staf_data)
    export_request(
        by=staf_data,
        kind=ReportKind.MONTHLY,
        export_format=ExportFormat.XLSX,
        params={"year": 2026, "month": 3},
    )
    theirs = ready_export(make_user(roles.STAF_DATA))
    client.force_login(staf_data)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("statistics:exports"))
    html = response.content.decode()
    assert mine.get_download_url() in html and theirs.get_download_url() not in html
    assert 'hx-trigger="every 3s"' in html
    assert "Muat ulang" in html  # the reload link for browsers without JavaScript
    partial = client.get(reverse("statistics:exports"), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "daftar-ekspor" in partial.content.decode()


def test_downloads_page_stops_polling_when_nothing_is_running(client, staf_data):
    ready_export(staf_data)
    client.force_login(staf_data)
    assert "hx-trigger" not in client.get(reverse("statistics:exports")).content.decode()


def test_a_failed_export_shows_its_error_and_a_retry_button(client, staf_data):
    export = ready_export(staf_data)
    ReportExport.objects.filter(pk=export.pk).update(
        status=ReportExport.Status.FAILED, error="RuntimeError: disk full", file=""
    )
    client.force_login(staf_data)
    html = client.get(reverse("statistics:exports")).content.decode()
    assert "disk full" in html and reverse("statistics:retry", args=[export.pk]) in html


def test_dashboard_shows_the_months_figures_with_tables_beside_the_charts(
    client, staf_data, django_assert_max_num_queries
):
    from django.utils import timezone

    today = timezone.localdate()
    place(today)
    place(today, region_code="74.02")
    client.force_login(staf_data)
    # A fixed number of aggregate queries, whatever the number of registrations.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("statistics:dashboard"))
    figures = response.context["figures"]
    assert figures["departed"] == 2
    assert dict(figures["by_region"]) == {"Kota Kendari": 1, "Kab. Konawe": 1}
    html = response.content.decode()
    assert 'id="statistik-grafik"' in html and "chart.umd.min.js" in html
    assert "<script>" not in html  # data in json_script, code in static/js (CSP)
    assert html.count("<caption>") >= 2


def test_chartjs_is_loaded_only_on_the_statistics_dashboard(client, staf_data):
    client.force_login(staf_data)
    assert "chart.umd.min.js" not in client.get(reverse("dashboard")).content.decode()


def test_public_page_needs_no_login_and_suppresses_small_cells(client):
    today = datetime.date.today()
    for _ in range(7):
        place(today.replace(month=1, day=5), region_code="74.71")
    for _ in range(2):
        place(today.replace(month=1, day=5), region_code="74.02")
    response = client.get(reverse("statistics:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;5" in html
    assert "Unduh tabel (CSV)" in html
    assert response["Cache-Control"].startswith("public") or "max-age" in response["Cache-Control"]


def test_public_csv_has_the_same_suppressed_figures(client):
    today = datetime.date.today()
    for _ in range(6):
        place(today.replace(month=1, day=5), region_code="74.71")
    place(today.replace(month=1, day=5), region_code="74.02")
    response = client.get(reverse("statistics:public_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_region = {
        r[1]: r[3]
        for r in rows[1:]
        if len(r) == 4 and r[0].endswith("kabupaten/kota asal") and r[2] == str(today.year)
    }
    assert by_region["Kab. Konawe"] == "<5"
    # The year total minus the shown cells of the column must not give Konawe back: another
    # cell of the column is hidden too (a complementary "x").
    assert "x" in by_region.values()
    shown = sum(int(v) for k, v in by_region.items() if v.isdigit() and k != "Jumlah")
    assert by_region.get("Jumlah", "x") == "x" or int(by_region["Jumlah"]) - shown != 1


def test_public_figures_are_cached(client, django_assert_max_num_queries, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.get(reverse("statistics:public"))
    with django_assert_max_num_queries(1):
        client.get(reverse("statistics:public"))
