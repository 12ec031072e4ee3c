"""The roles again after the export model exists, so the Admin role holds its permissions.
It depends on the newest migration of every app with permissions, so this sync sees them all."""

from django.db import migrations

from bp3mi.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0001_report_export"),
        ("bp3mi", "0004_audit_login_failed_and_roles"),
        ("complaints", "0002_reference_data_and_roles"),
        ("documents", "0002_document_types_and_roles"),
        ("registrations", "0012_applicant_anonymised_at"),
        ("stakeholders", "0003_import_job"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
