from django.db import migrations

from bp3mi.reference import load_reference_data
from bp3mi.roles import sync_roles


def forwards(apps, schema_editor):
    load_reference_data(apps)
    sync_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("bp3mi", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("stakeholders", "0001_initial"),
        ("registrations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
