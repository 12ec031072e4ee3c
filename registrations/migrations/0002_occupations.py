from django.db import migrations

from registrations.reference import load_occupations


def forwards(apps, schema_editor):
    load_occupations(apps)


class Migration(migrations.Migration):
    dependencies = [("registrations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
