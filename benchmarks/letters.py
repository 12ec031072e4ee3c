"""Verification letters through one Celery worker against the same letters made without the
job, and the memory of a photo upload (not part of the test suite).

    .venv/bin/python benchmarks/letters.py            # 5 rounds of 3 letters (a minute or two)
    .venv/bin/python benchmarks/letters.py --full     # 15 rounds of 4 letters
    .venv/bin/python benchmarks/letters.py --rounds 9 --per-round 2

1. Worker against the letter made without the job, alternated round by round in one
   process. Every letter is signed first (its job parked on a queue no worker reads). One
   worker (concurrency 1, prefork, as in production) runs on another queue and is warmed up
   by one letter. Then each round: A sends K letters' jobs to the worker and stops the clock
   when the last is READY (broker round trip, worker, lock, HTML, render, PAdES signature,
   store, hash, audit); B makes the same K letters in this process without the job: each
   letter's HTML (its data, template and QR code), its PDF with WeasyPrint, and the office's
   signature on it. Each part of B is timed, so A is also compared with the unsigned render
   (B minus the signature) and with the PDF alone (B minus the HTML and the signature). The
   ratio A/B per round, its median and min-max: the target is at most 1.2.
2. The job body alone (`letter_generate` in this process) against the same B, alternated the
   same way: what the service adds without the worker path.
3. The memory of one 5 MB photo upload through the upload view (multipart parsing, content
   check, re-encoding, storage), in a fresh process: Python's peak (tracemalloc) and resident
   growth.

Every letter must end READY and a letter made by the worker must carry a valid signature.
The database is the benchmark's own (see benchmarks/harness.py: bp3mi_bench_letters next to
DATABASE_URL's PostgreSQL, else var/bench_letters.sqlite3), emptied at the start. The broker is
REDIS_URL's Redis when set, else the embedded filesystem queue (whose polling shows in A).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

ROOT = harness.ROOT
POLL_SECONDS = 0.005


def configure(workdir: Path) -> dict[str, str]:
    """The environment of this process and of the worker it starts."""
    token = f"{os.getpid()}-{int(time.time())}"
    env = {
        "MEDIA_ROOT": str(workdir / "media"),
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "") or "filesystem://",
        "CELERY_QUEUE_DIR": str(workdir / "queue"),
        # Jobs queued by signing wait here; the worker reads only BENCH_WORK_QUEUE.
        "CELERY_TASK_DEFAULT_QUEUE": f"bench-park-{token}",
        "BENCH_WORK_QUEUE": f"bench-work-{token}",
        "EMAIL_URL": "dummymail://",
    }
    os.environ.update(env)
    # The cache stays local: only the broker is shared with the worker.
    os.environ.pop("REDIS_URL", None)
    return dict(os.environ)


def sign_letters(count: int) -> list[int]:
    from django.db import transaction

    from bp3mi import roles
    from documents.services import letter_sign
    from tests.documents.helpers import verified_registration
    from tests.factories import UserFactory

    verifikator = UserFactory(roles=[roles.VERIFIKATOR])
    kepala = UserFactory(roles=[roles.KEPALA])
    ids = []
    for _ in range(count):
        registration = verified_registration(verifikator=verifikator)
        with transaction.atomic():
            ids.append(letter_sign(registration=registration, by=kepala).pk)
    return ids


def letter_and_html(letter_id: int):
    """The letter and the HTML the job renders for it, built the way `letter_generate` builds
    it."""
    from documents import letters
    from documents.models import Letter
    from documents.selectors import letter_documents

    letter = Letter.objects.select_related(
        "registration__applicant", "registration__destination_country", "signed_by"
    ).get(pk=letter_id)
    return letter, letters.letter_html(letter, letter_documents(registration=letter.registration))


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bp3mi",
            "worker",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            env["BENCH_WORK_QUEUE"],
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )


def through_worker(ids: list[int], queue: str, timeout: float = 300) -> None:
    """Send these letters' jobs to the worker and return when all are READY."""
    from documents.models import Letter
    from documents.tasks import letter_generate_task

    for letter_id in ids:
        letter_generate_task.apply_async(args=[letter_id], queue=queue)
    started = time.perf_counter()
    while True:
        statuses = list(Letter.objects.filter(pk__in=ids).values_list("status", flat=True))
        if statuses.count("ready") == len(ids):
            return
        if "failed" in statuses:
            raise SystemExit("a letter failed; see the worker output")
        if time.perf_counter() - started > timeout:
            raise SystemExit("the worker did not finish in time")
        # Each look is a query (about 0.3 ms on the other core): often enough to see READY
        # within a few ms, rarely enough not to take the CPU the worker needs.
        time.sleep(POLL_SECONDS)


UPLOAD_CHILD = r"""
import io, json, os, resource, sys, tracemalloc
sys.path.insert(0, os.environ["BENCH_ROOT"])
import django
django.setup()
from django.test import Client
from PIL import Image
from tests.factories import ApplicantFactory, RegistrationFactory, UserFactory
from bp3mi import roles
from registrations.choices import RegistrationStatus

# The parent made its people with the same factories: continue their sequences far above.
for factory_class in (UserFactory, ApplicantFactory, RegistrationFactory):
    factory_class.reset_sequence(5000)
run = os.urandom(4).hex()
user = UserFactory(roles=[roles.CPMI], email=f"upload-{run}@bench.test")
registration = RegistrationFactory(
    applicant=ApplicantFactory(user=user),
    status=RegistrationStatus.SUBMITTED,
    number=f"REG-2099-{int(run, 16) % 1000000:06d}",
)
# A noisy camera photo compresses badly: ~5 MB as JPEG.
image = Image.frombytes("RGB", (2600, 2600), os.urandom(2600 * 2600 * 3))
buffer = io.BytesIO()
quality = 95
image.save(buffer, format="JPEG", quality=quality)
photo = buffer.getvalue()
while len(photo) > 5 * 1024 * 1024 - 4096:
    quality -= 2
    buffer = io.BytesIO(); image.save(buffer, format="JPEG", quality=quality); photo = buffer.getvalue()
del image, buffer
client = Client()
client.force_login(user)
url = f"/dokumen/pendaftaran/{registration.pk}/unggah/surat_sehat/"
client.get(url)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
response = client.post(url, {"file": io.BytesIO(photo)}, format="multipart")
current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert response.status_code == 302, response.content[-2000:]
print(json.dumps({"photo_bytes": len(photo), "tracemalloc_peak": peak, "rss_growth_kib": after - before}))
"""


