"""Staff directory pages and directory exports on a large database, against the old shapes.

Not part of the test suite. Run with the project's virtualenv against PostgreSQL:

    .venv/bin/python benchmarks/directory.py                          # 100,000 registrations
    .venv/bin/python benchmarks/directory.py --registrations 1000000  # full size

It uses its own database, bp3mi_bench_home on the PostgreSQL server of DATABASE_URL
(BENCH_DATABASE_URL names another), creates and migrates it, tops it up to N registrations
with `manage.py seed_demo --registrations N` and to 5,000 stakeholders of every kind (with
licences, SIP2MI and vocations) created here with bulk_create.

Pages: the staff directory page 1 (`/direktori/kelola/`, 50 rows) and the staff detail page
of the clinic named by the most registrations. A is the old query shape (three correlated
COUNT subqueries per row with `p3mi_id = s.id OR training_centre_id = s.id OR clinic_id =
s.id`), B the current one (a GROUP BY per role over the page's ids). Both are the same view
class, the same filters, page size and template; only the counting differs. A and B
alternate in one process; the median ratio B/A is reported with its min-max.

Exports: the staff CSV and XLSX and the public JSON of all 5,000 stakeholders, each in a
fresh child process, which resets its peak resident memory (Linux `clear_refs`) after
start-up and reports the peak added while producing and consuming the whole response. The
old in-memory shape (a list of rows, the body built in one buffer) is measured the same way.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_NAME = "bp3mi_bench_home"
STAKEHOLDERS = 5_000
EXPORTS = ["csv", "xlsx", "json"]


def bench_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    return urlparse(base)._replace(path=f"/{BENCH_NAME}").geturl()


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
    admin.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")
    import django

    django.setup()


# --- Data ---------------------------------------------------------------------------------------


def top_up_stakeholders(wanted: int, rng: random.Random) -> int:
    """Bring the directory to `wanted` stakeholders, every kind, with their operating
    licence, SIP2MI for P3MI and vocations for training centres. Returns how many it made."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from bp3mi.models import Country, Region
    from stakeholders.choices import (
        MAIN_LICENCE_KIND,
        LicenceStatus,
        OfficeLevel,
        OfficeType,
        StakeholderKind,
    )
    from stakeholders.models import Licence, Sip2mi, Stakeholder, Vocation

    existing = Stakeholder.objects.count()
    if existing >= wanted:
        return 0
    kinds = (
        [StakeholderKind.P3MI] * 40
        + [StakeholderKind.LPK] * 25
        + [StakeholderKind.BLK] * 10
        + [StakeholderKind.CLINIC] * 20
        + [StakeholderKind.LABOUR_OFFICE] * 5
    )
    regions = list(Region.objects.all())
    countries = list(Country.objects.filter(household_moratorium=False))
    vocations = [Vocation.objects.get_or_create(name=f"Kejuruan {n}")[0] for n in range(12)]
    today = timezone.localdate()
    statuses = [LicenceStatus.ACTIVE] * 8 + [LicenceStatus.SUSPENDED, LicenceStatus.REVOKED]
    with transaction.atomic():
        made = Stakeholder.objects.bulk_create(
            [
                Stakeholder(
                    kind=(kind := rng.choice(kinds)),
                    name=f"Lembaga Uji Beban {existing + n:05d}",
                    address=f"Jl. Uji No. {n}",
                    region=rng.choice(regions),
                    phone=f"0812{n:08d}",
                    email=f"uji{existing + n}@contoh.test",
                    is_active=rng.random() < 0.9,
                    office_type=OfficeType.HEAD if kind == StakeholderKind.P3MI else "",
                    office_level=(
                        OfficeLevel.REGENCY if kind == StakeholderKind.LABOUR_OFFICE else ""
                    ),
                    languages="Jepang" if kind == StakeholderKind.LPK else "",
                    services="MCU CPMI" if kind == StakeholderKind.CLINIC else "",
                )
                for n in range(wanted - existing)
            ],
            batch_size=1000,
        )
        licences, permits, links = [], [], []
        through = Stakeholder.vocations.through
        for stakeholder in made:
            kind = MAIN_LICENCE_KIND.get(stakeholder.kind)
            if kind is not None:
                issued = today - datetime.timedelta(days=rng.randint(30, 1500))
                licences.append(
                    Licence(
                        stakeholder=stakeholder,
                        kind=kind,
                        number=f"UJI/{kind}/{stakeholder.pk}",
                        issued_on=issued,
                        expires_on=issued + datetime.timedelta(days=rng.randint(365, 1825)),
                        status=rng.choice(statuses),
                    )
                )
            if stakeholder.kind == StakeholderKind.P3MI:
                for country in rng.sample(countries, 2):
                    permits.append(
                        Sip2mi(
                            stakeholder=stakeholder,
                            country=country,
                            quota=rng.randint(10, 500),
                            valid_from=today - datetime.timedelta(days=rng.randint(1, 400)),
                            valid_until=today + datetime.timedelta(days=rng.randint(0, 400)),
                        )
                    )
            if stakeholder.kind in (StakeholderKind.LPK, StakeholderKind.BLK):
                for vocation in rng.sample(vocations, 2):
                    links.append(through(stakeholder=stakeholder, vocation=vocation))
        Licence.objects.bulk_create(licences, batch_size=1000)
        Sip2mi.objects.bulk_create(permits, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)
    return len(made)


