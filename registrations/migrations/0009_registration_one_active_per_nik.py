"""One active registration per NIK held by the database, and bounded free text (after 0008
resolved existing duplicates and shortened overlong text; in a migration of its own, as
PostgreSQL does not alter a table with pending trigger events)."""

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
        migrations.AlterField(
            model_name="applicant",
            name="address",
            field=models.CharField(blank=True, max_length=500, verbose_name="alamat"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="experience",
            field=models.CharField(blank=True, max_length=2000, verbose_name="pengalaman kerja"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="no_nik_reason",
            field=models.CharField(blank=True, max_length=500, verbose_name="alasan tanpa NIK"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status_reason",
            field=models.CharField(blank=True, max_length=4000, verbose_name="alasan status"),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="reason",
            field=models.CharField(blank=True, max_length=4000, verbose_name="alasan"),
        ),
    ]
