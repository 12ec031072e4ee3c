"""The portal run as production runs it, for the stack journeys: `gunicorn bp3mi.wsgi` with
production settings (DEBUG off, static files collected and served by whitenoise, HTTPS-only
cookies) and a separate `celery worker` on the configured broker, both on the test database.

The browser speaks HTTPS to gunicorn, which holds a throw-away certificate for 127.0.0.1:
gunicorn stands in for the TLS-terminating proxy of a deployment, so the production rules
(secure cookies, SSL redirect, HSTS) stay on as they are."""

import datetime
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import (
    IN_CI,
    ROOT,
    _database_url_for_worker,
    celery_worker_command,
    chromium_path,
    outbox,
    process_log,
    start_process,
    stop_process,
    worker_environment,
)

GUNICORN_WORKERS = 3

# What a test process may have set that a production process must not inherit.
DEVELOPMENT_ONLY = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_TASK_ALWAYS_EAGER"}


@dataclass
class Stack:
    """The running portal: its address, its processes and where they write."""

    url: str
    web: subprocess.Popen
    worker: subprocess.Popen
    web_mail: Path
    worker_mail: Path
    certificate: Path
    content_types: dict[tuple[str, str], int]
    contexts: list = field(default_factory=list)

    def outbox(self):
        """Every e-mail sent so far, by the web servers (sign-up) and the worker."""
        return outbox(self.web_mail) + outbox(self.worker_mail)

    def logs(self, chars: int = 6000) -> str:
        return "\n".join(
            f"--- {name} (exit status {process.poll()}) ---\n{_without_noise(process_log(process, chars * 4))[-chars:]}"
            for name, process in (("gunicorn", self.web), ("celery worker", self.worker))
        )

    def assert_running(self) -> None:
        for process in (self.web, self.worker):
            assert process.poll() is None, f"a server process exited\n{self.logs()}"

    def new_page(self, browser, *, phone: bool = False):
        """A page in a fresh browser context pointed at the stack (page.goto('/path'))."""
        screen = (
            {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
            if phone
            else {}
        )
        context = browser.new_context(
            base_url=self.url,
            locale="id-ID",
            accept_downloads=True,
            ignore_https_errors=True,  # the certificate is this test run's own
            **screen,
        )
        context.set_default_timeout(20000)
        self.contexts.append(context)
        return context.new_page()

    def close_pages(self) -> None:
        """Close the test's browser contexts, so no page keeps polling the servers."""
        while self.contexts:
            self.contexts.pop().close()


def _without_noise(log: str) -> str:
    # Chromium, which ignores the certificate, still tells the server it does not know it.
    return "\n".join(line for line in log.splitlines() if "CERTIFICATE_UNKNOWN" not in line)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for https://127.0.0.1, valid for a day."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls-cert.pem", folder / "tls-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _production_environment(base: dict[str, str], **values: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in DEVELOPMENT_ONLY}
    return {**env, "DJANGO_ENV": "production", **values}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Step 3 of the deployment: collectstatic with the production (manifest) storage."""
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_production_environment(
            dict(os.environ),
            SECRET_KEY=secrets.token_urlsafe(50),
            STATIC_ROOT=str(root),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _wait_until_serving(stack: Stack, timeout: float = 90.0) -> None:
    context = ssl.create_default_context(cafile=str(stack.certificate))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.assert_running()
        try:
            with urllib.request.urlopen(f"{stack.url}/healthz", context=context, timeout=5):  # noqa: S310 - our own server
                return
        except urllib.error.HTTPError:
            return  # answering (503 until a worker's heartbeat is recorded)
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer within {timeout}s\n{stack.logs()}")


@pytest.fixture(scope="module")
def _stack_processes(
    django_db_setup, django_db_blocker, _isolated_task_queue, collected_static, tmp_path_factory
):
    """gunicorn and a celery worker on the test database, for the tests of one module."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from documents import signing

    if chromium_path() is None:
        if IN_CI:
            pytest.fail("Chromium is not installed (Debian package 'chromium'); CI must have it.")
        pytest.skip("Chromium is not on the PATH: install the Debian package 'chromium'.")

    folder = tmp_path_factory.mktemp("stack")
    web_mail, worker_mail, media = folder / "web-mail", folder / "worker-mail", folder / "media"
    for path in (web_mail, worker_mail, media):
        path.mkdir()
    certificate, tls_key = _self_signed_certificate(folder)
    port = _free_port()
    url = f"https://127.0.0.1:{port}"
    with django_db_blocker.unblock():
        content_types = {(t.app_label, t.model): t.pk for t in ContentType.objects.all()}
        database_url = _database_url_for_worker(connection)
    # The office's signing key: the development one, so the test process checks signatures.
    office = signing.signing_files()
    common = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": url,
        "STATIC_ROOT": str(collected_static),
        "MEDIA_ROOT": str(media),
        "LETTER_SIGNING_KEY": str(office.key),
        "LETTER_SIGNING_CERT": str(office.cert),
        "CACHE_KEY_PREFIX": f"test-stack-{secrets.token_hex(4)}",
    }
    started = []
    try:
        started.append(
            start_process(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "bp3mi.wsgi",
                    f"--workers={GUNICORN_WORKERS}",
                    f"--bind=127.0.0.1:{port}",
                    f"--certfile={certificate}",
                    f"--keyfile={tls_key}",
                    "--access-logfile=-",
                    "--graceful-timeout=5",
                ],
                env=_production_environment(
                    worker_environment(_isolated_task_queue, database_url, str(web_mail)), **common
                ),
                name="gunicorn",
            )
        )
        started.append(
            start_process(
                celery_worker_command(_isolated_task_queue["queue"]),
                env=_production_environment(
                    worker_environment(_isolated_task_queue, database_url, str(worker_mail)),
                    **common,
                ),
                name="celery-worker",
            )
        )
        running = Stack(url, *started, web_mail, worker_mail, certificate, content_types)
        _wait_until_serving(running)
        yield running
    finally:
        for process in started:
            stop_process(process)


def _restore_content_type_ids(known: dict[tuple[str, str], int]) -> None:
    """Give the content types the ids the servers cached. The flush after a transactional
    test empties the table and Django creates the rows again with new ids; an installation
    never sees that, but a server running across tests would write stale ids."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    with transaction.atomic():
        for content_type in ContentType.objects.all():
            old = known.get((content_type.app_label, content_type.model))
            if old is not None and old != content_type.pk:
                ContentType.objects.filter(pk=content_type.pk).update(id=old)
                Permission.objects.filter(content_type_id=content_type.pk).update(
                    content_type_id=old
                )
    ContentType.objects.clear_cache()


@pytest.fixture
def stack(transactional_db, _stack_processes):
    """The running portal, for one test: its own data on the test database, emptied after
    it (transactional_db), as for pytest's live server."""
    _restore_content_type_ids(_stack_processes.content_types)
    _stack_processes.assert_running()
    yield _stack_processes
    _stack_processes.close_pages()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed stack journey shows the end of gunicorn's and the worker's logs."""
    report = yield
    running = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(running, Stack):
        report.sections.append(("server logs", running.logs()))
    return report
