"""Reference data every installation needs: Sultra's kab/kota and the destination countries.

Loaded by a data migration and again, harmlessly, by `seed_demo`. Administrators change it
later in the admin (another province's regions, a new moratorium)."""

# (name, kind, Kemendagri code, BPS code): DOMAIN.md, Sulawesi Tenggara (province 74).
SULTRA_REGIONS = [
    ("Kab. Kolaka", "kabupaten", "74.01", "7404"),
    ("Kab. Konawe", "kabupaten", "74.02", "7403"),
    ("Kab. Muna", "kabupaten", "74.03", "7402"),
    ("Kab. Buton", "kabupaten", "74.04", "7401"),
    ("Kab. Konawe Selatan", "kabupaten", "74.05", "7405"),
    ("Kab. Bombana", "kabupaten", "74.06", "7406"),
    ("Kab. Wakatobi", "kabupaten", "74.07", "7407"),
    ("Kab. Kolaka Utara", "kabupaten", "74.08", "7408"),
    ("Kab. Konawe Utara", "kabupaten", "74.09", "7410"),
    ("Kab. Buton Utara", "kabupaten", "74.10", "7409"),
    ("Kab. Kolaka Timur", "kabupaten", "74.11", "7411"),
    ("Kab. Konawe Kepulauan", "kabupaten", "74.12", "7412"),
    ("Kab. Muna Barat", "kabupaten", "74.13", "7413"),
    ("Kab. Buton Tengah", "kabupaten", "74.14", "7414"),
    ("Kab. Buton Selatan", "kabupaten", "74.15", "7415"),
    ("Kota Kendari", "kota", "74.71", "7471"),
    ("Kota Baubau", "kota", "74.72", "7472"),
]

_MORATORIUM_BASIS = "Kepmenaker 260/2015 (penempatan pada pengguna perseorangan)"

# (ISO code, Indonesian name, English name, household-sector moratorium)
COUNTRIES = [
    ("JP", "Jepang", "Japan", False),
    ("KR", "Korea Selatan", "South Korea", False),
    ("TW", "Taiwan", "Taiwan", False),
    ("HK", "Hong Kong", "Hong Kong", False),
    ("MY", "Malaysia", "Malaysia", False),
    ("SG", "Singapura", "Singapore", False),
    ("BN", "Brunei Darussalam", "Brunei", False),
    ("PG", "Papua Nugini", "Papua New Guinea", False),
    ("SB", "Kepulauan Solomon", "Solomon Islands", False),
    ("TO", "Tonga", "Tonga", False),
    ("AU", "Australia", "Australia", False),
    ("NZ", "Selandia Baru", "New Zealand", False),
    ("DE", "Jerman", "Germany", False),
    ("NL", "Belanda", "Netherlands", False),
    ("PL", "Polandia", "Poland", False),
    ("TR", "Turki", "Turkey", False),
    ("US", "Amerika Serikat", "United States", False),
    ("SA", "Arab Saudi", "Saudi Arabia", True),
    ("AE", "Uni Emirat Arab", "United Arab Emirates", True),
    ("QA", "Qatar", "Qatar", True),
    ("KW", "Kuwait", "Kuwait", True),
    ("BH", "Bahrain", "Bahrain", True),
    ("OM", "Oman", "Oman", True),
    ("JO", "Yordania", "Jordan", True),
    ("IQ", "Irak", "Iraq", True),
    ("LB", "Lebanon", "Lebanon", True),
    ("EG", "Mesir", "Egypt", True),
    ("SY", "Suriah", "Syria", True),
    ("YE", "Yaman", "Yemen", True),
    ("PS", "Palestina", "Palestine", True),
    ("PK", "Pakistan", "Pakistan", True),
    ("SS", "Sudan Selatan", "South Sudan", True),
    ("LY", "Libya", "Libya", True),
    ("DZ", "Aljazair", "Algeria", True),
    ("TN", "Tunisia", "Tunisia", True),
    ("MA", "Maroko", "Morocco", True),
    ("MR", "Mauritania", "Mauritania", True),
]


def load_reference_data(apps=None):
    """Create or update the regions and countries above; safe to run any number of times."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    region_model = apps.get_model("bp3mi", "Region")
    country_model = apps.get_model("bp3mi", "Country")
    for name, kind, kemendagri, bps in SULTRA_REGIONS:
        region_model.objects.update_or_create(
            code_kemendagri=kemendagri,
            defaults={
                "name": name,
                "kind": kind,
                "code_bps": bps,
                "province_code": "74",
                "province_name": "Sulawesi Tenggara",
            },
        )
    for iso, name, name_en, moratorium in COUNTRIES:
        country_model.objects.get_or_create(
            iso_code=iso,
            defaults={
                "name": name,
                "name_en": name_en,
                "household_moratorium": moratorium,
                "moratorium_basis": _MORATORIUM_BASIS if moratorium else "",
            },
        )


def load_all_reference_data():
    """Everything the data migrations load, again: this app's reference data, then each
    installed app's own (its AppConfig's `load_reference_data(apps)`, in INSTALLED_APPS
    order), then the roles. The core names no feature app: each one brings its own loader."""
    from django.apps import apps

    from .roles import sync_roles

    load_reference_data(apps)
    for config in apps.get_app_configs():
        loader = getattr(config, "load_reference_data", None)
        if loader is not None:
            loader(apps)
    sync_roles(apps)
