"""Staff directory pages and directory exports on a large database, against the old shapes
(not part of the test suite).

    .venv/bin/python benchmarks/directory.py           # 20,000 registrations, 1,000 stakeholders
    .venv/bin/python benchmarks/directory.py --full    # 1,000,000 registrations, 5,000

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_directory next to
DATABASE_URL's PostgreSQL, else var/bench_directory.sqlite3), emptied and seeded with
`seed_demo --registrations N` and topped up to S stakeholders of every kind (with licences,
SIP2MI and vocations) created here with bulk_create (`--skip-seed` reuses it).

Pages: the staff directory page 1 (`/direktori/kelola/`, 50 rows) and the staff detail page
of the clinic named by the most registrations. A is the old query shape (three correlated
COUNT subqueries per row with `p3mi_id = s.id OR training_centre_id = s.id OR clinic_id =
s.id`), B the current one (a GROUP BY per role over the page's ids). Both are the same view
class, the same filters, page size and template; only the counting differs, and both must
render the same page. A and B alternate in one process (harness.alternate); each side's
median and min-max and the median ratio A/B with its min-max are reported.

Exports: the staff CSV and XLSX and the public JSON of every stakeholder, each in a fresh
child process that measures the resident memory added while producing and consuming the
whole response (harness.resident_growth). The old in-memory shape (a list of rows, the body
built in one buffer) is measured the same way. The streamed exports must add under 50 MB.
"""

import argparse
import io
import random
import re
import sys

import harness

EXPORTS = ["csv", "xlsx", "json"]
EXPORT_MEMORY_LIMIT_MIB = 50


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
    """The same view, the registration figures counted by per-row subqueries and read back
    from the annotations; the other apps' figures (complaints) counted as now."""
    from stakeholders import figures

    old = {"registered", "verified", "departed"}

    class OldShape(view_class):
        def get_queryset(self):
            return old_counts(super().get_queryset())

        def attach_figures(self, stakeholders):
            ids = [stakeholder.pk for stakeholder in stakeholders]
            counted = {s.pk: {key: getattr(s, key) for key in old} for s in stakeholders}
            columns = []
            for kept, counter in figures._counters:
                columns.extend(kept)
                if {figure.key for figure in kept} & old:
                    continue  # the old subqueries counted these
                for pk, values in counter(ids).items():
                    counted[pk].update(values)
            for stakeholder in stakeholders:
                stakeholder.figures = [
                    figures.FigureValue(f, counted[stakeholder.pk].get(f.key, 0)) for f in columns
                ]
            return columns

    return OldShape


# --- Pages --------------------------------------------------------------------------------------


def compare_pages(rounds: int) -> list[tuple[str, harness.Comparison, int]]:
    """(label, old shape against now, the queries of the page now) for each page."""
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
    harness.require(busiest, "no registration names a clinic: the detail page counts nothing")
    factory = RequestFactory()

    def render(view, path, kwargs) -> bytes:
        request = factory.get(path)
        request.user = staff
        request.htmx = False
        response = view(request, **kwargs)
        response.render()
        harness.require(response.status_code == 200, f"{path} answered {response.status_code}")
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    cases = [
        ("staff directory `/direktori/kelola/`, page 1 (50 rows)", StakeholderManageListView, {}),
        (
            f"staff detail of the busiest clinic ({busiest['n']:,} registrations)",
            StakeholderDetailView,
            {"pk": busiest["clinic"]},
        ),
    ]
    results = []
    for label, view_class, kwargs in cases:
        path = "/direktori/kelola/" if not kwargs else f"/direktori/{kwargs['pk']}/"
        old_view, new_view = old_shape(view_class).as_view(), view_class.as_view()
        harness.require(
            render(old_view, path, kwargs) == render(new_view, path, kwargs),
            f"{label}: the old and the new shape render different pages",
        )
        result = harness.alternate(
            a=lambda v=old_view, p=path, k=kwargs: render(v, p, k),
            b=lambda v=new_view, p=path, k=kwargs: render(v, p, k),
            rounds=rounds,
        )
        with CaptureQueriesContext(connection) as captured:
            render(new_view, path, kwargs)
        results.append((label, result, len(captured.captured_queries)))
    return results


# --- Exports (child process) ------------------------------------------------------------------


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
    """Produce and consume one export; hand back the resident memory it added."""
    import time

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
    size = 0

    def export():
        nonlocal size
        if shape == "old":
            size = len(old_export(fmt, qs, request).content)
            return
        if fmt == "csv":
            response = exporting.csv_response(qs, stem="direktori")
        elif fmt == "xlsx":
            response = exporting.xlsx_response(qs, stem="direktori")
        else:
            response = exporting.json_response(qs, request=request)
        for chunk in response:  # what the WSGI server does: send each chunk and drop it
            size += len(chunk)
        response.close()

    started = time.perf_counter()
    memory = harness.resident_growth(export)
    harness.child_result(
        {"added_mib": memory.mib, "bytes": size, "s": time.perf_counter() - started}
    )


def main() -> None:
    parser = harness.Options(
        __doc__, sizes={"registrations": (20_000, 1_000_000), "stakeholders": (1_000, 5_000)}
    )
    parser.add_argument(
        "--export-child", nargs=2, metavar=("FORMAT", "SHAPE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.export_child:
        harness.use_database("directory")
        harness.setup_django(migrate=False)
        export_child(*args.export_child)
        return
    harness.use_database("directory", fresh=not args.skip_seed)
    harness.setup_django()
    from registrations.models import Registration
    from stakeholders.models import Stakeholder

    if not args.skip_seed:
        seconds = harness.seed(registrations=args.registrations)
        made = top_up_stakeholders(args.stakeholders, random.Random(2026))
        harness.analyze()
        print(f"seeded in {seconds:.0f} s and {made:,} stakeholders added")
    registrations, stakeholders = Registration.objects.count(), Stakeholder.objects.count()
    harness.require(
        args.skip_seed
        or (registrations >= args.registrations and stakeholders == args.stakeholders),
        f"{registrations:,} registrations and {stakeholders:,} stakeholders in the database, "
        f"{args.registrations:,} and {args.stakeholders:,} wanted",
    )
    print(
        f"{registrations:,} registrations, {stakeholders:,} stakeholders on "
        f"{harness.database()}; {args.rounds} alternated rounds"
    )
    print(f"At the start: {harness.machine()}")
    print()
    print("A = the old counting (correlated subqueries), B = now; same view, page and template:")
    print()
    print(harness.Comparison.header("page", "queries (B)"))
    for label, result, queries in compare_pages(args.rounds):
        print(result.row(f"{label} | {queries}"))
    print()
    print(
        f"| export of all {stakeholders:,} stakeholders | added resident, in memory (old) "
        "| added resident, streamed (now) | size | time old / now |"
    )
    print("|---|---:|---:|---:|---:|")
    for fmt in EXPORTS:
        old, new = (
            harness.child(__file__, "--export-child", fmt, shape) for shape in ("old", "new")
        )
        print(
            f"| {fmt.upper()} | {old['added_mib']:.1f} MiB | {new['added_mib']:.1f} MiB "
            f"| {new['bytes'] / 1e6:.1f} MB | {old['s']:.1f} s / {new['s']:.1f} s |"
        )
        harness.require(new["bytes"] > 0, f"the streamed {fmt} export is empty")
        harness.require(
            new["added_mib"] < EXPORT_MEMORY_LIMIT_MIB,
            f"the streamed {fmt} export added {new['added_mib']:.1f} MiB "
            f"(limit {EXPORT_MEMORY_LIMIT_MIB})",
        )
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    sys.exit(main())
