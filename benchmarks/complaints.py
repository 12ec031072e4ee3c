"""The officers' complaint case list against the Django admin changelist of the same model,
on 100,000 cases in PostgreSQL.

Not part of the test suite. Run with the project's virtualenv:

    .venv/bin/python benchmarks/complaints.py                 # 100,000 cases
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp3mi_bench_complaints \
        .venv/bin/python benchmarks/complaints.py --complaints 100000 --runs 25

It uses a database named bp3mi_bench_complaints on the PostgreSQL server of DATABASE_URL
(BENCH_DATABASE_URL names another), creates and migrates it, tops it up to N synthetic cases
with `manage.py seed_demo --complaints N`, then, for each filter combination, requests the
officers' list (/petugas/pengaduan/) and the admin changelist (/admin/complaints/case/) as
the same user (the demo administrator, who sees every case on both), with the same filters,
the same sort (newest first) and the same page size (50), alternating the two in one process.
It reports each page's queries and median server time, and the median ratio of the pairs
with its spread (lowest and highest ratio).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bp3mi_bench_complaints"


def bench_url(database_url: str) -> str:
    if not database_url.startswith("postgres"):
        return DEFAULT_URL
    return urlparse(database_url)._replace(path="/bp3mi_bench_complaints").geturl()


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


def timed(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(captured.captured_queries), response


def case_numbers(response) -> list[str]:
    """The case numbers a page shows, in order (each once)."""
    return list(dict.fromkeys(re.findall(r"ADU-\d{4}-\d{5}", response.content.decode())))


def compare(client, ours: str, theirs: str, runs: int) -> dict:
    """Alternate the two pages (which goes first alternates too) and pair the timings."""
    for url in (ours, theirs):
        timed(client, url)  # warm caches and connections
    a_times, b_times, ratios = [], [], []
    a_queries = b_queries = 0
    a_rows = b_rows = None
    for run in range(runs):
        order = [(ours, "a"), (theirs, "b")] if run % 2 == 0 else [(theirs, "b"), (ours, "a")]
        pair = {}
        for url, side in order:
            elapsed, queries, response = timed(client, url)
            pair[side] = elapsed
            if side == "a":
                a_queries, a_rows = queries, case_numbers(response)
            else:
                b_queries, b_rows = queries, case_numbers(response)
        a_times.append(pair["a"])
        b_times.append(pair["b"])
        ratios.append(pair["a"] / pair["b"])
    # Both sides show the same cases in the same order.
    assert a_rows == b_rows, (ours, a_rows[:3], theirs, b_rows[:3])
    return {
        "rows": len(a_rows),
        "ours_ms": statistics.median(a_times),
        "admin_ms": statistics.median(b_times),
        "ours_queries": a_queries,
        "admin_queries": b_queries,
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
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

    from bp3mi.models import Country, User
    from complaints.models import Case, ComplaintCategory

    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        start = time.perf_counter()
        call_command("seed_demo", complaints=args.complaints, verbosity=0)
        print(f"seed_demo --complaints {args.complaints}: {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    admin = User.objects.get(email="admin@demo.bp3mi.test")
    client = Client()
    client.force_login(admin)
    malaysia = Country.objects.get(iso_code="MY").pk
    lost = ComplaintCategory.objects.get(code="hilang-kontak").pk
    officer = User.objects.get(email="pengaduan@demo.bp3mi.test").pk

    # (what, our filters, the admin's filters for the same rows)
    scenarios = [
        ("No filter, newest first", {}, {}),
        (
            "Status + country",
            {"status": "verifikasi", "country": malaysia},
            {"status__exact": "verifikasi", "destination_country__id__exact": malaysia},
        ),
        (
            "Category + channel + not sensitive",
            {"category": lost, "channel": "whatsapp", "sensitive": "0"},
            {"category__id__exact": lost, "channel__exact": "whatsapp", "sensitive__exact": "0"},
        ),
        (
            "Assignee + status",
            {"assignee": officer, "status": "klarifikasi"},
            {"assignee__id__exact": officer, "status__exact": "klarifikasi"},
        ),
        ("Search by case number", {"q": "ADU-2025-00042"}, {"q": "ADU-2025-00042"}),
        ("Search by a name", {"q": "Hasna"}, {"q": "Hasna"}),
    ]
    total = Case.objects.count()
    print(f"\n{total:,} cases; median of {args.runs} alternated runs; page size 50\n")
    print(
        "| Filter | Rows | Ours: queries | Admin: queries | Ours: median ms "
        "| Admin: median ms | Ratio ours/admin (spread) |"
    )
    print("|---|---|---|---|---|---|---|")
    for what, ours, theirs in scenarios:
        result = compare(
            client,
            "/petugas/pengaduan/?" + urlencode(ours),
            "/admin/complaints/case/?" + urlencode(theirs),
            args.runs,
        )
        print(
            f"| {what} | {result['rows']} | {result['ours_queries']} | {result['admin_queries']} "
            f"| {result['ours_ms']:.1f} | {result['admin_ms']:.1f} "
            f"| {result['ratio']:.2f} ({result['ratio_min']:.2f}–{result['ratio_max']:.2f}) |"
        )


if __name__ == "__main__":
    main()
