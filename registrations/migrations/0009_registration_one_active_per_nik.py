"""One active registration per NIK, held by the database (after 0008 resolved existing
duplicates, in its own transaction: PostgreSQL does not alter a table with pending trigger
events)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_registration_rules"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        ["draft", "diajukan", "verifikasi", "perbaikan", "terverifikasi"],
                    ),
                    models.Q(("nik", ""), _negated=True),
                ),
                fields=("nik",),
                name="registration_one_active_per_nik",
                violation_error_code="duplicate_nik",
            ),
        ),
    ]
