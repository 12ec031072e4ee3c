"""Faults injected into a running portal, each checked and printed (not part of the test suite).

    .venv/bin/python benchmarks/faults/run.py                 # every scenario, a few minutes
    .venv/bin/python benchmarks/faults/run.py redis worker-letter   # some of them

The script starts its own stack under var/faults/ and leaves the shared services alone: a
PostgreSQL cluster (initdb; as root the server runs as the `postgres` user) on FAULTS_PG_PORT
(5499), a Redis without persistence on FAULTS_REDIS_PORT (6399), gunicorn (2 processes) on
FAULTS_WEB_PORT (8599), one Celery worker (concurrency 2) and Celery beat, all with the
portal's default settings (DEBUG off). It migrates, builds a few officers, CPMI and verified
registrations, then runs each scenario:

- worker-letter / worker-export: SIGKILL to the worker's whole process group while a letter
  (an export) is RUNNING, then a new worker. Recovery: from the new worker to READY.
- redis: Redis stopped (its data lost); meanwhile an officer signs a letter, a CPMI uploads a
  document and the public files a complaint, over HTTP. Recovery: from Redis back to READY.
- postgres-restart: `pg_ctl restart` while pages are being requested and a letter renders.
- postgres-outage: PostgreSQL stopped for 30 s while pages, a complaint and /healthz are
  requested and a letter renders. Recovery: from PostgreSQL back to READY.
- postgres-hang: the postmaster stopped with SIGSTOP (it takes connections and never answers)
  for 20 s while pages and /healthz are requested.

Throughout, a thread asks /healthz every 0.25 s. After every scenario: letter numbers
gap-free, one PDF per letter, one file per upload, complaint numbers unique, each export done
once; every answer a page gave is 2xx/3xx/404 or the portal's Indonesian 503 page (no 500);
no traceback in the web server's log. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402

ROOT = harness.ROOT
WORK = ROOT / "var" / "faults"
PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5499"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6399"))
WEB_PORT = int(os.environ.get("FAULTS_WEB_PORT", "8599"))
BASE = f"http://127.0.0.1:{WEB_PORT}"
OUTAGE_PAGE = "Layanan sedang terganggu"

SCENARIOS = [
    "worker-letter",
    "worker-export",
    "redis",
    "postgres-restart",
    "postgres-outage",
    "postgres-hang",
]

failures: list[str] = []


def say(text: str) -> None:
    print(text, flush=True)


def check(ok: bool, what: str) -> bool:
    say(f"    [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        failures.append(what)
    return ok


def wait_until(predicate, *, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception:  # noqa: BLE001 - the service is still coming back
            result = None
        if result:
            return result
        time.sleep(interval)
    return None


# --- The stack --------------------------------------------------------------------------------


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its commands as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class Stack:
    def __init__(self) -> None:
        self.pg_data = WORK / "pg" / "data"
        self.pg_run = WORK / "pg" / "run"
        self.media = WORK / "media"
        self.logs = WORK / "logs"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bp3mi.settings",
            "DJANGO_ENV": "development",
            "DEBUG": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/bp3mi",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_DEFAULT_QUEUE": "celery",
            "MEDIA_ROOT": str(self.media),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "INFO",
            # The watch asks the public letter check several times a second from one address.
            "LETTER_CHECK_LIMIT": "1000000",
        }
        for name in ("CELERY_TASK_ALWAYS_EAGER", "DATABASE_STATEMENT_TIMEOUT"):
            self.env.pop(name, None)
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    # PostgreSQL
    def pg_init(self) -> None:
        shutil.rmtree(WORK / "pg", ignore_errors=True)
        self.pg_data.mkdir(parents=True)
        self.pg_run.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(WORK / "pg", "postgres", "postgres")
            for path in (self.pg_data, self.pg_run):
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            as_postgres(
                str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "postgres", "-A", "trust"
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.pg_run}"
            " -c fsync=off -c max_connections=100"
        )
        subprocess.run(
            as_postgres(
                str(PG_BIN / "pg_ctl"),
                action,
                "-D",
                str(self.pg_data),
                "-o",
                options,
                "-l",
                str(WORK / "pg" / "server.log"),
                "-w",
                *extra,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def pg_pid(self) -> int:
        return int((self.pg_data / "postmaster.pid").read_text().split()[0])

    def pg_create_database(self) -> None:
        import psycopg2

        admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=PG_PORT)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE bp3mi")
        admin.close()

    # Redis
    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=open(self.logs / "redis.log", "a"),  # noqa: SIM115 - lives with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: not port_free(REDIS_PORT), timeout=10)

    def redis_stop(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(timeout=10)

    # The portal's processes
    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=open(self.logs / f"{name}.log", "a"),  # noqa: SIM115 - lives with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def web_start(self) -> None:
        self.web = self._spawn(
            "web",
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "bp3mi.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--timeout",
                "30",
            ],
        )
        wait_until(lambda: not port_free(WEB_PORT), timeout=60)

    def worker_start(self) -> None:
        self.worker = self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bp3mi",
                "worker",
                "--concurrency=2",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "-n",
                "faults@%h",
                "--loglevel=INFO",
            ],
        )

    def worker_kill(self) -> None:
        """SIGKILL to the worker's whole process group: the main process and its children."""
        assert self.worker is not None
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def beat_start(self) -> None:
        self.beat = self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bp3mi",
                "beat",
                "-s",
                str(WORK / "beat-schedule"),
                "--loglevel=INFO",
            ],
        )

    def start(self) -> None:
        for port in (PG_PORT, REDIS_PORT, WEB_PORT):
            if not port_free(port):
                sys.exit(f"port {port} is taken: set FAULTS_PG_PORT/REDIS_PORT/WEB_PORT")
        self.stop_processes()
        shutil.rmtree(self.media, ignore_errors=True)
        shutil.rmtree(self.logs, ignore_errors=True)
        self.logs.mkdir(parents=True)
        (WORK / "beat-schedule").unlink(missing_ok=True)
        self.pg_init()
        self.pg_ctl("start")
        self.pg_create_database()
        self.redis_start()

    def start_portal(self) -> None:
        self.web_start()
        self.worker_start()
        self.beat_start()

    def stop_processes(self) -> None:
        for process in (self.web, self.worker, self.beat, self.redis):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    def stop(self) -> None:
        self.stop_processes()
        if (self.pg_data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.pg_data), "-m", "fast"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def web_log(self) -> str:
        return (self.logs / "web.log").read_text(errors="replace")


