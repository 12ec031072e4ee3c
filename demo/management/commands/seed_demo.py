"""Demo data for development and demonstrations: one account per role, the reference data,
the Sultra stakeholders named in DOMAIN.md (with invented licence numbers), and optionally
many synthetic CPMI registrations. Running it again adds nothing that already exists."""

import datetime
import random
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bp3mi import roles
from bp3mi.bulk import bulk_insert, secondary_indexes_suspended, vacuum_analyze
from bp3mi.models import Country, Region, User
from bp3mi.reference import load_all_reference_data
from bp3mi.services import sequence_take
from registrations.choices import (
    Education,
    EmployerType,
    FamilyRelation,
    MaritalStatus,
    RegistrationStatus,
    Scheme,
    Sex,
)
from registrations.models import Applicant, Occupation, Registration
from registrations.nik import build_nik
from stakeholders.choices import LicenceKind, OfficeLevel, OfficeType, StakeholderKind
from stakeholders.models import Licence, Sip2mi, Stakeholder, Vocation

DEMO_PASSWORD = "demo-bp3mi-2026"  # noqa: S105 - development-only accounts, printed and in the README  # nosec B105
DEMO_DOMAIN = "demo.bp3mi.test"

DEMO_USERS = [
    (roles.CPMI, "cpmi", "Siti Rahmawati (demo CPMI)", False),
    (roles.VERIFIKATOR, "verifikator", "Andi Verifikator (demo)", False),
    (roles.KEPALA, "kepala", "Kepala Balai (demo)", False),
    (roles.PETUGAS_PENGADUAN, "pengaduan", "Petugas Pengaduan (demo)", False),
    (roles.STAF_DATA, "data", "Staf Data (demo)", False),
    (roles.ADMIN, "admin", "Administrator (demo)", True),
]

# (kind, name, region Kemendagri code, extra fields)
DEMO_STAKEHOLDERS = [
    (
        StakeholderKind.CLINIC,
        "Klinik Rapha",
        "74.71",
        {"services": "Pemeriksaan kesehatan dan psikologi CPMI"},
    ),
    (StakeholderKind.LPK, "LPK Kizuna Wawonii", "74.12", {"languages": "Jepang"}),
    (StakeholderKind.LPK, "LPK Asindon Nusantara Pratama", "74.71", {"languages": "Jepang, Korea"}),
    (StakeholderKind.LPK, "LPK PT. Ki Ki Sultra Sinergi", "74.71", {"languages": "Jepang"}),
    (
        StakeholderKind.P3MI,
        "PT. Tri Tunggal Nuansa Primatama",
        "74.71",
        {"office_type": OfficeType.BRANCH},
    ),
    (StakeholderKind.P3MI, "PT. Lia Center Utama", "74.71", {"office_type": OfficeType.BRANCH}),
    (
        StakeholderKind.P3MI,
        "PT. Khalifah Fierdaus Aulia",
        "74.71",
        {"office_type": OfficeType.BRANCH},
    ),
    (StakeholderKind.P3MI, "PT. Arwana Citra Lestari", "74.71", {"office_type": OfficeType.BRANCH}),
    (StakeholderKind.BLK, "UPTD Balai Pelatihan Kerja Disnakertrans Prov. Sultra", "74.71", {}),
    (StakeholderKind.BLK, "BPVP Kendari", "74.71", {}),
    (
        StakeholderKind.LABOUR_OFFICE,
        "Disnakertrans Prov. Sultra",
        "74.71",
        {"office_level": OfficeLevel.PROVINCE},
    ),
    (
        StakeholderKind.LABOUR_OFFICE,
        "Disnakertrans Kota Kendari",
        "74.71",
        {"office_level": OfficeLevel.REGENCY},
    ),
]

VOCATIONS = [
    "Bahasa Jepang",
    "Bahasa Korea",
    "Perawatan lansia (kaigo)",
    "Pengelasan",
    "Perhotelan",
    "Perikanan",
    "Pertanian",
    "Konstruksi",
    "Pengolahan makanan",
]

