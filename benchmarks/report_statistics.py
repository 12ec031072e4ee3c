"""Statistics at scale: the grouped placement report against raw SQL, the row-level placement
export as CSV and XLSX, and the monthly tables as XLSX and PDF (not part of the test suite).

    .venv/bin/python benchmarks/report_statistics.py          # 20,000 registrations, 7 rounds
    .venv/bin/python benchmarks/report_statistics.py --full   # 1,000,000 registrations, 15

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_statistics next to
DATABASE_URL's PostgreSQL, else var/bench_statistics.sqlite3), emptied and seeded with
`seed_demo --registrations N` (`--skip-seed` reuses it); every departed registration without
one is given a departure milestone (seed_demo records none) over the three years before
today. Then:

1. The grouped placement report (kab/kota x destination country x month over the last
   twelve months) through `reports.selectors.placement_report` (A) against the same GROUP BY
   written as raw SQL (B, the floor), alternated in one process after checking both count
   the same placements: each side's median and min-max, the median ratio with its min-max.
2. The full row-level placement export (every placement since 2007) through
   `export_generate`, as CSV and as XLSX, each in a fresh process: rows per second and the
   resident memory it adds (harness.resident_growth); the target is under 50 MB whatever
   the number of rows, and a larger figure fails the run.
3. The monthly tables for the ministry (last complete month) as XLSX and as PDF through
   `export_generate`: seconds and file size.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time

import harness

EXPORT_MEMORY_LIMIT_MIB = 50

# The same GROUP BY as `placement_report` (month x kab/kota x country), in each dialect.
RAW_GROUPED = """
    SELECT {month} AS month, g.name, c.name, COUNT(m.id)
    FROM registrations_milestone m
    JOIN registrations_registration r ON r.id = m.registration_id
    JOIN registrations_applicant a ON a.id = r.applicant_id
    LEFT JOIN bp3mi_region g ON g.id = a.region_id
    LEFT JOIN bp3mi_country c ON c.id = r.destination_country_id
    WHERE m.kind = 'keberangkatan' AND r.status = 'berangkat'
      AND m.date >= %s AND m.date <= %s
    GROUP BY 1, 2, 3
