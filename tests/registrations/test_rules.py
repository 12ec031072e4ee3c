"""The rules that hold on every path into a registration: withdrawal of a draft that holds a
NIK, which statuses a person may set by hand, one active registration per NIK (normalised,
guaranteed by the database), the limit on NIK attempts, bounded text and dates, and the
agreement of a NIK with the birth date and sex."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent
from registrations import services
from registrations.choices import ACTIVE_STATUSES
from registrations.choices import RegistrationStatus as S
from registrations.forms import AddressForm, IdentityForm, WalkInForms
from registrations.models import Applicant, Registration, StatusChange
from registrations.nik import build_nik
from registrations.services import registration_submit
from registrations.services import registration_transition as transition
from tests.factories import UserFactory

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- A draft can be withdrawn -------------------------------------------------------------


def test_the_owner_withdraws_a_draft_with_a_reason(client, cpmi_user, draft):
    url = reverse("registrations:withdraw", kwargs={"pk": draft.pk})
    response = login(client, cpmi_user).post(url, {"reason": "Belum siap berangkat"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert draft.number is None
    assert draft.status_reason == "Belum siap berangkat"
    change = StatusChange.objects.get(registration=draft)
    assert (change.from_status, change.to_status, change.changed_by) == (
        S.DRAFT,
        S.WITHDRAWN,
        cpmi_user,
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, actor=cpmi_user, object_id=str(draft.pk)
    ).exists()
    page = client.get(reverse("registrations:timeline", kwargs={"pk": draft.pk})).content
    assert "Batalkan pendaftaran" not in page.decode()


def test_an_officer_releases_a_nik_held_by_someone_elses_draft(client, verifikator, cpmi_user):
    """Someone started a draft with another person's NIK: the officer finds it by the NIK,
    withdraws it with a reason, and the person can then register."""
    squatter = complete_draft(applicant=complete_applicant(serial=41))
    nik = squatter.applicant.nik
    login(client, verifikator)
    found = client.get(reverse("registrations:list"), {"q": nik}).content.decode()
    assert squatter.get_absolute_url() in found
    page = client.get(squatter.get_absolute_url()).content.decode()
    assert f'value="{S.WITHDRAWN}"' in page
    assert f'value="{S.SUBMITTED}"' not in page
    url = reverse("registrations:status", kwargs={"pk": squatter.pk})
    assert client.post(url, {"to_status": S.WITHDRAWN, "reason": ""}).status_code == 400
    response = client.post(
        url, {"to_status": S.WITHDRAWN, "reason": "NIK milik orang lain; KTP asli diperiksa"}
    )
    assert response.status_code == 302
    squatter.refresh_from_db()
    assert squatter.status == S.WITHDRAWN
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, actor=verifikator, object_id=str(squatter.pk)
    ).exists()
    # The real holder of the NIK may now register with it.
    own = complete_draft(applicant=complete_applicant(user=cpmi_user, nik=nik))
    registration_submit(registration=own, by=cpmi_user)
    own.refresh_from_db()
    assert own.status == S.SUBMITTED


def test_a_withdrawn_draft_stays_without_a_number_and_final(draft, verifikator):
    transition(registration=draft, to_status=S.WITHDRAWN, by=verifikator, reason="Ganda")
    draft.refresh_from_db()
    assert draft.number is None and draft.status == S.WITHDRAWN
    assert services.manual_transitions(draft.status) == set()


# --- Status form: only manual moves -------------------------------------------------------


@pytest.mark.parametrize("to_status", [S.IN_VERIFICATION, S.VERIFIED, S.SUBMITTED])
def test_statuses_that_documents_drive_cannot_be_set_by_hand(client, kepala, cpmi_user, to_status):
    registration = complete_draft(user=cpmi_user)
    registration_submit(registration=registration, by=cpmi_user)
    if to_status == S.VERIFIED:
        # Even from In verification, reached the way documents reach it.
        transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala)
    login(client, kepala)
    page = client.get(registration.get_absolute_url()).content.decode()
    for status in (S.IN_VERIFICATION, S.VERIFIED, S.SUBMITTED):
        assert f'value="{status}"' not in page
    url = reverse("registrations:status", kwargs={"pk": registration.pk})
    response = client.post(url, {"to_status": to_status, "reason": "Sudah saya periksa"})
    assert response.status_code == 400
    before = registration.status
    registration.refresh_from_db()
    assert registration.status == before


def test_the_service_refuses_a_document_driven_status_by_hand(cpmi_user, kepala):
    from django.core.exceptions import ValidationError

    registration = complete_draft(user=cpmi_user)
    registration_submit(registration=registration, by=cpmi_user)
    with pytest.raises(ValidationError) as error:
        transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala, by_hand=True)
    assert error.value.code == "not_manual"
    assert "pemeriksaan dokumennya" in error.value.messages[0]
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    # The document reviews still move it (they call the service without by_hand).
    transition(registration=registration, to_status=S.IN_VERIFICATION, by=kepala)
    registration.refresh_from_db()
    assert registration.status == S.IN_VERIFICATION


def test_manual_moves_are_withdraw_reject_correction_and_departure():
    assert services.manual_transitions(S.DRAFT) == {S.WITHDRAWN}
    assert services.manual_transitions(S.SUBMITTED) == {S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED}
    assert services.manual_transitions(S.VERIFIED) == {S.DEPARTED, S.NEEDS_CORRECTION, S.WITHDRAWN}


# --- One NIK, one normal form ---------------------------------------------------------------

NIK = "7471015708950001"  # a woman born 17-08-1995 in Kota Kendari
FULL_WIDTH = "".join(chr(ord(d) + 0xFEE0) for d in NIK)  # '７４７１...'
IDENTITY = {
    "nik": NIK,
    "full_name": "Wa Ode Sitti",
    "sex": "P",
    "birthplace": "Kendari",
    "birth_date": datetime.date(1995, 8, 17),
    "marital_status": "belum_kawin",
}


def save_identity(user, **overrides):
    return services.registration_save_step(
        user=user,
        registration=None,
        step="identitas",
        applicant_data={**IDENTITY, **overrides},
        registration_data={},
    )


def test_the_identity_form_stores_full_width_digits_as_ascii():
    form = IdentityForm(data={**IDENTITY, "nik": f"{FULL_WIDTH[:8]} {FULL_WIDTH[8:]}"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nik"] == NIK


@pytest.mark.parametrize(
    "nik",
    [
        "٧٤٧١٠١٥٧٠٨٩٥٠٠٠١",  # Arabic-Indic digits: digits, but not 0-9
        NIK[:15] + "x",
        NIK.replace("0", "O", 1),
    ],
)
def test_a_nik_with_anything_but_digits_0_to_9_is_refused_in_indonesian(nik):
    form = IdentityForm(data={**IDENTITY, "nik": nik})
    assert not form.is_valid()
    assert form.errors["nik"] == [
        "NIK harus terdiri dari 16 angka 0-9, tanpa huruf atau tanda baca."
    ]


def test_the_service_normalises_the_nik_whoever_calls_it(make_user):
    registration = save_identity(make_user(roles.CPMI), nik=FULL_WIDTH)
    assert registration.applicant.nik == NIK
    assert registration.nik == NIK


def test_full_width_digits_do_not_get_round_one_active_registration_per_nik(make_user):
    save_identity(make_user(roles.CPMI))
    with pytest.raises(ValidationError) as error:
        save_identity(make_user(roles.CPMI), nik=FULL_WIDTH)
    assert error.value.message_dict["nik"][0].startswith("NIK ini sudah dipakai")
    assert Registration.objects.count() == 1


def test_a_walk_in_with_full_width_digits_is_stored_as_ascii_and_checked(verifikator):
    from .test_walk_in import NIK as WALK_IN_NIK
    from .test_walk_in import walk_in_data

    full_width = "".join(chr(ord(d) + 0xFEE0) for d in WALK_IN_NIK)
    client = Client()
    client.force_login(verifikator)
    response = client.post(reverse("registrations:walk_in"), walk_in_data(nik=full_width))
    assert response.status_code == 302
    assert Applicant.objects.get().nik == WALK_IN_NIK
    response = client.post(reverse("registrations:walk_in"), walk_in_data(nik=WALK_IN_NIK))
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()
    assert Registration.objects.count() == 1


def test_the_officers_search_finds_a_nik_typed_in_full_width_digits(client, verifikator):
    registration = complete_draft(applicant=complete_applicant(nik=NIK), status=S.SUBMITTED)
    page = login(client, verifikator).get(reverse("registrations:list"), {"q": FULL_WIDTH})
    assert registration.get_absolute_url() in page.content.decode()


# --- The database holds one active registration per NIK -----------------------------------


def test_the_database_refuses_a_second_active_registration_with_one_nik():
    complete_draft(applicant=complete_applicant(nik=NIK), status=S.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        complete_draft(applicant=complete_applicant(nik=NIK))
    # A registration that ended does not count.
    Registration.objects.update(status=S.REJECTED)
    complete_draft(applicant=complete_applicant(nik=NIK))


def test_a_lost_race_gets_the_duplicate_message_not_a_500(make_user, monkeypatch):
    """The check before the write saw nothing (the other start was not yet committed); the
    database refuses the write and the person gets the usual message."""
    first = save_identity(make_user(roles.CPMI))
    monkeypatch.setattr(services, "active_registration_with_nik", _blind_first_time())
    with pytest.raises(ValidationError) as error:
        save_identity(make_user(roles.CPMI))
    assert error.value.message_dict["nik"][0].startswith("NIK ini sudah dipakai")
    first.refresh_from_db()
    assert first.flag_duplicate_nik
    assert Registration.objects.filter(status__in=ACTIVE_STATUSES).count() == 1


def _blind_first_time():
    """The selector as it answers before a concurrent transaction commits: nothing, once."""
    from registrations.selectors import active_registration_with_nik

    calls = []

    def selector(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else active_registration_with_nik(**kwargs)

    return selector


# --- NIK agrees with birth date and sex, in the services ------------------------------------


def test_the_service_refuses_a_nik_that_disagrees_with_the_birth_date(cpmi_user):
    with pytest.raises(ValidationError) as error:
        save_identity(cpmi_user, birth_date=datetime.date(1995, 8, 18))
    assert "tidak cocok dengan NIK" in error.value.message_dict["birth_date"][0]
    assert not Registration.objects.exists()


def test_the_service_refuses_a_nik_that_disagrees_with_the_sex(cpmi_user):
    with pytest.raises(ValidationError) as error:
        save_identity(cpmi_user, sex="L")
    assert "tidak cocok dengan NIK" in error.value.message_dict["sex"][0]


def test_changing_only_the_birth_date_is_checked_against_the_stored_nik(cpmi_user):
    registration = save_identity(cpmi_user)
    with pytest.raises(ValidationError):
        services.registration_save_step(
            user=cpmi_user,
            registration=registration,
            step="identitas",
            applicant_data={"birth_date": datetime.date(1990, 1, 1)},
            registration_data={},
        )


def test_a_walk_in_through_the_service_is_checked_too(verifikator):
    from .test_walk_in import walk_in_data

    form = WalkInForms(data=walk_in_data())
    assert form.is_valid()
    applicant_data = {**form.applicant_data(), "sex": "L"}
    with pytest.raises(ValidationError) as error:
        services.registration_record_walk_in(
            by=verifikator,
            applicant_data=applicant_data,
            registration_data=form.registration_data(),
        )
    assert "sex" in error.value.message_dict
    assert not Applicant.objects.exists()


def test_a_registration_whose_stored_nik_disagrees_cannot_be_submitted(cpmi_user):
    draft = complete_draft(
        applicant=complete_applicant(user=cpmi_user, nik=NIK, birth_date=datetime.date(1996, 1, 2))
    )
    with pytest.raises(ValidationError) as error:
        registration_submit(registration=draft, by=cpmi_user)
    assert "birth_date" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# --- Concurrent starts (PostgreSQL) -------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Concurrent transactions are tested on PostgreSQL."
)
def test_concurrent_starts_with_one_nik_leave_one_active_registration(transactional_db):
    """Eight people start at once with one NIK (six online, two at the desk): one active
    registration, and everyone else gets the duplicate message, never an error."""
    from .test_walk_in import BIRTH, walk_in_data

    walk_in_nik = build_nik(region_code="7471", kecamatan=3, birth_date=BIRTH, sex="P", serial=21)
    cpmi = [UserFactory(roles=[roles.CPMI]) for _ in range(6)]
    officers = [UserFactory(roles=[roles.VERIFIKATOR]) for _ in range(2)]
    form = WalkInForms(data=walk_in_data())
    assert form.is_valid(), form.sections
    walk_in = {**form.applicant_data(), "nik": walk_in_nik}
    identity = {
        **IDENTITY,
        "nik": walk_in_nik,
        "birth_date": BIRTH,
        "birthplace": "Baubau",
    }
    barrier = threading.Barrier(len(cpmi) + len(officers))
    outcomes, errors = [], []

    def start(user):
        try:
            barrier.wait(timeout=30)
            services.registration_save_step(
                user=user,
                registration=None,
                step="identitas",
                applicant_data=identity,
                registration_data={},
            )
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.message_dict.get("nik", error.messages)[0][:30])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def desk(officer):
        try:
            barrier.wait(timeout=30)
            services.registration_record_walk_in(
                by=officer,
                applicant_data=walk_in,
                registration_data=form.registration_data(),
            )
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.message_dict.get("nik", error.messages)[0][:30])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(u,)) for u in cpmi]
    threads += [threading.Thread(target=desk, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert Registration.objects.filter(nik=walk_in_nik, status__in=ACTIVE_STATUSES).count() == 1
    assert outcomes.count("ok") == 1
    assert all(o.startswith("NIK ini sudah dipakai") for o in outcomes if o != "ok")


def test_the_migration_normalises_niks_and_resolves_existing_duplicates(transactional_db):
    """Data stored before the constraint: a full-width NIK, and three active registrations
    of one person's NIK. The one furthest along is kept and flagged; the others are
    withdrawn with a reason in their history."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("registrations", "0007_role_permission_walk_in")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Applicant_, Registration_ = (
        old.get_model("registrations", "Applicant"),
        old.get_model("registrations", "Registration"),
    )

    def holder(nik, status, number=None):
        applicant = Applicant_.objects.create(nik=nik, full_name="Wa Ode Sitti")
        return Registration_.objects.create(applicant=applicant, status=status, number=number)

    squatter = holder(FULL_WIDTH, S.DRAFT)
    Applicant_.objects.filter(pk=squatter.applicant_id).update(address="Jl. " * 400_000)
    verified = holder(NIK, S.VERIFIED, "REG-2026-000001")
    submitted = holder(NIK, S.SUBMITTED, "REG-2026-000002")
    ended = holder(NIK, S.REJECTED, "REG-2025-000009")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {r.pk: r for r in Registration.objects.select_related("applicant")}
    assert rows[squatter.pk].applicant.nik == NIK
    assert len(rows[squatter.pk].applicant.address) == 500
    assert rows[squatter.pk].applicant.address.endswith("[dipotong]")
    assert all(r.nik == NIK for r in rows.values())
    assert rows[verified.pk].status == S.VERIFIED and rows[verified.pk].flag_duplicate_nik
    assert rows[ended.pk].status == S.REJECTED
    for pk in (squatter.pk, submitted.pk):
        assert rows[pk].status == S.WITHDRAWN
        assert "REG-2026-000001" in rows[pk].status_reason
        assert StatusChange.objects.filter(registration_id=pk, to_status=S.WITHDRAWN).exists()
    assert Registration.objects.filter(nik=NIK, status__in=ACTIVE_STATUSES).count() == 1


