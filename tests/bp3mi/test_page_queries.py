"""No officer or staff page makes more queries when there is more data: every list and detail
page is measured on a small demo data set, then on one ten times larger with more history on
the same records, and makes no more queries there (benchmarks/pages.py times them at a
million registrations)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bp3mi.models import User
from complaints.models import Case, CaseEvent
from registrations.choices import RegistrationStatus as S
from registrations.models import Milestone, Registration, StatusChange
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

pytestmark = pytest.mark.django_db

ROLES = {
    "officer": "verifikator",
    "kepala": "kepala",
    "complaints": "pengaduan",
    "data": "data",
}


def clients() -> dict[str, Client]:
    made = {}
    for role, local in ROLES.items():
        made[role] = Client()
        made[role].force_login(User.objects.get(email=f"{local}@demo.bp3mi.test"))
    return made


def pages(registration, case, p3mi) -> list[tuple[str, str]]:
    """(role, url) of each page: lists on their first and last page, filtered, searched,
    and the detail pages of the same records."""
    registrations = "/petugas/pendaftaran/"
    return [
        ("officer", registrations),
        ("officer", f"{registrations}?last=1"),
        ("officer", f"{registrations}?status=terverifikasi&sort=number"),
        ("officer", f"{registrations}?status=draft&last=1"),
        ("officer", f"{registrations}?p3mi_nama={p3mi.name}"),
        ("officer", f"{registrations}?p3mi_nama=Contoh"),
        ("officer", f"{registrations}?q={registration.applicant.full_name}"),
        ("officer", f"/petugas/pendaftaran/{registration.pk}/"),
        ("officer", "/petugas/verifikasi/"),
        ("officer", "/direktori/p3mi/saran/?p3mi_nama=Contoh"),
        ("kepala", "/petugas/verifikasi/tanda-tangan/"),
        ("kepala", "/petugas/verifikasi/tanda-tangan/?last=1"),
        ("kepala", "/audit/"),
        ("kepala", "/statistik/dasbor/"),
        ("complaints", "/petugas/pengaduan/"),
        ("complaints", "/petugas/pengaduan/?last=1"),
        ("complaints", "/petugas/pengaduan/?sort=due_date&last=1"),
        ("complaints", "/petugas/pengaduan/?status=open"),
        ("complaints", f"/petugas/pengaduan/?p3mi_nama={p3mi.name}"),
        ("complaints", f"/petugas/pengaduan/{case.pk}/"),
        ("data", "/direktori/kelola/"),
        ("data", "/direktori/kelola/?page=last"),
        ("data", "/direktori/kelola/?kind=p3mi"),
        ("data", "/direktori/"),
        ("data", f"/direktori/{p3mi.pk}/"),
    ]


def query_counts(urls, by_role) -> dict[str, int]:
    counts = {}
    for role, url in urls:
        by_role[role].get(url)  # warm: per-process caches (content types, sessions)
        with CaptureQueriesContext(connection) as captured:
            response = by_role[role].get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = len(captured)
    return counts


def add_history(registration, case, officer, n):
    for i in range(n):
        StatusChange.objects.create(
            registration=registration, to_status=S.IN_VERIFICATION, reason=f"langkah {i}"
        )
        CaseEvent.objects.create(case=case, kind="note", text=f"catatan {i}", author=officer)
    for kind in ["seleksi", "pelatihan", "pemeriksaan_kesehatan"][: min(n, 3)]:
        Milestone.objects.get_or_create(
            registration=registration, kind=kind, defaults={"date": "2026-01-05"}
        )


def test_no_officer_or_staff_page_makes_more_queries_with_ten_times_the_data():
    call_command("seed_demo", registrations=30, stakeholders=12, complaints=15, verbosity=0)
    registration = Registration.objects.filter(p3mi__isnull=False).order_by("id").first()
    case = Case.objects.order_by("id").first()
    p3mi = Stakeholder.objects.filter(kind=StakeholderKind.P3MI).order_by("id").first()
    officer = User.objects.get(email="verifikator@demo.bp3mi.test")
    by_role = clients()
    add_history(registration, case, officer, 1)
    urls = pages(registration, case, p3mi)
    small = query_counts(urls, by_role)

    call_command("seed_demo", registrations=300, stakeholders=120, complaints=150, verbosity=0)
    add_history(registration, case, officer, 12)
    large = query_counts(urls, by_role)

    assert Registration.objects.count() >= 300 and Case.objects.count() >= 150
    # Never more; a seek-paginated page may make one fewer where, on the small data set,
    # it straddled the rows with and without a sort value (bp3mi.pagination).
    grown = {url: (small[url], n) for url, n in large.items() if n > small[url]}
    assert not grown, grown
    assert all(small[url] - n <= 1 for url, n in large.items())
