"""Occupations offered at registration, with their sector. The household and fee-exempt marks
follow Perban 9/2020 (ten informal jobs freed from placement costs)."""

# (name, sector, household work, fee exempt)
OCCUPATIONS = [
    ("Penata laksana rumah tangga", "informal", True, True),
    ("Pengasuh bayi", "informal", True, True),
    ("Pengasuh lansia", "informal", True, True),
    ("Pengasuh anak", "informal", True, True),
    ("Juru masak rumah tangga", "informal", True, True),
    ("Sopir keluarga", "informal", True, True),
    ("Perawat taman", "informal", True, True),
    ("Petugas kebersihan", "informal", False, True),
    ("Pekerja perkebunan", "informal", False, True),
    ("Awak kapal perikanan", "informal", False, True),
    ("Perawat (caregiver) panti", "formal", False, False),
    ("Perawat kesehatan", "formal", False, False),
    ("Operator pabrik/manufaktur", "formal", False, False),
    ("Tukang las", "formal", False, False),
    ("Pekerja konstruksi", "formal", False, False),
    ("Pekerja pertanian", "formal", False, False),
    ("Pekerja perhotelan", "formal", False, False),
    ("Pekerja restoran dan jasa makanan", "formal", False, False),
    ("Awak kapal niaga", "formal", False, False),
    ("Pekerja perawatan bangunan", "formal", False, False),
    ("Pengemudi/operator alat berat", "formal", False, False),
]


def load_occupations(apps=None):
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    occupation_model = apps.get_model("registrations", "Occupation")
    for name, sector, household, exempt in OCCUPATIONS:
        occupation_model.objects.get_or_create(
            name=name,
            defaults={"sector": sector, "is_household": household, "fee_exempt": exempt},
        )
