"""The complaint reference data: categories seen in the ministry's reports (four sensitive),
the service-standard classes with their working days, and the working days each step may
take. Loaded by a data migration (and again after a test flushes the database);
administrators change them later in the admin."""

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


def load_complaint_reference(apps, schema_editor=None):
    """Create or update the categories, service classes and step deadlines above."""
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