# --- NIK attempts are rationed -------------------------------------------------------------


def post_identity(client, nik, **overrides):
    return client.post(
        reverse("registrations:new"),
        {**IDENTITY, "nik": nik, "birth_date": IDENTITY["birth_date"].isoformat(), **overrides},
    )


def other_niks(count):
    """`count` valid NIKs of women born 17-08-1995, none of them NIK."""
    return [
        build_nik(
            region_code="7471",
            kecamatan=1,
            birth_date=datetime.date(1995, 8, 17),
            sex="P",
            serial=100 + i,
        )
        for i in range(count)
    ]


def test_an_account_probing_niks_is_stopped_with_a_clear_message(client, cpmi_user):
    """Someone types one NIK after another to learn which are registered: after the limit
    the form answers only that there were too many attempts, and the victim is not flagged
    again."""
    victim = complete_draft(applicant=complete_applicant(nik=NIK), status=S.SUBMITTED)
    login(client, cpmi_user)
    limit = services.NIK_ATTEMPTS_PER_ACCOUNT
    assert limit == 10  # as the README says
    for _ in range(limit):
        page = post_identity(client, NIK).content.decode()
        assert "NIK ini sudah dipakai" in page
    page = post_identity(client, NIK).content.decode()
    assert "Terlalu banyak percobaan NIK" in page
    assert "NIK ini sudah dipakai" not in page
    # Another NIK is refused too: the limit is on the account, not on one NIK.
    page = post_identity(client, other_niks(1)[0]).content.decode()
    assert "Terlalu banyak percobaan NIK" in page
    assert not Registration.objects.filter(applicant__user=cpmi_user).exists()
    # Repeated attempts of one person leave one record on the victim's registration.
    assert victim.duplicate_attempts.count() == 1


