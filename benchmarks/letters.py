"""Benchmark of the verification letters and of a photo upload (not part of the test suite).

    .venv/bin/python benchmarks/letters.py [--letters 40]

1. Letters per minute with one Celery worker (concurrency 1): N registrations are signed,
   which queues N jobs; a worker process renders them (lock row, render with WeasyPrint,
   sign with the office certificate, store, hash) and the clock stops when the last row is
   READY. The signature alone is timed too, so the overhead can be read with or without it.
2. The floor: WeasyPrint rendering the same N letters' HTML alone, in one process.
   The ratio says what the portal adds on top of the bare render (target: under 20%).
3. Memory of one 5 MB photo upload through the upload view (multipart parsing, content
   check, re-encoding, storage): Python's peak (tracemalloc) and the process's peak
   resident size growth (getrusage), measured in a fresh process.

It runs against DATABASE_URL when set (a database for benchmarks: rows are added to it),
otherwise a throw-away SQLite database; media and the filesystem queue live in a temporary
directory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_environment(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bp3mi.settings",
        # A benchmark database if one is given (make benchmark: PostgreSQL), else SQLite.
        "DATABASE_URL": os.environ.get("DATABASE_URL", "")
        or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        # Redis as in production when REDIS_URL is set; otherwise the embedded filesystem
        # queue, whose one-second polling shows up in the worker's figure.
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "") or "filesystem://",
        "CELERY_QUEUE_DIR": str(workdir / "queue"),
        "CELERY_TASK_DEFAULT_QUEUE": f"bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
    }
    # The cache stays local: only the broker is shared with the worker.
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    return env


def django_setup():
    import django

    django.setup()


def make_signed_letters(count: int) -> list[int]:
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from bp3mi import roles
    from documents.services import letter_sign
    from tests.documents.helpers import verified_registration
    from tests.factories import ApplicantFactory, RegistrationFactory, UserFactory

    # Start the factories' sequences past anything an earlier run left in the database.
    start = int(time.time()) % 100_000
    for factory_class in (UserFactory, ApplicantFactory, RegistrationFactory):
        factory_class.reset_sequence(start)
    verifikator = UserFactory(roles=[roles.VERIFIKATOR])
    kepala = UserFactory(roles=[roles.KEPALA])
    ids = []
    for _ in range(count):
        registration = verified_registration(verifikator=verifikator)
        with transaction.atomic():
            ids.append(letter_sign(registration=registration, by=kepala).pk)
    return ids


def run_worker_until_ready(env, ids: list[int]) -> float:
    from documents.models import Letter

    started = time.perf_counter()
    worker = subprocess.Popen(
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
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        # Steady state: from the first letter READY to the last, so the worker's start-up
        # and its first job (importing WeasyPrint, loading fonts) are left out, as the
        # bare render below is warmed up too.
        first = None
        while True:
            letters = Letter.objects.filter(pk__in=ids)
            ready = letters.filter(status="ready").count()
            if first is None and ready:
                first = time.perf_counter()
            if ready == len(ids):
                break
            if letters.filter(status="failed").exists():
                raise SystemExit("a letter failed; see the worker output")
            if time.perf_counter() - started > 900:
                raise SystemExit("the worker did not finish within 15 minutes")
            time.sleep(0.02)
        return time.perf_counter() - first
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def bare_render(ids: list[int]) -> float:
    from documents import letters
    from documents.models import Document, Letter

    html = []
    for letter in Letter.objects.filter(pk__in=ids).select_related(
        "registration__applicant", "registration__destination_country", "signed_by"
    ):
        documents = list(
            Document.objects.filter(
                registration=letter.registration, is_current=True, status="disetujui"
            ).select_related("document_type")
        )
        html.append(letters.letter_html(letter, documents))
    letters.render_pdf(html[0])  # warm fonts and caches, as the worker's first job does
    started = time.perf_counter()
    for page in html[1:]:
        letters.render_pdf(page)
    return time.perf_counter() - started


def signing_only(ids: list[int]) -> list[float]:
    """The PAdES signature (pyHanko, the office key) alone on each ready letter's unsigned
    render: what signing adds to a letter, in seconds, one figure per letter."""
    from documents import letters, signing
    from documents.models import Letter
    from documents.selectors import letter_documents

    pdfs = [
        letters.render_pdf(
            letters.letter_html(letter, letter_documents(registration=letter.registration))
        )
        for letter in Letter.objects.filter(pk__in=ids).select_related(
            "registration__applicant", "signed_by"
        )
    ]
    signing.sign_pdf(pdfs[0], signer_name="x", reason="x", location="x")  # load the key
    times = []
    for pdf in pdfs[1:]:
        started = time.perf_counter()
        signing.sign_pdf(pdf, signer_name="x", reason="x", location="x")
        times.append(time.perf_counter() - started)
    return times


def interleaved(ids: list[int]) -> tuple[float, float]:
    """`letter_generate` (the whole job body) and the bare render of the same letter's HTML,
    alternated letter by letter in one process so that a busy machine slows both alike."""
    from documents import letters
    from documents.models import Document, Letter
    from documents.services import letter_generate

    job = bare = 0.0
    for letter_id in ids:
        letter = Letter.objects.select_related(
            "registration__applicant", "registration__destination_country", "signed_by"
        ).get(pk=letter_id)
        documents = list(
            Document.objects.filter(
                registration=letter.registration, is_current=True, status="disetujui"
            ).select_related("document_type")
        )
        html = letters.letter_html(letter, documents)
        t0 = time.perf_counter()
        letters.render_pdf(html)
        t1 = time.perf_counter()
        letter_generate(letter_id=letter_id)
        t2 = time.perf_counter()
        bare += t1 - t0
        job += t2 - t1
    return job, bare


UPLOAD_CHILD = r"""
import io, json, os, resource, sys, tracemalloc
import django
django.setup()
from django.test import Client
from django.core.management import call_command
from PIL import Image
from tests.factories import ApplicantFactory, RegistrationFactory, UserFactory
from bp3mi import roles
from registrations.choices import RegistrationStatus

