"""Memory of eight concurrent document uploads (not part of the test suite).

    .venv/bin/python benchmarks/uploads.py

Eight CPMI accounts upload at the same moment, each from its own thread through Django's test
client (the real upload view: multipart parsing, the size-limit handler, the content check,
re-encoding, storage, the database row). Each kind of file runs in a fresh process:

- `photo`: a 24-megapixel phone photo (6000 x 4000 JPEG), accepted and stored at 2400 px;
- `scan`: the largest PNG the decoding budget lets through (3600 x 2800, 10 megapixels;
  an A4 page scanned at 300 dpi is 8.7), accepted;
- `square_png`: a ~150 KB PNG of 7070 x 7070 pixels, refused from its header;
- `bomb`: a PNG claiming 20000 x 20000 pixels, refused as a decompression bomb.

For each: Python's peak allocation (tracemalloc) and the growth of the process's peak
resident size (VmHWM) over the eight uploads, divided by eight. Pillow decodes into memory
that tracemalloc does not see, hence both figures; the resident one is what the machine
pays. The target is under 100 MB per upload.

The database is the benchmark's own (benchmarks/harness.py: bp3mi_bench_uploads next to
DATABASE_URL's PostgreSQL, else var/bench_uploads.sqlite3), emptied first and dropped at the
end; media live in a temporary directory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import harness

ROOT = harness.ROOT
CONCURRENT = 8
KINDS = ["photo", "scan", "square_png", "bomb"]
MB = 1024 * 1024


def peak_resident_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def make_file(kind: str) -> tuple[str, str, bytes]:
    """(document type code, file name, content)."""
    from PIL import Image

    from tests.documents.files import white_png

    if kind == "photo":
        # A smooth gradient with a little noise: a photo's size class, built without keeping
        # several full-size copies around before the measurement starts.
        image = Image.linear_gradient("L").resize((6000, 4000))
        image = Image.merge("RGB", [image, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), image])
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=90)
        del image
        return "status_kawin", "foto.jpg", out.getvalue()
    if kind == "scan":
        image = Image.linear_gradient("L").resize((3600, 2800)).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="PNG")
        del image
        return "status_kawin", "pindaian.png", out.getvalue()
    if kind == "square_png":
        return "ktp", "ktp.png", white_png(7070, 7070)
    if kind == "bomb":
        return "ktp", "ktp.png", white_png(20000, 20000, rows=1)
    raise ValueError(kind)


def run_kind(kind: str, path: Path) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from bp3mi import roles
    from documents.models import Document
    from registrations.choices import RegistrationStatus
    from tests.factories import ApplicantFactory, RegistrationFactory, UserFactory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    code, name = json.loads(path.with_suffix(".json").read_text())
    content = path.read_bytes()
    run = os.getpid()
    # Start the factories' sequences past anything an earlier run left in the database.
    for factory_class in (UserFactory, ApplicantFactory, RegistrationFactory):
        factory_class.reset_sequence(int(time.time() * 10) % 10_000_000)
    registrations = []
    for i in range(CONCURRENT):
        user = UserFactory(roles=[roles.CPMI], email=f"unggah-{run}-{i}@bench.test")
        applicant = ApplicantFactory(user=user)
        registration = RegistrationFactory(applicant=applicant, status=RegistrationStatus.SUBMITTED)
        registrations.append((user, registration))
    connection.close()

    barrier = threading.Barrier(CONCURRENT)
    results: list[int] = []

    def one(user, registration):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection as thread_connection

        client = Client()
        client.force_login(user)
        url = reverse("documents:upload", kwargs={"pk": registration.pk, "code": code})
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        barrier.wait()
        response = client.post(url, {"file": upload})
        results.append(response.status_code)
        thread_connection.close()

    before = peak_resident_kib()
    tracemalloc.start()
    threads = [threading.Thread(target=one, args=pair) for pair in registrations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = peak_resident_kib()
    stored = Document.objects.filter(registration__in=[r for _, r in registrations]).count()
    return {
        "kind": kind,
        "file_bytes": len(content),
        "statuses": sorted(results),
        "stored": stored,
        "python_peak_mb": python_peak / MB,
        "resident_growth_mb": (after - before) / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        print(json.dumps(run_kind(args.kind, args.file)))
        return
    harness.use_database("uploads", fresh=True)
    with tempfile.TemporaryDirectory(prefix="bp3mi-bench-uploads-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",
        }
        # A local cache: the upload quotas count per run, not across runs.
        env.pop("REDIS_URL", None)
        print(f"{CONCURRENT} concurrent uploads, one thread each, through the upload view")
        worst = 0.0
        for kind in KINDS:
            # The file is made here, so its making does not count in the measuring process.
            code, name, content = make_file(kind)
            path = workdir / kind
            path.write_bytes(content)
            path.with_suffix(".json").write_text(json.dumps([code, name]))
            del content
            output = subprocess.run(
                [sys.executable, __file__, "--kind", kind, "--file", str(path)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if output.returncode:
                sys.exit(f"{kind} failed:\n{output.stderr}")
            output = output.stdout
            figures = json.loads(output.strip().splitlines()[-1])
            per_upload = figures["resident_growth_mb"] / CONCURRENT
            worst = max(worst, per_upload)
            print(
                f"{kind:>11}: {figures['file_bytes'] / MB:5.2f} MB file, "
                f"answers {figures['statuses']}, {figures['stored']} stored; "
                f"Python peak {figures['python_peak_mb']:6.1f} MB, "
                f"resident growth {figures['resident_growth_mb']:6.1f} MB "
                f"({per_upload:5.1f} MB per upload)"
            )
        verdict = "within" if worst < 100 else "OVER"
        print(
            f"worst per upload: {worst:.1f} MB ({verdict} the 100 MB target); {harness.machine()}"
        )
    harness.drop_database("uploads")
    harness.require(worst < 100, f"an upload took {worst:.1f} MB (target: under 100 MB)")


if __name__ == "__main__":
    main()
