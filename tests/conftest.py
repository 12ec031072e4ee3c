"""Fixtures shared by the whole suite: a user per role, the browser, a real Celery worker."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from django.conf import settings

from bp3mi import roles
from bp3mi.celery import app as celery_app
from bp3mi.reference import load_all_reference_data

from .factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def _isolated_task_queue():
    """Tasks queued by tests go to a queue of this test run only, never to a development
    worker that may be running on the same broker."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    conf = celery_app.conf
    saved = (conf.task_default_queue, dict(conf.broker_transport_options or {}))
    conf.task_default_queue = queue
    queue_dir = None
    if settings.CELERY_BROKER_IS_FILESYSTEM:
        queue_dir = tempfile.mkdtemp(prefix="bp3mi-queue-")
        conf.broker_transport_options = {
            **saved[1],
            "data_folder_in": queue_dir,
            "data_folder_out": queue_dir,
            "control_folder": queue_dir + "-control",
        }
    yield {"queue": queue, "queue_dir": queue_dir}
    conf.task_default_queue, conf.broker_transport_options = saved[0], saved[1]
    if queue_dir:
        shutil.rmtree(queue_dir, ignore_errors=True)
        shutil.rmtree(queue_dir + "-control", ignore_errors=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request made in English leaves English
    active in the thread, which would leak into the messages of the tests after it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test gets its own cache key prefix: counters such as rate limits live in the
    cache (Redis under CI), which outlives a test and a test run."""
    settings.CACHES = {
        alias: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for alias, conf in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live server, real worker) empty the database after they run; the
    roles, regions, countries and occupations the data migrations loaded are put back first."""
    if {"live_server", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        load_all_reference_data()


@pytest.fixture
def make_user(db):
    """make_user(roles.VERIFIKATOR, email=...) -> a saved user holding that role."""

    def make(*role_names, **fields):
        return UserFactory(roles=list(role_names), **fields)

    return make


@pytest.fixture
def cpmi_user(make_user):
    return make_user(roles.CPMI)


@pytest.fixture
def verifikator(make_user):
    return make_user(roles.VERIFIKATOR)


@pytest.fixture
def kepala(make_user):
    return make_user(roles.KEPALA)


@pytest.fixture
def petugas_pengaduan(make_user):
    return make_user(roles.PETUGAS_PENGADUAN)


@pytest.fixture
def staf_data(make_user):
    return make_user(roles.STAF_DATA)


@pytest.fixture
def admin_user(make_user):
    return make_user(roles.ADMIN, is_staff=True)


@pytest.fixture
def password():
    return PASSWORD


# --- A real Celery worker ----------------------------------------------------------------------


def _database_url_for_worker(connection) -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or ""
    auth = f"{user}:{s.get('PASSWORD') or ''}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"


def worker_environment(queue: dict, database_url: str, mail_dir: str) -> dict[str, str]:
    """The environment of a process that shares this test run's queue (on the configured
    broker) and database, and writes its e-mails as files into `mail_dir`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue["queue"],
        "DJANGO_SETTINGS_MODULE": "bp3mi.settings",
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one slash
    }
    if queue["queue_dir"]:
        env["CELERY_QUEUE_DIR"] = queue["queue_dir"]
    return env


def celery_worker_command(queue: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "bp3mi",
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"test-{uuid.uuid4().hex[:6]}@%h",
    ]


def start_process(command: list[str], *, env: dict[str, str], name: str) -> subprocess.Popen:
    """Start a server process in a process group of its own (it and the children it forks),
    with its output going to a log file (`process.log_path`)."""
    log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    process.log_path = log.name
    return process


def stop_process(process: subprocess.Popen) -> None:
    """Stop a process from `start_process` (TERM, so it stops its children, then KILL for
    its whole group) and delete its log."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a child left behind by its parent
    os.unlink(process.log_path)


def process_log(process: subprocess.Popen, chars: int = 4000) -> str:
    return Path(process.log_path).read_text(errors="replace")[-chars:]


def start_celery_worker(queue: dict, **env_overrides) -> subprocess.Popen:
    """Start `celery worker` as a separate process, the leader of its own process group, on
    the configured broker, consuming this test run's queue and using the test database.
    The Popen carries `log_path` and `mail_dir`; `stop_celery_worker` ends it."""
    from django.db import connection

    # The worker's e-mails land as files that `worker_outbox` reads back.
    mail_dir = tempfile.mkdtemp(prefix="celery-mail-")
    env = worker_environment(queue, _database_url_for_worker(connection), mail_dir)
    process = start_process(
        celery_worker_command(queue["queue"]),
        env={**env, **env_overrides},
        name="celery-worker",
    )
    process.mail_dir = mail_dir
    return process


def stop_celery_worker(process: subprocess.Popen) -> None:
    stop_process(process)
    shutil.rmtree(process.mail_dir, ignore_errors=True)


@pytest.fixture
def celery_worker_process(transactional_db, _isolated_task_queue):
    """A `start_celery_worker` for the test, stopped afterwards."""
    process = start_celery_worker(_isolated_task_queue)
    try:
        yield process
    finally:
        stop_celery_worker(process)


def outbox(mail_dir) -> list[EmailMessage]:
    """The e-mails Django's file backend wrote into `mail_dir` (one file per connection,
    messages separated by a line of dashes)."""
    messages = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(BytesParser(policy=email_policy.default).parsebytes(chunk))
    return messages


def worker_outbox(process) -> list[EmailMessage]:
    """The e-mails a `celery_worker_process` has sent."""
    return outbox(process.mail_dir)


def wait_for(predicate, *, timeout=60.0, interval=0.2, process=None):
    """Poll `predicate` until it returns something truthy; fail with the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if process is not None and process.poll() is not None:
            break
        time.sleep(interval)
    detail = process_log(process) if process is not None else ""
    pytest.fail(f"condition not met within {timeout}s\n{detail}")


# --- The browser -------------------------------------------------------------------------------


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        if IN_CI:
            pytest.fail("Chromium is not installed (Debian package 'chromium'); CI must have it.")
        pytest.skip("Chromium is not on the PATH: install the Debian package 'chromium'.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A page on a 360x640 phone screen, pointed at the live server (page.goto('/path'))."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        base_url=live_server.url,
        locale="id-ID",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("critical",)):
    """Run axe-core in the page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, so the page's strict CSP stays in force.
    page.evaluate(AXE_PATH.read_text() + "\n;void 0")
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in impacts]