call_command("migrate", verbosity=0)
# Unique names: the database may already hold rows made by the same factories.
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


def upload_memory(env) -> dict:
    child_env = {
        **env,
        "DATABASE_URL": env["DATABASE_URL"].replace("bench.sqlite3", "upload.sqlite3"),
    }
    out = subprocess.run(
        [sys.executable, "-c", UPLOAD_CHILD],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bp3mi-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "queue").mkdir()
        env = setup_environment(workdir)
        django_setup()
        ids = make_signed_letters(args.letters)
        worker_seconds = run_worker_until_ready(env, ids)
        bare_seconds = bare_render(ids)
        sign_times = sorted(signing_only(ids))
        # Letters for the in-process comparison are signed after the worker has stopped.
        in_process_ids = make_signed_letters(args.letters)[1:]
        job_seconds, job_bare_seconds = interleaved(in_process_ids)
        memory = upload_memory(env)
    n = args.letters - 1  # both figures leave out the first (warm-up) letter
    portal_rate = n / worker_seconds * 60
    bare_rate = n / bare_seconds * 60
    overhead = (worker_seconds / bare_seconds - 1) * 100
    print(f"letters timed: {n}, broker: {env['CELERY_BROKER_URL'].split(':')[0]}")
    print(
        f"one worker:        {portal_rate:7.1f} letters/min ({worker_seconds / n * 1000:.0f} ms each)"
    )
    print(
        f"bare WeasyPrint:   {bare_rate:7.1f} letters/min ({bare_seconds / n * 1000:.0f} ms each)"
    )
    print(f"portal overhead:   {overhead:+.1f}% over the bare render")
    print(
        f"PAdES signing alone: median {sign_times[len(sign_times) // 2] * 1000:.0f} ms "
        f"(min {sign_times[0] * 1000:.0f}, max {sign_times[-1] * 1000:.0f}) a letter"
    )
    print(
        f"in one process, alternating: letter_generate {job_seconds / n * 1000:.0f} ms, "
        f"bare render {job_bare_seconds / n * 1000:.0f} ms each: "
        f"{(job_seconds / job_bare_seconds - 1) * 100:+.1f}%"
    )
    print(
        f"5 MB photo upload: {memory['photo_bytes'] / 1048576:.2f} MB file, "
        f"Python peak {memory['tracemalloc_peak'] / 1048576:.1f} MB, "
        f"resident growth {memory['rss_growth_kib'] / 1024:.1f} MB"
    )


if __name__ == "__main__":
    main()
