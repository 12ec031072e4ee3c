"""Checks behind /healthz: can the web process reach the database and the broker?"""

from __future__ import annotations

from django.db import connection

from .celery import app
from .models import WorkerHeartbeat


def database_status() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, type(exc).__name__
    return True, connection.vendor


def broker_status() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, str(transport)


def worker_last_seen() -> str | None:
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return beat.last_seen.isoformat() if beat else None
