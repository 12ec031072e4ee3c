import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bp3mi.models import AuditEvent, NumberSequence
from registrations.choices import MilestoneKind, Scheme
from registrations.choices import RegistrationStatus as S
from registrations.models import Applicant, DuplicateNikAttempt, Milestone, Registration
from registrations.services import (
    age_on,
    applicant_export,
    milestone_record,
    registration_problems,
    registration_save_step,
    registration_submit,
    registration_transition,
)
from tests.factories import (
    LicenceFactory,
    RegistrationFactory,
    Sip2miFactory,
    StakeholderFactory,
    country,
)

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db


# --- registration_transition -------------------------------------------------------------


def test_transition_records_history_and_audit(verifikator):
    reg = RegistrationFactory(status=S.SUBMITTED)
    registration_transition(registration=reg, to_status=S.IN_VERIFICATION, by=verifikator)
    assert reg.status == S.IN_VERIFICATION
    change = reg.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        S.SUBMITTED,
        S.IN_VERIFICATION,
        verifikator,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(reg.pk))
    assert event.changes == {"status": [S.SUBMITTED, S.IN_VERIFICATION]}
    assert event.actor == verifikator


def test_transition_to_the_same_status_changes_nothing(verifikator):
    reg = RegistrationFactory(status=S.SUBMITTED)
    registration_transition(registration=reg, to_status=S.SUBMITTED, by=verifikator)
    assert reg.status_changes.count() == 0


def test_transition_off_the_path_is_refused(verifikator):
    reg = RegistrationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        registration_transition(registration=reg, to_status=S.DEPARTED, by=verifikator)
    reg.refresh_from_db()
    assert reg.status == S.SUBMITTED


def test_transition_to_needs_correction_requires_a_reason(verifikator):
    reg = RegistrationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        registration_transition(registration=reg, to_status=S.NEEDS_CORRECTION, by=verifikator)
    registration_transition(
        registration=reg, to_status=S.NEEDS_CORRECTION, by=verifikator, reason="Foto KTP buram"
    )
    assert reg.status_reason == "Foto KTP buram"


def test_final_statuses_cannot_be_left(verifikator):
    reg = RegistrationFactory(status=S.WITHDRAWN)
    with pytest.raises(ValidationError):
        registration_transition(registration=reg, to_status=S.SUBMITTED, by=verifikator)


# --- registration_save_step --------------------------------------------------------------


IDENTITY = {
    "nik": "7471015708950001",
    "full_name": "Wa Ode Sitti",
    "sex": "P",
    "birthplace": "Kendari",
    "birth_date": datetime.date(1995, 8, 17),
    "marital_status": "belum_kawin",
}


def test_the_first_step_creates_the_applicant_and_a_draft_to_resume_at_step_two(cpmi_user):
    reg = registration_save_step(
        user=cpmi_user,
        registration=None,
        step="identitas",
        applicant_data=IDENTITY,
        registration_data={},
    )
    assert reg.status == S.DRAFT
    assert reg.number is None
    assert reg.current_step == "alamat"
    assert reg.applicant.user == cpmi_user
    assert reg.applicant.nik == IDENTITY["nik"]


def test_changing_personal_data_is_audited_with_before_and_after(cpmi_user):
    reg = registration_save_step(
        user=cpmi_user,
        registration=None,
        step="identitas",
        applicant_data=IDENTITY,
        registration_data={},
    )
    registration_save_step(
        user=cpmi_user,
        registration=reg,
        step="identitas",
        applicant_data={**IDENTITY, "birthplace": "Baubau"},
        registration_data={},
    )
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_repr="Wa Ode Sitti"
    ).latest("id")
    assert event.changes == {"birthplace": ["Kendari", "Baubau"]}
    assert event.actor == cpmi_user
    # Going back to an earlier step does not move the resume point back.
    reg.refresh_from_db()
    assert reg.current_step == "alamat"


def test_saving_the_same_answers_again_writes_nothing(cpmi_user):
    reg = registration_save_step(
        user=cpmi_user,
        registration=None,
        step="identitas",
        applicant_data=IDENTITY,
        registration_data={},
    )
    before = AuditEvent.objects.count()
    registration_save_step(
        user=cpmi_user,
        registration=reg,
        step="identitas",
        applicant_data=IDENTITY,
        registration_data={},
    )
    assert AuditEvent.objects.count() == before


