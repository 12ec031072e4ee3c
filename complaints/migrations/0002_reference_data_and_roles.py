"""The complaint categories seen in the ministry's reports, the service-standard classes and
step deadlines (data the office may change in the admin), the complaint permissions of the
roles named in bp3mi.roles, and on PostgreSQL trigram indexes on the worker's and the
complainant's names, so that the officers' search by part of a name (`icontains`, run as
UPPER(...) LIKE ...) does not scan every case. Where the pg_trgm extension may not be
created, the indexes are left out (the search still works, only slower)."""

import logging

from django.db import DatabaseError, migrations, transaction

from bp3mi.roles import sync_roles

logger = logging.getLogger(__name__)

NAME_INDEXES = {
    "complaints_case_worker_name_trgm": "worker_name",
    "complaints_case_complainant_name_trgm": "complainant_name",
}

SERVICE_CLASSES = [
    ("sederhana", "Sederhana", 2),
    ("normatif", "Normatif", 5),
    ("tanpa-pemeriksaan", "Tidak memerlukan pemeriksaan", 14),
    ("pemeriksaan", "Memerlukan pemeriksaan", 60),
]

# (code, name, sensitive, service class)
CATEGORIES = [
    ("minta-dipulangkan", "Ingin dipulangkan", False, "tanpa-pemeriksaan"),
    ("gaji-tidak-dibayar", "Gaji tidak dibayar", False, "pemeriksaan"),
    ("gagal-berangkat", "Gagal berangkat", False, "tanpa-pemeriksaan"),
    ("meninggal-dunia", "Meninggal dunia", True, "tanpa-pemeriksaan"),
    ("sakit", "Sakit", False, "tanpa-pemeriksaan"),
    ("depresi", "Depresi/gangguan jiwa", False, "tanpa-pemeriksaan"),
    ("penipuan-lowongan", "Penipuan peluang kerja", False, "pemeriksaan"),
    ("tppo", "Tindak pidana perdagangan orang (TPPO)", True, "pemeriksaan"),
    ("tidak-sesuai-perjanjian", "Pekerjaan tidak sesuai perjanjian kerja", False, "pemeriksaan"),
    ("kekerasan-majikan", "Kekerasan dari majikan", True, "pemeriksaan"),
    ("pelecehan-seksual", "Pelecehan/kekerasan seksual", True, "pemeriksaan"),
    ("deportasi", "Dideportasi", False, "tanpa-pemeriksaan"),
    ("klaim-jaminan-sosial", "Klaim jaminan sosial/asuransi", False, "normatif"),
    ("overcharging", "Biaya penempatan berlebih (overcharging)", False, "pemeriksaan"),
    ("hamil-memiliki-anak", "Hamil/memiliki anak", False, "tanpa-pemeriksaan"),
    ("hilang-kontak", "Hilang kontak", False, "tanpa-pemeriksaan"),
    ("dokumen-ditahan", "Dokumen ditahan", False, "tanpa-pemeriksaan"),
    ("lainnya", "Lainnya", False, "tanpa-pemeriksaan"),
]

# Working days a case may stay in each step before it is overdue.
STEP_DEADLINES = [
    ("diterima", 2),
    ("verifikasi", 5),
    ("klarifikasi", 15),
    ("mediasi", 14),
    ("dirujuk", 60),
]


def load(apps, schema_editor):
    ServiceClass = apps.get_model("complaints", "ServiceClass")
    ComplaintCategory = apps.get_model("complaints", "ComplaintCategory")
    StepDeadline = apps.get_model("complaints", "StepDeadline")
    classes = {}
    for code, name, days in SERVICE_CLASSES:
        classes[code], _ = ServiceClass.objects.update_or_create(
            code=code, defaults={"name": name, "working_days": days}
        )
    for position, (code, name, sensitive, service_class) in enumerate(CATEGORIES, start=1):
        ComplaintCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "sensitive": sensitive,
                "service_class": classes[service_class],
                "ordering": position * 10,
            },
        )
    for status, days in STEP_DEADLINES:
        StepDeadline.objects.update_or_create(status=status, defaults={"working_days": days})


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for index, column in NAME_INDEXES.items():
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON complaints_case "
                    f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                )
    except DatabaseError as error:
        logger.warning("Trigram indexes on complaint names not created: %s", error)


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in NAME_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("bp3mi", "0002_reference_data_and_roles"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
