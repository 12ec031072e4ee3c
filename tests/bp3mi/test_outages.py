"""The portal while its database or its Redis is away: the Indonesian 503 page, one log line
per interval, connect and statement timeouts, a cache that answers "empty"."""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from bp3mi import health, middleware
from complaints.models import Case
from tests.complaints.test_views import FILE_URL, public_form
from tests.conftest import ROOT, _database_url_for_worker

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the outages are PostgreSQL's (set DATABASE_URL)"
)

CHECK_URL = reverse("documents:letter_check", kwargs={"token": "0" * 40})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def database_at(port: int, **options):
    """Point every new connection (this thread's and others') at 127.0.0.1:`port`."""
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"], dict(settings_dict["OPTIONS"])
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(port)
    settings_dict["OPTIONS"].update(options)
    try:
        yield
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved[0], saved[1]
        settings_dict["OPTIONS"].clear()
        settings_dict["OPTIONS"].update(saved[2])


@contextlib.contextmanager
def hanging_database():
    """A port whose kernel completes the TCP handshake and then nothing answers: a database
    that hangs instead of refusing."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def fresh_outage_log(monkeypatch):
    monkeypatch.setattr(middleware, "outage_log", middleware._OutageLog())


@pytest.fixture
def live_database(django_db_blocker):
    """Database access without the test transaction, so the connection may be closed and
    pointed elsewhere."""
    with django_db_blocker.unblock():
        yield
        connection.close()


@postgres_only
def test_a_refused_database_gives_the_indonesian_503_page_and_one_log_line(
    client, live_database, fresh_outage_log, caplog
):
    caplog.set_level(logging.INFO)
    with database_at(free_port()):
        responses = [client.get(CHECK_URL) for _ in range(3)]
    for response in responses:
        page = response.content.decode()
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert "Layanan sedang terganggu" in page and "Data yang sudah tersimpan tetap aman" in page
        assert "Traceback" not in page and "Server Error" not in page
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(" (")[0] for r in errors] == ["database unavailable"]
    assert not any(r.exc_info for r in caplog.records)
    # The database is back: the same address is the page's own 404 again.
    assert client.get(CHECK_URL).status_code == 404


@postgres_only
def test_a_database_that_hangs_is_cut_off_by_the_connect_timeout(
    client, live_database, fresh_outage_log
):
    with hanging_database() as port, database_at(port, connect_timeout=2):
        response = client.get(CHECK_URL)
    assert response.status_code == 503
    assert "Layanan sedang terganggu" in response.content.decode()


@postgres_only
def test_a_statement_held_up_past_the_statement_timeout_gives_the_503_page(
    client, live_database, fresh_outage_log
):
    s = connection.settings_dict
    holder = psycopg2.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"]
    )
    try:
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE documents_letter IN ACCESS EXCLUSIVE MODE")
        with database_at(s["PORT"] or 5432, options="-c statement_timeout=300"):
            response = client.get(CHECK_URL)
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert "Layanan sedang terganggu" in response.content.decode()


@postgres_only
def test_healthz_answers_before_the_connect_timeout_while_the_database_hangs(client, live_database):
    with hanging_database() as port, database_at(port, connect_timeout=4):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
        # The check left hanging ends with the connect timeout, before the next test.
        assert health._in_flight.result(timeout=30)[0] is False
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False} and body["worker_last_seen"] is None
    # Not a speed measurement: the answer came before the 4 s connect timeout (the check's
    # own deadline is half a second).
    assert elapsed < 3


@postgres_only
def test_healthz_says_the_database_is_down_when_it_refuses(client, live_database):
    with database_at(free_port()):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False}
    assert client.get("/healthz").json()["database"] == {"ok": True}


# --- Redis away ------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The cache on a Redis that is not there (nothing listens on the port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "bp3mi.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def test_the_cache_answers_empty_while_redis_is_down(redis_down):
    from django.core.cache import cache

    assert cache.get("x", "standard") == "standard"
    assert cache.add("x", 1) is False
    cache.set("x", 1)
    with pytest.raises(ValueError):
        cache.incr("x")
    assert cache.get_or_set("y", 7) == 7


@pytest.mark.django_db
def test_the_public_files_a_complaint_while_redis_is_down(client, redis_down):
    response = client.post(FILE_URL, public_form())
    assert response.status_code == 302 and response["Location"] == reverse("complaints:receipt")
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_letter_check_answers_while_redis_is_down(client, redis_down):
    assert client.get(CHECK_URL).status_code == 404


def test_an_outage_met_outside_a_view_gets_the_same_503_page(rf, fresh_outage_log):
    from django.db import OperationalError

    from bp3mi.views import server_error

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "Layanan sedang terganggu" in response.content.decode()


@postgres_only
def test_the_web_server_cuts_statements_at_30_seconds_and_connections_at_the_connect_timeout(db):
    code = (
        "import bp3mi.wsgi; from django.db import connection; c = connection.cursor(); "
        "c.execute('SHOW statement_timeout'); "
        "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['connect_timeout'])"
    )
    # The test database: DATABASE_URL's own database need not exist (CI creates only the
    # test database from it).
    database = _database_url_for_worker(connection)
    web = run_python(code, DATABASE_CONNECT_TIMEOUT="4", DATABASE_URL=database)
    assert web.stdout.split() == ["30s", "4"], web.stderr
    worker = run_python(
        code.replace("import bp3mi.wsgi; ", "import django; django.setup(); "),
        DATABASE_URL=database,
    )
    assert worker.stdout.split() == ["0", "3"], worker.stderr


def run_python(code: str, **env):
    clean_env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_STATEMENT_TIMEOUT", "DJANGO_ENV"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "bp3mi.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