def test_a_nik_held_by_another_active_registration_is_refused_and_flagged(cpmi_user, make_user):

    existing = complete_draft(applicant=complete_applicant(nik=IDENTITY["nik"]), status=S.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        registration_save_step(
            user=cpmi_user,
            registration=None,
            step="identitas",
            applicant_data=IDENTITY,
            registration_data={},
        )
    assert "kantor BP3MI" in caught.value.message_dict["nik"][0]
    existing.refresh_from_db()
    assert existing.flag_duplicate_nik is True
    assert DuplicateNikAttempt.objects.get(registration=existing).attempted_by == cpmi_user
    assert not Applicant.objects.filter(user=cpmi_user).exists()


def test_a_nik_of_a_finished_registration_may_register_again(cpmi_user):
    complete_draft(applicant=complete_applicant(nik=IDENTITY["nik"]), status=S.WITHDRAWN)
    reg = registration_save_step(
        user=cpmi_user,
        registration=None,
        step="identitas",
        applicant_data=IDENTITY,
        registration_data={},
    )
    assert reg.status == S.DRAFT


def test_a_submitted_registration_cannot_be_edited(cpmi_user, draft):
    registration_submit(registration=draft, by=cpmi_user)
    with pytest.raises(ValidationError):
        registration_save_step(
            user=cpmi_user,
            registration=draft,
            step="pendidikan",
            applicant_data={"education": "sd"},
            registration_data={},
        )


def test_household_work_in_a_moratorium_country_is_flagged(cpmi_user, draft):
    from registrations.models import Occupation

    registration_save_step(
        user=cpmi_user,
        registration=draft,
        step="tujuan",
        applicant_data={},
        registration_data={
            "scheme": Scheme.G2G,
            "destination_country": country("SA"),
            "occupation": Occupation.objects.filter(is_household=True).first(),
            "employer_type": "perseorangan",
        },
    )
    draft.refresh_from_db()
    assert draft.flag_moratorium is True


# --- submission ---------------------------------------------------------------------------


def test_submission_takes_the_next_number_of_the_year(cpmi_user, draft):
    year = timezone.localdate().year
    NumberSequence.objects.create(name="registration", year=year, last_value=122)
    registration_submit(registration=draft, by=cpmi_user)
    assert draft.status == S.SUBMITTED
    assert draft.number == f"REG-{year}-000123"
    assert draft.submitted_at is not None


def test_submitting_twice_keeps_one_number(cpmi_user, draft):
    registration_submit(registration=draft, by=cpmi_user)
    number = draft.number
    registration_submit(registration=draft, by=cpmi_user)
    draft.refresh_from_db()
    assert draft.number == number
    assert draft.status_changes.count() == 1


def test_a_resubmission_after_correction_keeps_its_number(cpmi_user, verifikator, draft):
    registration_submit(registration=draft, by=cpmi_user)
    number = draft.number
    registration_transition(
        registration=draft, to_status=S.NEEDS_CORRECTION, by=verifikator, reason="Alamat"
    )
    registration_submit(registration=draft, by=cpmi_user)
    assert (draft.status, draft.number) == (S.SUBMITTED, number)


def test_an_incomplete_draft_cannot_be_submitted(cpmi_user):
    reg = complete_draft(user=cpmi_user, occupation=None)
    with pytest.raises(ValidationError) as caught:
        registration_submit(registration=reg, by=cpmi_user)
    assert "occupation" in caught.value.message_dict
    reg.refresh_from_db()
    assert (reg.status, reg.number) == (S.DRAFT, None)


def test_age_counts_completed_years():
    assert age_on(datetime.date(2008, 3, 10), datetime.date(2026, 3, 10)) == 18
    assert age_on(datetime.date(2008, 3, 10), datetime.date(2026, 3, 9)) == 17
    assert age_on(datetime.date(2008, 2, 29), datetime.date(2026, 2, 28)) == 17
    assert age_on(datetime.date(2008, 2, 29), datetime.date(2026, 3, 1)) == 18


def test_on_the_18th_birthday_a_person_may_submit_and_the_day_before_not(cpmi_user):
    reg = complete_draft(
        user=cpmi_user, applicant=complete_applicant(birth_date=datetime.date(2008, 3, 10))
    )
    assert registration_problems(registration=reg, day=datetime.date(2026, 3, 10)) == {}
    problems = registration_problems(registration=reg, day=datetime.date(2026, 3, 9))
    assert "18 tahun" in problems["birth_date"][0]
    assert "10-03-2026" in problems["birth_date"][0]


def test_a_person_turning_18_tomorrow_cannot_submit_today(cpmi_user):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 18) + datetime.timedelta(days=1)
    reg = complete_draft(
        user=cpmi_user, applicant=complete_applicant(user=cpmi_user, birth_date=birth)
    )
    with pytest.raises(ValidationError) as caught:
        registration_submit(registration=reg, by=cpmi_user)
    assert "birth_date" in caught.value.message_dict


