"""On PostgreSQL, a trigram index on the applicant's name, so that the officers' search by
part of a name (`full_name__icontains`, which PostgreSQL runs as UPPER(full_name) LIKE ...)
does not scan every applicant. Other databases search without it.

Creating the pg_trgm extension needs a role allowed to do so; where it is not allowed the
index is left out (the search still works, only slower) rather than failing the deploy."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "registrations_applicant_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON registrations_applicant "
                "USING gin ((UPPER(full_name::text)) gin_trgm_ops)"
            )
    except DatabaseError as error:
        logger.warning("Trigram index on applicant names not created: %s", error)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registrations", "0004_role_permissions_for_officers")]

    operations = [migrations.RunPython(create_index, drop_index)]
