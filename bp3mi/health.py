"""Checks behind /healthz: can the web process reach the database and the broker?

Each check answers (ok, detail). The detail (database vendor, broker transport, or the class
of the failure) is for staff only; anonymous callers get the booleans."""

from __future__ import annotations

from django.db import connection
from kombu import Connection

from .celery import app
from .models import WorkerHeartbeat

# Seconds to wait for the broker: a load balancer's check must answer fast when it is down.
BROKER_CONNECT_TIMEOUT = 0.5


def database_status() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, type(exc).__name__
    return True, connection.vendor


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
