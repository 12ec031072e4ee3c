from django.db import migrations

from bp3mi.roles import sync_roles
from documents.reference import load_document_types


def forwards(apps, schema_editor):
    load_document_types(apps)
    sync_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("bp3mi", "0002_reference_data_and_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
