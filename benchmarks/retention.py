"""The complaint retention sweep (`complaints.retention.case_retention_sweep`) on a backlog of
cases finished longer ago than the retention period: how long the first run takes, the
longest batch (the longest time one transaction holds its row locks), and the complaint
figures before and after (they must be equal).

Not part of the test suite. Run with the project's virtualenv:

    .venv/bin/python benchmarks/retention.py            # 3,000 finished cases
    .venv/bin/python benchmarks/retention.py --full     # 30,000 (twenty years of one office)

It uses its own database (benchmarks/harness.py: bp3mi_bench_retention beside DATABASE_URL's
PostgreSQL, else var/bench_retention.sqlite3), emptied first. Each case gets the timeline and
audit rows a handled case has (filed, two status changes, a note, a public update; created,
three updates, two views), written in bulk; attachments are left out (their files are
deleted after commit, outside the timed transaction).
"""

import argparse
import datetime
import time

import harness


def build(cases: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from bp3mi.models import AuditEvent, Country, Region
    from complaints.choices import CaseChannel, CaseStatus, ClosureReason, EventKind
    from complaints.models import Case, CaseEvent, ComplaintCategory

    categories = list(ComplaintCategory.objects.all())
    countries = list(Country.objects.all()[:20])
    regions = list(Region.objects.all())
    channels = [c for c in CaseChannel.values if c != CaseChannel.LAPOR]
    now = timezone.now()
    rows = []
    for i in range(cases):
        received = now - datetime.timedelta(days=2200 + i % 1500, hours=i % 24)
        resolved = i % 3 != 0
        rows.append(
            Case(
                number=f"ADU-BENCH-{i:06d}",
                tracking_code_hash="0" * 64,
                status=CaseStatus.RESOLVED if resolved else CaseStatus.CLOSED,
                category=categories[i % len(categories)],
                channel=channels[i % len(channels)],
                complainant_kind="family",
                complainant_relation="Ibu",
                complainant_name=f"Pengadu {i}",
                complainant_phone="+6281234567890",
                complainant_email=f"pengadu{i}@contoh.test",
                worker_name=f"Pekerja {i}",
                worker_nik=f"74710155{i:08d}",
                worker_region=regions[i % len(regions)],
                destination_country=countries[i % len(countries)],
                procedural=(None, True, False)[i % 3],
                description="Sudah tiga bulan tidak ada kabar. " * 5,
                consent=True,
                received_at=received,
                closed_at=received + datetime.timedelta(days=5 + i % 90),
                closure_reason="" if resolved else ClosureReason.UNREACHABLE,
                resolution_outcome="repatriated" if resolved else "",
                resolution_note="Dipulangkan melalui Nunukan" if resolved else "",
            )
        )
    Case.objects.bulk_create(rows, batch_size=2000)
    case_type = ContentType.objects.get_for_model(Case)
    events, audit = [], []
    for case in Case.objects.only("pk", "number", "received_at"):
        for kind, text in [
            (EventKind.FILED, f"Pengaduan diterima dengan nomor {case.number}."),
            (EventKind.STATUS, ""),
            (EventKind.NOTE, "Pengadu menelepon, nomor baru +6281300000000"),
            (EventKind.PUBLIC_UPDATE, "KBRI sudah dihubungi."),
            (EventKind.STATUS, "Dipulangkan melalui Nunukan"),
        ]:
            events.append(CaseEvent(case=case, kind=kind, text=text, created_at=case.received_at))
        for action, message, changes in [
            ("create", "Pengaduan dicatat", {}),
            ("update", "", {"complainant_phone": ["+6281200000000", "+6281234567890"]}),
            ("update", "Catatan: Catatan internal", {}),
            ("status", "Dipulangkan melalui Nunukan", {"status": ["mediasi", "selesai"]}),
            ("view", "Dilihat melalui pengaduan", {}),
            ("view", "Dilihat melalui pengaduan", {}),
        ]:
            audit.append(
                AuditEvent(
                    action=action,
                    content_type=case_type,
                    object_id=str(case.pk),
                    object_repr=case.number,
                    message=message,
                    changes=changes,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    AuditEvent.objects.bulk_create(audit, batch_size=5000)


def figures():
    from django.utils import timezone

    from reports.choices import ComplaintDimension
    from reports.selectors import complaint_report
    from reports.tables import period_custom

    today = timezone.localdate()
    period = period_custom(today - datetime.timedelta(days=6000), today)
    return [complaint_report(period=period, group_by=[d]).rows for d in ComplaintDimension] + [
        complaint_report(period=period, group_by=list(ComplaintDimension)).rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="30,000 cases instead of 3,000")
    parser.add_argument("--cases", type=int, default=None)
    args = parser.parse_args()
    cases = args.cases or (30_000 if args.full else 3_000)

    harness.use_database("retention", fresh=True)
    harness.setup_django()
    from django.conf import settings

    from complaints import retention
    from complaints.models import Case

    build(cases)
    before = figures()
    batches: list[float] = []
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        done = retention.case_anonymise_batch()
        if not done:
            break
        batches.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    anonymised = Case.objects.filter(anonymised_at__isnull=False).count()
    again = time.perf_counter()
    second = retention.case_retention_sweep()
    second_ms = (time.perf_counter() - again) * 1000

    print(harness.machine())
    print(
        f"{anonymised:,} of {cases:,} cases anonymised (RETENTION_CLOSED_CASE_DAYS="
        f"{settings.RETENTION_CLOSED_CASE_DAYS}) in {total:.1f} s, {anonymised / total:,.0f} "
        f"cases/s, {len(batches)} batches of {retention.BATCH_SIZE}"
    )
    print(
        f"one batch (one transaction): median {sorted(batches)[len(batches) // 2]:.0f} ms, "
        f"longest {max(batches):.0f} ms"
    )
    print(f"second run: {second} cases, {second_ms:.0f} ms")
    print(f"complaint figures equal before and after: {'yes' if figures() == before else 'NO'}")


if __name__ == "__main__":
    main()
