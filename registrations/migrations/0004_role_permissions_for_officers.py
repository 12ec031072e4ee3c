"""Give the officer roles the permission to change a registration's status
(registrations.change_registration, see bp3mi.roles)."""

from django.db import migrations

from bp3mi.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0003_duplicate_nik_attempt"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
