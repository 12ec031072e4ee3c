"""Server time and query count of every officer and staff page on a large database: the
registration list with each filter and sort on its first, middle and last page and each
search, a registration, the complaint list (likewise) and a case, the verification queue
(first, middle and last page; by kab/kota; by days waiting) and the signing queue, the audit
log, the statistics dashboard, the staff directory (first, middle, last page, filtered,
searched), a stakeholder and the P3MI filter's suggestions (not part of the test suite).

    .venv/bin/python benchmarks/pages.py          # 10,000 registrations, 300 stakeholders,
                                                  # 1,000 complaints; 5 runs (about 2 min)
    .venv/bin/python benchmarks/pages.py --full   # 1,000,000, 5,000 and 100,000; 11 runs
    BENCH_PAGES_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp3mi_bench_1m \\
        .venv/bin/python benchmarks/pages.py --full --skip-seed

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_pages next to
DATABASE_URL's PostgreSQL, else var/bench_pages.sqlite3), topped up with `seed_demo` to the
wanted size; `--skip-seed` measures a database seeded before as it is, e.g. one made once
with `seed_demo --registrations 1000000 --stakeholders 5000 --complaints 100000`.

Each page is requested through Django's test Client signed in as the demo account of the
role that uses it (middleware, session, permissions, queries and template; no network): the
median and min-max server time of `--runs` requests after one warm-up, and the queries one
request makes; a median over the target (300 ms) is marked "over". A middle page is reached
by its seek cursor (found once with OFFSET). That the query count does not grow with the data
is asserted by tests/bp3mi/test_page_queries.py. On PostgreSQL the execution time and plan of
the heaviest queries behind these pages follow (EXPLAIN ANALYZE); elsewhere "skipped".
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
from urllib.parse import urlencode

import harness

TARGET_MS = 300


def middle_cursor(queryset, key: str) -> str | None:
    """The seek cursor of the row in the middle of these rows in this order (found once with
    OFFSET), or None for an empty list."""
    from bp3mi.pagination import KeysetPaginator

    paginator = KeysetPaginator(queryset, key=key, per_page=50)
    ordered = paginator._segment("keyed", None, forward=True)
    row = ordered[ordered.count() // 2 :].first()
    return paginator.cursor_for(row) if row is not None else None


def list_pages(label: str, role: str, url: str, params: dict, queryset, key: str) -> list:
    """The first, middle and last page of a seek-paginated list."""
    cursor = middle_cursor(queryset, key)
    middle = {**params, "after": cursor} if cursor else params
    return [
        (f"{label}, first page", role, url + urlencode(params)),
        (f"{label}, middle page", role, url + urlencode(middle)),
        (f"{label}, last page", role, url + urlencode({**params, "last": "1"})),
    ]


def registration_pages(officer, label: str, params: dict) -> list:
    from django.test import RequestFactory

    from registrations import selectors
    from registrations.filters import RegistrationFilter

    request = RequestFactory().get("/", params)
    request.user = officer
    filterset = RegistrationFilter(request.GET, queryset=selectors.registration_list(user=officer))
    assert filterset.is_valid(), filterset.errors
    return list_pages(
        f"Registrations: {label}",
        "officer",
        "/petugas/pendaftaran/?",
        params,
        filterset.qs,
        filterset.sort_key,
    )


def complaint_pages(user, label: str, params: dict) -> list:
    from django.http import QueryDict

    from complaints import selectors

    filterset = selectors.case_list(user=user, filters=QueryDict(urlencode(params)))
    assert not params or filterset.is_valid(), filterset.errors
    return list_pages(
        f"Complaints: {label}",
        "complaints",
        "/petugas/pengaduan/?",
        params,
        selectors.case_list_rows(filterset),
        filterset.sort_key,
    )


def measure(client, url: str, runs: int) -> tuple[harness.Timing, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    timing = harness.timed(get, runs=runs)
    with CaptureQueriesContext(connection) as captured:
        get()
    return timing, len(captured)


def middle_page(queryset, per_page: int) -> int:
    """The middle page number of a numbered list of these rows."""
    return max(1, (queryset.count() + per_page - 1) // per_page // 2)


def pages(users) -> list[tuple[str, str, str]]:
    """(label, role, url) of every page measured."""
    from django.db.models import Count

    from bp3mi.models import Country, Region
    from complaints.models import Case
    from documents.selectors import signing_queue, verification_queue
    from registrations.models import Registration
    from stakeholders.choices import StakeholderKind
    from stakeholders.models import Stakeholder

    kendari = Region.objects.get(code_kemendagri="74.71")
    japan = Country.objects.get(iso_code="JP")
    # The company with the most registrations (read from the (p3mi, status) index).
    busiest = (
        Registration.objects.filter(p3mi__isnull=False)
        .values("p3mi")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    p3mi = Stakeholder.objects.get(pk=busiest["p3mi"]) if busiest else None
    sample = Registration.objects.filter(submitted_at__isnull=False).order_by("-id").first()
    officer = users["officer"]
    lists = [
        ("no filter", {}),
        ("status", {"status": "terverifikasi"}),
        ("kab/kota", {"region": kendari.pk}),
        ("outside Sultra", {"region": "luar"}),
        ("scheme", {"scheme": "mandiri"}),
        ("country", {"country": japan.pk}),
        *([("P3MI (chosen company)", {"p3mi": p3mi.pk})] if p3mi else []),
        ("submitted in one month", {"submitted_from": "2025-03-01", "submitted_to": "2025-03-31"}),
        ("flag: moratorium", {"flag": "moratorium"}),
        ("flag: no NIK (rare)", {"flag": "no_nik"}),
        ("drafts (status)", {"status": "draft"}),
        (
            "kab/kota + status + by name",
            {"region": kendari.pk, "status": "diajukan", "sort": "applicant__full_name"},
        ),
        ("by number", {"sort": "number"}),
        ("oldest first", {"sort": "submitted_at"}),
        ("a first name (thousands match)", {"q": sample.applicant.full_name.split()[0]}),
    ]
    result = []
    for label, params in lists:
        result += registration_pages(officer, label, params)
    registrations = "/petugas/pendaftaran/?"
    searches = [
        ("P3MI typed by name", {"p3mi_nama": p3mi.name} if p3mi else None),
        ("P3MI, part of a name (several match)", {"p3mi_nama": "Bintang"}),
        ("search by full name", {"q": sample.applicant.full_name}),
        ("search by NIK", {"q": sample.applicant.nik}),
        ("search by number", {"q": sample.number}),
    ]
    result += [
        (f"Registrations: {label}", "officer", registrations + urlencode(params))
        for label, params in searches
        if params
    ]
    result += [
        ("Registration detail", "officer", f"/petugas/pendaftaran/{sample.pk}/"),
        *list_pages(
            "Verification queue",
            "officer",
            "/petugas/verifikasi/?",
            {},
            verification_queue(user=officer),
            "review_waiting_since",
        ),
        *list_pages(
            "Verification queue: kab/kota",
            "officer",
            "/petugas/verifikasi/?",
            {"region": kendari.pk},
            verification_queue(user=officer, region_id=kendari.pk),
            "review_waiting_since",
        ),
        *list_pages(
            "Verification queue: waiting 30 days or more",
            "officer",
            "/petugas/verifikasi/?",
            {"days": 30},
            verification_queue(user=officer, min_days_waiting=30),
            "review_waiting_since",
        ),
        *list_pages(
            "Signing queue",
            "kepala",
            "/petugas/verifikasi/tanda-tangan/?",
            {},
            signing_queue(user=users["kepala"]),
            "updated_at",
        ),
        ("Audit log", "kepala", "/audit/"),
        ("Statistics dashboard", "kepala", "/statistik/dasbor/"),
        ("Exports list", "kepala", "/statistik/unduhan/"),
    ]
    case = Case.objects.order_by("-id").first()
    if case is not None:
        complaints = "/petugas/pengaduan/?"
        for label, params in [
            ("no filter", {}),
            ("open cases", {"status": "open"}),
            ("overdue", {"overdue": "1"}),
            ("by deadline", {"sort": "due_date"}),
        ]:
            result += complaint_pages(users["complaints"], label, params)
        complaint_searches = [
            ("search by name", {"q": case.worker_name.split()[0]}),
            ("P3MI typed by name", {"p3mi_nama": p3mi.name} if p3mi else None),
        ]
        result += [
            (f"Complaints: {label}", "complaints", complaints + urlencode(params))
            for label, params in complaint_searches
            if params
        ]
        result.append(("Complaint case detail", "complaints", f"/petugas/pengaduan/{case.pk}/"))
    staff = "/direktori/kelola/?"
    middle = middle_page(Stakeholder.objects.all(), 50)
    result += [
        ("Staff directory: first page", "data", staff),
        ("Staff directory: middle page", "data", staff + urlencode({"page": middle})),
        ("Staff directory: last page", "data", staff + "page=last"),
        ("Staff directory: P3MI", "data", staff + urlencode({"kind": StakeholderKind.P3MI})),
        ("Staff directory: search", "data", staff + urlencode({"q": "Bintang"})),
        ("Expiring licences", "data", "/direktori/kelola/izin-akan-kedaluwarsa/"),
        ("Public directory: first page", "data", "/direktori/"),
        ("P3MI suggestions (htmx)", "officer", "/direktori/p3mi/saran/?p3mi_nama=Bintang"),
    ]
    if p3mi is not None:
        result.append(
            ("Stakeholder detail (staff, busiest P3MI)", "data", f"/direktori/{p3mi.pk}/")
        )
    return result


def plans(users) -> None:
    """EXPLAIN ANALYZE of the queries behind the pages that read the most rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Query plans: skipped (PostgreSQL only).")
        return
    from django.db.models import Count

    from bp3mi.pagination import KeysetPaginator
    from complaints import selectors as complaint_selectors
    from documents.selectors import signing_queue, verification_queue
    from registrations.models import Registration
    from registrations.selectors import registration_list
    from stakeholders.choices import StakeholderKind
    from stakeholders.models import Stakeholder

    registrations = registration_list(user=users["officer"]).filter(submitted_at__isnull=False)
    cases = complaint_selectors.case_scope(user=users["complaints"])
    centres = list(
        Stakeholder.objects.filter(kind=StakeholderKind.LPK)
        .order_by("name")[:50]
        .values_list("pk", flat=True)
    )
    queries = [
        (
            "registration list, last page",
            KeysetPaginator(registrations, "-submitted_at", 50)._segment(
                "keyed", None, forward=False
            )[:51],
        ),
        ("registration list, bounded count", bounded_count_query(registrations)),
        (
            "complaint list by deadline, last page",
            KeysetPaginator(cases, "due_date", 50)._segment("keyed", None, forward=False)[:51],
        ),
        (
            "signing queue, last page",
            KeysetPaginator(signing_queue(user=users["kepala"]), "updated_at", 50)._segment(
                "keyed", None, forward=False
            )[:51],
        ),
        (
            "verification queue, last page",
            KeysetPaginator(
                verification_queue(user=users["officer"]), "review_waiting_since", 50
            )._segment("keyed", None, forward=False)[:51],
        ),
        (
            "directory: registrations per LPK and status, 50 LPKs",
            Registration.objects.filter(training_centre_id__in=centres)
            .order_by()
            .values_list("training_centre_id", "status")
            .annotate(n=Count("*")),
        ),
    ]
    print("| query | execution ms | plan (top node) |")
    print("|---|---:|---|")
    for label, queryset in queries:
        plan = queryset.explain(analyze=True).splitlines()
        execution = next(line for line in plan if line.startswith("Execution Time"))
        ms = float(execution.split(":")[1].split()[0])
        top = next((line.strip() for line in plan if "Scan" in line), plan[0].strip())
        print(f"| {label} | {ms:.1f} | {top.split('  (')[0]} |")


