import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bp3mi.models import AuditEvent
from registrations.choices import RegistrationStatus
from stakeholders.choices import LicenceStatus, StakeholderKind
from stakeholders.models import Licence, Sip2mi, Stakeholder, Vocation
from tests.factories import (
    LicenceFactory,
    RegistrationFactory,
    Sip2miFactory,
    StakeholderFactory,
    country,
    region,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def p3mi():
    company = StakeholderFactory(name="PT. Arwana Citra Lestari", office_type="cabang")
    LicenceFactory(stakeholder=company, number="UJI/ACL/1")
    Sip2miFactory(stakeholder=company, country=country("JP"))
    return company


@pytest.fixture
def inactive():
    return StakeholderFactory(name="PT. Sudah Tutup", is_active=False)


def many_stakeholders(n=15):
    vocation, _ = Vocation.objects.get_or_create(name="Pengelasan")
    for i in range(n):
        company = StakeholderFactory(kind=StakeholderKind.LPK if i % 2 else StakeholderKind.P3MI)
        company.vocations.add(vocation)
        LicenceFactory(stakeholder=company, kind="izin_lpk" if i % 2 else "sip3mi")
        Sip2miFactory(stakeholder=company)
        role = "training_centre" if i % 2 else "p3mi"
        RegistrationFactory(**{role: company}, status=RegistrationStatus.SUBMITTED)


# --- Public -----------------------------------------------------------------------------------


def test_public_directory_lists_active_stakeholders_for_anyone(client, p3mi, inactive):
    page = client.get(reverse("stakeholders:list")).content.decode()
    assert p3mi.name in page and inactive.name not in page


def test_public_directory_filters(client, p3mi):
    lpk = StakeholderFactory(
        name="LPK Kizuna Wawonii", kind=StakeholderKind.LPK, region=region("74.12")
    )
    lpk.vocations.add(Vocation.objects.create(name="Bahasa Jepang"))
    url = reverse("stakeholders:list")

    def names(**params):
        response = client.get(url, params)
        return {s.name for s in response.context["object_list"]}

    assert names(q="arwana") == {p3mi.name}
    assert names(kind="lpk") == {lpk.name}
    assert names(region=region("74.12").pk) == {lpk.name}
    assert names(licence_status="aktif") == {p3mi.name}
    assert names(country=country("JP").pk) == {p3mi.name}
    assert names(vocation=lpk.vocations.get().pk) == {lpk.name}


def test_public_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    many_stakeholders()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("stakeholders:list"))
    assert len(response.context["object_list"]) == 15


def streamed(response) -> bytes:
    """The body of a download, which must be streamed rather than built in memory."""
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content)


def figures(stakeholder) -> dict[str, int]:
    return {item.figure.key: item.value for item in stakeholder.figures}


def test_public_detail_hides_inactive_stakeholders_and_staff_details(client, p3mi, inactive):
    page = client.get(p3mi.get_absolute_url()).content.decode()
    assert "boleh merekrut" in page and "Jepang" in page
    assert "Riwayat perubahan" not in page and "data-count" not in page
    assert client.get(inactive.get_absolute_url()).status_code == 404
    assert client.get(reverse("stakeholders:detail", args=[999999])).status_code == 404


def test_staff_detail_shows_counts_and_history_and_inactive_ones(client, staf_data, p3mi, inactive):
    for status in [
        RegistrationStatus.DRAFT,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.VERIFIED,
        RegistrationStatus.DEPARTED,
        RegistrationStatus.DEPARTED,
    ]:
        RegistrationFactory(p3mi=p3mi, status=status)
    RegistrationFactory(clinic=p3mi, status=RegistrationStatus.SUBMITTED)
    client.force_login(staf_data)
    response = client.get(p3mi.get_absolute_url())
    assert figures(response.context["stakeholder"]) == {
        "registered": 5,
        "verified": 3,
        "departed": 2,
        # Counted by the complaints app (no case against this P3MI here).
        "complaints": 0,
        "complaints_open": 0,
    }
    assert "Riwayat perubahan" in response.content.decode()
    assert client.get(inactive.get_absolute_url()).status_code == 200