# --- The old shape --------------------------------------------------------------------------


def old_counts(qs):
    """The counting the directory did before: three correlated subqueries per row, each with
    `p3mi_id = s.id OR training_centre_id = s.id OR clinic_id = s.id`."""
    from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from registrations.models import Registration
    from registrations.selectors import (
        DEPARTED_STATUSES,
        REGISTERED_STATUSES,
        VERIFIED_STATUSES,
    )

    def count(statuses):
        through = (
            Q(p3mi_id=OuterRef("pk"))
            | Q(training_centre_id=OuterRef("pk"))
            | Q(clinic_id=OuterRef("pk"))
        )
        counted = (
            Registration.objects.filter(through, status__in=statuses)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return qs.annotate(
        registered=count(REGISTERED_STATUSES),
        verified=count(VERIFIED_STATUSES),
        departed=count(DEPARTED_STATUSES),
    )


def old_shape(view_class):
    """The same view, counting through per-row subqueries read back from the annotations."""
    from stakeholders.figures import Figure, FigureValue

    figures = [
        Figure("registered", "Terdaftar"),
        Figure("verified", "Terverifikasi"),
        Figure("departed", "Berangkat"),
    ]

    class OldShape(view_class):
        def get_queryset(self):
            return old_counts(super().get_queryset())

        def attach_figures(self, stakeholders):
            for stakeholder in stakeholders:
                stakeholder.figures = [FigureValue(f, getattr(stakeholder, f.key)) for f in figures]
            return figures

    return OldShape


# --- Pages --------------------------------------------------------------------------------------


def timed(view, request, **kwargs) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = view(request, **kwargs)
    response.render()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, response.content


def compare_pages(rounds: int) -> list[dict]:
    from django.db import connection
    from django.db.models import Count
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from bp3mi.models import User
    from registrations.models import Registration
    from stakeholders.views import StakeholderDetailView, StakeholderManageListView

    staff = User.objects.get(email="data@demo.bp3mi.test")
    busiest = (
        Registration.objects.exclude(clinic=None)
        .values("clinic")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    factory = RequestFactory()

    def request(path):
        made = factory.get(path)
        made.user = staff
        made.htmx = False
        return made

    cases = [
        ("Staff directory `/direktori/kelola/`, page 1 (50 rows)", StakeholderManageListView, {}),
        (
            f"Staff detail of the busiest clinic ({busiest['n']:,} registrations)",
            StakeholderDetailView,
            {"pk": busiest["clinic"]},
        ),
    ]
    results = []
    for label, view_class, kwargs in cases:
        path = "/direktori/kelola/" if not kwargs else f"/direktori/{kwargs['pk']}/"
        old_view, new_view = old_shape(view_class).as_view(), view_class.as_view()
        _, old_body = timed(old_view, request(path), **kwargs)  # warm up, and same answer
        _, new_body = timed(new_view, request(path), **kwargs)
        assert strip_csrf(old_body) == strip_csrf(new_body), label
        a_times, b_times, ratios = [], [], []
        for _ in range(rounds):
            a, _ = timed(old_view, request(path), **kwargs)
            b, _ = timed(new_view, request(path), **kwargs)
            a_times.append(a)
            b_times.append(b)
            ratios.append(b / a)
        with CaptureQueriesContext(connection) as captured:
            timed(new_view, request(path), **kwargs)
        results.append(
            {
                "label": label,
                "a": statistics.median(a_times),
                "b": statistics.median(b_times),
                "ratio": statistics.median(ratios),
                "ratio_min": min(ratios),
                "ratio_max": max(ratios),
                "queries": len(captured.captured_queries),
            }
        )
    return results


def strip_csrf(body: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


# --- Exports (child process) ------------------------------------------------------------------


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def old_export(fmt: str, stakeholders, request):
    """The former exports: every row in a list, the whole body built in one buffer."""
    import csv

    from django.http import HttpResponse, JsonResponse
    from django.utils import timezone
    from openpyxl import Workbook

    from stakeholders.exporting import HEADER, export_record, safe_cell

    day = timezone.localdate()
    rows = list(stakeholders)
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(HEADER)
        for stakeholder in rows:
            record = export_record(stakeholder, day)
            writer.writerow([safe_cell(record[c]) for c in HEADER])
        return response
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("direktori")
        sheet.append(HEADER)
        for stakeholder in rows:
            record = export_record(stakeholder, day)
            sheet.append([safe_cell(record[c]) for c in HEADER])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return HttpResponse(buffer.getvalue())
    records = []
    for stakeholder in rows:
        record = export_record(stakeholder, day)
        record["url"] = request.build_absolute_uri(stakeholder.get_absolute_url())
        records.append(record)
    return JsonResponse({"tanggal": day.isoformat(), "data": records})


def export_child(fmt: str, shape: str) -> None:
    """Produce and consume one export; print the peak resident memory it added (KB)."""
    from django.test import RequestFactory

    from bp3mi.models import User
    from stakeholders import exporting
    from stakeholders.selectors import stakeholder_scope, stakeholder_with_related

    staff = User.objects.get(email="data@demo.bp3mi.test")
    request = RequestFactory().get("/direktori/kelola/ekspor")
    request.user = staff
    qs = stakeholder_with_related(stakeholder_scope(user=staff))
    # Warm up: imports, connection, one row through every path.
    for warm in (exporting.csv_response, exporting.xlsx_response):
        b"".join(warm(qs[:1], stem="x"))
    b"".join(exporting.json_response(qs[:1], request=request))
    old_export(fmt, qs[:1], request)
    baseline = _rss_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak
    start = time.perf_counter()
    size = 0
    if shape == "old":
        size = len(old_export(fmt, qs, request).content)
    else:
        if fmt == "csv":
            response = exporting.csv_response(qs, stem="direktori")
        elif fmt == "xlsx":
            response = exporting.xlsx_response(qs, stem="direktori")
        else:
            response = exporting.json_response(qs, request=request)
        for chunk in response:  # what the WSGI server does: send each chunk and drop it
            size += len(chunk)
        response.close()
    elapsed = time.perf_counter() - start
    print(json.dumps({"added_kb": _rss_kb("VmHWM") - baseline, "bytes": size, "s": elapsed}))


def measure_exports(url: str) -> list[dict]:
    results = []
    for fmt in EXPORTS:
        row = {"format": fmt}
        for shape in ("old", "new"):
            output = subprocess.run(
                [sys.executable, __file__, "--export-child", fmt, shape],
                env={**os.environ, "BENCH_DATABASE_URL": url},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row[shape] = json.loads(output.strip().splitlines()[-1])
        results.append(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--stakeholders", type=int, default=STAKEHOLDERS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--export-child", nargs=2, metavar=("FORMAT", "SHAPE"))
    args = parser.parse_args()

    url = bench_url()
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    if args.export_child:
        setup_django(url)
        export_child(*args.export_child)
        return
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from registrations.models import Registration
    from stakeholders.models import Stakeholder

    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        started = time.perf_counter()
        call_command("seed_demo", registrations=args.registrations, verbosity=0)
        made = top_up_stakeholders(args.stakeholders, random.Random(2026))
        print(f"seeded in {time.perf_counter() - started:.0f} s ({made} stakeholders added)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans need it
    print(
        f"{Registration.objects.count():,} registrations, {Stakeholder.objects.count():,} "
        f"stakeholders, PostgreSQL {connection.pg_version}; {args.rounds} alternated rounds"
    )
    print()
    print(
        "| page | A: old shape, median ms | B: now, median ms | B/A median (min-max) | queries (B) |"
    )
    print("|---|---:|---:|---:|---:|")
    for r in compare_pages(args.rounds):
        print(
            f"| {r['label']} | {r['a']:.0f} | {r['b']:.1f} | {r['ratio']:.4f} "
            f"({r['ratio_min']:.4f}-{r['ratio_max']:.4f}) | {r['queries']} |"
        )
    print()
    print(
        "| export of every stakeholder | added peak RSS, old (MB) | added peak RSS, now (MB) | size (MB) | time old / now (s) |"
    )
    print("|---|---:|---:|---:|---:|")
    for r in measure_exports(url):
        old, new = r["old"], r["new"]
        print(
            f"| {r['format'].upper()} | {old['added_kb'] / 1024:.1f} | {new['added_kb'] / 1024:.1f} "
            f"| {new['bytes'] / 1e6:.1f} | {old['s']:.1f} / {new['s']:.1f} |"
        )


if __name__ == "__main__":
    main()
