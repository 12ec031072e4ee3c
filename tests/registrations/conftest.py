import datetime

import pytest

from registrations.choices import EmployerType, RegistrationStatus, Scheme, Sex
from registrations.models import Occupation
from registrations.nik import build_nik
from tests.factories import ApplicantFactory, RegistrationFactory, country


def complete_applicant(**fields):
    birth = fields.pop("birth_date", datetime.date(1995, 8, 17))
    sex = fields.pop("sex", Sex.FEMALE)
    defaults = {
        "birth_date": birth,
        "sex": sex,
        "marital_status": "belum_kawin",
        "education": "sma",
        "address": "Jl. Sao-Sao No. 5",
        "kecamatan": "Kadia",
        "village": "Bende",
        "email": "cpmi@contoh.test",
        "family_name": "La Ode Ali",
        "family_relation": "ayah",
        "family_phone": "+6281311112222",
    }
    if "nik" not in fields:
        defaults["nik"] = build_nik(
            region_code="7471",
            kecamatan=2,
            birth_date=birth,
            sex=sex,
            serial=fields.pop("serial", 7),
        )
    defaults.update(fields)
    return ApplicantFactory(**defaults)


def complete_draft(*, user=None, applicant=None, **fields):
    applicant = applicant or complete_applicant(user=user)
    defaults = {
        "applicant": applicant,
        "status": RegistrationStatus.DRAFT,
        "scheme": Scheme.G2G,
        "destination_country": country("JP"),
        "occupation": Occupation.objects.filter(sector="formal").first(),
        "employer_type": EmployerType.LEGAL_ENTITY,
        "current_step": "periksa",
    }
    defaults.update(fields)
    return RegistrationFactory(**defaults)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests sign in many users; a slow password hash proves nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def draft(cpmi_user):
    return complete_draft(user=cpmi_user)
