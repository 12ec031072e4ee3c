"""The stakeholder import job on a 50,000-row file: the check (preview) and the write.

Not part of the test suite. Run with the project's virtualenv against PostgreSQL:

    .venv/bin/python benchmarks/stakeholder_import.py               # 50,000 new rows
    .venv/bin/python benchmarks/stakeholder_import.py --rows 5000   # a quicker look
    .venv/bin/python benchmarks/stakeholder_import.py --reimport    # then the same file again

It uses its own database, bp3mi_bench_import on the PostgreSQL server of DATABASE_URL
(BENCH_DATABASE_URL names another), creates and migrates it, and removes what an earlier run
imported. The file is a CSV written as staff would export it: 60% P3MI with their SIP3MI
licence, 25% LPK with two vocations, 15% clinics, each with region, phone and NIB. Both
stages run through the job services exactly as the worker runs them (`import_job_check`,
`import_job_confirm`, `import_job_write`), in this process, timed with their own clock. Peak
resident memory is reset (Linux `clear_refs`) before each stage and the peak added by the
stage is reported. `--reimport` uploads the same file again: every row then matches an
existing stakeholder and goes through the row-by-row update path (nothing differs, so
nothing is written but the comparison is made for every row).
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_NAME = "bp3mi_bench_import"
PREFIX = "Lembaga Impor Beban"


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


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


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
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak
    baseline = _rss_kb("VmRSS")
    start = time.perf_counter()
    job = work()
    elapsed = time.perf_counter() - start
    added = _rss_kb("VmHWM") - baseline
    return {"stage": label, "job": job, "s": elapsed, "added_mb": added / 1024}


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
    assert checked.status == ImportJob.Status.READY and checked.error_count == 0, (
        checked.error,
        checked.summary.get("errors", [])[:3],
    )
    with TestCase.captureOnCommitCallbacks(execute=False):
        import_job_confirm(job=checked, by=user)
    results.append(stage(f"{label}: write", lambda: import_job_write(job_id=job.pk)))
    written = results[1]["job"]
    assert written.status == ImportJob.Status.READY, written.error
    for row in results:
        row["rows"] = written.rows_total
        row["created"], row["updated"] = written.create_count, written.update_count
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--reimport", action="store_true")
    args = parser.parse_args()

    url = bench_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bp3mi.models import AuditEvent, User
    from stakeholders.models import ImportJob, Stakeholder, Vocation

    old = Stakeholder.objects.filter(name__startswith=PREFIX)
    AuditEvent.objects.filter(
        content_type__model="stakeholder",
        object_id__in=[str(pk) for pk in old.values_list("pk", flat=True)],
    ).delete()
    old.delete()
    ImportJob.objects.all().delete()
    for n in (1, 2):
        Vocation.objects.get_or_create(name=f"Kejuruan Beban {n}")
    user, _created = User.objects.get_or_create(
        email="beban-impor@contoh.test", defaults={"full_name": "Staf Beban"}
    )
    content = make_csv(args.rows)
    print(f"file: {args.rows} rows, {len(content) / 1024 / 1024:.1f} MB, CSV", flush=True)
    results = run_import(content, user, "new rows")
    if args.reimport:
        results += run_import(content, user, "same file again")
    for row in results:
        print(
            json.dumps(
                {
                    "stage": row["stage"],
                    "rows": row["rows"],
                    "created": row["created"],
                    "updated": row["updated"],
                    "seconds": round(row["s"], 1),
                    "rows_per_second": round(row["rows"] / row["s"]),
                    "added_resident_mb": round(row["added_mb"], 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
