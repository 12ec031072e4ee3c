"""The complaint categories seen in the ministry's reports, the service-standard classes and
step deadlines (data the office may change in the admin), the complaint permissions of the
roles named in bp3mi.roles, and on PostgreSQL trigram indexes on the worker's and the
complainant's names, so that the officers' search by part of a name (`icontains`, run as
UPPER(...) LIKE ...) does not scan every case. Where the pg_trgm extension may not be
created, the indexes are left out (the search still works, only slower)."""

import logging

from django.db import DatabaseError, migrations, transaction

from bp3mi.roles import sync_roles
from complaints.reference import load_complaint_reference

logger = logging.getLogger(__name__)

NAME_INDEXES = {
    "complaints_case_worker_name_trgm": "worker_name",
    "complaints_case_complainant_name_trgm": "complainant_name",
}


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for index, column in NAME_INDEXES.items():
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON complaints_case "
                    f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                )
    except DatabaseError as error:
        logger.warning("Trigram indexes on complaint names not created: %s", error)


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in NAME_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("bp3mi", "0002_reference_data_and_roles"),
    ]

    operations = [
        migrations.RunPython(load_complaint_reference, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
