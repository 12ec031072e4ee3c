"""Each directory rule has one home (the stakeholder models and their querysets); the SQL and
Python forms agree on every boundary day, and every caller goes through them."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registrations.choices import RegistrationStatus
from registrations.forms import DestinationForm
from stakeholders.choices import LicenceKind, LicenceStatus, OfficeLevel, StakeholderKind
from stakeholders.figures import stakeholder_figures
from stakeholders.forms import LicenceForm, StakeholderForm
from stakeholders.models import Licence, Sip2mi, Stakeholder, Vocation
from stakeholders.selectors import main_licence, p3mi_check, stakeholder_with_related
from stakeholders.services import licence_save, stakeholder_create, stakeholder_update
from tests.factories import (
    LicenceFactory,
    RegistrationFactory,
    Sip2miFactory,
    StakeholderFactory,
    country,
    region,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
DAYS = [TODAY - 2 * DAY, TODAY - DAY, TODAY, TODAY + DAY, TODAY + 2 * DAY]


@pytest.fixture
def licences():
    """Licences around every boundary: expiring yesterday, today, tomorrow, never; issued
    tomorrow; suspended, revoked; stored as expired but extended."""
    base = TODAY - 30 * DAY
    return [
        LicenceFactory(issued_on=base, expires_on=TODAY - DAY),
        LicenceFactory(issued_on=base, expires_on=TODAY),
        LicenceFactory(issued_on=base, expires_on=TODAY + DAY),
        LicenceFactory(issued_on=base, expires_on=None),
        LicenceFactory(issued_on=TODAY + DAY, expires_on=TODAY + 9 * DAY),
        LicenceFactory(issued_on=base, status=LicenceStatus.SUSPENDED),
        LicenceFactory(issued_on=base, status=LicenceStatus.REVOKED),
        LicenceFactory(issued_on=base, expires_on=TODAY - DAY, status=LicenceStatus.EXPIRED),
    ]


@pytest.mark.parametrize("day", DAYS)
def test_licence_validity_is_the_same_in_sql_and_python(licences, day):
    in_sql = set(Licence.objects.valid_on(day).values_list("pk", flat=True))
    in_python = {lic.pk for lic in licences if lic.is_valid_on(day)}
    assert in_sql == in_python
    expired_sql = set(Licence.objects.expired_on(day).values_list("pk", flat=True))
    expired_python = {lic.pk for lic in licences if lic.status_on(day) == LicenceStatus.EXPIRED}
    assert expired_sql == expired_python


def test_a_licence_is_valid_on_its_expiry_date_and_expired_the_day_after(licences):
    ends_today = licences[1]
    assert ends_today.is_valid_on(TODAY) and ends_today.status_on(TODAY) == LicenceStatus.ACTIVE
    assert not ends_today.is_valid_on(TODAY + DAY)
    assert ends_today.status_on(TODAY + DAY) == LicenceStatus.EXPIRED
    assert list(Licence.objects.due_to_expire_on(TODAY)) == [licences[0]]
    assert not licences[4].is_valid_on(TODAY)  # not issued yet


def test_saving_an_extended_licence_makes_it_active_again_and_an_overdue_one_expired(staf_data):
    licence = LicenceFactory(expires_on=TODAY - DAY, status=LicenceStatus.EXPIRED)
    licence_save(
        stakeholder=licence.stakeholder,
        by=staf_data,
        fields={"expires_on": TODAY},
        licence=licence,
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    licence_save(
        stakeholder=licence.stakeholder,
        by=staf_data,
        fields={"expires_on": TODAY - DAY, "status": LicenceStatus.ACTIVE},
        licence=licence,
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED


@pytest.mark.parametrize("day", DAYS)
def test_sip2mi_validity_is_the_same_in_sql_and_python(day):
    permits = [
        Sip2miFactory(valid_from=TODAY - 5 * DAY, valid_until=TODAY - DAY),
        Sip2miFactory(valid_from=TODAY - 5 * DAY, valid_until=TODAY),
        Sip2miFactory(valid_from=TODAY, valid_until=TODAY + 5 * DAY),
        Sip2miFactory(valid_from=TODAY + DAY, valid_until=TODAY + 5 * DAY),
    ]
    in_sql = set(Sip2mi.objects.valid_on(day).values_list("pk", flat=True))
    assert in_sql == {p.pk for p in permits if p.is_valid_on(day)}
    placing = Stakeholder.objects.placing_in_on(country(), day)
    assert set(placing) == {p.stakeholder for p in permits if p.is_valid_on(day)}


def test_a_stakeholder_is_licensed_when_its_main_licence_is_valid(licences):
    licensed = set(Stakeholder.objects.licensed_on(TODAY))
    for licence in licences:
        holder = stakeholder_with_related(Stakeholder.objects.filter(pk=licence.stakeholder_id))
        [stakeholder] = holder
        assert (stakeholder in licensed) == main_licence(stakeholder, TODAY).is_valid_on(TODAY)
    assert set(Stakeholder.objects.unlicensed_on(TODAY)).isdisjoint(licensed)


def test_cek_p3mi_answers_from_the_same_rule():
    ends_today = LicenceFactory(expires_on=TODAY, stakeholder__name="PT. Batas Hari")
    [answer] = p3mi_check(query="Batas Hari", day=TODAY)
    assert answer.may_recruit
    [answer] = p3mi_check(query="Batas Hari", day=TODAY + DAY)
    assert not answer.may_recruit and answer.outcome == LicenceStatus.EXPIRED
    assert ends_today.is_valid_on(TODAY)


# --- Which fields and licences a kind may hold -------------------------------------------------


def test_the_licence_form_offers_only_the_licences_of_the_stakeholder_kind():
    clinic = StakeholderFactory(kind=StakeholderKind.CLINIC)
    form = LicenceForm(stakeholder=clinic)
    assert [value for value, _ in form.fields["kind"].choices] == [LicenceKind.CLINIC_DESIGNATION]
    office = StakeholderFactory(kind=StakeholderKind.LABOUR_OFFICE)
    assert (
        not office.holds_licences and LicenceForm(stakeholder=office).fields["kind"].choices == []
    )


def test_the_licence_service_refuses_a_licence_of_another_kind(staf_data):
    clinic = StakeholderFactory(kind=StakeholderKind.CLINIC)
    with pytest.raises(ValidationError) as caught:
        licence_save(
            stakeholder=clinic,
            by=staf_data,
            fields={
                "kind": LicenceKind.SIP3MI,
                "number": "UJI/SIP3MI/KLINIK",
                "issued_on": TODAY - DAY,
                "expires_on": TODAY + 300 * DAY,
            },
        )
    assert "kind" in caught.value.message_dict
    assert not Licence.objects.filter(stakeholder=clinic).exists()


def test_the_service_refuses_fields_and_vocations_of_another_kind(staf_data):
    fields = {"kind": StakeholderKind.CLINIC, "name": "Klinik Uji", "region": region()}
    with pytest.raises(ValidationError) as caught:
        stakeholder_create(by=staf_data, fields={**fields, "office_level": OfficeLevel.PROVINCE})
    assert "office_level" in caught.value.message_dict
    vocation = Vocation.objects.create(name="Pengelasan")
    with pytest.raises(ValidationError) as caught:
        stakeholder_create(by=staf_data, fields=fields, vocations=[vocation])
    assert "vocations" in caught.value.message_dict
    assert not Stakeholder.objects.filter(name="Klinik Uji").exists()


def test_changing_kind_drops_the_vocations_of_the_former_kind(staf_data):
    lpk = StakeholderFactory(kind=StakeholderKind.LPK)
    lpk.vocations.add(Vocation.objects.create(name="Perawat lansia"))
    stakeholder_update(
        stakeholder=lpk, by=staf_data, fields={"kind": StakeholderKind.CLINIC, "languages": ""}
    )
    assert not lpk.vocations.exists()


def test_the_form_empties_fields_of_another_kind_before_the_model_checks_them():
    form = StakeholderForm(
        data={
            "kind": StakeholderKind.CLINIC,
            "name": "Klinik Sehat",
            "office_level": OfficeLevel.PROVINCE,
            "languages": "Jepang",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["office_level"] == "" and form.cleaned_data["languages"] == ""


# --- The registration form offers what the rules allow ----------------------------------------


def test_the_registration_form_offers_only_p3mi_that_may_recruit_today():
    valid = LicenceFactory(stakeholder__name="PT. Berizin").stakeholder
    ends_today = LicenceFactory(expires_on=TODAY, stakeholder__name="PT. Terakhir").stakeholder
    LicenceFactory(expires_on=TODAY - DAY, stakeholder__name="PT. Lewat")  # stored active
    LicenceFactory(status=LicenceStatus.SUSPENDED, stakeholder__name="PT. Beku")
    LicenceFactory(status=LicenceStatus.REVOKED, stakeholder__name="PT. Cabut")
    LicenceFactory(
        kind=LicenceKind.BRANCH_REGISTRATION, stakeholder__name="PT. Cabang Saja"
    )  # not an SIP3MI
    StakeholderFactory(name="PT. Tanpa Izin")
    LicenceFactory(stakeholder__name="PT. Nonaktif", stakeholder__is_active=False)
    active_lpk = StakeholderFactory(kind=StakeholderKind.LPK, name="LPK Aktif")
    StakeholderFactory(kind=StakeholderKind.LPK, name="LPK Nonaktif", is_active=False)
    clinic = StakeholderFactory(kind=StakeholderKind.CLINIC, name="Klinik Aktif")
    StakeholderFactory(kind=StakeholderKind.CLINIC, name="Klinik Nonaktif", is_active=False)

    form = DestinationForm()
    assert set(form.fields["p3mi"].queryset) == {valid, ends_today}
    assert set(form.fields["training_centre"].queryset) == {active_lpk}
    assert set(form.fields["clinic"].queryset) == {clinic}
    page = str(form["p3mi"])
    assert "PT. Berizin" in page and "PT. Lewat" not in page and "PT. Beku" not in page


def test_a_forged_expired_p3mi_is_refused_with_a_reason():
    expired = LicenceFactory(expires_on=TODAY - DAY).stakeholder
    Sip2miFactory(stakeholder=expired, country=country("JP"))
    form = DestinationForm(data={"p3mi": str(expired.pk), "scheme": "p2p"})
    assert not form.is_valid()
    assert "tidak memiliki SIP3MI yang berlaku" in form.errors["p3mi"][0]


# --- Counts that registrations keep about stakeholders ----------------------------------------


def test_registration_counts_match_a_count_of_each_role():
    p3mi, lpk, clinic = (
        StakeholderFactory(kind=StakeholderKind.P3MI),
        StakeholderFactory(kind=StakeholderKind.LPK),
        StakeholderFactory(kind=StakeholderKind.CLINIC),
    )
    statuses = [
        RegistrationStatus.DRAFT,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.VERIFIED,
        RegistrationStatus.DEPARTED,
        RegistrationStatus.WITHDRAWN,
    ]
    for n, status in enumerate(statuses):
        RegistrationFactory(
            status=status, p3mi=p3mi, training_centre=lpk if n % 2 else None, clinic=clinic
        )
    rows = [p3mi, lpk, clinic, StakeholderFactory()]
    columns = stakeholder_figures(rows)
    registration_keys = ["registered", "verified", "departed"]
    # Higher apps add their own figures after these (complaints: its counts per P3MI).
    assert [f.key for f in columns][:3] == registration_keys
    values = [
        {v.figure.key: v.value for v in s.figures if v.figure.key in registration_keys}
        for s in rows
    ]
    assert values == [
        {"registered": 4, "verified": 2, "departed": 1},
        {"registered": 2, "verified": 1, "departed": 1},
        {"registered": 4, "verified": 2, "departed": 1},
        {"registered": 0, "verified": 0, "departed": 0},
    ]


# --- Each rule is written once ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
RULE_PATTERNS = {
    "licence expiry": r"expires_on__lt\b|expires_on\s*<\s*day",
    "SIP2MI validity": r"valid_from__lte|valid_until__gte|valid_from\s*<=",
    "kind fields map": r"^KIND_FIELDS\s*=",
    "kind licences map": r"^KIND_LICENCE_KINDS\s*=",
}


@pytest.mark.parametrize("rule", RULE_PATTERNS)
def test_each_rule_is_defined_in_one_place(rule):
    pattern = re.compile(RULE_PATTERNS[rule], re.MULTILINE)
    places = [
        str(path.relative_to(ROOT))
        for app in ["bp3mi", "stakeholders", "registrations", "documents", "complaints", "demo"]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text("utf-8"))
    ]
    assert len(places) == 1, places