FIRST_NAMES_M = [
    "Ahmad",
    "La Ode",
    "Muhammad",
    "Rudi",
    "Hasan",
    "Andi",
    "Wahyu",
    "Irwan",
    "Sahrul",
    "Jufri",
    "Arman",
    "Safrin",
]
FIRST_NAMES_F = [
    "Siti",
    "Wa Ode",
    "Nur",
    "Rahma",
    "Dewi",
    "Sitti",
    "Hasnah",
    "Fitri",
    "Ani",
    "Marlina",
    "Yuliana",
    "Sarina",
]
LAST_NAMES = [
    "Rahman",
    "Hamid",
    "Saputra",
    "Sari",
    "Halim",
    "Basri",
    "Lestari",
    "Kadir",
    "Salim",
    "Ningsih",
    "Arifin",
    "Yusuf",
    "Hidayat",
    "Mustafa",
]

STATUS_WEIGHTS = [
    (RegistrationStatus.DRAFT, 10),
    (RegistrationStatus.SUBMITTED, 20),
    (RegistrationStatus.IN_VERIFICATION, 20),
    (RegistrationStatus.NEEDS_CORRECTION, 10),
    (RegistrationStatus.VERIFIED, 15),
    (RegistrationStatus.DEPARTED, 20),
    (RegistrationStatus.WITHDRAWN, 3),
    (RegistrationStatus.REJECTED, 2),
]
BATCH = 5000
# Above this many new registrations, the tables' secondary indexes are built once after the
# load instead of updated row by row (PostgreSQL).
SUSPEND_INDEXES_FROM = 100_000

# Synthetic stakeholders: "Contoh" (example) in every name, so nobody takes one for a real
# company, centre or clinic.
SYNTHETIC_PREFIX = {
    StakeholderKind.P3MI: "PT. Contoh",
    StakeholderKind.LPK: "LPK Contoh",
    StakeholderKind.BLK: "BLK Contoh",
    StakeholderKind.CLINIC: "Klinik Contoh",
    StakeholderKind.LABOUR_OFFICE: "Dinas Contoh",
}
SYNTHETIC_KIND_WEIGHTS = [
    (StakeholderKind.P3MI, 40),
    (StakeholderKind.LPK, 30),
    (StakeholderKind.BLK, 10),
    (StakeholderKind.CLINIC, 15),
    (StakeholderKind.LABOUR_OFFICE, 5),
]
SYNTHETIC_WORDS = [
    "Bintang",
    "Samudra",
    "Cahaya",
    "Mitra",
    "Karya",
    "Sentosa",
    "Makmur",
    "Bahari",
    "Anoa",
    "Tolaki",
    "Buton",
    "Wakatobi",
    "Lestari",
    "Harapan",
]


