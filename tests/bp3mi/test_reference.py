import pytest

from bp3mi.models import Country
from bp3mi.reference import load_all_reference_data
from documents.models import DocumentType
from registrations.models import Occupation

pytestmark = pytest.mark.django_db


def test_load_all_reference_data_runs_each_apps_own_loader():
    """The core names no feature app: occupations and document types come back through
    their apps' own loaders."""
    occupations = Occupation.objects.count()
    document_types = DocumentType.objects.count()
    assert occupations and document_types
    Occupation.objects.all().delete()
    Country.objects.filter(iso_code="JP").delete()
    load_all_reference_data()
    assert Occupation.objects.count() == occupations
    assert DocumentType.objects.count() == document_types
    assert Country.objects.filter(iso_code="JP").exists()
