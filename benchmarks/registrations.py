"""Server time and query count of the registration pages on a large database.

Not part of the test suite. Run with the project's virtualenv against PostgreSQL:

    .venv/bin/python benchmarks/registrations.py            # 100,000 registrations
    make benchmark                                          # every script under benchmarks/
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp3mi_bench \
        .venv/bin/python benchmarks/registrations.py --registrations 100000 --runs 25

With DATABASE_URL pointing at PostgreSQL it uses a database named bp3mi_bench on that same
server (BENCH_DATABASE_URL names another). It creates the database if needed, migrates it,
tops it up to N synthetic registrations with `manage.py seed_demo --registrations N`, gives
the demo CPMI one of them (with its history), then times each page with Django's test Client: median and spread of the server time over
repeated runs, and the queries each page makes (CaptureQueriesContext). The Django admin
changelist of the same model, on the same data, is measured as the reference.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bp3mi_bench"


def bench_url(database_url: str) -> str:
    """The dedicated benchmark database: bp3mi_bench on the PostgreSQL server of
    DATABASE_URL when that is PostgreSQL (never the database itself), else the local one."""
    if not database_url.startswith("postgres"):
        return DEFAULT_URL
    return urlparse(database_url)._replace(path="/bp3mi_bench").geturl()


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm caches and connections
    assert response.status_code == 200, (url, response.status_code)
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL") or bench_url(os.environ.get("DATABASE_URL", ""))
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bp3mi.models import Country, Region, User
    from registrations.choices import RegistrationStatus
    from registrations.models import Applicant, Milestone, Registration, StatusChange

    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        call_command("seed_demo", registrations=args.registrations, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    cpmi = User.objects.get(email="cpmi@demo.bp3mi.test")
    officer = User.objects.get(email="verifikator@demo.bp3mi.test")
    admin = User.objects.get(email="admin@demo.bp3mi.test")
    mine = Registration.objects.filter(applicant__user=cpmi).first()
    if mine is None:
        mine = (
            Registration.objects.filter(
                status=RegistrationStatus.VERIFIED, applicant__user__isnull=True
            )
            .order_by("id")
            .first()
        )
        Applicant.objects.filter(pk=mine.applicant_id).update(user=cpmi)
        for step, to_status in enumerate(
            [RegistrationStatus.SUBMITTED, RegistrationStatus.IN_VERIFICATION, mine.status]
        ):
            StatusChange.objects.create(registration=mine, to_status=to_status, reason=str(step))
        for kind in ["seleksi", "pelatihan", "pemeriksaan_kesehatan"]:
            Milestone.objects.create(registration=mine, kind=kind, date=mine.submitted_at.date())
    total = Registration.objects.count()

    officer_client, cpmi_client, admin_client = Client(), Client(), Client()
    officer_client.force_login(officer)
    cpmi_client.force_login(cpmi)
    admin_client.force_login(admin)
    name = mine.applicant.full_name.split()[0]
    kendari = Region.objects.get(code_kemendagri="74.71")
    japan = Country.objects.get(iso_code="JP")

    pages = [
        (
            "Officer list, filtered (status + scheme) and sorted by submission, 50 rows",
            officer_client,
            "/petugas/pendaftaran/?status=terverifikasi&scheme=p2p&sort=-submitted_at",
        ),
        ("Officer list, no filter, default sort", officer_client, "/petugas/pendaftaran/"),
        (
            "Officer list, filtered by kab/kota + country, sorted by name",
            officer_client,
            f"/petugas/pendaftaran/?region={kendari.pk}&country={japan.pk}"
            "&sort=applicant__full_name",
        ),
        (
            "Officer list, search by exact NIK",
            officer_client,
            f"/petugas/pendaftaran/?q={mine.applicant.nik}",
        ),
        (
            "Officer list, search by full name",
            officer_client,
            f"/petugas/pendaftaran/?q={quote(mine.applicant.full_name)}",
        ),
        (
            "Officer list, search by a first name alone (thousands match)",
            officer_client,
            f"/petugas/pendaftaran/?q={name}",
        ),
        ("Officer detail (with view log)", officer_client, f"/petugas/pendaftaran/{mine.pk}/"),
        ("CPMI dashboard (/dasbor/)", cpmi_client, "/dasbor/"),
        ("CPMI timeline", cpmi_client, f"/pendaftaran/{mine.pk}/"),
        (
            "Admin changelist, filtered (status + scheme) and sorted",
            admin_client,
            "/admin/registrations/registration/?status__exact=terverifikasi&scheme__exact=p2p&o=-7",
        ),
        ("Admin changelist, no filter", admin_client, "/admin/registrations/registration/"),
        (
            "Admin changelist, search by name",
            admin_client,
            f"/admin/registrations/registration/?q={name}",
        ),
    ]
    print(
        f"{total:,} registrations on {connection.vendor} {connection.pg_version}; {args.runs} runs each"
    )
    print()
    print("| page | median ms | min-max ms | queries |")
    print("|---|---:|---:|---:|")
    for label, client, path in pages:
        result = measure(client, path, args.runs)
        print(
            f"| {label} | {result['median_ms']:.1f} | "
            f"{result['min_ms']:.1f}-{result['max_ms']:.1f} | {result['queries']} |"
        )


if __name__ == "__main__":
    main()
