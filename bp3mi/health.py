"""Checks behind /healthz: can the web process reach the database and the broker?

Each check answers (ok, detail). The detail (database vendor, broker transport, or the class
of the failure) is for staff only; anonymous callers get the booleans."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.db import connection
from kombu import Connection

from .celery import app
from .models import WorkerHeartbeat

# Seconds to wait for the broker: a load balancer's check must answer fast when it is down.
BROKER_CONNECT_TIMEOUT = 0.5
# Seconds to wait for the database. libpq's connect timeout is 2 s at least, and a database
# that hangs keeps a query waiting, so the check runs in a thread of its own and is reported
# down when it has not answered by then.
DATABASE_TIMEOUT = 0.5

# One thread per process runs the database checks; while a check hangs, later requests wait
# for that same check instead of piling up new ones.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz-db")
_in_flight: Future | None = None
_in_flight_lock = threading.Lock()


def _check_database() -> tuple[bool, str, str | None]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor, worker_last_seen()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, type(exc).__name__, None
    finally:
        # A fresh connection each time: one left open would outlive a restarted database.
        connection.close()


def database_status() -> tuple[bool, str, str | None]:
    """(ok, detail, the worker's last heartbeat), within DATABASE_TIMEOUT seconds."""
    global _in_flight
    with _in_flight_lock:
        if _in_flight is None or _in_flight.done():
            _in_flight = _executor.submit(_check_database)
        future = _in_flight
    try:
        return future.result(timeout=DATABASE_TIMEOUT)
    except FutureTimeout:
        return False, "Timeout", None


def broker_status() -> tuple[bool, str]:
    """One connection attempt with a short timeout, no retry (Celery's own pool retries for
    seconds)."""
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
        "socket_timeout": BROKER_CONNECT_TIMEOUT,
        "max_retries": 0,
    }
    try:
        with Connection(
            app.conf.broker_url,
            connect_timeout=BROKER_CONNECT_TIMEOUT,
            transport_options=options,
        ) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CONNECT_TIMEOUT
            )
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, str(transport)


def worker_last_seen() -> str | None:
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return beat.last_seen.isoformat() if beat else None
