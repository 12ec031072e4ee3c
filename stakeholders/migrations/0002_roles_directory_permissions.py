"""Give the roles the directory permissions named in bp3mi.roles (Staf Data now also keeps
the P3MI's SIP2MI)."""

from django.db import migrations

from bp3mi.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0001_initial"),
        ("bp3mi", "0002_reference_data_and_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
