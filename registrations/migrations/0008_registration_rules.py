"""A draft may be withdrawn without a number; every NIK in its normal form (NFKC, ASCII
digits); each registration takes a copy of its applicant's NIK (0009 makes it unique among
active registrations).

Existing data: NIKs typed with full-width digits or spaces are normalised, each registration
takes its applicant's NIK, and where several active registrations hold one NIK the one
furthest along (then the oldest) is kept and flagged for the officers; the others are
withdrawn with a reason in their status history and the audit trail. Free text longer than
its new bound (0009) is cut to it, with a mark that it was cut."""

import unicodedata

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

ACTIVE = ["draft", "diajukan", "verifikasi", "perbaikan", "terverifikasi"]
# Which of several active registrations with one NIK is kept: the one furthest along.
PRECEDENCE = {"terverifikasi": 0, "verifikasi": 1, "perbaikan": 2, "diajukan": 3, "draft": 4}


def normalise(value):
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if not ch.isspace())


# (model, field): the bound 0009 gives it.
TEXT_BOUNDS = [
    ("Applicant", "address", 500),
    ("Applicant", "experience", 2000),
    ("Registration", "no_nik_reason", 500),
    ("Registration", "status_reason", 4000),
    ("StatusChange", "reason", 4000),
]
CUT = " [dipotong]"


def bound_free_text(apps, schema_editor):
    from django.db.models.functions import Length

    for model_name, field, limit in TEXT_BOUNDS:
        model = apps.get_model("registrations", model_name)
        overlong = model.objects.annotate(n=Length(field)).filter(n__gt=limit)
        for pk, value in overlong.values_list("pk", field):
            model.objects.filter(pk=pk).update(**{field: value[: limit - len(CUT)] + CUT})


def one_active_registration_per_nik(apps, schema_editor):
    Applicant = apps.get_model("registrations", "Applicant")
    Registration = apps.get_model("registrations", "Registration")
    StatusChange = apps.get_model("registrations", "StatusChange")
    AuditEvent = apps.get_model("bp3mi", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for applicant in Applicant.objects.exclude(nik="").exclude(nik__regex=r"^[0-9]{16}$"):
        normal = normalise(applicant.nik)
        if normal != applicant.nik and len(normal) <= 16:
            Applicant.objects.filter(pk=applicant.pk).update(nik=normal)
    Registration.objects.update(
        nik=Subquery(Applicant.objects.filter(pk=OuterRef("applicant_id")).values("nik")[:1])
    )

    duplicated = (
        Registration.objects.filter(status__in=ACTIVE)
        .exclude(nik="")
        .values("nik")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("nik", flat=True)
    )
    if not duplicated:
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="registrations", model="registration"
    )
    now = timezone.now()
    for nik in list(duplicated):
        holders = sorted(
            Registration.objects.filter(nik=nik, status__in=ACTIVE),
            key=lambda r: (PRECEDENCE[r.status], r.submitted_at or r.created_at, r.pk),
        )
        kept, others = holders[0], holders[1:]
        Registration.objects.filter(pk=kept.pk).update(flag_duplicate_nik=True)
        for reg in others:
            reason = (
                f"Dibatalkan otomatis: NIK yang sama dipakai pendaftaran aktif lain "
                f"({kept.number or f'Draf {kept.pk}'}); satu NIK hanya boleh memiliki satu "
                f"pendaftaran aktif."
            )
            Registration.objects.filter(pk=reg.pk).update(
                status="dibatalkan", status_reason=reason, flag_duplicate_nik=True, updated_at=now
            )
            StatusChange.objects.create(
                registration_id=reg.pk,
                from_status=reg.status,
                to_status="dibatalkan",
                reason=reason,
                changed_at=now,
            )
            AuditEvent.objects.create(
                action="status",
                content_type=content_type,
                object_id=str(reg.pk),
                object_repr=reg.number or f"Draf {reg.pk}",
                message=reason[:500],
                changes={"status": [reg.status, "dibatalkan"]},
                created_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("bp3mi", "0002_reference_data_and_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registrations", "0007_role_permission_walk_in"),
        ("stakeholders", "0002_roles_directory_permissions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="registration",
            name="registration_number_once_submitted",
        ),
        migrations.AddField(
            model_name="registration",
            name="nik",
            field=models.CharField(blank=True, editable=False, max_length=16, verbose_name="NIK"),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("number__isnull", False),
                    ("status", "draft"),
                    models.Q(("status", "dibatalkan"), ("submitted_at__isnull", True)),
                    _connector="OR",
                ),
                name="registration_number_once_submitted",
            ),
        ),
        migrations.RunPython(bound_free_text, migrations.RunPython.noop),
        migrations.RunPython(one_active_registration_per_nik, migrations.RunPython.noop),
    ]
