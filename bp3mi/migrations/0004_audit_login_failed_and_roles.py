from django.db import migrations, models

from bp3mi.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("bp3mi", "0003_user_nip"),
        # Every app whose permissions the roles name, at its latest migration: the roles are
        # re-synced exactly (permissions taken out of bp3mi/roles.py are taken away).
        ("stakeholders", "0002_roles_directory_permissions"),
        ("registrations", "0007_role_permission_walk_in"),
        ("documents", "0002_document_types_and_roles"),
        # The Admin role holds every permission (but the CPMI's): the framework's and
        # third-party apps' too.
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "buat"),
                    ("update", "ubah"),
                    ("delete", "hapus"),
                    ("view", "lihat"),
                    ("export", "ekspor"),
                    ("status", "ubah status"),
                    ("login", "masuk"),
                    ("login_failed", "gagal masuk"),
                    ("signup", "daftar akun"),
                ],
                max_length=20,
                verbose_name="tindakan",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