def test_submission_rechecks_the_p3mi_licence_on_the_day(cpmi_user):
    p3mi = StakeholderFactory()
    licence = LicenceFactory(stakeholder=p3mi)
    Sip2miFactory(stakeholder=p3mi, country=country("JP"))
    reg = complete_draft(user=cpmi_user, scheme=Scheme.P2P, p3mi=p3mi)
    licence.status = "dicabut"
    licence.save()
    with pytest.raises(ValidationError) as caught:
        registration_submit(registration=reg, by=cpmi_user)
    assert "SIP3MI" in caught.value.message_dict["p3mi"][0]
    licence.status = "aktif"
    licence.save()
    registration_submit(registration=reg, by=cpmi_user)
    assert reg.status == S.SUBMITTED


def test_submitting_with_a_nik_another_active_registration_holds_is_refused(cpmi_user, draft):
    # A draft whose copy of the NIK was never made (stored before the copy existed): the
    # database cannot see the clash, the submission still does.
    Registration.objects.filter(pk=draft.pk).update(nik="")
    other = complete_draft(
        applicant=complete_applicant(nik=draft.applicant.nik), status=S.IN_VERIFICATION
    )
    with pytest.raises(ValidationError):
        registration_submit(registration=draft, by=cpmi_user)
    other.refresh_from_db()
    assert other.flag_duplicate_nik
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# --- milestones and export -----------------------------------------------------------------


def test_a_milestone_is_recorded_once_per_kind_and_audited(verifikator):
    reg = RegistrationFactory(status=S.VERIFIED)
    day = datetime.date(2026, 5, 4)
    milestone_record(registration=reg, kind=MilestoneKind.OPP, date=day, by=verifikator)
    milestone_record(registration=reg, kind=MilestoneKind.OPP, date=day, by=verifikator)
    assert Milestone.objects.filter(registration=reg).count() == 1
    assert AuditEvent.objects.filter(object_id=str(reg.pk), action="update").count() == 1
    milestone_record(
        registration=reg,
        kind=MilestoneKind.OPP,
        date=day + datetime.timedelta(days=1),
        by=verifikator,
    )
    assert Milestone.objects.get(registration=reg).date == datetime.date(2026, 5, 5)
    event = AuditEvent.objects.filter(object_id=str(reg.pk), action="update").latest("id")
    assert event.changes == {"milestone.opp.date": ["2026-05-04", "2026-05-05"]}


def test_no_milestone_on_a_draft(verifikator):
    reg = RegistrationFactory(status=S.DRAFT)
    with pytest.raises(ValidationError):
        milestone_record(
            registration=reg,
            kind=MilestoneKind.OPP,
            date=datetime.date(2026, 5, 4),
            by=verifikator,
        )


def test_the_export_holds_the_persons_data_and_is_audited(cpmi_user, draft):
    registration_submit(registration=draft, by=cpmi_user)
    data = applicant_export(user=cpmi_user)
    assert data["applicant"]["nik"] == draft.applicant.nik
    assert data["registrations"][0]["number"] == draft.number
    assert data["registrations"][0]["status_history"][0]["to"] == S.SUBMITTED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=cpmi_user).exists()


def test_numbers_are_never_reused_after_withdrawal(cpmi_user, draft):
    registration_submit(registration=draft, by=cpmi_user)
    registration_transition(registration=draft, to_status=S.WITHDRAWN, by=cpmi_user, reason="x")
    second = complete_draft(applicant=draft.applicant)
    registration_submit(registration=second, by=cpmi_user)
    assert second.number != draft.number
    assert Registration.objects.filter(number=draft.number).count() == 1