class Command(BaseCommand):
    help = (
        "Create demo accounts, reference data, stakeholders and optionally synthetic registrations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--registrations",
            type=int,
            default=0,
            help="How many synthetic CPMI registrations there should be.",
        )
        parser.add_argument(
            "--complaints",
            type=int,
            default=0,
            help="How many synthetic complaint cases there should be.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )
        parser.add_argument(
            "--stakeholders",
            type=int,
            default=0,
            help="How many synthetic stakeholders (invented names, 'Contoh') there should be.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed for synthetic data."
        )

    def handle(self, *args, registrations, stakeholders, if_empty, seed, complaints=0, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates accounts with a published password: not in production."
            )
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data not added.")
            return
        with transaction.atomic():
            load_all_reference_data()
            created_users = self._users()
            self._stakeholders()
        if stakeholders:
            made = self._synthetic_stakeholders(stakeholders, random.Random(seed))  # noqa: S311  # nosec B311
            self.stdout.write(
                f"Synthetic stakeholders created: {made} (total wanted: {stakeholders})."
            )
            if made:
                vacuum_analyze(Stakeholder, Licence)
        if registrations:
            existing = Applicant.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").count()
            large = registrations - existing >= SUSPEND_INDEXES_FROM
            with secondary_indexes_suspended(Applicant, Registration) if large else nullcontext():
                made = self._registrations(registrations, random.Random(seed))  # noqa: S311  # nosec B311
            if made:
                vacuum_analyze(Applicant, Registration)
            self.stdout.write(
                f"Synthetic registrations created: {made} (total wanted: {registrations})."
            )
        if complaints:
            from demo.complaints import DEMO_TRACKING_CODE, seed_complaints

            made = seed_complaints(complaints, random.Random(seed + 1), self.stdout.write)  # noqa: S311  # nosec B311
            if made:
                from complaints.models import Case, CaseEvent

                vacuum_analyze(Case, CaseEvent)
            self.stdout.write(
                f"Synthetic complaint cases created: {made} (total wanted: {complaints}); "
                f"each tracks with the code {DEMO_TRACKING_CODE}."
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Development-only accounts:"))
        for role, local, _name, _staff in DEMO_USERS:
            mark = " (new)" if local in created_users else ""
            email = f"{local}@{DEMO_DOMAIN}"
            self.stdout.write(f"  {role:<22} {email:<30} password: {DEMO_PASSWORD}{mark}")

    def _users(self):
        created = []
        for index, (role, local, name, staff) in enumerate(DEMO_USERS, start=1):
            # Officers sign letters with their NIP: an invented one (born 1 Jan 1980, appointed
            # Jan 2005, serial = the account's place in the list).
            nip = "" if role == roles.CPMI else f"19800101200501100{index}"
            user, was_created = User.objects.get_or_create(
                email=f"{local}@{DEMO_DOMAIN}",
                defaults={
                    "full_name": name,
                    "is_staff": staff,
                    "phone": "+6281200000000",
                    "nip": nip,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created.append(local)
            user.groups.add(Group.objects.get(name=role))
        return created

    def _stakeholders(self):
        vocations = {name: Vocation.objects.get_or_create(name=name)[0] for name in VOCATIONS}
        regions = {r.code_kemendagri: r for r in Region.objects.all()}
        today = timezone.localdate()
        countries = {
            c.iso_code: c
            for c in Country.objects.filter(iso_code__in=["JP", "MY", "KR", "TW", "BN", "SA"])
        }
        for index, (kind, name, region_code, extra) in enumerate(DEMO_STAKEHOLDERS, start=1):
            stakeholder, created = Stakeholder.objects.get_or_create(
                kind=kind,
                name=name,
                defaults={
                    "region": regions.get(region_code),
                    "address": "Alamat demo, Sulawesi Tenggara",
                    "phone": f"+62401300{index:04d}",
                    **extra,
                },
            )
            if not created:
                continue
            if kind == StakeholderKind.P3MI:
                stakeholder.nib = f"99{index:011d}"
                stakeholder.head_office = "Kantor pusat di Jakarta (demo)"
                stakeholder.save(update_fields=["nib", "head_office"])
                # One demo company has a lapsed licence and one a suspended one.
                expires = today + datetime.timedelta(days=[400, 45, -10, 700][index % 4])
                status = "dibekukan" if index % 4 == 3 else "aktif"
                Licence.objects.create(
                    stakeholder=stakeholder,
                    kind=LicenceKind.SIP3MI,
                    number=f"DEMO-SIP3MI/{index:03d}/2024",
                    issued_on=expires - datetime.timedelta(days=5 * 365),
                    expires_on=expires,
                    status=status,
                    issuer="Kementerian P2MI (demo)",
                )
                for iso in ["JP", "MY", "TW"][: 1 + index % 3]:
                    Sip2mi.objects.create(
                        stakeholder=stakeholder,
                        country=countries[iso],
                        number=f"DEMO-SIP2MI/{iso}/{index:03d}",
                        quota=50 + index * 10,
                        valid_from=today - datetime.timedelta(days=100),
                        valid_until=today + datetime.timedelta(days=265),
                    )
            elif kind == StakeholderKind.LPK:
                stakeholder.vocations.add(
                    vocations["Bahasa Jepang"], vocations["Perawatan lansia (kaigo)"]
                )
                Licence.objects.create(
                    stakeholder=stakeholder,
                    kind=LicenceKind.LPK_LICENCE,
                    number=f"DEMO-IZIN-LPK/{index:03d}",
                    issued_on=today - datetime.timedelta(days=700),
                    expires_on=today + datetime.timedelta(days=30 * index),
                    issuer="Disnakertrans (demo)",
                )
            elif kind == StakeholderKind.BLK:
                stakeholder.vocations.add(
                    vocations["Pengelasan"],
                    vocations["Perhotelan"],
                    vocations["Pengolahan makanan"],
                )
            elif kind == StakeholderKind.CLINIC:
                Licence.objects.create(
                    stakeholder=stakeholder,
                    kind=LicenceKind.CLINIC_DESIGNATION,
                    number=f"DEMO-PENETAPAN/{index:03d}",
                    issued_on=today - datetime.timedelta(days=300),
                    expires_on=today + datetime.timedelta(days=430),
                    issuer="Kementerian Kesehatan (demo)",
                )

    def _synthetic_stakeholders(self, wanted, rng):
        """Top the synthetic stakeholders up to `wanted`, in bulk: invented names with
        "Contoh" in them, spread over the regions, each P3MI with an NIB and a valid SIP3MI,
        each LPK and clinic with its licence. Each has a deterministic e-mail, so a second run
        finds the first run's."""
        domain = f"@mitra.{DEMO_DOMAIN}"
        existing = Stakeholder.objects.filter(email__endswith=domain).count()
        if existing >= wanted:
            return 0
        regions = list(Region.objects.all())
        kinds = [k for k, _ in SYNTHETIC_KIND_WEIGHTS]
        weights = [w for _, w in SYNTHETIC_KIND_WEIGHTS]
        licence_kind = {
            StakeholderKind.P3MI: (LicenceKind.SIP3MI, "Kementerian P2MI (contoh)"),
            StakeholderKind.LPK: (LicenceKind.LPK_LICENCE, "Disnakertrans (contoh)"),
            StakeholderKind.CLINIC: (
                LicenceKind.CLINIC_DESIGNATION,
                "Kementerian Kesehatan (contoh)",
            ),
        }
        today = timezone.localdate()
        made = 0
        for start in range(existing, wanted, BATCH):
            rows, kinds_made = [], []
            for i in range(start, min(start + BATCH, wanted)):
                kind = rng.choices(kinds, weights)[0]
                words = rng.sample(SYNTHETIC_WORDS, 2)
                rows.append(
                    dict(
                        kind=kind,
                        name=f"{SYNTHETIC_PREFIX[kind]} {words[0]} {words[1]} {i + 1:04d}",
                        address=f"Jl. Contoh No. {1 + i % 300}",
                        region_id=rng.choice(regions).pk,
                        phone=f"+62401{i:07d}",
                        email=f"mitra{i:05d}{domain}",
                        nib=f"98{i:011d}" if kind == StakeholderKind.P3MI else "",
                        office_type=OfficeType.BRANCH if kind == StakeholderKind.P3MI else "",
                        office_level=OfficeLevel.REGENCY
                        if kind == StakeholderKind.LABOUR_OFFICE
                        else "",
                    )
                )
                kinds_made.append(kind)
            with transaction.atomic():
                ids = bulk_insert(Stakeholder, rows)
                licences = []
                for i, (pk, kind) in enumerate(zip(ids, kinds_made, strict=True), start=start):
                    if kind not in licence_kind:
                        continue
                    licence, issuer = licence_kind[kind]
                    expires = today + datetime.timedelta(days=rng.randint(-60, 900))
                    licences.append(
                        dict(
                            stakeholder_id=pk,
                            kind=licence,
                            number=f"CONTOH/{kind.upper()}/{i + 1:05d}",
                            issued_on=expires - datetime.timedelta(days=5 * 365),
                            expires_on=expires,
                            status="aktif",
                            issuer=issuer,
                        )
                    )
                bulk_insert(Licence, licences)
            made += len(rows)
        return made

    def _registrations(self, wanted, rng):
        """Top the synthetic registrations up to `wanted`, in bulk. Each synthetic person has a
        deterministic e-mail, so a second run finds the first run's people."""
        existing = Applicant.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").count()
        if existing >= wanted:
            return 0
        regions = list(Region.objects.all())
        countries = list(
            Country.objects.filter(
                iso_code__in=["JP", "MY", "KR", "TW", "BN", "HK", "SG", "PG", "SB", "TO", "SA"]
            )
        )
        occupations = list(Occupation.objects.all())
        p3mis = list(Stakeholder.objects.filter(kind=StakeholderKind.P3MI))
        centres = list(
            Stakeholder.objects.filter(kind__in=[StakeholderKind.LPK, StakeholderKind.BLK])
        )
        clinics = list(Stakeholder.objects.filter(kind=StakeholderKind.CLINIC))
        # Enum .values builds a new list on every call: take them once.
        marital, education, relations, schemes = (
            MaritalStatus.values,
            Education.values,
            FamilyRelation.values,
            Scheme.values,
        )
        statuses = [s for s, _ in STATUS_WEIGHTS]
        weights = [w for _, w in STATUS_WEIGHTS]
        now = timezone.now()
        made = 0
        for start in range(existing, wanted, BATCH):
            stop = min(start + BATCH, wanted)
            applicants, plans = [], []
            for i in range(start, stop):
                sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE
                birth = datetime.date(
                    rng.randint(1976, 2004), rng.randint(1, 12), rng.randint(1, 28)
                )
                region = rng.choice(regions)
                first = rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)
                applicants.append(
                    dict(
                        nik=build_nik(
                            region_code=region.nik_prefix,
                            # Distinct for every i below 99 * 9999: one active
                            # registration per NIK is a database constraint.
                            kecamatan=1 + i % 99,
                            birth_date=birth,
                            sex=sex,
                            serial=1 + (i // 99) % 9999,
                        ),
                        full_name=f"{first} {rng.choice(LAST_NAMES)}",
                        sex=sex,
                        birthplace=region.name.replace("Kab. ", "").replace("Kota ", ""),
                        birth_date=birth,
                        marital_status=rng.choice(marital),
                        education=rng.choice(education),
                        address=f"Jl. Demo No. {1 + i % 200}",
                        region_id=region.pk,
                        kecamatan=f"Kecamatan {1 + i % 30}",
                        village=f"Desa {1 + i % 90}",
                        phone=f"+62812{i:08d}",
                        email=f"cpmi{i:07d}@{DEMO_DOMAIN}",
                        family_name=f"{rng.choice(FIRST_NAMES_M)} {rng.choice(LAST_NAMES)}",
                        family_relation=rng.choice(relations),
                        family_phone=f"+62813{i:08d}",
                    )
                )
                status = rng.choices(statuses, weights)[0]
                submitted = None
                if status != RegistrationStatus.DRAFT:
                    submitted = now - datetime.timedelta(
                        days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440)
                    )
                scheme = rng.choices(schemes, [15, 76, 4, 5])[0]
                occupation = rng.choice(occupations)
                plans.append((status, submitted, scheme, occupation))
            with transaction.atomic():
                applicant_ids = bulk_insert(Applicant, applicants)
                by_year = {}
                for _status, submitted, _scheme, _occ in plans:
                    if submitted:
                        by_year[submitted.year] = by_year.get(submitted.year, 0) + 1
                next_number = {
                    year: sequence_take(name="registration", year=year, count=count)
                    for year, count in by_year.items()
                }
                registrations = []
                for applicant_id, applicant, (status, submitted, scheme, occupation) in zip(
                    applicant_ids, applicants, plans, strict=True
                ):
                    number = None
                    if submitted:
                        number = f"REG-{submitted.year}-{next_number[submitted.year]:06d}"
                        next_number[submitted.year] += 1
                    country = rng.choice(countries)
                    p3mi = rng.choice(p3mis) if scheme == Scheme.P2P and p3mis else None
                    registrations.append(
                        dict(
                            number=number,
                            applicant_id=applicant_id,
                            nik=applicant["nik"],
                            status=status,
                            scheme=scheme,
                            destination_country_id=country.pk,
                            occupation_id=occupation.pk,
                            employer_type=EmployerType.HOUSEHOLD
                            if occupation.is_household
                            else EmployerType.LEGAL_ENTITY,
                            p3mi_id=p3mi.pk if p3mi else None,
                            training_centre_id=rng.choice(centres).pk if centres else None,
                            clinic_id=rng.choice(clinics).pk if clinics else None,
                            flag_moratorium=occupation.is_household
                            and country.household_moratorium,
                            submitted_at=submitted,
                            current_step="periksa" if submitted else "identitas",
                        )
                    )
                bulk_insert(Registration, registrations)
            made += len(registrations)
            self.stdout.write(f"  {stop}/{wanted}")
        return made