def waiting_documents() -> int:
    """One document waiting for review for every registration under review that has none
    (`seed_demo` makes registrations without documents), then the queue's key, set by the
    expression the document services use: the verification queue as long as the data allows
    (about 40% of the registrations). The files are not written: the queue pages do not open
    them. Returns the number of documents made."""
    import hashlib

    from django.db import connection, transaction
    from django.db.models import Exists, OuterRef

    from bp3mi.bulk import bulk_insert, vacuum_analyze
    from documents.choices import DocumentStatus
    from documents.models import Document, DocumentType
    from documents.services import oldest_waiting_upload
    from registrations.choices import RegistrationStatus
    from registrations.models import Registration

    document_type = DocumentType.objects.order_by("pk").first()
    under_review = Registration.objects.filter(
        status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.IN_VERIFICATION]
    )
    without_documents = (
        under_review.exclude(Exists(Document.objects.filter(registration=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "submitted_at")
    )
    made = 0
    while batch := list(without_documents[:20_000]):
        rows = [
            dict(
                registration_id=pk,
                document_type_id=document_type.pk,
                file=f"bench/menunggu-{pk}.pdf",
                original_name="ktp.pdf",
                file_format="pdf",
                size=180_000 + pk % 50_000,
                sha256=hashlib.sha256(str(pk).encode()).hexdigest(),
                status=DocumentStatus.PENDING,
                # Uploaded within a few days of submission, the minutes spread by the id.
                uploaded_at=submitted + datetime.timedelta(minutes=30 + pk % 5_000),
            )
            for pk, submitted in batch
        ]
        with transaction.atomic():
            bulk_insert(Document, rows)
        made += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Document._meta.db_table}")
    keyed = under_review.filter(review_waiting_since__isnull=True).update(
        review_waiting_since=oldest_waiting_upload()
    )
    if made or keyed:
        # As seeding does after a load: the rows just written are made visible to index-only
        # scans again (the directory's and the dashboard's counts read those).
        vacuum_analyze(Document, Registration)
    return made


def bounded_count_query(queryset):
    """The query `bounded_count` runs (the ids of at most COUNT_LIMIT + 1 rows)."""
    from bp3mi.pagination import COUNT_LIMIT

    return queryset.order_by().values("pk")[: COUNT_LIMIT + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--stakeholders", type=int, default=300)
    parser.add_argument("--complaints", type=int, default=1_000)
    parser.add_argument("--runs", type=int, help="requests timed per page (5; --full: 11)")
    parser.add_argument(
        "--full",
        action="store_true",
        help="1,000,000 registrations, 5,000 stakeholders, 100,000 complaints, 11 runs",
    )
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--only", default="", help="only the pages whose label has this text")
    args = parser.parse_args()
    if args.full:
        args.registrations, args.stakeholders, args.complaints = 1_000_000, 5_000, 100_000
    args.runs = args.runs or (11 if args.full else 5)
    harness.use_database("pages")
    harness.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bp3mi.models import User
    from complaints.models import Case
    from registrations.models import Registration
    from stakeholders.models import Stakeholder

    if not args.skip_seed:
        call_command(
            "seed_demo",
            registrations=args.registrations,
            stakeholders=args.stakeholders,
            complaints=args.complaints,
            stdout=io.StringIO(),
        )
    made = waiting_documents()
    if made:
        print(f"Documents waiting for review added: {made:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    clients, users = {}, {}
    for role, local in [
        ("officer", "verifikator"),
        ("kepala", "kepala"),
        ("complaints", "pengaduan"),
        ("data", "data"),
    ]:
        users[role] = User.objects.get(email=f"{local}@demo.bp3mi.test")
        clients[role] = Client()
        clients[role].force_login(users[role])
    database = f"{connection.vendor} {getattr(connection, 'pg_version', '')}".strip()
    print(
        f"{Registration.objects.count():,} registrations, {Stakeholder.objects.count():,} "
        f"stakeholders, {Case.objects.count():,} complaint cases on {database}; "
        f"{args.runs} runs each; server time in ms, target {TARGET_MS} ms"
    )
    print(f"At the start: {harness.machine()}")
    print()
    print("| page | median ms (min-max) | queries | |")
    print("|---|---:|---:|---|")
    over = []
    for label, role, url in pages(users):
        if args.only and args.only.lower() not in label.lower():
            continue
        timing, queries = measure(clients[role], url, args.runs)
        mark = "over" if timing.median > TARGET_MS else ""
        if mark:
            over.append(label)
        print(f"| {label} | {timing} | {queries} | {mark} |", flush=True)
    print()
    print(f"Over {TARGET_MS} ms (median): {', '.join(over) if over else 'none'}")
    print()
    plans(users)
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    sys.exit(main())