# --- Watching the portal -------------------------------------------------------------------------


@dataclass
class Watch:
    """Asks /healthz every 0.25 s and some pages in a loop while a fault lasts."""

    pages: list[str] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    health_codes: list[int] = field(default_factory=list)
    answers: list[tuple[str, int, str, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _health(self) -> None:
        import requests

        while not self.stop.is_set():
            started = time.monotonic()
            try:
                code = requests.get(BASE + "/healthz", timeout=10).status_code
            except requests.RequestException:
                code = 0
            self.health_ms.append((time.monotonic() - started) * 1000)
            self.health_codes.append(code)
            self.stop.wait(0.25)

    def _pages(self) -> None:
        import requests

        while not self.stop.is_set():
            for path in self.pages:
                started = time.monotonic()
                try:
                    response = requests.get(BASE + path, timeout=40)
                    answer = (path, response.status_code, response.text, time.monotonic() - started)
                except requests.RequestException as exc:
                    answer = (path, 0, repr(exc), time.monotonic() - started)
                self.answers.append(answer)
            self.stop.wait(0.3)

    def __enter__(self) -> Watch:
        self.threads = [threading.Thread(target=self._health, daemon=True)]
        if self.pages:
            self.threads.append(threading.Thread(target=self._pages, daemon=True))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def report(self) -> None:
        slow = sum(1 for ms in self.health_ms if ms >= 1000)
        worst = max(self.health_ms, default=0)
        check(
            slow == 0,
            f"/healthz answered {len(self.health_ms)} times, slowest {worst:.0f} ms "
            f"({slow} at 1 s or more); codes {sorted(set(self.health_codes))}",
        )
        if not self.pages:
            return
        codes: dict[int, int] = {}
        for _path, code, _text, _seconds in self.answers:
            codes[code] = codes.get(code, 0) + 1
        bad = [
            (path, code)
            for path, code, text, _ in self.answers
            if not (200 <= code < 400 or code == 404 or (code == 503 and OUTAGE_PAGE in text))
        ]
        slowest = max((seconds for *_, seconds in self.answers), default=0)
        check(
            not bad,
            f"{len(self.answers)} page answers {dict(sorted(codes.items()))}, slowest "
            f"{slowest:.1f} s; every 503 the Indonesian page"
            + (f"; other answers: {bad[:5]}" if bad else ""),
        )


# --- The portal's data, through its own code --------------------------------------------------


class Portal:
    """Builds the data and checks the outcome through the ORM (this process is a Django
    client of the stack's database), acts as its users over HTTP."""

    def __init__(self, stack: Stack) -> None:
        os.environ.update(stack.env)
        self.stack = stack

    def setup(self) -> None:
        harness.setup_django(migrate=True)
        from bp3mi import roles
        from tests.complaints.test_views import public_form
        from tests.factories import UserFactory

        self.verifikator = UserFactory(roles=[roles.VERIFIKATOR], email="verifikator@faults.test")
        self.kepala = UserFactory(roles=[roles.KEPALA], email="kepala@faults.test")
        self.staf = UserFactory(roles=[roles.STAF_DATA], email="staf@faults.test")
        self.cpmi = UserFactory(roles=[roles.CPMI], email="cpmi@faults.test")
        # Read from the database now: the form is also sent while the database is away.
        self.complaint_form = public_form()

    def db(self):
        from django.db import connections

        for connection in connections.all():
            connection.close_if_unusable_or_obsolete()
        return connections

    def verified_registration(self):
        from tests.documents.helpers import verified_registration

        self.db()
        return verified_registration(verifikator=self.verifikator)

    def draft_registration(self):
        from registrations.choices import RegistrationStatus
        from tests.factories import ApplicantFactory, RegistrationFactory

        applicant = ApplicantFactory(user=self.cpmi)
        return RegistrationFactory(applicant=applicant, status=RegistrationStatus.DRAFT)

    def session(self, user):
        import requests

        from tests import factories

        browser = requests.Session()
        browser.get(BASE + "/akun/masuk/", timeout=30)
        response = browser.post(
            BASE + "/akun/masuk/",
            data={
                "username": user.email,
                "password": factories.PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            headers={"Referer": BASE + "/akun/masuk/"},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        return browser

    @staticmethod
    def post(browser, path: str, data: dict, files=None):
        import requests

        try:
            return browser.post(
                BASE + path,
                data={**data, "csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")},
                files=files,
                headers={"Referer": BASE + path},
                timeout=40,
            )
        except requests.RequestException as exc:
            return exc

    def sign(self, registration):
        return self.post(
            self.session(self.kepala), f"/petugas/verifikasi/{registration.pk}/surat/", {}
        )

    def letter_of(self, registration):
        from documents.models import Letter

        self.db()
        return Letter.objects.filter(registration=registration).first()

    def letter_status(self, letter_id: int) -> str:
        from documents.models import Letter

        self.db()
        return Letter.objects.filter(pk=letter_id).values_list("status", flat=True).first()

    def upload(self, browser, registration):
        from documents.selectors import requirements_for
        from tests.documents.files import pdf_bytes

        code = requirements_for(registration=registration)[0].document_type.code
        return self.post(
            browser,
            f"/dokumen/pendaftaran/{registration.pk}/unggah/{code}/",
            {"expires_on": ""},
            files={"file": ("paspor.pdf", pdf_bytes(1), "application/pdf")},
        )

    def file_complaint(self):
        import requests

        browser = requests.Session()
        try:
            browser.get(BASE + "/pengaduan/", timeout=30)
        except requests.RequestException as exc:
            return exc
        # The public form is the same whether or not the GET set a CSRF cookie.
        return self.post(browser, "/pengaduan/", self.complaint_form)

    def request_export(self):
        from reports.choices import ExportFormat, ReportKind
        from reports.services import export_request

        self.db()
        return export_request(
            by=self.staf,
            kind=ReportKind.MONTHLY,
            export_format=ExportFormat.PDF,
            params={"year": 2026, "month": 3},
        )

    def export_status(self, export_id: int) -> str:
        from reports.models import ReportExport

        self.db()
        return ReportExport.objects.filter(pk=export_id).values_list("status", flat=True).first()

    def files(self, folder: str) -> list[Path]:
        return [p for p in (self.stack.media / folder).rglob("*") if p.is_file()]

    def invariants(self) -> None:
        """Nothing lost or duplicated, whatever happened before."""
        from complaints.models import Case
        from documents.models import Document, Letter
        from reports.models import ReportExport

        self.db()
        letters = list(Letter.objects.order_by("year", "serial"))
        by_year: dict[int, list[int]] = {}
        for letter in letters:
            by_year.setdefault(letter.year, []).append(letter.serial)
        gap_free = all(s == list(range(1, len(s) + 1)) for s in by_year.values())
        pdfs = sorted(p.relative_to(self.stack.media) for p in self.files("letters"))
        ready = sorted(Path(x.file.name) for x in letters if x.status == Letter.Status.READY)
        check(
            gap_free and pdfs == ready,
            f"{len(letters)} letters, numbers gap-free { {y: len(s) for y, s in by_year.items()} }, "
            f"{len(pdfs)} PDF files for {len(ready)} ready letters",
        )
        documents = list(Document.objects.exclude(file=""))
        files_ok = all((self.stack.media / d.file.name).exists() for d in documents)
        names = [d.file.name for d in documents]
        check(
            files_ok and len(names) == len(set(names)),
            f"{len(documents)} uploaded documents, each with its own file on disk",
        )
        numbers = list(Case.objects.values_list("number", flat=True))
        check(len(numbers) == len(set(numbers)), f"{len(numbers)} complaints, numbers unique")
        exports = list(ReportExport.objects.all())
        done_once = all(
            e.status == ReportExport.Status.READY and (self.stack.media / e.file.name).exists()
            for e in exports
        )
        export_files = self.files("exports")
        check(
            done_once and len(export_files) == len(exports),
            f"{len(exports)} exports READY, {len(export_files)} export files",
        )


# --- Scenarios -----------------------------------------------------------------------------------


def kill_mid_job(stack: Stack, portal: Portal, *, what: str, start, status) -> None:
    """Start a job, SIGKILL the worker's process group while it is RUNNING, start a new worker
    and time the job to READY."""
    for _attempt in range(3):
        job_id = start()
        if not wait_until(
            lambda job_id=job_id: status(job_id) == "running", timeout=120, interval=0.02
        ):
            check(False, f"{what} {job_id} never started")
            return
        stack.worker_kill()
        killed = time.monotonic()
        if status(job_id) == "ready":
            say(f"    {what} {job_id} finished before the kill landed; once more")
            stack.worker_start()
            continue
        say(f"    worker's process group killed while {what} {job_id} was RUNNING")
        stack.worker_start()
        restarted = time.monotonic()
        ready = wait_until(
            lambda job_id=job_id: status(job_id) == "ready", timeout=240, interval=0.2
        )
        done = time.monotonic()
        if check(ready is not None, f"{what} {job_id} READY after the kill"):
            say(
                f"    {what} READY {done - restarted:.1f} s after the new worker started "
                f"({done - killed:.1f} s after the kill); target 60 s"
            )
            check(done - restarted <= 60, f"{what} within 60 s of the worker being back")
        return
    check(False, f"no {what} could be caught RUNNING")


def worker_letter(stack: Stack, portal: Portal) -> None:
    from documents.models import Letter

    registrations = []

    def start():
        registration = portal.verified_registration()
        registrations.append(registration)
        portal.sign(registration)
        return portal.letter_of(registration).pk

    with Watch() as watch:
        kill_mid_job(stack, portal, what="letter", start=start, status=portal.letter_status)
    watch.report()
    letter = Letter.objects.get(registration=registrations[-1])
    say(f"    letter {letter.number}: {letter.attempts} runs")


def worker_export(stack: Stack, portal: Portal) -> None:
    with Watch() as watch:
        kill_mid_job(
            stack,
            portal,
            what="export",
            start=lambda: portal.request_export().pk,
            status=portal.export_status,
        )
    watch.report()


def redis_outage(stack: Stack, portal: Portal) -> None:
    from complaints.models import Case
    from documents.models import Document

    registration = portal.verified_registration()
    draft = portal.draft_registration()
    kepala = portal.session(portal.kepala)
    cpmi = portal.session(portal.cpmi)
    cases_before = Case.objects.count()
    documents_before = Document.objects.filter(registration=draft).count()
    with Watch(pages=["/", f"/dokumen/pendaftaran/{draft.pk}/", "/statistik/"]) as watch:
        time.sleep(1)
        stack.redis_stop()
        say("    Redis stopped (without persistence: its queue is lost)")
        started = time.monotonic()
        signed = portal.post(kepala, f"/petugas/verifikasi/{registration.pk}/surat/", {})
        sign_s = time.monotonic() - started
        started = time.monotonic()
        uploaded = portal.upload(cpmi, draft)
        upload_s = time.monotonic() - started
        started = time.monotonic()
        filed = portal.file_complaint()
        file_s = time.monotonic() - started
        time.sleep(15)
        stack.redis_start()
        back = time.monotonic()
        say("    Redis started again after about 20 s")
        letter = portal.letter_of(registration)
        ready = letter and wait_until(
            lambda: portal.letter_status(letter.pk) == "ready", timeout=180, interval=0.2
        )
        done = time.monotonic()
    watch.report()
    for label, response, seconds, expect in [
        ("sign", signed, sign_s, "Surat ditandatangani"),
        ("upload", uploaded, upload_s, ""),
        ("complaint", filed, file_s, ""),
    ]:
        ok = not isinstance(response, Exception) and response.status_code == 200
        ok = ok and (expect in response.text if expect else True)
        code = getattr(response, "status_code", response)
        check(ok, f"{label} while Redis was down answered {code} in {seconds:.1f} s")
    check(
        Document.objects.filter(registration=draft).count() == documents_before + 1,
        "the upload is stored once",
    )
    check(Case.objects.count() == cases_before + 1, "the complaint is stored once")
    if check(bool(ready), "the letter signed during the outage is READY"):
        say(f"    letter READY {done - back:.1f} s after Redis was back; target 30 s")
        check(done - back <= 30, "letter within 30 s of Redis returning")


def _database_log_lines(stack: Stack, since: int) -> tuple[int, int]:
    text = stack.web_log()[since:]
    return text.count("database unavailable"), text.count("Traceback")


def postgres_restart(stack: Stack, portal: Portal) -> None:
    registration = portal.verified_registration()
    log_from = len(stack.web_log())
    with Watch(pages=["/", "/statistik/", "/verifikasi/" + "0" * 40 + "/"]) as watch:
        time.sleep(1)
        portal.sign(registration)
        letter = portal.letter_of(registration)
        started = time.monotonic()
        stack.pg_ctl("restart", "-m", "fast")
        back = time.monotonic()
        say(f"    PostgreSQL restarted ({back - started:.1f} s)")
        ready = wait_until(lambda: portal.letter_status(letter.pk) == "ready", timeout=180)
        done = time.monotonic()
        time.sleep(2)
    watch.report()
    if check(bool(ready), "the letter signed at the restart is READY"):
        say(f"    letter READY {done - back:.1f} s after PostgreSQL was back; target 60 s")
        check(done - back <= 60, "letter within 60 s of the database being back")
    unavailable, tracebacks = _database_log_lines(stack, log_from)
    check(
        tracebacks == 0,
        f"web log: {unavailable} 'database unavailable' lines, {tracebacks} tracebacks",
    )


def postgres_outage(stack: Stack, portal: Portal) -> None:
    registration = portal.verified_registration()
    log_from = len(stack.web_log())
    check_page = "/verifikasi/" + "0" * 40 + "/"
    with Watch(pages=["/", "/statistik/", check_page, "/pengaduan/"]) as watch:
        time.sleep(1)
        portal.sign(registration)
        letter = portal.letter_of(registration)
        wait_until(lambda: portal.letter_status(letter.pk) != "pending", timeout=30, interval=0.02)
        before = portal.letter_status(letter.pk)
        stack.pg_ctl("stop", "-m", "fast")
        stopped = time.monotonic()
        say(f"    PostgreSQL stopped (letter {letter.pk} was {before})")
        time.sleep(3)
        filed = portal.file_complaint()
        time.sleep(max(0.0, 30 - (time.monotonic() - stopped)))
        stack.pg_ctl("start")
        back = time.monotonic()
        say(f"    PostgreSQL started again after {back - stopped:.0f} s")
        ready = wait_until(lambda: portal.letter_status(letter.pk) == "ready", timeout=240)
        done = time.monotonic()
        time.sleep(2)
    watch.report()
    outage = [a for a in watch.answers if a[1] == 503]
    code = getattr(filed, "status_code", filed)
    text = getattr(filed, "text", "")
    check(
        code == 503 and OUTAGE_PAGE in text,
        f"a complaint filed during the outage answered {code} with the Indonesian page",
    )
    say(f"    {len(outage)} pages answered 503 during the outage")
    if check(bool(ready), "the letter rendering at the outage is READY"):
        say(f"    letter READY {done - back:.1f} s after PostgreSQL was back; target 60 s")
        check(done - back <= 60, "letter within 60 s of the database being back")
    unavailable, tracebacks = _database_log_lines(stack, log_from)
    check(
        tracebacks == 0 and 1 <= unavailable <= 2 * 3,
        f"web log over the 30 s outage: {unavailable} 'database unavailable' lines "
        f"(2 web processes, one per 30 s each), {tracebacks} tracebacks",
    )


def postgres_hang(stack: Stack, portal: Portal) -> None:
    registration = portal.verified_registration()
    with Watch(pages=["/", "/statistik/", "/verifikasi/" + "0" * 40 + "/"]) as watch:
        time.sleep(1)
        pid = stack.pg_pid()
        os.kill(pid, signal.SIGSTOP)
        stopped = time.monotonic()
        say("    postmaster stopped with SIGSTOP: new connections hang")
        time.sleep(2)
        started = time.monotonic()
        signed = portal.post(
            portal.kepala_session, f"/petugas/verifikasi/{registration.pk}/surat/", {}
        )
        sign_s = time.monotonic() - started
        connect_failed = new_connection_fails_after()
        time.sleep(max(0.0, 20 - (time.monotonic() - stopped)))
        os.kill(pid, signal.SIGCONT)
        back = time.monotonic()
        say(f"    postmaster continued after {back - stopped:.0f} s")
        time.sleep(3)
    watch.report()
    code = getattr(signed, "status_code", signed)
    say(
        f"    a signature sent during the hang answered {code} after {sign_s:.1f} s "
        "(the web processes' open connections go on working)"
    )
    check(sign_s < 30, "it answered before the web server's 30 s timeout")
    check(
        connect_failed is not None and connect_failed < 10,
        f"a new connection gave up after {connect_failed or 0:.1f} s "
        "(DATABASE_CONNECT_TIMEOUT 3 s) instead of hanging",
    )
    letter = portal.letter_of(registration)
    if letter is None:
        portal.sign(registration)
        letter = portal.letter_of(registration)
    ready = wait_until(lambda: portal.letter_status(letter.pk) == "ready", timeout=120)
    check(bool(ready), "the letter is READY after the database answers again")


def new_connection_fails_after() -> float | None:
    """Seconds a new connection with the portal's settings takes to fail (None: it worked)."""
    from django.db import OperationalError, connections

    connection = connections.create_connection("default")
    started = time.monotonic()
    try:
        connection.ensure_connection()
    except OperationalError:
        return time.monotonic() - started
    finally:
        connection.close()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help=", ".join(SCENARIOS))
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose among {SCENARIOS}")
    chosen = args.scenarios or SCENARIOS
    began = time.monotonic()
    say(f"# Faults: {', '.join(chosen)}")
    say(f"{harness.machine()} at the start")
    stack = Stack()
    try:
        stack.start()
        portal = Portal(stack)
        portal.setup()
        stack.start_portal()
        if not wait_until(lambda: portal_health_ok(), timeout=120):
            sys.exit("the portal did not come up; see var/faults/logs/")
        portal.kepala_session = portal.session(portal.kepala)
        steps = {
            "worker-letter": worker_letter,
            "worker-export": worker_export,
            "redis": redis_outage,
            "postgres-restart": postgres_restart,
            "postgres-outage": postgres_outage,
            "postgres-hang": postgres_hang,
        }
        for name in chosen:
            say(f"\n## {name}  ({harness.machine()})")
            steps[name](stack, portal)
            portal.invariants()
    finally:
        stack.stop()
    say(f"\n{harness.machine()} at the end; {(time.monotonic() - began) / 60:.1f} min in all")
    if failures:
        say(f"{len(failures)} checks FAILED: " + "; ".join(failures))
        return 1
    say("every check passed")
    return 0


def portal_health_ok() -> bool:
    import requests

    return requests.get(BASE + "/healthz", timeout=5).status_code == 200


if __name__ == "__main__":
    sys.exit(main())
