"""Statistics at scale: the grouped placement report against raw SQL, a full row-level CSV
export, and the monthly tables as XLSX and PDF.

Not part of the test suite. Run with the project's virtualenv against PostgreSQL:

    .venv/bin/python benchmarks/statistics.py                              # 100,000
    .venv/bin/python benchmarks/statistics.py --registrations 1000000      # the full run

It uses its own database, bp3mi_bench_stats, on the PostgreSQL server of DATABASE_URL
(BENCH_DATABASE_URL names another), creates and migrates it, tops it up to N synthetic
registrations with `manage.py seed_demo --registrations N`, and gives every departed
registration without one a departure milestone (seed_demo records no milestones), spread
over the three years before today. Then:

1. The grouped placement report (kab/kota x destination country x month over the last
   twelve months) through `reports.selectors.placement_report`, against the same GROUP BY
   written as raw SQL (the floor). The two alternate in one process, run after run; the
   figure is the median of the per-pair ratios, with the spread (min-max) and the medians.
2. A full row-level CSV export (every placement since 2007) through `export_generate`, in a
   fresh process: rows per second, and the growth of the process's peak resident memory
   (getrusage) from just before the export to its end.
3. The monthly tables for the ministry (last complete month) as XLSX and as PDF through
   `export_generate`: seconds and file size.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bp3mi_bench_stats"


def bench_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        return DEFAULT_URL
    return urlparse(database_url)._replace(path="/bp3mi_bench_stats").geturl()


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


def setup(url: str, media: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bp3mi.settings",
            "DATABASE_URL": url,
            "MEDIA_ROOT": media,
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",
            "CELERY_BROKER_URL": "memory://",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def add_departures() -> int:
    """A departure milestone for every departed registration that has none, dated from its
    id over the three years before today (the same data on every run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registrations_milestone
                (registration_id, kind, date, note, recorded_at)
            SELECT r.id, 'keberangkatan', CURRENT_DATE - (r.id % 1095)::int, '', now()
            FROM registrations_registration r
            WHERE r.status = 'berangkat'
              AND NOT EXISTS (
                SELECT 1 FROM registrations_milestone m
                WHERE m.registration_id = r.id AND m.kind = 'keberangkatan')
            """
        )
        added = cursor.rowcount
        cursor.execute("ANALYZE registrations_milestone")
    return added


RAW_GROUPED = """
    SELECT date_trunc('month', m.date)::date AS month, g.name, c.name, COUNT(m.id)
    FROM registrations_milestone m
    JOIN registrations_registration r ON r.id = m.registration_id
    JOIN registrations_applicant a ON a.id = r.applicant_id
    LEFT JOIN bp3mi_region g ON g.id = a.region_id
    LEFT JOIN bp3mi_country c ON c.id = r.destination_country_id
    WHERE m.kind = 'keberangkatan' AND r.status = 'berangkat'
      AND m.date >= %s AND m.date <= %s
    GROUP BY 1, 2, 3
"""


def grouped_report(runs: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from reports.choices import Dimension
    from reports.selectors import placement_report
    from reports.tables import period_custom

    today = timezone.localdate()
    period = period_custom(today - datetime.timedelta(days=365), today)
    group_by = [Dimension.MONTH, Dimension.REGION, Dimension.COUNTRY]

    def orm():
        return placement_report(period=period, group_by=group_by)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_GROUPED, [period.start, period.end])
            return cursor.fetchall()

    # Same answer on both sides, then warm both.
    table, rows = orm(), raw()
    assert table.footer[-1] == sum(r[3] for r in rows), "ORM and raw SQL disagree"
    orm_times, raw_times, ratios = [], [], []
    for i in range(runs):
        pair = {}
        for name, func in (
            (("orm", orm), ("raw", raw)) if i % 2 == 0 else (("raw", raw), ("orm", orm))
        ):
            start = time.perf_counter()
            func()
            pair[name] = time.perf_counter() - start
        orm_times.append(pair["orm"])
        raw_times.append(pair["raw"])
        ratios.append(pair["orm"] / pair["raw"])
    ratios.sort()
    return {
        "groups": len(rows),
        "placements": table.footer[-1],
        "orm_median_s": round(sorted(orm_times)[len(orm_times) // 2], 4),
        "raw_median_s": round(sorted(raw_times)[len(raw_times) // 2], 4),
        "ratio_median": round(ratios[len(ratios) // 2], 3),
        "ratio_min": round(ratios[0], 3),
        "ratio_max": round(ratios[-1], 3),
        "runs": runs,
    }


def _owner():
    from bp3mi.models import User

    user, _ = User.objects.get_or_create(
        email="benchmark-statistik@contoh.test", defaults={"full_name": "Benchmark Statistik"}
    )
    return user


def csv_export_child() -> dict:
    """In a fresh process: the full row-level CSV export, rows/s and peak memory growth."""
    from django.utils import timezone

    from reports.choices import ExportFormat, ReportKind
    from reports.models import ReportExport
    from reports.services import export_generate
    from reports.tables import period_custom

    period = period_custom(datetime.date(2007, 1, 1), timezone.localdate())
    export = ReportExport.objects.create(
        owner=_owner(),
        kind=ReportKind.PLACEMENT_ROWS,
        export_format=ExportFormat.CSV,
        params=period.as_params(),
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    export = export_generate(export_id=export.pk)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "rows": export.rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(export.rows / elapsed),
        "file_mb": round(export.size / 1e6, 1),
        "peak_rss_before_mb": round(before / 1024, 1),
        "peak_rss_growth_mb": round((after - before) / 1024, 1),
    }
    export.file.delete(save=False)
    export.delete()
    return result


def monthly_exports() -> dict:
    from django.utils import timezone

    from reports.choices import ExportFormat, ReportKind
    from reports.models import ReportExport
    from reports.services import export_generate

    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    results = {}
    for export_format in (ExportFormat.XLSX, ExportFormat.PDF):
        export = ReportExport.objects.create(
            owner=_owner(),
            kind=ReportKind.MONTHLY,
            export_format=export_format,
            params={"year": last.year, "month": last.month},
        )
        start = time.perf_counter()
        export = export_generate(export_id=export.pk)
        results[export_format] = {
            "seconds": round(time.perf_counter() - start, 2),
            "kb": round(export.size / 1024, 1),
            "status": export.status,
        }
        export.file.delete(save=False)
        export.delete()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--csv-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = bench_url()
    media = tempfile.mkdtemp(prefix="bp3mi-bench-stats-")
    if args.csv_child:
        setup(url, os.environ.get("MEDIA_ROOT", media))
        print(json.dumps(csv_export_child()))
        return
    ensure_database(url)
    setup(url, media)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        start = time.perf_counter()
        call_command("seed_demo", registrations=args.registrations, verbosity=0)
        added = add_departures()
        print(f"seed: {time.perf_counter() - start:.0f} s, departure milestones added: {added}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registrations_registration")
        registrations = cursor.fetchone()[0]
    print(f"database: {urlparse(url).path.lstrip('/')}, registrations: {registrations:,}")
    print("grouped report:", json.dumps(grouped_report(args.runs)))
    child = subprocess.run(
        [sys.executable, __file__, "--csv-child"],
        env={**os.environ, "MEDIA_ROOT": media, "BENCH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    print("csv export:", child.stdout.strip().splitlines()[-1])
    print("monthly tables:", json.dumps(monthly_exports()))


if __name__ == "__main__":
    main()
