"""Give Verifikator and Admin the permission to record a walk-in registration at the desk
(registrations.register_walk_in, see bp3mi.roles)."""

from django.db import migrations

from bp3mi.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0006_walk_in_registration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