def test_saving_the_same_nik_again_is_not_an_attempt(client, cpmi_user):
    login(client, cpmi_user)
    post_identity(client, NIK)
    registration = Registration.objects.get(applicant__user=cpmi_user)
    url = reverse("registrations:step", kwargs={"pk": registration.pk, "step": "identitas"})
    form = {**IDENTITY, "birth_date": IDENTITY["birth_date"].isoformat()}
    for _ in range(services.NIK_ATTEMPTS_PER_ACCOUNT + 2):
        response = client.post(url, form)
        assert response.status_code == 302


def test_one_address_is_limited_across_accounts(client, make_user):
    """30 accounts from one address may each try a NIK; the 31st is stopped."""
    limit = services.NIK_ATTEMPTS_PER_ADDRESS
    assert limit == 30  # as the README says
    niks = other_niks(limit + 1)
    for nik in niks[:limit]:
        login(client, make_user(roles.CPMI))
        assert post_identity(client, nik).status_code == 302
    login(client, make_user(roles.CPMI))
    page = post_identity(client, niks[limit]).content.decode()
    assert "Terlalu banyak percobaan NIK" in page
    assert Registration.objects.count() == limit
    # Another address is not affected.
    response = client.post(
        reverse("registrations:new"),
        {**IDENTITY, "nik": niks[limit], "birth_date": IDENTITY["birth_date"].isoformat()},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302


# --- Bounded text and dates ----------------------------------------------------------------

RLO = "\u202e"  # right-to-left override


def address_form(**overrides):
    from .test_walk_in import walk_in_data

    return AddressForm(data=walk_in_data(**overrides))


def test_an_address_of_a_megabyte_is_refused_by_the_form():
    form = address_form(address="Jl. Panjang " * 130_000)
    assert not form.is_valid()
    assert "500" in form.errors["address"][0]
    page = str(address_form()["address"])
    assert 'maxlength="500"' in page


def test_overlong_text_is_refused_by_the_service_whoever_calls_it(cpmi_user):
    registration = save_identity(cpmi_user)
    with pytest.raises(ValidationError) as error:
        services.registration_save_step(
            user=cpmi_user,
            registration=registration,
            step="pendidikan",
            applicant_data={"education": "sma", "experience": "x" * 2001},
            registration_data={},
        )
    assert "2000" in error.value.message_dict["experience"][0]
    registration.applicant.refresh_from_db()
    assert registration.applicant.experience == ""


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_milestone_dates_out_of_any_plausible_range_are_refused(client, verifikator, day):
    registration = complete_draft(status=S.SUBMITTED)
    url = reverse("registrations:milestone", kwargs={"pk": registration.pk})
    response = login(client, verifikator).post(url, {"kind": "opp", "date": day, "note": ""})
    assert response.status_code == 400
    assert "Tanggal terlalu jauh" in response.content.decode()
    assert not registration.milestones.exists()


def test_the_milestone_service_refuses_an_implausible_date(verifikator):
    registration = complete_draft(status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.milestone_record(
            registration=registration,
            kind="opp",
            date=datetime.date(1, 1, 1),
            by=verifikator,
        )
    services.milestone_record(
        registration=registration, kind="opp", date=datetime.date.today(), by=verifikator
    )


def test_a_birth_date_two_centuries_ago_is_refused_at_the_desk(client, verifikator):
    from .test_walk_in import walk_in_data

    response = login(client, verifikator).post(
        reverse("registrations:walk_in"), walk_in_data(birth_date="1801-03-12")
    )
    assert response.status_code == 200
    assert "Tanggal terlalu jauh ke belakang" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_document_expiry_date_25_years_ago_is_refused():
    from documents.forms import DocumentUploadForm
    from documents.models import DocumentType

    passport = DocumentType.objects.filter(has_expiry=True).first()
    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 25)
    form = DocumentUploadForm(data={"expires_on": long_ago.isoformat()}, document_type=passport)
    form.is_valid()
    assert "Tanggal terlalu jauh ke belakang" in form.errors["expires_on"][0]


def test_a_licence_that_expired_25_years_ago_is_refused():
    from stakeholders.forms import LicenceForm
    from tests.factories import StakeholderFactory

    today = datetime.date.today()
    form = LicenceForm(
        data={
            "kind": "sip3mi",
            "number": "SIP3MI/1/2001",
            "issued_on": today.replace(year=today.year - 30).isoformat(),
            "expires_on": today.replace(year=today.year - 25).isoformat(),
            "status": "aktif",
        },
        stakeholder=StakeholderFactory(),
    )
    assert not form.is_valid()
    assert "Tanggal terlalu jauh ke belakang" in form.errors["expires_on"][0]


def test_bidi_controls_are_stripped_from_names_by_form_and_service(cpmi_user):
    form = IdentityForm(data={**IDENTITY, "full_name": f"Wa Ode {RLO}ittiS\u202c"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == "Wa Ode ittiS"
    registration = save_identity(cpmi_user, full_name="\u2067Wa Ode\u2069 Sitti\u200f")
    assert registration.applicant.full_name == "Wa Ode Sitti"
    family = address_form(family_name=f"La Ode{RLO} Ali")
    assert family.is_valid(), family.errors
    assert family.cleaned_data["family_name"] == "La Ode Ali"
