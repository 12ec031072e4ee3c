import datetime
import uuid

import pytest

from registrations.choices import MilestoneKind, RegistrationStatus, Scheme, Sex
from registrations.models import Milestone, Occupation
from tests.factories import ApplicantFactory, RegistrationFactory, country, region


def place(
    day: datetime.date,
    *,
    region_code: str | None = "74.71",
    iso: str = "JP",
    sector: str = "formal",
    sex: str = Sex.FEMALE,
    scheme: str = Scheme.P2P,
    education: str = "sma",
    status: str = RegistrationStatus.DEPARTED,
    returned: datetime.date | None = None,
):
    """A registration that departed on `day` (status Berangkat and a departure milestone)."""
    applicant = ApplicantFactory(
        region=region(region_code) if region_code else None, sex=sex, education=education
    )
    registration = RegistrationFactory(
        applicant=applicant,
        status=status,
        scheme=scheme,
        destination_country=country(iso),
        occupation=Occupation.objects.filter(sector=sector).order_by("name").first(),
    )
    Milestone.objects.create(registration=registration, kind=MilestoneKind.DEPARTURE, date=day)
    if returned:
        Milestone.objects.create(
            registration=registration, kind=MilestoneKind.RETURN, date=returned
        )
    return registration


@pytest.fixture
def placed():
    return place


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path, request):
    """Each test writes exports to its own directory. Tests with a real worker process keep
    the configured MEDIA_ROOT, which the worker shares."""
    if {"celery_worker_process", "live_server"} & set(request.fixturenames):
        return None
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture(autouse=True)
def local_cache(settings):
    """A cache of this test only: the public figures are cached by day, and a shared Redis
    would hand one test the figures of another."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"statistics-{uuid.uuid4().hex}",
        }
    }