def test_public_downloads_csv_and_json_of_the_filtered_list(client, p3mi, inactive):
    StakeholderFactory(name="Klinik Rapha", kind=StakeholderKind.CLINIC)
    response = client.get(reverse("stakeholders:download_csv"), {"kind": "p3mi"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert [r["nama"] for r in rows] == [p3mi.name]
    assert rows[0]["nomor_izin"] == "UJI/ACL/1" and rows[0]["negara_tujuan"] == "Jepang"
    document = json.loads(streamed(client.get(reverse("stakeholders:download_json"))))
    assert document["tanggal"] == TODAY.isoformat()
    data = document["data"]
    assert {d["nama"] for d in data} == {p3mi.name, "Klinik Rapha"}
    assert data[0]["url"].startswith("http")


# --- Staff: permissions -------------------------------------------------------------------------


def staff_urls(stakeholder):
    licence = stakeholder.licences.get()
    sip2mi = stakeholder.sip2mi.get()
    return [
        reverse("stakeholders:manage_list"),
        reverse("stakeholders:create"),
        reverse("stakeholders:update", args=[stakeholder.pk]),
        reverse("stakeholders:licence_create", args=[stakeholder.pk]),
        reverse("stakeholders:licence_update", args=[stakeholder.pk, licence.pk]),
        reverse("stakeholders:sip2mi_create", args=[stakeholder.pk]),
        reverse("stakeholders:sip2mi_update", args=[stakeholder.pk, sip2mi.pk]),
        reverse("stakeholders:licence_expiring"),
        reverse("stakeholders:import"),
        reverse("stakeholders:export_csv"),
        reverse("stakeholders:export_xlsx"),
    ]


def test_staff_pages_require_login_and_the_right_permission(
    client, p3mi, cpmi_user, verifikator, staf_data, admin_user
):
    urls = staff_urls(p3mi)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    client.force_login(cpmi_user)
    for url in urls:
        assert client.get(url).status_code == 403, url
    # A Verifikator may read the directory but not change it.
    client.force_login(verifikator)
    assert client.get(urls[0]).status_code == 200
    for url in urls[1:7] + urls[8:9]:
        assert client.get(url).status_code == 403, url
    for user in (staf_data, admin_user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_deactivation_is_post_only_and_needs_change_permission(
    client, p3mi, verifikator, staf_data
):
    url = reverse("stakeholders:set_active", args=[p3mi.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    client.force_login(verifikator)
    assert client.post(url, {"active": "0"}).status_code == 403
    client.force_login(staf_data)
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    p3mi.refresh_from_db()
    assert not p3mi.is_active


def test_objects_outside_the_url_are_404(client, staf_data, p3mi):
    other = StakeholderFactory()
    foreign_licence = LicenceFactory(stakeholder=other)
    foreign_sip2mi = Sip2miFactory(stakeholder=other)
    client.force_login(staf_data)
    assert (
        client.get(
            reverse("stakeholders:licence_update", args=[p3mi.pk, foreign_licence.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("stakeholders:sip2mi_update", args=[p3mi.pk, foreign_sip2mi.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("stakeholders:update", args=[999999])).status_code == 404


# --- Staff: writes ----------------------------------------------------------------------------


def test_staff_create_then_edit_with_audit_history(client, staf_data):
    client.force_login(staf_data)
    response = client.post(
        reverse("stakeholders:create"),
        {
            "kind": "dinas",
            "name": "Disnakertrans Kabupaten Wakatobi",
            "region": region("74.07").pk,
            "phone": "0812 3456 7890",
            "office_level": "kabkota",
            "services": "tidak disimpan untuk dinas",
        },
    )
    office = Stakeholder.objects.get(name="Disnakertrans Kabupaten Wakatobi")
    assert response.status_code == 302 and response["Location"] == office.get_absolute_url()
    assert office.phone == "+6281234567890" and office.services == ""

    response = client.post(
        reverse("stakeholders:update", args=[office.pk]),
        {
            "kind": "dinas",
            "name": office.name,
            "region": region("74.07").pk,
            "office_level": "provinsi",
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.office_level == "provinsi"
    page = client.get(office.get_absolute_url()).content.decode()
    # The history speaks of the field's label and the choice's label, not of "office_level".
    assert "Tingkat</span>: Kabupaten/kota → Provinsi" in page and staf_data.full_name in page
    assert "office_level" not in page
    assert "Kabupaten/kota</span>: — → Kab. Wakatobi" in page  # the region's name, not its id
    assert "Situs web" not in page  # empty before and after: nothing to show


def test_bad_input_is_explained_next_to_the_field(client, staf_data):
    client.force_login(staf_data)
    response = client.post(
        reverse("stakeholders:create"),
        {"kind": "dinas", "name": "", "phone": "12", "latitude": "-4.0"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "phone" in errors and "longitude" in errors
    assert "office_level" in errors
    assert not Stakeholder.objects.exists()


def test_staff_add_licence_with_duplicate_number_is_refused(client, staf_data, p3mi):
    client.force_login(staf_data)
    other = StakeholderFactory()
    response = client.post(
        reverse("stakeholders:licence_create", args=[other.pk]),
        {"kind": "sip3mi", "number": "uji/acl/1", "issued_on": "2025-01-01", "status": "aktif"},
    )
    assert response.status_code == 200
    assert "sudah tercatat" in str(response.context["form"].errors["number"])
    response = client.post(
        reverse("stakeholders:licence_create", args=[other.pk]),
        {
            "kind": "sip3mi",
            "number": "UJI/BARU/9",
            "issued_on": "2025-01-01",
            "expires_on": (TODAY - DAY).isoformat(),
            "status": "aktif",
        },
    )
    assert response.status_code == 302
    assert Licence.objects.get(number="UJI/BARU/9").status == LicenceStatus.EXPIRED


def test_staff_add_sip2mi(client, staf_data, p3mi):
    client.force_login(staf_data)
    response = client.post(
        reverse("stakeholders:sip2mi_create", args=[p3mi.pk]),
        {
            "country": country("KR").pk,
            "quota": "25",
            "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + 100 * DAY).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Sip2mi.objects.filter(stakeholder=p3mi, country__iso_code="KR", quota=25).exists()


def test_staff_list_counts_with_a_flat_query_count(
    client, staf_data, django_assert_max_num_queries
):
    many_stakeholders()
    client.force_login(staf_data)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("stakeholders:manage_list"))
    rows = response.context["object_list"]
    assert len(rows) == 15 and all(figures(s)["registered"] == 1 for s in rows)
    page = response.content.decode()
    assert page.count('data-count="registered">1</td>') == 15
    assert '<th scope="col" class="text-end">Berangkat</th>' in page


def test_expiring_list_query_count(client, staf_data, django_assert_max_num_queries):
    for n in range(10):
        LicenceFactory(expires_on=TODAY + n * DAY)
    client.force_login(staf_data)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("stakeholders:licence_expiring"))
    assert len(response.context["object_list"]) == 10


def test_staff_export_follows_the_filters_and_is_audited(client, staf_data, p3mi, inactive):
    client.force_login(staf_data)
    response = client.get(reverse("stakeholders:export_xlsx"), {"is_active": "0"})
    sheet = load_workbook(io.BytesIO(streamed(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("jenis", "nama")
    assert [r[1] for r in rows[1:]] == [inactive.name]
    response = client.get(reverse("stakeholders:export_csv"))
    text = streamed(response).decode("utf-8-sig")
    names = [r["nama"] for r in csv.DictReader(io.StringIO(text))]
    assert set(names) == {p3mi.name, inactive.name}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=staf_data).count() == 2


def test_detail_query_count_does_not_grow_with_history_or_registrations(
    client, staf_data, p3mi, django_assert_max_num_queries
):
    for n in range(10):
        RegistrationFactory(p3mi=p3mi, status=RegistrationStatus.DEPARTED)
        Sip2miFactory(stakeholder=p3mi)
        LicenceFactory(stakeholder=p3mi, kind="kantor_cabang", number=f"UJI/CABANG/{n}")
    client.force_login(staf_data)
    with django_assert_max_num_queries(14):
        response = client.get(p3mi.get_absolute_url())
    assert figures(response.context["stakeholder"])["departed"] == 10


def test_exports_stream_every_row_in_chunks_with_its_licence(client, staf_data, monkeypatch):
    monkeypatch.setattr("stakeholders.exporting.CHUNK_SIZE", 2)
    for n in range(5):
        LicenceFactory(stakeholder__name=f"PT. Potongan {n}", number=f"UJI/POTONG/{n}")
    client.force_login(staf_data)
    text = streamed(client.get(reverse("stakeholders:export_csv"))).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["nama"], r["nomor_izin"]) for r in rows] == [
        (f"PT. Potongan {n}", f"UJI/POTONG/{n}") for n in range(5)
    ]
    sheet = load_workbook(io.BytesIO(streamed(client.get(reverse("stakeholders:export_xlsx")))))
    assert [r[1] for r in sheet.active.iter_rows(min_row=2, values_only=True)] == [
        f"PT. Potongan {n}" for n in range(5)
    ]
    document = json.loads(streamed(client.get(reverse("stakeholders:download_json"))))
    assert [d["nomor_izin"] for d in document["data"]] == [f"UJI/POTONG/{n}" for n in range(5)]


def test_exports_keep_formulas_from_running(client, staf_data):
    StakeholderFactory(name='=HYPERLINK("http://contoh.test","klik")', phone="+62 811 1234")
    client.force_login(staf_data)
    text = streamed(client.get(reverse("stakeholders:export_csv"))).decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["nama"].startswith("'=") and row["telepon"] == "+62 811 1234"
    sheet = load_workbook(io.BytesIO(streamed(client.get(reverse("stakeholders:export_xlsx")))))
    [values] = list(sheet.active.iter_rows(min_row=2, values_only=True))
    assert values[1].startswith("'=")


def test_staff_list_and_detail_count_by_role_with_a_query_count_that_stays_flat(client, staf_data):
    """Counts come from one GROUP BY per role over the page's ids: the same number of
    queries for 2 rows as for 30, and never the `p3mi_id = s.id OR clinic_id = s.id` shape
    that reads the whole registration table for each row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staf_data)
    url = reverse("stakeholders:manage_list")

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    many_stakeholders(2)
    few = queries(url)
    many_stakeholders(28)
    many = queries(url)
    assert len(many) == len(few)
    counting = [sql for sql in many if "registrations_registration" in sql]
    assert len(counting) == 3
    assert all("GROUP BY" in sql and " OR " not in sql for sql in counting)
    clinic = StakeholderFactory(kind=StakeholderKind.CLINIC)
    for _ in range(3):
        RegistrationFactory(clinic=clinic, status=RegistrationStatus.VERIFIED)
    detail = queries(clinic.get_absolute_url())
    assert all(" OR " not in sql for sql in detail if "registrations_registration" in sql)
