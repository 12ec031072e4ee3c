"""The stakeholder import job on a large file: the check (preview) and the write (not part
of the test suite).

    .venv/bin/python benchmarks/stakeholder_import.py                # 1,000 new rows
    .venv/bin/python benchmarks/stakeholder_import.py --full         # 50,000 new rows
    .venv/bin/python benchmarks/stakeholder_import.py --reimport     # then the same file again

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_import next to
DATABASE_URL's PostgreSQL, else var/bench_import.sqlite3), emptied first. The file is a CSV
written as staff would export it: 60% P3MI with their SIP3MI licence, 25% LPK with two
vocations, 15% clinics, each with region, phone and NIB. Both stages run through the job
services exactly as the worker runs them (`import_job_check`, `import_job_confirm`,
`import_job_write`), in this process, timed with their own clock, with the resident memory
each stage adds (harness.resident_growth). Every row must be created (the first time) or
matched (`--reimport`: every row then matches an existing stakeholder and goes through the
row-by-row update path; nothing differs, so nothing is written but the comparison is made
for every row).
"""

import io
import os
import sys
import tempfile
import time

import harness

PREFIX = "Lembaga Impor Beban"


def make_csv(rows: int) -> bytes:
    from bp3mi.models import Region

    regions = list(Region.objects.values_list("name", flat=True))
    out = io.StringIO()
    out.write(
        "jenis,nama,kab_kota,telepon,nib,jenis_kantor,kejuruan,nomor_izin,"
        "tanggal_terbit,berlaku_sampai\n"
    )
    for n in range(rows):
        region = regions[n % len(regions)]
        phone = f"0812{n:08d}"
        nib = f"93{n:011d}"
        share = n % 20
        if share < 12:
            out.write(
                f"p3mi,{PREFIX} P3MI {n:05d},{region},{phone},{nib},cabang,,"
                f"BEBAN/P3MI/{n},2025-01-02,2030-01-01\n"
            )
        elif share < 17:
            out.write(
                f"lpk,{PREFIX} LPK {n:05d},{region},{phone},{nib},,Kejuruan Beban 1;"
                f"Kejuruan Beban 2,,,\n"
            )
        else:
            out.write(f"klinik,{PREFIX} Klinik {n:05d},{region},{phone},{nib},,,,,\n")
    return out.getvalue().encode()


def stage(label: str, work) -> dict:
    done = {}

    def run():
        started = time.perf_counter()
        done["job"] = work()
        done["s"] = time.perf_counter() - started

    memory = harness.resident_growth(run)
    return {"stage": label, **done, "added_mib": memory.mib}


def run_import(content: bytes, user, label: str) -> list[dict]:
    from django.test import TestCase

    from stakeholders.models import ImportJob
    from stakeholders.services import (
        import_job_check,
        import_job_confirm,
        import_job_create,
        import_job_write,
    )

    with TestCase.captureOnCommitCallbacks(execute=False):  # no broker: run in this process
        job = import_job_create(
            by=user, name="beban.csv", handle=io.BytesIO(content), size=len(content)
        )
    results = [stage(f"{label}: check", lambda: import_job_check(job_id=job.pk))]
    checked = results[0]["job"]
    harness.require(
        checked.status == ImportJob.Status.READY and checked.error_count == 0,
        f"the check: {checked.error} {checked.summary.get('errors', [])[:3]}",
    )
    with TestCase.captureOnCommitCallbacks(execute=False):
        import_job_confirm(job=checked, by=user)
    results.append(stage(f"{label}: write", lambda: import_job_write(job_id=job.pk)))
    written = results[1]["job"]
    harness.require(written.status == ImportJob.Status.READY, f"the write: {written.error}")
    for row in results:
        row["rows"] = written.rows_total
        row["created"], row["updated"] = written.create_count, written.update_count
    return results


def main() -> None:
    parser = harness.Options(__doc__, sizes={"rows": (1_000, 50_000)}, seeded=False)
    parser.add_argument("--reimport", action="store_true", help="then the same file again")
    args = parser.parse_args()
    harness.use_database("import", fresh=True)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bp3mi-bench-import-")
    harness.setup_django()
    from bp3mi.models import Region, User
    from stakeholders.models import Stakeholder, Vocation

    harness.seed()  # the reference data (regions) the file names
    for n in (1, 2):
        Vocation.objects.get_or_create(name=f"Kejuruan Beban {n}")
    user, _created = User.objects.get_or_create(
        email="beban-impor@contoh.test", defaults={"full_name": "Staf Beban"}
    )
    harness.require(Region.objects.exists(), "no region to name in the file")
    content = make_csv(args.rows)
    print(
        f"file: {args.rows:,} rows, {len(content) / 1024 / 1024:.1f} MB, CSV; "
        f"{harness.database()}; {harness.machine()}",
        flush=True,
    )
    results = run_import(content, user, "new rows")
    harness.require(
        results[-1]["created"] == args.rows, f"{results[-1]['created']} of {args.rows} created"
    )
    if args.reimport:
        results += run_import(content, user, "same file again")
        harness.require(
            results[-1]["created"] == 0, f"{results[-1]['created']} created again on re-import"
        )
    harness.require(
        Stakeholder.objects.filter(name__startswith=PREFIX).count() == args.rows,
        "the directory does not hold every imported row once",
    )
    print()
    print("| stage | rows | created / updated | time | rows per second | added resident |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['stage']} | {row['rows']:,} | {row['created']:,} / {row['updated']:,} "
            f"| {row['s']:.1f} s | {row['rows'] / row['s']:,.0f} | {row['added_mib']:.1f} MiB |"
        )
    print()
    print(f"At the end: {harness.machine()}")


if __name__ == "__main__":
    sys.exit(main())
