"""What a CPMI's phone downloads on a first visit (empty cache): under 200 KB per page, both
under `make run` (Django's runserver, development settings, after collectstatic) and behind
gunicorn with production settings. The bytes counted are those on the wire, as the browser
reports them (Network.loadingFinished's encodedDataLength: headers and compressed bodies)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from bp3mi import roles
from tests.conftest import ROOT, _database_url_for_worker
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

BUDGET = 200 * 1024
SECRET = "test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(static_root: Path, production: bool) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=_database_url_for_worker(connection),
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="bp3mi.settings",
    )
    if production:
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="localhost",
            # TLS ends at the proxy in front; here the browser talks to gunicorn directly.
            SECURE_SSL_REDIRECT="false",
        )
    return env


@pytest.fixture(params=["runserver", "gunicorn"])
def served_portal(request, transactional_db):
    """The portal served as `make run` serves it, or as the README's deployment does."""
    production = request.param == "gunicorn"
    static_root = Path(tempfile.mkdtemp(prefix="bp3mi-static-"))
    env = server_env(static_root, production)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr[-2000:]
    port = free_port()
    if production:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bp3mi.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ]
    else:
        command = [
            sys.executable,
            "manage.py",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--skip-checks",
        ]
    log = tempfile.NamedTemporaryFile(prefix="bp3mi-server-", suffix=".log", delete=False)  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 - our own server
                break
            except urllib.error.HTTPError:
                break  # it answers (503: no worker heartbeat), that is enough here
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(Path(log.name).read_text()[-3000:])
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        os.unlink(log.name)
        subprocess.run(["rm", "-rf", str(static_root)], check=False)


class WireCounter:
    """Sums the bytes each response took on the wire, from the DevTools protocol."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        # Every page is measured as a first visit: nothing comes from the browser's cache.
        self.session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.responses = {}
        self.sizes = {}
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        response = event["response"]
        encoding = {k.lower(): v for k, v in response["headers"].items()}.get("content-encoding")
        self.responses[event["requestId"]] = (response["url"], encoding)

    def _finished(self, event):
        self.sizes[event["requestId"]] = event["encodedDataLength"]

    def reset(self):
        self.responses.clear()
        self.sizes.clear()

    def measure(self, page, path):
        self.reset()
        page.goto(path, wait_until="networkidle")
        return {self.responses.get(rid, (rid, None)): size for rid, size in self.sizes.items()}


def total(measured) -> int:
    return sum(measured.values())


def test_a_cpmi_first_visit_stays_under_200_kb(served_portal, browser):
    user = UserFactory(roles=[roles.CPMI], email="wa.ode@contoh.test", full_name="Wa Ode Sitti")
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        base_url=served_portal,
        locale="id-ID",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(20000)
    page = context.new_page()
    counter = WireCounter(page)
    try:
        weights = {}
        for path in ["/", "/akun/daftar/", "/akun/masuk/", "/cek-p3mi/", "/direktori/"]:
            weights[path] = counter.measure(page, path)
        page.goto("/akun/masuk/")
        page.locator("input[name=username]").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/dasbor/")
        for path in ["/dasbor/", "/pendaftaran/"]:
            weights[path] = counter.measure(page, path)
    finally:
        context.close()

    report = {path: total(measured) for path, measured in weights.items()}
    print(f"\n{served_portal}: " + ", ".join(f"{p} {b / 1024:.1f} KB" for p, b in report.items()))
    for path, measured in weights.items():
        assert total(measured) < BUDGET, (path, measured)
        stylesheet = [key for key in measured if "bootstrap.min" in key[0]]
        assert stylesheet, (path, measured)
        # Bootstrap's stylesheet comes compressed (brotli or gzip, whichever the browser takes).
        assert all(encoding in {"br", "gzip"} for _, encoding in stylesheet), stylesheet
        # No page loads Bootstrap's JavaScript; htmx only where the page uses it.
        urls = [url for url, _ in measured]
        assert not any("bootstrap.bundle" in url for url in urls), urls
        assert any("htmx" in url for url in urls) == (path in {"/", "/cek-p3mi/"}), (path, urls)
