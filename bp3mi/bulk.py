"""Fast bulk inserts for large synthetic data sets (demo data, benchmarks)."""

from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.db import connection, models
from django.utils import timezone

PAGE_SIZE = 1000


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return str(value)


def bulk_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` (dicts of plain values keyed by field attname, e.g. `region_id`; no
    expressions, no JSON) and return the new primary keys in order. Fields a row leaves out
    take their default; `auto_now` and `auto_now_add` fields take the current time.

    On PostgreSQL the keys are taken from the table's sequence first, then the rows go in
    through one COPY, skipping both the ORM's per-object work and the per-statement cost of
    INSERT; elsewhere `bulk_create`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=PAGE_SIZE)
        return [obj.pk for obj in objects]

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(table), pk, len(rows)],
        )
        ids = [value for (value,) in cursor.fetchall()]
        names = [f.attname for f in fields]
        default_text = {name: _copy_text(value) for name, value in defaults.items()}
        buffer = io.StringIO()
        for new_id, row in zip(ids, rows, strict=True):
            values = [
                _copy_text(row[name]) if name in row else default_text[name] for name in names
            ]
            buffer.write(str(new_id))
            buffer.write("\t")
            buffer.write("\t".join(values))
            buffer.write("\n")
        buffer.seek(0)
        # Table and column names come from the model's metadata, quoted.
        columns = ", ".join(quote(c) for c in [pk, *(f.column for f in fields)])
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", buffer)
    return ids


@contextlib.contextmanager
def secondary_indexes_suspended(*model_classes: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes (not primary keys, not those behind
    a unique or other constraint) for the duration of a large load and build them again
    afterwards, even when the load fails: building an index once over a million rows is much
    cheaper than updating it a million times. Elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in model_classes]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND i.indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
              )
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                # Inside a transaction, deferred foreign-key checks must run before an index
                # can be built on their table.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(
                    definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                )
            cursor.execute("RESET maintenance_work_mem")
            if connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def vacuum_analyze(*model_classes: type[models.Model]) -> None:
    """On PostgreSQL, VACUUM (ANALYZE) the models' tables after a large load (outside any
    transaction): besides the statistics, it sets the visibility map, without which an
    index-only scan (the directory's counts per stakeholder, the lists' bounded counts) visits
    the table for every row. Autovacuum would do it in time, where it runs; a freshly seeded
    demo or benchmark database is measured at once. Elsewhere, nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
