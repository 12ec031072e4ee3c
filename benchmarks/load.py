"""The whole portal under many simultaneous users: gunicorn with production settings,
PostgreSQL, Redis and a real Celery worker, driven by locust (not part of the test suite).

    .venv/bin/python benchmarks/load.py                 # 20 users for 20 s (a minute or two)
    .venv/bin/python benchmarks/load.py --full          # 50 users for 60 s, then 100 for 60 s
    .venv/bin/python benchmarks/load.py --users 100 --seconds 60 --profile var/load/profile

What the users do is benchmarks/loadtest/locustfile.py: anonymous pages, CPMI sign-up,
sign-in, registration and upload, officers' lists and reviews, complaint filing and tracking,
report requests. The script:

1. empties and seeds the benchmark's own database (bp3mi_bench_load, see benchmarks/harness.py):
   `seed_demo` (10,000 registrations, 300 stakeholders, 1,000 complaint cases), activated
   CPMI accounts for the journeys, registrations with pending documents for the reviews, and
   three signed letters for the letter check;
2. collects the static files as production does (hashed names, brotli and gzip copies);
3. starts gunicorn (`--workers`, `--threads`) with DJANGO_ENV=production and one Celery worker
   (concurrency 1) on REDIS_URL's Redis (the embedded filesystem broker without it), both
   behind no proxy but told to trust one (PROXY_COUNT=1): each simulated person sends their
   own address, so the rate limits apply per person, unchanged;
4. runs locust headless for each user count (the users start over 10 s; the figures count
   the `--seconds` after that) and prints, per request name, the count, the failures,
   p50/p95/p99 (ms), then the whole run's figures, throughput, the load average and the web
   workers' CPU time per request (from /proc: the figure a busy shared machine changes
   least); before the runs, the CPU time of one request to each main page;
5. with `--profile DIR`, records every web worker with py-spy during the largest run and
   prints where their time went.

It exits non-zero when any request failed (a 5xx, a 4xx, a form refused, a wrong redirect),
never because of a timing.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import harness

ROOT = harness.ROOT
WORK = ROOT / "var" / "load"
LOCUSTFILE = ROOT / "benchmarks" / "loadtest" / "locustfile.py"
BIN = Path(sys.executable).parent
RAMP = 10  # seconds over which the users start
PASSWORD = "beban-uji-2026-kata-sandi"  # noqa: S105 - accounts of a throw-away benchmark database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Data ---------------------------------------------------------------------------------------


def seed(*, registrations: int, runs: list[int], run_tag: str) -> list[dict]:
    """Seed the database; return one plan per run (what its locust users need)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction

    from bp3mi import roles
    from bp3mi.models import Country, Region, User
    from complaints.models import Case, ComplaintCategory
    from demo.complaints import DEMO_TRACKING_CODE
    from demo.management.commands.seed_demo import DEMO_DOMAIN
    from documents.choices import RejectReason
    from documents.selectors import requirements_for
    from documents.services import document_upload, letter_generate, letter_sign
    from registrations.choices import RegistrationStatus
    from registrations.models import Occupation, Registration
    from tests.documents.files import pdf_bytes
    from tests.documents.helpers import clean_pdf, verified_registration

    call_command(
        "seed_demo",
        registrations=registrations,
        stakeholders=300,
        complaints=1000,
        stdout=io.StringIO(),
    )
    # The demo officers sign in with the benchmark's password, as the CPMI accounts do.
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").update(password=make_password(PASSWORD))
    officer = User.objects.get(email=f"verifikator@{DEMO_DOMAIN}")
    uploader = User.objects.get(email=f"kepala@{DEMO_DOMAIN}")

    # Activated CPMI accounts, one per journey: 2 journeys a minute per user at most.
    wanted = sum(max(10, users) * 2 for users in runs)
    hashed = make_password(PASSWORD)
    cpmi = Group.objects.get(name=roles.CPMI)
    with transaction.atomic():
        accounts = User.objects.bulk_create(
            User(
                email=f"cpmi-{i}@bench.test",
                full_name=f"CPMI Beban {i}",
                phone="+6281200000000",
                password=hashed,
                is_active=True,
            )
            for i in range(wanted)
        )
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=account.pk, group_id=cpmi.pk) for account in accounts
        )
    emails = [account.email for account in accounts]

    # Registrations with every required document pending, for the officers' reviews.
    reviews = []
    submitted = Registration.objects.filter(status=RegistrationStatus.SUBMITTED).order_by("pk")
    for registration in submitted[: sum(max(10, users) // 2 for users in runs)]:
        for requirement in requirements_for(registration=registration):
            document = document_upload(
                registration=registration,
                document_type=requirement.document_type,
                clean=clean_pdf(),
                by=uploader,
            )
            reviews.append(
                {
                    "registration": registration.pk,
                    "document": document.pk,
                    "revision": document.revision,
                }
            )

    # Signed letters for the public letter check.
    from tests.factories import UserFactory

    verifikator = UserFactory(roles=[roles.VERIFIKATOR])
    kepala = UserFactory(roles=[roles.KEPALA])
    tokens = []
    for _ in range(3):
        with transaction.atomic():
            letter = letter_sign(
                registration=verified_registration(verifikator=verifikator), by=kepala
            )
        tokens.append(letter_generate(letter_id=letter.pk).token)

    pdf = WORK / "upload.pdf"
    pdf.write_bytes(pdf_bytes())
    regions = [
        {"pk": str(r.pk), "nik_prefix": r.nik_prefix}
        for r in Region.objects.filter(province_code="74")
    ]
    common = {
        "password": PASSWORD,
        "pdf": str(pdf),
        "officer": officer.email,
        "staff": f"data@{DEMO_DOMAIN}",
        "regions": regions,
        "country": Country.objects.get(iso_code="JP").pk,
        "occupation": Occupation.objects.filter(sector="formal").order_by("pk").first().pk,
        "complaint_country": Country.objects.get(iso_code="MY").pk,
        "complaint_categories": list(
            ComplaintCategory.objects.filter(is_active=True).values_list("pk", flat=True)
        ),
        "case_numbers": list(Case.objects.order_by("?").values_list("number", flat=True)[:200]),
        "tracking_code": DEMO_TRACKING_CODE,
        "letter_tokens": tokens,
        "reject_reason": RejectReason.ILLEGIBLE,
        "registration_ids": list(
            Registration.objects.exclude(status=RegistrationStatus.DRAFT)
            .order_by("?")
            .values_list("pk", flat=True)[:500]
        ),
        "directory_queries": ["", "", "?kind=lpk", "?kind=p3mi&page=2", "?q=kendari"],
        "registration_queries": [
            "",
            "",
            f"?status={RegistrationStatus.SUBMITTED}",
            "?scheme=g2g&sort=-submitted_at",
            f"?region={regions[0]['pk']}",
            f"?country={Country.objects.get(iso_code='MY').pk}&status={RegistrationStatus.VERIFIED}",
            "?q=siti",
        ],
    }
    plans, account_start, review_start = [], 0, 0
    for index, users in enumerate(runs):
        account_count, review_count = max(10, users) * 2, len(reviews) * users // sum(runs)
        plans.append(
            {
                **common,
                "run": f"{run_tag}-{index}",  # in the sign-up addresses: new ones each run
                # 10.0.0.0/8 addresses of their own for each run's people (below 2**24).
                "first_address": secrets.randbelow(2**24 - 2**16) + 1,
                "cpmi_accounts": emails[account_start : account_start + account_count],
                "reviews": reviews[review_start : review_start + review_count],
            }
        )
        account_start += account_count
        review_start += review_count
    return plans


def page_cpu() -> None:
    """CPU milliseconds of one request to each page, in this process (Django's test client,
    the seeded data, median of 7 after one warm-up): what each page costs a web worker,
    whatever else the machine runs."""
    from django.test import Client

    from bp3mi.models import User
    from demo.management.commands.seed_demo import DEMO_DOMAIN
    from registrations.models import Registration

    anonymous, officer, staff = Client(), Client(), Client()
    officer.force_login(User.objects.get(email=f"verifikator@{DEMO_DOMAIN}"))
    staff.force_login(User.objects.get(email=f"data@{DEMO_DOMAIN}"))
    registration = Registration.objects.exclude(number=None).order_by("pk").first().pk
    pages = [
        ("home", anonymous, "/"),
        ("directory", anonymous, "/direktori/"),
        ("public statistics", anonymous, "/statistik/"),
        ("sign-up page", anonymous, "/akun/daftar/"),
        ("complaint form", anonymous, "/pengaduan/"),
        ("officer list", officer, "/petugas/pendaftaran/"),
        ("officer list, filtered", officer, "/petugas/pendaftaran/?status=diajukan&scheme=p2p"),
        ("officer registration page", officer, f"/petugas/pendaftaran/{registration}/"),
        ("verification queue", officer, "/petugas/verifikasi/"),
        ("report form", staff, "/statistik/laporan/"),
    ]
    print("\n| page | CPU ms per request (min-max) |\n|---|---:|")
    for name, client, url in pages:
        client.get(url)
        timing = harness.timed(lambda c=client, u=url: c.get(u), runs=7, clock=time.process_time)
        print(f"| {name} | {timing.median:.1f} ({timing.low:.1f}-{timing.high:.1f}) |")


# --- Services -----------------------------------------------------------------------------------


def service_environment(*, queue: str) -> dict[str, str]:
    """The environment of gunicorn and the worker: production settings on this machine."""
    from documents.signing import signing_files

    files = signing_files()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            # A TLS-terminating proxy in front, as in production: it sets X-Forwarded-Proto
            # and X-Forwarded-For (the simulated people send them themselves).
            "PROXY_COUNT": "1",
            "STATIC_ROOT": str(WORK / "static"),
            "MEDIA_ROOT": str(WORK / "media"),
            "EMAIL_URL": f"filemail://{WORK / 'mail'}",
            "LETTER_SIGNING_KEY": str(files.key),
            "LETTER_SIGNING_CERT": str(files.cert),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_QUEUE_DIR": str(WORK / "queue"),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("DEBUG", None)
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310 - http only
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}): see {WORK / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  # nosec B310 - our own server
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- Figures ------------------------------------------------------------------------------------


def run_locust(*, users: int, seconds: int, host: str, plan: Path, prefix: Path) -> None:
    env = {**os.environ, "LOAD_PLAN": str(plan)}
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            # Everyone starts within RAMP seconds (not all signing in at the same instant);
            # the figures count from when all are running, for `seconds`.
            "--spawn-rate",
            str(max(1, users // RAMP)),
            "--reset-stats",
            "--run-time",
            f"{seconds + RAMP}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115 - closed with the process
        check=False,  # locust exits 1 on any failure: the CSV says which
    )


def report(prefix: Path, *, users: int, seconds: int, load: str, web_cpu: float) -> int:
    """Print the run's table and the web workers' CPU time per request (the figure a
    busy shared machine changes least); return the number of failures."""
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    pages = sorted(
        (row for row in rows if row["Name"] != "Aggregated"),
        key=lambda row: -int(row["Request Count"]),
    )
    print(f"\n### {users} users for {seconds} s ({load})\n")
    print(
        "| request | count | failures | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|"
    )
    for row in [*pages, total]:
        name = "**all**" if row is total else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} "
            f"| {row['95%']} | {row['99%']} |"
        )
    failures = int(total["Failure Count"])
    print(
        f"\nThroughput {float(total['Requests/s']):.1f} requests/s, {failures} failures, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms."
    )
    requests = int(total["Request Count"])
    if requests:
        per_request = 1000 * web_cpu / requests
        print(
            f"Web workers' CPU: {web_cpu:.1f} s for {requests} requests, {per_request:.1f} ms "
            f"per request: at most {os.cpu_count() * 1000 / per_request:.0f} requests/s on "
            f"{os.cpu_count()} cores given to them alone."
        )
    with open(f"{prefix}_failures.csv", newline="") as failed:
        for row in csv.DictReader(failed):
            print(f"  FAILED {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
    return failures


APPS = ("bp3mi/", "registrations/", "documents/", "stakeholders/", "complaints/", "reports/")


def profile_summary(folder: Path, limit: int = 12) -> None:
    """Where the web workers' busy samples went (py-spy raw output, every worker together):
    by the portal's view that served the request (Django's own views, the sign-in among
    them, under "Django view"), and the share spent hashing passwords."""
    views, total, hashing = collections.Counter(), 0, 0
    for path in folder.glob("worker-*.txt"):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = stack.split(";")
            total += int(count)
            hashing += int(count) * any(f.startswith("pbkdf2 ") for f in frames)
            view = next(
                (
                    name.split(".")[0]
                    for name, _, place in (f.partition(" (") for f in frames)
                    if place.startswith(APPS) and "/views.py" in place
                ),
                "Django view" if any("View.as_view" in f for f in frames) else "other",
            )
            views[view] += int(count)
    if not total:
        print("No profile samples.")
        return
    print(
        f"\nWeb workers' busy samples (py-spy): {total}; password hashing "
        f"{100 * hashing / total:.0f}%\n"
    )
    print("| view | share of samples |\n|---|---:|")
    for view, count in views.most_common(limit):
        print(f"| {view} | {100 * count / total:.0f}% |")


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="50 users, then 100, 60 s each")
    parser.add_argument("--users", type=int, nargs="+", help="user counts, one run each")
    parser.add_argument("--seconds", type=int, help="length of each run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--profile", type=Path, help="py-spy folder for the largest run")
    options = parser.parse_args()
    runs = options.users or ([50, 100] if options.full else [20])
    seconds = options.seconds or (60 if options.full else 20)

    WORK.mkdir(parents=True, exist_ok=True)
    for folder in ("media", "mail", "queue"):
        shutil.rmtree(WORK / folder, ignore_errors=True)
        (WORK / folder).mkdir()
    run_tag = f"{int(time.time())}"
    queue = f"load-{run_tag}"
    os.environ.update(
        {
            "MEDIA_ROOT": str(WORK / "media"),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_QUEUE_DIR": str(WORK / "queue"),
            "EMAIL_URL": "dummymail://",
        }
    )
    harness.use_database("load", fresh=True)
    harness.setup_django()
    started = time.monotonic()
    plans = seed(registrations=options.registrations, runs=runs, run_tag=run_tag)
    print(f"Seeded in {time.monotonic() - started:.0f} s. {harness.machine()}")
    page_cpu()
    from django.db import connections

    connections.close_all()

    env = service_environment(queue=queue)
    collectstatic(env)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    worker = start(
        [
            str(BIN / "celery"),
            "-A",
            "bp3mi",
            "worker",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        env,
        WORK / "celery.log",
    )
    server = start(
        [
            str(BIN / "gunicorn"),
            "bp3mi.wsgi",
            "--workers",
            str(options.workers),
            "--threads",
            str(options.threads),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env,
        WORK / "gunicorn.log",
    )
    failures = 0
    try:
        wait_healthy(f"{host}/healthz", server)
        print(
            f"gunicorn: {options.workers} workers x {options.threads} threads; "
            f"1 Celery worker; broker {'Redis' if os.environ.get('REDIS_URL') else 'filesystem'}."
        )
        for users, plan in zip(runs, plans, strict=True):
            plan_path = WORK / f"plan-{users}.json"
            plan_path.write_text(json.dumps(plan))
            prefix = WORK / f"u{users}"
            recorders = []
            if options.profile and users == max(runs):
                options.profile.mkdir(parents=True, exist_ok=True)
                for old in options.profile.glob("worker-*.txt"):
                    old.unlink()
                recorders = [
                    subprocess.Popen(
                        [
                            str(BIN / "py-spy"),
                            "record",
                            "--pid",
                            str(pid),
                            "--duration",
                            str(seconds),
                            "--rate",
                            "50",
                            "--format",
                            "raw",
                            "--nonblocking",
                            "--output",
                            str(options.profile / f"worker-{pid}.txt"),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    for pid in worker_pids(server.pid)
                ]
            before = harness.machine()
            workers = worker_pids(server.pid)
            cpu_before = cpu_seconds(workers)
            run_locust(users=users, seconds=seconds, host=host, plan=plan_path, prefix=prefix)
            web_cpu = cpu_seconds(workers) - cpu_before
            load = f"before: {before}; after: {harness.machine().split(', ', 1)[1]}"
            failures += report(prefix, users=users, seconds=seconds, load=load, web_cpu=web_cpu)
            for recorder in recorders:
                recorder.wait()
            if recorders:
                profile_summary(options.profile)
    finally:
        stop(server)
        stop(worker)
        harness.drop_database("load")
    if failures:
        sys.exit(f"{failures} requests failed: see the tables above.")


if __name__ == "__main__":
    main()
