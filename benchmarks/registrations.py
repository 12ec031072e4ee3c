"""Server time and query count of the registration pages on a large database, and the
officers' list against the Django admin's list of the same rows (not part of the test suite).

    .venv/bin/python benchmarks/registrations.py                    # 20,000 registrations
    .venv/bin/python benchmarks/registrations.py --full             # 1,000,000 registrations
    BENCH_REGISTRATIONS_DATABASE_URL=postgres://.../bp3mi_bench_big \\
        .venv/bin/python benchmarks/registrations.py --registrations 100000

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_registrations next
to DATABASE_URL's PostgreSQL, else var/bench_registrations.sqlite3). It is kept between runs
and topped up to N synthetic registrations with `seed_demo --registrations N`; the demo CPMI
gets one of them with its history.

Each page is requested through Django's test Client (the whole view, template included,
signed in as the demo officer, CPMI or admin): median and min-max of the server time, and the
queries it makes. Pages: the first page, a deep page (seek cursor at the middle of the list)
and the last page, unfiltered, filtered and searched. Then the officers' list and the admin's
list, both 50 rows, the same filter, order and search, alternated request by request.
"""

from __future__ import annotations

import argparse
import io
import sys
from urllib.parse import quote, urlencode

import harness


def prepare_cpmi():
    """The demo CPMI's own registration, with history and milestones."""
    from bp3mi.models import User
    from registrations.choices import RegistrationStatus
    from registrations.models import Applicant, Milestone, Registration, StatusChange

    cpmi = User.objects.get(email="cpmi@demo.bp3mi.test")
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
    return cpmi, mine


def cursor_at(params: dict, depth: str) -> dict:
    """The query string of the officers' list page starting at `depth` ("middle", or a row
    number) of the list these filters give: found once with OFFSET, then a seek cursor."""
    from django.test import RequestFactory

    from bp3mi.models import User
    from bp3mi.pagination import KeysetPaginator
    from registrations import selectors
    from registrations.filters import RegistrationFilter

    officer = User.objects.get(email="verifikator@demo.bp3mi.test")
    request = RequestFactory().get("/", params)
    request.user = officer
    filterset = RegistrationFilter(request.GET, queryset=selectors.registration_list(user=officer))
    assert filterset.is_valid(), filterset.errors
    paginator = KeysetPaginator(filterset.qs, key=filterset.sort_key, per_page=50)
    ordered = paginator._segment("keyed", None, forward=True)
    offset = ordered.count() // 2 if depth == "middle" else int(depth)
    row = ordered[offset : offset + 1].first()
    if row is None:  # an empty list: its "deep page" is its first
        return params
    return {**params, "after": paginator.cursor_for(row)}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--full", action="store_true", help="1,000,000 registrations, 15 runs")
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    if args.full:
        args.registrations, args.runs = 1_000_000, 15
    harness.use_database("registrations")
    harness.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bp3mi.models import Country, Region, User
    from registrations.models import Registration

    if not args.skip_seed:
        call_command("seed_demo", registrations=args.registrations, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    cpmi, mine = prepare_cpmi()
    total = Registration.objects.count()
    clients = {}
    for role, email in [
        ("officer", "verifikator@demo.bp3mi.test"),
        ("cpmi", cpmi.email),
        ("admin", "admin@demo.bp3mi.test"),
    ]:
        clients[role] = Client()
        clients[role].force_login(User.objects.get(email=email))
    first_name = mine.applicant.full_name.split()[0]
    kendari = Region.objects.get(code_kemendagri="74.71")
    japan = Country.objects.get(iso_code="JP")
    officer_url = "/petugas/pendaftaran/?"

    lists = [
        ("no filter", {}),
        ("status + scheme", {"status": "terverifikasi", "scheme": "p2p"}),
        ("kab/kota + status", {"region": kendari.pk, "status": "diajukan"}),
        (
            "kab/kota + country, by name",
            {"region": kendari.pk, "country": japan.pk, "sort": "applicant__full_name"},
        ),
        ("by number", {"sort": "number"}),
        ("flag: no NIK (rare)", {"flag": "no_nik"}),
        ("a first name alone (thousands match)", {"q": first_name}),
    ]
    database = f"{connection.vendor} {getattr(connection, 'pg_version', '')}".strip()
    print(f"{total:,} registrations on {database}; {args.runs} runs each; server time in ms")
    print(f"At the start: {harness.machine()}")
    print()
    print("Officers' list (`/petugas/pendaftaran/`, 50 rows):")
    print()
    print("| list | page | median ms (min-max) | queries |")
    print("|---|---|---:|---:|")
    for label, params in lists:
        for page, query in [
            ("first", params),
            ("deep (middle)", cursor_at(params, "middle")),
            ("last", {**params, "last": "1"}),
        ]:
            timing, queries = measure(clients["officer"], officer_url + urlencode(query), args.runs)
            print(f"| {label} | {page} | {timing} | {queries} |")
    single = [
        (
            "Officer list, search by exact NIK",
            "officer",
            officer_url + urlencode({"q": mine.applicant.nik}),
        ),
        (
            "Officer list, search by full name",
            "officer",
            officer_url + f"q={quote(mine.applicant.full_name)}",
        ),
        ("Officer detail (with view log)", "officer", f"/petugas/pendaftaran/{mine.pk}/"),
        ("CPMI dashboard (/dasbor/)", "cpmi", "/dasbor/"),
        ("CPMI timeline", "cpmi", f"/pendaftaran/{mine.pk}/"),
    ]
    print()
    print("| page | median ms (min-max) | queries |")
    print("|---|---:|---:|")
    for label, role, url in single:
        timing, queries = measure(clients[role], url, args.runs)
        print(f"| {label} | {timing} | {queries} |")

    # Like with like: 50 rows on both sides, ordered by submission (newest first, then id),
    # the same filter or search; the admin cannot page past its count bound (1,000 rows), so
    # its deepest page is compared with the officers' page at the same row.
    admin_url = "/admin/registrations/registration/?"
    pairs = [
        ("status, first page", {"status": "terverifikasi"}, {"status__exact": "terverifikasi"}),
        (
            "status + scheme, first page",
            {"status": "terverifikasi", "scheme": "p2p"},
            {"status__exact": "terverifikasi", "scheme__exact": "p2p"},
        ),
        (
            "status, row 951 (admin page 20, its last)",
            cursor_at({"status": "terverifikasi"}, "950"),
            {"status__exact": "terverifikasi", "p": "20"},
        ),
        (
            "status + exact NIK",
            {"status": mine.status, "q": mine.applicant.nik},
            {"status__exact": mine.status, "q": mine.applicant.nik},
        ),
        (
            "status + a first name",
            {"status": "terverifikasi", "q": first_name},
            {"status__exact": "terverifikasi", "q": first_name},
        ),
    ]
    print()
    print("Officers' list (A) against the admin's list (B), alternated request by request:")
    print()
    print(harness.Comparison.HEADER.replace("what", "list"))
    for label, officer_params, admin_params in pairs:
        a_url = officer_url + urlencode(officer_params)
        b_url = admin_url + urlencode(admin_params)
        if total < 2_000 and "p" in admin_params:
            continue
        result = harness.alternate(
            a=lambda u=a_url: clients["officer"].get(u),
            b=lambda u=b_url: clients["admin"].get(u),
            rounds=args.runs,
        )
        for client, url in [(clients["officer"], a_url), (clients["admin"], b_url)]:
            assert client.get(url).status_code == 200, url
        print(result.row(label))
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    sys.exit(main())
