"""The officer's walk-in registration at the desk (/petugas/pendaftaran/baru/)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bp3mi import roles
from bp3mi.models import AuditEvent
from registrations.choices import EmployerType, MaritalStatus, Scheme, Sex
from registrations.choices import RegistrationStatus as S
from registrations.models import Applicant, DuplicateNikAttempt, Occupation, Registration
from registrations.nik import build_nik
from tests.factories import (
    LicenceFactory,
    Sip2miFactory,
    StakeholderFactory,
    country,
    region,
)

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db

URL = reverse("registrations:walk_in")
BIRTH = datetime.date(1990, 3, 12)
NIK = build_nik(region_code="7471", kecamatan=3, birth_date=BIRTH, sex=Sex.FEMALE, serial=21)


def walk_in_data(**overrides):
    data = {
        "nik": NIK,
        "full_name": "Wa Ode Sitti",
        "sex": Sex.FEMALE,
        "birthplace": "Baubau",
        "birth_date": BIRTH.isoformat(),
        "marital_status": MaritalStatus.MARRIED,
        "address": "Jl. Betoambari No. 3",
        "residence": str(region("74.72").pk),
        "kecamatan": "Murhum",
        "village": "Wajo",
        "phone": "0812 3456 7890",
        "email": "",
        "family_name": "La Ode Rahman",
        "family_relation": "suami_istri",
        "family_phone": "0813 1111 2222",
        "education": "smp",
        "experience": "",
        "scheme": Scheme.G2G,
        "destination_country": str(country("JP").pk),
        "occupation": str(Occupation.objects.filter(sector="formal").first().pk),
        "employer_type": EmployerType.LEGAL_ENTITY,
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer_client(client, verifikator):
    client.force_login(verifikator)
    return client


def nothing_stored():
    return not Applicant.objects.exists() and not Registration.objects.exists()


# --- Who may open it ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_cpmi_may_not_record_a_walk_in(client, cpmi_user):
    client.force_login(cpmi_user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, walk_in_data()).status_code == 403
    assert nothing_stored()


def test_a_complaint_officer_who_may_only_view_registrations_may_not(client, petugas_pengaduan):
    client.force_login(petugas_pengaduan)
    assert client.get(URL).status_code == 403


def test_a_verifikator_opens_the_form(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 200
    assert 'name="no_nik"' in response.content.decode()


def test_verifikator_and_admin_hold_the_permission(verifikator, admin_user, kepala):
    assert verifikator.has_perm("registrations.register_walk_in")
    assert admin_user.has_perm("registrations.register_walk_in")
    assert not kepala.has_perm("registrations.register_walk_in")


def test_the_officer_list_and_dashboard_link_to_it_only_for_holders(
    client, verifikator, petugas_pengaduan
):
    client.force_login(verifikator)
    assert URL in client.get(reverse("registrations:list")).content.decode()
    assert URL in client.get(reverse("dashboard")).content.decode()
    client.force_login(petugas_pengaduan)
    assert URL not in client.get(reverse("registrations:list")).content.decode()
    assert URL not in client.get(reverse("dashboard")).content.decode()


# --- Recording ----------------------------------------------------------------------------


def test_a_walk_in_with_a_valid_nik_is_submitted_with_a_number_and_no_account(
    officer_client,
):
    response = officer_client.post(URL, walk_in_data())
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registrations:detail", kwargs={"pk": registration.pk})
    assert registration.status == S.SUBMITTED
    assert registration.number.startswith(f"REG-{timezone.localdate().year}-")
    assert registration.submitted_at is not None
    assert not registration.flag_no_nik
    applicant = registration.applicant
    assert applicant.user is None
    assert applicant.nik == NIK
    assert applicant.phone == "+6281234567890"
    assert applicant.region == region("74.72")
    assert registration.status_changes.get().to_status == S.SUBMITTED
    assert officer_client.get(response.url).status_code == 200


def test_a_walk_in_without_nik_requires_the_reason(officer_client):
    response = officer_client.post(URL, walk_in_data(nik="", no_nik="on", no_nik_reason=""))
    assert response.status_code == 200
    assert "Tulis alasan pendaftaran tanpa NIK." in response.content.decode()
    assert nothing_stored()


def test_an_empty_nik_without_ticking_no_nik_is_refused(officer_client):
    response = officer_client.post(URL, walk_in_data(nik=""))
    assert response.status_code == 200
    assert "centang Tanpa NIK" in response.content.decode()
    assert nothing_stored()


def test_a_walk_in_without_nik_is_flagged_and_found_by_the_no_nik_filter(officer_client):
    complete_draft(status=S.SUBMITTED)  # someone else, with a NIK
    response = officer_client.post(
        URL, walk_in_data(nik="", no_nik="on", no_nik_reason="PMI purna, KTP hilang")
    )
    assert response.status_code == 302
    registration = Registration.objects.get(applicant__full_name="Wa Ode Sitti")
    assert registration.flag_no_nik
    assert registration.no_nik_reason == "PMI purna, KTP hilang"
    assert registration.applicant.nik == ""
    assert registration.status == S.SUBMITTED and registration.number
    listed = officer_client.get(reverse("registrations:list"), {"flag": "no_nik"})
    assert [r.pk for r in listed.context["registrations"]] == [registration.pk]
    detail = officer_client.get(response.url).content.decode()
    assert "PMI purna, KTP hilang" in detail


def test_two_people_without_nik_may_both_be_recorded(officer_client):
    for name in ["Wa Ode Sitti", "La Ode Muhammad"]:
        data = walk_in_data(nik="", no_nik="on", no_nik_reason="Tidak punya KTP", full_name=name)
        assert officer_client.post(URL, data).status_code == 302
    assert Registration.objects.filter(flag_no_nik=True, status=S.SUBMITTED).count() == 2


# --- The same rules as the CPMI's own registration ----------------------------------------


def test_an_invalid_nik_gets_its_message_and_stores_nothing(officer_client):
    response = officer_client.post(URL, walk_in_data(nik="7471"))
    assert "NIK harus terdiri dari 16 angka" in response.content.decode()
    assert nothing_stored()


def test_a_nik_that_does_not_match_the_birth_date_is_refused(officer_client):
    response = officer_client.post(URL, walk_in_data(birth_date="1990-03-13"))
    assert "Tanggal lahir tidak cocok dengan NIK" in response.content.decode()
    assert nothing_stored()


def test_a_nik_that_does_not_match_the_sex_is_refused(officer_client):
    response = officer_client.post(URL, walk_in_data(sex=Sex.MALE))
    assert "Jenis kelamin tidak cocok dengan NIK" in response.content.decode()
    assert nothing_stored()


def test_a_nik_with_no_nik_ticked_is_refused(officer_client):
    response = officer_client.post(URL, walk_in_data(no_nik="on", no_nik_reason="lupa"))
    assert "Kosongkan NIK bila Tanpa NIK dicentang" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("with_nik", [True, False])
def test_a_person_under_18_is_refused_and_nothing_is_stored(officer_client, with_nik):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 17) - datetime.timedelta(days=10)
    nik = build_nik(region_code="7471", kecamatan=3, birth_date=birth, sex=Sex.FEMALE, serial=5)
    data = walk_in_data(birth_date=birth.isoformat(), nik=nik)
    if not with_nik:
        data.update(nik="", no_nik="on", no_nik_reason="Tidak punya KTP")
    response = officer_client.post(URL, data)
    assert response.status_code == 200
    assert "paling rendah 18 tahun" in response.content.decode()
    assert nothing_stored()
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()


def test_a_duplicate_active_nik_is_refused_recorded_and_flagged(officer_client, verifikator):
    existing = complete_draft(status=S.SUBMITTED, applicant=complete_applicant(nik=NIK))
    response = officer_client.post(URL, walk_in_data())
    assert response.status_code == 200
    assert "NIK ini sudah dipakai pada pendaftaran lain yang masih aktif" in (
        response.content.decode()
    )
    assert Registration.objects.get() == existing
    assert Applicant.objects.count() == 1
    existing.refresh_from_db()
    assert existing.flag_duplicate_nik
    assert DuplicateNikAttempt.objects.get().attempted_by == verifikator


def test_a_nik_whose_earlier_registration_ended_may_register_again(officer_client):
    complete_draft(status=S.WITHDRAWN, applicant=complete_applicant(nik=NIK))
    assert officer_client.post(URL, walk_in_data()).status_code == 302
    assert Registration.objects.filter(status=S.SUBMITTED, applicant__nik=NIK).count() == 1


def test_a_returning_walk_in_keeps_their_person_record_updated_with_todays_data(
    officer_client, verifikator
):
    earlier = complete_draft(
        status=S.DEPARTED, applicant=complete_applicant(nik=NIK, address="Alamat lama")
    )
    person = earlier.applicant
    assert officer_client.post(URL, walk_in_data()).status_code == 302
    assert Applicant.objects.count() == 1
    new = Registration.objects.get(status=S.SUBMITTED)
    assert new.applicant == person
    person.refresh_from_db()
    assert person.address == "Jl. Betoambari No. 3"
    assert list(person.registrations.order_by("pk")) == [earlier, new]
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(person.pk))
    assert event.actor == verifikator
    assert event.changes["address"] == ["Alamat lama", "Jl. Betoambari No. 3"]


def test_walk_ins_without_nik_never_share_a_person_record(officer_client):
    complete_draft(status=S.WITHDRAWN, applicant=complete_applicant(nik=""))
    data = walk_in_data(nik="", no_nik="on", no_nik_reason="KTP hilang")
    assert officer_client.post(URL, data).status_code == 302
    assert Applicant.objects.count() == 2


def test_p_to_p_needs_a_licensed_p3mi(officer_client):
    unlicensed = StakeholderFactory()
    response = officer_client.post(URL, walk_in_data(scheme=Scheme.P2P, p3mi=str(unlicensed.pk)))
    assert "tidak memiliki SIP3MI yang berlaku" in response.content.decode()
    assert nothing_stored()


def test_p_to_p_with_a_licensed_p3mi_is_submitted(officer_client):
    p3mi = StakeholderFactory()
    LicenceFactory(stakeholder=p3mi)
    Sip2miFactory(stakeholder=p3mi, country=country("JP"))
    response = officer_client.post(URL, walk_in_data(scheme=Scheme.P2P, p3mi=str(p3mi.pk)))
    assert response.status_code == 302
    assert Registration.objects.get().p3mi == p3mi


def test_household_work_in_a_moratorium_country_is_flagged(officer_client):
    moratorium = country("JP")
    moratorium.household_moratorium = True
    moratorium.save()
    response = officer_client.post(
        URL, walk_in_data(employer_type=EmployerType.HOUSEHOLD), follow=True
    )
    assert Registration.objects.get().flag_moratorium
    assert "dimoratorium" in response.content.decode()


# --- Audit --------------------------------------------------------------------------------


def test_creation_and_submission_are_audited_with_the_officer_as_actor(officer_client, verifikator):
    officer_client.post(URL, walk_in_data(nik="", no_nik="on", no_nik_reason="KTP hilang"))
    registration = Registration.objects.get()
    events = AuditEvent.objects.exclude(action=AuditEvent.Action.VIEW)
    actions = {(e.action, e.content_type.model) for e in events}
    assert (AuditEvent.Action.CREATE, "applicant") in actions
    assert (AuditEvent.Action.CREATE, "registration") in actions
    assert (AuditEvent.Action.STATUS, "registration") in actions
    assert {e.actor for e in events} == {verifikator}
    status = events.get(action=AuditEvent.Action.STATUS)
    assert status.object_id == str(registration.pk)
    assert status.changes == {"status": [S.DRAFT, S.SUBMITTED]}
    created = events.get(action=AuditEvent.Action.CREATE, content_type__model="registration")
    assert "KTP hilang" in created.message


def test_the_roles_mapping_gives_the_permission_to_verifikator_and_admin():
    assert "registrations.register_walk_in" in roles.role_permissions(roles.VERIFIKATOR)
    assert "registrations.register_walk_in" not in roles.CPMI_PERMISSIONS  # Admin holds it
