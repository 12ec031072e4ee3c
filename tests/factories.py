"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from bp3mi.models import Country, Region, User
from complaints.models import Case, ComplaintCategory
from complaints.services import tracking_code_hash
from registrations.choices import RegistrationStatus, Scheme, Sex
from registrations.models import Applicant, Occupation, Registration
from registrations.nik import build_nik
from stakeholders.choices import LicenceKind, StakeholderKind
from stakeholders.models import Licence, Sip2mi, Stakeholder

PASSWORD = "kata-sandi-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.test")
    full_name = factory.Faker("name", locale="id_ID")
    phone = "+6281234567890"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def region(code: str = "74.71") -> Region:
    """A Sultra kab/kota loaded by the reference-data migration (Kota Kendari by default)."""
    return Region.objects.get(code_kemendagri=code)


def country(iso: str = "JP") -> Country:
    return Country.objects.get(iso_code=iso)


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    kind = StakeholderKind.P3MI
    name = factory.Sequence(lambda n: f"PT. Contoh Penempatan {n}")
    region = factory.LazyFunction(region)
    address = "Jl. Contoh No. 1, Kendari"


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    stakeholder = factory.SubFactory(StakeholderFactory)
    kind = LicenceKind.SIP3MI
    number = factory.Sequence(lambda n: f"UJI-SIP3MI/{n:04d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class Sip2miFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sip2mi

    stakeholder = factory.SubFactory(StakeholderFactory)
    country = factory.LazyFunction(country)
    number = factory.Sequence(lambda n: f"UJI-SIP2MI/{n:04d}")
    quota = 100
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    full_name = factory.Faker("name", locale="id_ID")
    sex = Sex.FEMALE
    birth_date = datetime.date(1995, 8, 17)
    birthplace = "Kendari"
    region = factory.LazyFunction(region)
    nik = factory.LazyAttributeSequence(
        lambda o, n: build_nik(
            region_code="7471", kecamatan=1, birth_date=o.birth_date, sex=o.sex, serial=1 + n % 9999
        )
    )
    phone = "+6281234567890"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    applicant = factory.SubFactory(ApplicantFactory)
    nik = factory.LazyAttribute(lambda o: o.applicant.nik)
    status = RegistrationStatus.DRAFT
    scheme = Scheme.P2P
    destination_country = factory.LazyFunction(country)
    occupation = factory.LazyFunction(lambda: Occupation.objects.filter(sector="formal").first())
    number = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != RegistrationStatus.DRAFT),
        yes_declaration=factory.Sequence(lambda n: f"REG-2026-{900000 + n:06d}"),
        no_declaration=None,
    )
    submitted_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != RegistrationStatus.DRAFT),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )


def complaint_category(code: str = "hilang-kontak"):
    """A complaint category loaded by the complaints data migration (lost contact by
    default; 'kekerasan-majikan', 'tppo', 'meninggal-dunia' are sensitive)."""
    return ComplaintCategory.objects.get(code=code)


class CaseFactory(factory.django.DjangoModelFactory):
    """A complaint case written directly (for lists and scoping); tests of filing go
    through `complaints.services.case_file`. Its tracking code is CASE_TRACKING_CODE."""

    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"ADU-2026-{90000 + n:05d}")
    tracking_code_hash = factory.LazyAttribute(
        lambda o: tracking_code_hash(number=o.number, code=CASE_TRACKING_CODE)
    )
    category = factory.LazyFunction(complaint_category)
    sensitive = factory.LazyAttribute(lambda o: o.category.sensitive)
    complainant_kind = "family"
    complainant_relation = "Ibu"
    complainant_name = factory.Faker("name", locale="id_ID")
    complainant_phone = "+6281234567890"
    worker_name = factory.Faker("name", locale="id_ID")
    destination_country = factory.LazyFunction(lambda: country("MY"))
    description = "Sudah tiga bulan tidak ada kabar dari anak saya di Malaysia."
    consent = True
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))


CASE_TRACKING_CODE = "ABCDE23456"
