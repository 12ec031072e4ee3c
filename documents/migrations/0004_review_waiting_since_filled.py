"""Fill Registration.review_waiting_since for the registrations with a document already
waiting for review (the services keep it from now on)."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery

PENDING = "menunggu"


def fill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Registration = apps.get_model("registrations", "Registration")
    waiting = Document.objects.filter(
        registration=OuterRef("pk"), is_current=True, status=PENDING
    ).order_by("uploaded_at")
    Registration.objects.filter(Exists(waiting)).update(
        review_waiting_since=Subquery(waiting.values("uploaded_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_letter_heartbeat_at_letter_sent_at"),
        ("registrations", "0014_registration_review_waiting_since"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
