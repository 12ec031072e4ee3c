import datetime

import pytest

from registrations.choices import MaritalStatus, Scheme, Sex
from registrations.forms import AddressForm, DestinationForm, IdentityForm
from registrations.models import Occupation
from registrations.nik import build_nik
from tests.factories import LicenceFactory, Sip2miFactory, StakeholderFactory, country, region

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1995, 8, 17)


def identity(**overrides):
    data = {
        "nik": build_nik(region_code="7471", kecamatan=1, birth_date=BIRTH, sex=Sex.MALE, serial=1),
        "full_name": "La Ode Hamid",
        "sex": Sex.MALE,
        "birthplace": "Kendari",
        "birth_date": BIRTH.isoformat(),
        "marital_status": MaritalStatus.SINGLE,
    }
    data.update(overrides)
    return IdentityForm(data=data)


def test_a_valid_nik_matching_birth_date_and_sex_is_accepted():
    form = identity()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nik"] == "7471011708950001"


def test_a_nik_written_with_spaces_is_accepted_without_them():
    form = identity(nik="7471 0117 0895 0001")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nik"] == "7471011708950001"


@pytest.mark.parametrize("nik", ["747101170895001", "74710117089500012", "74710117O8950001"])
def test_a_nik_of_the_wrong_length_or_with_letters_is_refused(nik):
    form = identity(nik=nik)
    assert not form.is_valid()
    assert "16 angka" in form.errors["nik"][0]


def test_a_nik_with_an_impossible_birth_date_is_refused():
    form = identity(nik="7471013213950001")  # day 32, month 13
    assert not form.is_valid()
    assert "NIK tidak valid" in form.errors["nik"][0]


def test_a_womans_nik_has_forty_added_to_the_day():
    nik = build_nik(region_code="7471", kecamatan=1, birth_date=BIRTH, sex=Sex.FEMALE, serial=2)
    assert nik[6:8] == "57"
    form = identity(nik=nik, sex=Sex.FEMALE, full_name="Wa Ode Sitti")
    assert form.is_valid(), form.errors


def test_a_mans_nik_with_female_selected_is_refused_next_to_the_sex_field():
    form = identity(sex=Sex.FEMALE)
    assert not form.is_valid()
    assert "tidak cocok dengan NIK" in form.errors["sex"][0]


def test_a_birth_date_that_differs_from_the_nik_is_refused_next_to_the_birth_date():
    form = identity(birth_date="1995-08-18")
    assert not form.is_valid()
    assert "Tanggal lahir tidak cocok dengan NIK" in form.errors["birth_date"][0]


def address(**overrides):
    data = {
        "address": "Jl. Sao-Sao No. 5",
        "residence": str(region().pk),
        "kecamatan": "Kadia",
        "village": "Bende",
        "phone": "0812-3456-7890",
        "email": "",
        "family_name": "Wa Ode Ani",
        "family_relation": "ibu",
        "family_phone": "62 813 1111 2222",
    }
    data.update(overrides)
    return AddressForm(data=data)


def test_phone_numbers_are_normalised_to_plus_62():
    form = address()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+6281234567890"
    assert form.cleaned_data["family_phone"] == "+6281311112222"


def test_an_unusable_phone_number_is_refused_with_a_message():
    form = address(phone="12")
    assert not form.is_valid()
    assert "Nomor telepon" in form.errors["phone"][0]


def test_living_outside_sultra_is_a_valid_answer():
    form = address(residence="luar")
    assert form.is_valid(), form.errors
    data = form.applicant_data()
    assert data["region"] is None
    assert data["lives_outside_region"] is True


def destination(**overrides):
    occupation = Occupation.objects.filter(sector="formal").first()
    data = {
        "scheme": Scheme.G2G,
        "destination_country": str(country("JP").pk),
        "occupation": str(occupation.pk),
        "employer_type": "badan_hukum",
    }
    data.update(overrides)
    return DestinationForm(data=data)


def licensed_p3mi(iso="JP"):
    p3mi = StakeholderFactory()
    LicenceFactory(stakeholder=p3mi)
    Sip2miFactory(stakeholder=p3mi, country=country(iso))
    return p3mi


def test_p_to_p_requires_a_p3mi():
    form = destination(scheme=Scheme.P2P)
    assert not form.is_valid()
    assert "P3MI" in form.errors["p3mi"][0]


def test_p_to_p_with_a_licensed_p3mi_for_that_country_is_accepted():
    form = destination(scheme=Scheme.P2P, p3mi=str(licensed_p3mi().pk))
    assert form.is_valid(), form.errors


def test_p_to_p_with_an_expired_sip3mi_is_refused():
    p3mi = StakeholderFactory()
    LicenceFactory(
        stakeholder=p3mi,
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2021, 1, 1),
    )
    Sip2miFactory(stakeholder=p3mi, country=country("JP"))
    form = destination(scheme=Scheme.P2P, p3mi=str(p3mi.pk))
    assert not form.is_valid()
    assert "SIP3MI" in form.errors["p3mi"][0]


def test_p_to_p_with_a_suspended_sip3mi_is_refused():
    p3mi = StakeholderFactory()
    LicenceFactory(stakeholder=p3mi, status="dibekukan")
    Sip2miFactory(stakeholder=p3mi, country=country("JP"))
    form = destination(scheme=Scheme.P2P, p3mi=str(p3mi.pk))
    assert not form.is_valid()
    assert "SIP3MI" in form.errors["p3mi"][0]


def test_p_to_p_with_a_p3mi_not_licensed_for_the_country_is_refused():
    form = destination(scheme=Scheme.P2P, p3mi=str(licensed_p3mi("MY").pk))
    assert not form.is_valid()
    assert "SIP2MI" in form.errors["p3mi"][0]


def test_household_work_in_a_moratorium_country_passes_with_a_warning():
    moratorium = country("SA")
    assert moratorium.household_moratorium
    household = Occupation.objects.filter(is_household=True).first()
    form = destination(
        destination_country=str(moratorium.pk),
        occupation=str(household.pk),
        employer_type="perseorangan",
    )
    assert form.is_valid(), form.errors
    assert form.moratorium_warning() is True
    elsewhere = destination()
    assert elsewhere.is_valid(), elsewhere.errors
    assert elsewhere.moratorium_warning() is False