"""
MONTH = {
    "postgresql": "date_trunc('month', m.date)::date",
    "sqlite": "strftime('%%Y-%%m-01', m.date)",
}
DEPARTURE_DATE = {
    "postgresql": "CURRENT_DATE - (r.id %% 1095)::int",
    "sqlite": "date('now', '-' || (r.id %% 1095) || ' days')",
}


def add_departures() -> int:
    """A departure milestone for every departed registration that has none, dated from its
    id over the three years before today (the same data on every run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO registrations_milestone
                (registration_id, kind, date, note, recorded_at)
            SELECT r.id, 'keberangkatan', {DEPARTURE_DATE[connection.vendor]}, '',
                   CURRENT_TIMESTAMP
            FROM registrations_registration r
            WHERE r.status = 'berangkat'
              AND NOT EXISTS (
                SELECT 1 FROM registrations_milestone m
                WHERE m.registration_id = r.id AND m.kind = 'keberangkatan')
            """,  # noqa: S608  # nosec B608: the dialect's date expression, no input
            [],
        )
        added = cursor.rowcount
    harness.analyze()
    return added


def grouped_report(rounds: int) -> tuple[harness.Comparison, int, int]:
    """(the comparison, groups, placements)."""
    from django.db import connection
    from django.utils import timezone

    from reports.choices import Dimension
    from reports.selectors import placement_report
    from reports.tables import period_custom

    today = timezone.localdate()
    period = period_custom(today - datetime.timedelta(days=365), today)
    group_by = [Dimension.MONTH, Dimension.REGION, Dimension.COUNTRY]
    sql = RAW_GROUPED.format(month=MONTH[connection.vendor])

    def orm():
        return placement_report(period=period, group_by=group_by)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, [period.start, period.end])
            return cursor.fetchall()

    table, rows = orm(), raw()
    placements = sum(r[3] for r in rows)
    harness.require(
        table.footer[-1] == placements,
        f"the report counts {table.footer[-1]} placements, raw SQL {placements}",
    )
    harness.require(placements, "no placement in the last twelve months: nothing is compared")
    return harness.alternate(a=orm, b=raw, rounds=rounds), len(rows), placements


def owner():
    from bp3mi.models import User

    user, _ = User.objects.get_or_create(
        email="benchmark-statistik@contoh.test", defaults={"full_name": "Benchmark Statistik"}
    )
    return user


def generate(kind: str, export_format: str, params: dict):
    """One export through `export_generate`, as the worker runs it: (export, seconds)."""
    from reports.models import ReportExport
    from reports.services import export_generate

    export = ReportExport.objects.create(
        owner=owner(), kind=kind, export_format=export_format, params=params
    )
    started = time.perf_counter()
    export = export_generate(export_id=export.pk)
    return export, time.perf_counter() - started


def rows_export_child(export_format: str) -> None:
    """In a fresh process: every placement since 2007 as one file; rows/s and memory."""
    from django.utils import timezone

    from reports.choices import ReportKind
    from reports.tables import period_custom

    today = timezone.localdate()
    params = period_custom(datetime.date(2007, 1, 1), today).as_params()
    # Warm-up on one day's rows (imports, connection), so the full run adds only its own.
    generate(ReportKind.PLACEMENT_ROWS, export_format, period_custom(today, today).as_params())
    made = []
    memory = harness.resident_growth(
        lambda: made.extend(generate(ReportKind.PLACEMENT_ROWS, export_format, params))
    )
    export, seconds = made
    harness.child_result(
        {
            "status": export.status,
            "rows": export.rows,
            "s": seconds,
            "mb": export.size / 1e6,
            "before_mib": memory.before_mib,
            "added_mib": memory.mib,
        }
    )


def main() -> None:
    parser = harness.Options(__doc__, sizes={"registrations": (20_000, 1_000_000)})
    parser.add_argument("--rows-export-child", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update({"EMAIL_URL": "dummymail://", "CELERY_BROKER_URL": "memory://"})
    os.environ.pop("REDIS_URL", None)
    if args.rows_export_child:
        harness.use_database("statistics")
        harness.setup_django(migrate=False)
        rows_export_child(args.rows_export_child)
        return
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bp3mi-bench-statistics-")
    harness.use_database("statistics", fresh=not args.skip_seed)
    harness.setup_django()
    from registrations.models import Registration
    from reports.choices import ExportFormat, ReportKind

    if not args.skip_seed:
        seconds = harness.seed(registrations=args.registrations)
        print(f"seed_demo --registrations {args.registrations:,}: {seconds:.0f} s")
    added = add_departures()
    total = Registration.objects.count()
    harness.require(
        args.skip_seed or total >= args.registrations,
        f"{total:,} registrations in the database, {args.registrations:,} wanted",
    )
    print(f"{total:,} registrations on {harness.database()} ({added:,} departures added)")
    print(f"At the start: {harness.machine()}")
    print()

    result, groups, placements = grouped_report(args.rounds)
    print(
        f"Grouped placement report, kab/kota x country x month over 12 months: {groups:,} "
        f"groups, {placements:,} placements; A = `placement_report`, B = the same GROUP BY in "
        f"raw SQL; {args.rounds} alternated rounds"
    )
    print()
    print(harness.Comparison.header("report"))
    print(result.row("grouped placements"))
    print()

    print(
        "| row-level placement export (every placement) | rows | time | rows/s | size | resident before | added resident |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for export_format in (ExportFormat.CSV, ExportFormat.XLSX):
        out = harness.child(__file__, "--rows-export-child", export_format)
        harness.require(
            out["status"] == "ready", f"the {export_format} export ended {out['status']}"
        )
        harness.require(
            out["rows"] >= placements, f"the {export_format} export wrote {out['rows']} rows"
        )
        print(
            f"| {export_format.upper()} | {out['rows']:,} | {out['s']:.1f} s "
            f"| {out['rows'] / out['s']:,.0f} | {out['mb']:.1f} MB | {out['before_mib']:.1f} MiB "
            f"| {out['added_mib']:.1f} MiB |"
        )
        harness.require(
            out["added_mib"] < EXPORT_MEMORY_LIMIT_MIB,
            f"the {export_format} export added {out['added_mib']:.1f} MiB "
            f"(limit {EXPORT_MEMORY_LIMIT_MIB})",
        )
    print()

    today = datetime.date.today()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    print("| monthly tables (last complete month) | time | size |")
    print("|---|---:|---:|")
    for export_format in (ExportFormat.XLSX, ExportFormat.PDF):
        export, seconds = generate(
            ReportKind.MONTHLY, export_format, {"year": last.year, "month": last.month}
        )
        harness.require(
            export.status == "ready", f"the monthly {export_format} ended {export.status}"
        )
        print(f"| {export_format.upper()} | {seconds:.1f} s | {export.size / 1024:.1f} KB |")
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    sys.exit(main())
