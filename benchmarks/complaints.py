"""The officers' complaint case list against the Django admin changelist of the same model
(not part of the test suite).

    .venv/bin/python benchmarks/complaints.py            # 10,000 cases, 7 rounds
    .venv/bin/python benchmarks/complaints.py --full     # 100,000 cases, 21 rounds

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_complaints next to
DATABASE_URL's PostgreSQL, else var/bench_complaints.sqlite3), emptied and seeded with
`seed_demo --complaints N` (`--skip-seed` reuses it as the last run left it). For each filter
combination it requests the officers' list (/petugas/pengaduan/) and the admin changelist
(/admin/complaints/case/) as the same user (the demo administrator, who sees every case on
both), with the same filters, the same sort (newest first) and the same page size (50),
alternated in one process (harness.alternate). It checks that both pages show the same case
numbers in the same order and reports each page's queries, each side's median and min-max and
the median ratio of the pairs with its min-max.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import harness


def case_numbers(response) -> list[str]:
    """The case numbers a page shows, in order (each once)."""
    return list(dict.fromkeys(re.findall(r"ADU-\d{4}-\d{5}", response.content.decode())))


def page(client, url: str):
    """The response and the number of queries it made; a page that is not 200 stops the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    harness.require(response.status_code == 200, f"{url} answered {response.status_code}")
    return response, len(captured.captured_queries)


def main() -> None:
    args = harness.Options(__doc__, sizes={"complaints": (10_000, 100_000)}, rounds=(7, 21))
    args = args.parse_args()
    harness.use_database("complaints", fresh=not args.skip_seed)
    harness.setup_django()
    from django.test import Client

    from bp3mi.models import Country, User
    from complaints.models import Case, ComplaintCategory

    if not args.skip_seed:
        print(
            f"seed_demo --complaints {args.complaints:,}: {harness.seed(complaints=args.complaints):.0f} s"
        )
    total = Case.objects.count()
    harness.require(
        args.skip_seed or total == args.complaints,
        f"{total:,} cases in the database, {args.complaints:,} wanted",
    )

    admin = User.objects.get(email="admin@demo.bp3mi.test")
    client = Client()
    client.force_login(admin)
    malaysia = Country.objects.get(iso_code="MY").pk
    lost = ComplaintCategory.objects.get(code="hilang-kontak").pk
    officer = User.objects.get(email="pengaduan@demo.bp3mi.test").pk
    number = Case.objects.order_by("pk").values_list("number", flat=True)[41]

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
        ("Search by case number", {"q": number}, {"q": number}),
        ("Search by a name", {"q": "Hasna"}, {"q": "Hasna"}),
    ]
    print(f"{total:,} cases on {harness.database()}; {args.rounds} alternated rounds; 50 rows")
    print(f"At the start: {harness.machine()}")
    print()
    print("Officers' list (A) against the admin changelist (B), same filter, sort and page size:")
    print()
    print(harness.Comparison.header("filter", "rows", "queries A / B"))
    for what, ours, theirs in scenarios:
        a_url = "/petugas/pengaduan/?" + urlencode(ours)
        b_url = "/admin/complaints/case/?" + urlencode(theirs)
        (a_page, a_queries), (b_page, b_queries) = page(client, a_url), page(client, b_url)
        rows = case_numbers(a_page)
        harness.require(rows == case_numbers(b_page), f"{what}: the two lists show different cases")
        harness.require(rows, f"{what}: no case matches, nothing is compared")
        result = harness.alternate(
            a=lambda u=a_url: client.get(u), b=lambda u=b_url: client.get(u), rounds=args.rounds
        )
        print(result.row(f"{what} | {len(rows)} | {a_queries} / {b_queries}"))
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    main()
