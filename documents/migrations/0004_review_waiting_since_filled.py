"""Fill Registration.review_waiting_since for the registrations with a document already
waiting for review (the services keep it from now on)."""

from django.db import migrations
from django.db.models import Exists, Min, OuterRef, Subquery

PENDING = "menunggu"


def fill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Registration = apps.get_model("registrations", "Registration")
    waiting = Document.objects.filter(registration=OuterRef("pk"), is_current=True, status=PENDING)
    oldest = waiting.order_by().values("registration").annotate(oldest=Min("uploaded_at"))
    Registration.objects.filter(Exists(waiting)).update(
        review_waiting_since=Subquery(oldest.values("oldest"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_letter_heartbeat_at_letter_sent_at"),
        ("registrations", "0014_registration_review_waiting_since"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