def upload_memory(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", UPLOAD_CHILD],
        cwd=ROOT,
        env={**env, "BENCH_ROOT": str(ROOT)},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"the upload measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = harness.Options(__doc__, sizes={"per_round": (3, 4)}, rounds=(5, 15), seeded=False)
    args = parser.parse_args()
    harness.use_database("letters", fresh=True)
    with tempfile.TemporaryDirectory(prefix="bp3mi-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "queue").mkdir()
        env = configure(workdir)
        harness.setup_django()
        from bp3mi.pdf import render_pdf
        from documents import signing
        from documents.models import Letter
        from documents.services import letter_generate, letter_pdf_signed

        k = args.per_round
        worker_ids = sign_letters(1 + args.rounds * k)
        job_ids = sign_letters(1 + args.rounds * k)

        # Per round, per letter: the HTML part and the signature part of the bare side, so A
        # is also compared with the unsigned render (B minus the signature) and with the PDF
        # alone (B minus the HTML and the signature).
        html_ms: list[float] = []
        sign_ms: list[float] = []

        def bare(batch):
            """The letter made without the job: its HTML (data, template, QR code), its PDF
            (WeasyPrint), and the office's signature on it, each timed."""
            spent_html = spent_sign = 0.0
            for pk in batch:
                started = time.perf_counter()
                letter, page = letter_and_html(pk)
                html_done = time.perf_counter()
                pdf = render_pdf(page)
                sign_started = time.perf_counter()
                letter_pdf_signed(letter=letter, pdf=pdf)
                spent_sign += time.perf_counter() - sign_started
                spent_html += html_done - started
            html_ms.append(spent_html * 1000 / k)
            sign_ms.append(spent_sign * 1000 / k)

        def batches(ids):
            return [ids[1 + i * k : 1 + (i + 1) * k] for i in range(args.rounds)]

        worker = start_worker(env)
        try:
            through_worker(worker_ids[:1], env["BENCH_WORK_QUEUE"])  # start-up, fonts, caches
            bare(worker_ids[:1])  # the same warm-up for the bare side
            html_ms.clear()
            sign_ms.clear()
            worker_side = harness.alternate_over(
                batches(worker_ids),
                a=lambda batch: through_worker(batch, env["BENCH_WORK_QUEUE"]),
                b=bare,
                per=k,
            )
        finally:
            worker.terminate()
            worker.wait(timeout=30)

        worker_parts = (html_ms[:], sign_ms[:])
        html_ms.clear()
        sign_ms.clear()
        letter_generate(letter_id=job_ids[0])  # warm-up
        job_side = harness.alternate_over(
            batches(job_ids),
            a=lambda batch: [letter_generate(letter_id=pk) for pk in batch],
            b=bare,
            per=k,
        )
        made = Letter.objects.filter(pk__in=worker_ids + job_ids)
        harness.require(
            made.filter(status=Letter.Status.READY).count() == len(worker_ids + job_ids),
            "a letter is not READY",
        )
        harness.require(
            signing.signature_check(made.get(pk=worker_ids[-1]).file.read()).ok,
            "a letter made by the worker is not validly signed",
        )
        memory = upload_memory(env)

    broker = env["CELERY_BROKER_URL"].split(":")[0]
    print(
        f"{args.rounds} alternated rounds of {k} letters; broker: {broker}; "
        f"database: {harness.database()}; {harness.machine()}"
    )
    print()
    print("| per letter | A median ms (min-max) | B median ms (min-max) | A/B median (min-max) |")
    print("|---|---:|---:|---:|")
    for label, side, (html_part, sign_part) in [
        ("one worker (queue to READY)", worker_side, worker_parts),
        ("job body in process (`letter_generate`)", job_side, (html_ms, sign_ms)),
    ]:
        unsigned = [b - s for b, s in zip(side.b.ms, sign_part, strict=True)]
        pdf_only = [u - h for u, h in zip(unsigned, html_part, strict=True)]
        print(side.row(f"A = {label}; B = the letter's HTML, PDF and signature"))
        print(harness.compare(side.a.ms, unsigned).row(f"A = {label}; B = the HTML and PDF"))
        print(harness.compare(side.a.ms, pdf_only).row(f"A = {label}; B = the PDF alone"))
    print()
    print(
        f"letters per minute through one worker: {60000 / worker_side.a.median:.0f} "
        f"(made without the job: {60000 / worker_side.b.median:.0f})"
    )
    print(
        f"parts of B: the letter's HTML {harness.Timing(worker_parts[0] + html_ms)}, "
        f"the PAdES signature {harness.Timing(worker_parts[1] + sign_ms)}"
    )
    print(
        f"5 MB photo upload: {memory['photo_bytes'] / 1048576:.2f} MB file, "
        f"Python peak {memory['tracemalloc_peak'] / 1048576:.1f} MB, "
        f"resident growth {memory['rss_growth_kib'] / 1024:.1f} MB"
    )
    harness.drop_database("letters")


if __name__ == "__main__":
    main()
