import datetime
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bp3mi.models import AuditEvent
from registrations.choices import MilestoneKind
from registrations.choices import RegistrationStatus as S
from registrations.models import Registration
from registrations.services import registration_submit
from tests.factories import RegistrationFactory, StakeholderFactory, country, region

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- The permission matrix ----------------------------------------------------------------

OWN_PAGES = ["timeline", "check", "receipt", "withdraw"]


@pytest.fixture
def submitted(cpmi_user, draft):
    registration_submit(registration=draft, by=cpmi_user)
    return draft


def own_url(name, reg):
    if name == "step":
        return reverse("registrations:step", kwargs={"pk": reg.pk, "step": "alamat"})
    return reverse(f"registrations:{name}", kwargs={"pk": reg.pk})


@pytest.mark.parametrize("name", [*OWN_PAGES, "step"])
def test_cpmi_pages_send_anonymous_visitors_to_login(client, draft, name):
    response = client.get(own_url(name, draft))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", [*OWN_PAGES, "step"])
def test_cpmi_pages_are_forbidden_to_officers(client, verifikator, draft, name):
    assert login(client, verifikator).get(own_url(name, draft)).status_code == 403


@pytest.mark.parametrize("name", [*OWN_PAGES, "step"])
def test_a_cpmi_never_sees_another_persons_registration(client, make_user, draft, name):
    from bp3mi import roles

    other = make_user(roles.CPMI)
    registration_submit(registration=draft, by=draft.applicant.user)
    assert login(client, other).get(own_url(name, draft)).status_code == 404


def test_an_admin_does_not_see_a_persons_registration_through_the_cpmi_pages(
    client, admin_user, submitted
):
    # The Admin role is not a CPMI: the CPMI's pages are closed to it, as to every officer.
    assert login(client, admin_user).get(own_url("timeline", submitted)).status_code == 403


@pytest.mark.parametrize("name", ["start", "new", "export"])
def test_cpmi_pages_without_an_id_need_the_cpmi_role(client, verifikator, name):
    url = reverse(f"registrations:{name}")
    assert client.get(url).status_code == 302
    assert login(client, verifikator).get(url).status_code == 403


@pytest.mark.parametrize("name", ["timeline", "receipt", "withdraw"])
def test_a_cpmi_opens_their_own_pages(client, cpmi_user, submitted, name):
    assert login(client, cpmi_user).get(own_url(name, submitted)).status_code == 200


@pytest.mark.parametrize("name", ["detail", "status", "milestone"])
def test_officer_pages_anonymous_cpmi_and_other_roles(
    client, cpmi_user, staf_data, submitted, name
):
    url = reverse(f"registrations:{name}", kwargs={"pk": submitted.pk})
    method = client.get if name == "detail" else client.post
    response = method(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert method_for(login(client, cpmi_user), name)(url).status_code == 403
    assert method_for(login(client, staf_data), name)(url).status_code == 403


def method_for(client, name):
    return client.get if name == "detail" else client.post


def test_officer_list_anonymous_cpmi_and_allowed(client, cpmi_user, verifikator):
    url = reverse("registrations:list")
    assert client.get(url).status_code == 302
    assert login(client, cpmi_user).get(url).status_code == 403
    assert login(client, verifikator).get(url).status_code == 200


def test_an_unknown_registration_is_a_404_for_officers(client, verifikator):
    url = reverse("registrations:detail", kwargs={"pk": 987654})
    assert login(client, verifikator).get(url).status_code == 404


@pytest.fixture
def viewer(make_user):
    """An officer who may only view registrations."""
    from django.contrib.auth.models import Permission

    user = make_user()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="registrations", codename="view_registration"
        )
    )
    return user


def test_complaint_officers_do_not_browse_registrations(client, petugas_pengaduan, submitted):
    login(client, petugas_pengaduan)
    assert client.get(submitted.get_absolute_url()).status_code == 403
    assert client.get(reverse("registrations:list")).status_code == 403


def test_a_viewer_may_view_but_not_change_status(client, viewer, submitted):
    login(client, viewer)
    assert client.get(submitted.get_absolute_url()).status_code == 200
    url = reverse("registrations:status", kwargs={"pk": submitted.pk})
    assert client.post(url, {"to_status": S.IN_VERIFICATION}).status_code == 403


def test_the_officer_page_leads_to_the_document_review_only_for_those_who_review(
    client, verifikator, viewer, submitted
):
    review = reverse("documents:review", kwargs={"pk": submitted.pk})
    checklist = reverse("documents:checklist", kwargs={"pk": submitted.pk})
    page = login(client, verifikator).get(submitted.get_absolute_url()).content.decode()
    assert review in page and checklist in page
    page = login(client, viewer).get(submitted.get_absolute_url()).content.decode()
    assert review not in page and checklist not in page


# --- The form, step by step ----------------------------------------------------------------


STEP_DATA = {
    "identitas": {
        "nik": "7471015708950001",
        "full_name": "Wa Ode Sitti",
        "sex": "P",
        "birthplace": "Kendari",
        "birth_date": "1995-08-17",
        "marital_status": "belum_kawin",
    },
    "alamat": {
        "address": "Jl. Sao-Sao No. 5",
        "residence": "",
        "kecamatan": "Kadia",
        "village": "Bende",
        "phone": "0812 3456 7890",
        "family_name": "La Ode Ali",
        "family_relation": "ayah",
        "family_phone": "0813 1111 2222",
    },
    "pendidikan": {"education": "sma", "experience": "Penjaga toko 2 tahun"},
}


def destination_data():
    from registrations.models import Occupation

    return {
        "scheme": "g2g",
        "destination_country": country("JP").pk,
        "occupation": Occupation.objects.filter(sector="formal").first().pk,
        "employer_type": "badan_hukum",
    }


def test_the_whole_form_without_javascript_ends_with_a_number_and_a_receipt(client, cpmi_user):
    login(client, cpmi_user)
    response = client.post(reverse("registrations:new"), STEP_DATA["identitas"])
    reg = Registration.objects.get(applicant__user=cpmi_user)
    assert response.url == reverse("registrations:step", kwargs={"pk": reg.pk, "step": "alamat"})
    data = {**STEP_DATA["alamat"], "residence": region().pk}
    response = client.post(response.url, data)
    assert response.url.endswith("/langkah/pendidikan/")
    response = client.post(response.url, STEP_DATA["pendidikan"])
    assert response.url.endswith("/langkah/tujuan/")
    response = client.post(response.url, destination_data())
    assert response.url == reverse("registrations:check", kwargs={"pk": reg.pk})
    page = client.get(response.url)
    assert "Wa Ode Sitti" in page.content.decode()
    response = client.post(response.url)
    assert response.url == reverse("registrations:timeline", kwargs={"pk": reg.pk})
    reg.refresh_from_db()
    assert reg.status == S.SUBMITTED and reg.number.startswith("REG-")
    assert reg.applicant.phone == "+6281234567890"
    timeline = client.get(response.url).content.decode()
    assert reg.number in timeline
    assert "Pendaftaran diajukan" in timeline
    pdf = client.get(reverse("registrations:receipt", kwargs={"pk": reg.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert reg.number in text and "Wa Ode Sitti" in text


def test_save_and_exit_keeps_the_draft_and_the_person_resumes_where_they_were(client, cpmi_user):
    login(client, cpmi_user)
    client.post(reverse("registrations:new"), STEP_DATA["identitas"])
    reg = Registration.objects.get(applicant__user=cpmi_user)
    data = {**STEP_DATA["alamat"], "residence": "luar", "action": "keluar"}
    response = client.post(
        reverse("registrations:step", kwargs={"pk": reg.pk, "step": "alamat"}), data
    )
    assert response.url == reverse("dashboard")
    # Another device: a fresh session of the same account.
    client.logout()
    login(client, cpmi_user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    resume = reverse("registrations:step", kwargs={"pk": reg.pk, "step": "pendidikan"})
    assert resume in dashboard
    assert client.get(reverse("registrations:new")).url == resume
    reg.applicant.refresh_from_db()
    assert reg.applicant.lives_outside_region is True


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(client, cpmi_user):
    login(client, cpmi_user)
    data = {**STEP_DATA["identitas"], "birth_date": "1995-08-18"}
    response = client.post(reverse("registrations:new"), data)
    assert response.status_code == 200
    assert "Tanggal lahir tidak cocok dengan NIK" in response.content.decode()
    assert not Registration.objects.filter(applicant__user=cpmi_user).exists()


def test_a_duplicate_nik_is_explained_on_the_form(client, cpmi_user):
    complete_draft(
        applicant=complete_applicant(nik=STEP_DATA["identitas"]["nik"]), status=S.SUBMITTED
    )
    response = login(client, cpmi_user).post(reverse("registrations:new"), STEP_DATA["identitas"])
    assert response.status_code == 200
    assert "sudah dipakai pada pendaftaran lain" in response.content.decode()


def test_check_your_answers_shows_what_blocks_submission_next_to_the_answer(client, cpmi_user):
    reg = complete_draft(user=cpmi_user, occupation=None)
    login(client, cpmi_user)
    response = client.post(reverse("registrations:check", kwargs={"pk": reg.pk}))
    assert response.status_code == 200
    assert "Wajib diisi sebelum pendaftaran diajukan" in response.content.decode()
    edit = reverse("registrations:step", kwargs={"pk": reg.pk, "step": "tujuan"})
    assert f"{edit}?kembali=periksa" in response.content.decode()


def test_changing_an_answer_from_the_check_page_returns_to_it(client, cpmi_user, draft):
    login(client, cpmi_user)
    url = reverse("registrations:step", kwargs={"pk": draft.pk, "step": "pendidikan"})
    response = client.post(url, {"education": "sd", "kembali": "periksa"})
    assert response.url == reverse("registrations:check", kwargs={"pk": draft.pk})


def test_a_submitted_registration_is_not_editable(client, cpmi_user, submitted):
    login(client, cpmi_user)
    url = reverse("registrations:step", kwargs={"pk": submitted.pk, "step": "pendidikan"})
    response = client.post(url, {"education": "sd"})
    assert response.url == reverse("registrations:timeline", kwargs={"pk": submitted.pk})
    submitted.applicant.refresh_from_db()
    assert submitted.applicant.education == "sma"


def test_a_cpmi_withdraws_with_a_reason(client, cpmi_user, submitted):
    login(client, cpmi_user)
    url = reverse("registrations:withdraw", kwargs={"pk": submitted.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    client.post(url, {"reason": "Orang tua belum mengizinkan"})
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN
    assert submitted.status_reason == "Orang tua belum mengizinkan"


def test_the_cpmi_downloads_all_their_own_data(client, cpmi_user, submitted):
    response = login(client, cpmi_user).get(reverse("registrations:export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == cpmi_user.email
    assert data["applicant"]["nik"] == submitted.applicant.nik
    assert data["registrations"][0]["number"] == submitted.number


def test_the_timeline_lists_every_stage_with_its_date(client, cpmi_user, verifikator, submitted):
    from registrations.services import milestone_record

    milestone_record(
        registration=submitted,
        kind=MilestoneKind.MEDICAL,
        date=datetime.date(2026, 6, 1),
        by=verifikator,
    )
    page = login(client, cpmi_user).get(own_url("timeline", submitted)).content.decode()
    for kind in MilestoneKind:
        assert str(kind.label) in page
    assert "01-06-2026" in page


# --- Officers -------------------------------------------------------------------------------


def test_officer_list_masks_the_nik_and_filters(client, verifikator):
    japan = complete_draft(status=S.SUBMITTED)
    malaysia = complete_draft(
        applicant=complete_applicant(serial=8),
        status=S.SUBMITTED,
        destination_country=country("MY"),
    )
    draft = complete_draft(applicant=complete_applicant(serial=9))
    login(client, verifikator)
    page = client.get(reverse("registrations:list")).content.decode()
    assert japan.number in page and malaysia.number in page
    assert japan.applicant.masked_nik in page
    assert japan.applicant.nik not in page
    assert f'href="{draft.get_absolute_url()}"' not in page
    page = client.get(reverse("registrations:list"), {"country": country("MY").pk}).content.decode()
    assert malaysia.number in page and japan.number not in page


def test_officer_search_by_name_number_and_exact_nik(client, verifikator):
    one = complete_draft(applicant=complete_applicant(full_name="Wa Ode Rahma"), status=S.SUBMITTED)
    two = complete_draft(
        applicant=complete_applicant(full_name="La Ode Umar", serial=8), status=S.SUBMITTED
    )
    login(client, verifikator)

    def found(q):
        return client.get(reverse("registrations:list"), {"q": q}).content.decode()

    assert one.number in found("rahma") and two.number not in found("rahma")
    assert two.number in found(two.number) and one.number not in found(two.number)
    assert one.number in found(one.applicant.nik) and two.number not in found(one.applicant.nik)
    # A partial NIK finds nobody: NIK search is exact.
    assert one.number not in found(one.applicant.nik[:10])


def test_officer_filters_by_flag_status_region_scheme_p3mi_and_dates(client, verifikator):
    p3mi = StakeholderFactory()
    flagged = complete_draft(status=S.SUBMITTED, flag_moratorium=True, p3mi=p3mi, scheme="p2p")
    plain = complete_draft(
        applicant=complete_applicant(serial=8, region=region("74.72")), status=S.VERIFIED
    )
    login(client, verifikator)
    url = reverse("registrations:list")

    def numbers(**params):
        page = client.get(url, params).content.decode()
        return {r.number for r in (flagged, plain) if r.number in page}

    assert numbers(flag="moratorium") == {flagged.number}
    assert numbers(status=S.VERIFIED) == {plain.number}
    assert numbers(region=region("74.72").pk) == {plain.number}
    assert numbers(scheme="p2p") == {flagged.number}
    assert numbers(p3mi=p3mi.pk) == {flagged.number}
    today = datetime.date.today()
    assert numbers(submitted_from=(today + datetime.timedelta(days=2)).isoformat()) == set()
    assert numbers(submitted_to=(today + datetime.timedelta(days=2)).isoformat()) == {
        flagged.number,
        plain.number,
    }
    assert numbers(sort="applicant__full_name") == {flagged.number, plain.number}


def test_officer_list_query_count_does_not_grow_with_rows(
    client, verifikator, django_assert_max_num_queries
):
    p3mi = StakeholderFactory()
    for serial in range(30):
        complete_draft(
            applicant=complete_applicant(serial=100 + serial), status=S.SUBMITTED, p3mi=p3mi
        )
    login(client, verifikator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registrations:list"), {"scheme": "g2g", "sort": "number"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("registrations:list"), {"q": "a", "page": 1})


def test_opening_a_persons_registration_is_logged(client, verifikator, submitted):
    response = login(client, verifikator).get(submitted.get_absolute_url())
    assert response.status_code == 200
    assert submitted.applicant.nik in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.actor == verifikator
    assert event.object_id == str(submitted.applicant_id)


def test_the_detail_shows_the_duplicate_flag_and_full_history(
    client, verifikator, submitted, make_user
):
    from bp3mi import roles

    other = make_user(roles.CPMI)
    login(client, other).post(
        reverse("registrations:new"),
        {
            "nik": submitted.applicant.nik,
            "full_name": "Orang Lain",
            "sex": submitted.applicant.sex,
            "birthplace": "Kendari",
            "birth_date": submitted.applicant.birth_date.isoformat(),
            "marital_status": "belum_kawin",
        },
    )
    page = login(client, verifikator).get(submitted.get_absolute_url()).content.decode()
    assert "NIK ganda" in page
    assert other.email in page
    assert "Diajukan" in page


def test_an_officer_changes_the_status_and_it_is_audited(client, verifikator, submitted):
    login(client, verifikator)
    url = reverse("registrations:status", kwargs={"pk": submitted.pk})
    response = client.post(url, {"to_status": S.NEEDS_CORRECTION, "reason": ""})
    assert response.status_code == 400
    assert "Alasan wajib diisi" in response.content.decode()
    response = client.post(url, {"to_status": S.NEEDS_CORRECTION, "reason": "KK tidak terbaca"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.NEEDS_CORRECTION
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, actor=verifikator, object_id=str(submitted.pk)
    ).exists()


def test_after_a_correction_request_the_cpmi_may_edit_again(
    client, cpmi_user, verifikator, submitted
):
    login(client, verifikator).post(
        reverse("registrations:status", kwargs={"pk": submitted.pk}),
        {"to_status": S.NEEDS_CORRECTION, "reason": "Alamat kurang lengkap"},
    )
    login(client, cpmi_user)
    url = reverse("registrations:step", kwargs={"pk": submitted.pk, "step": "pendidikan"})
    page = client.get(url).content.decode()
    assert "Alamat kurang lengkap" in page
    client.post(url, {"education": "diploma", "kembali": "periksa"})
    client.post(reverse("registrations:check", kwargs={"pk": submitted.pk}))
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert submitted.applicant.education == "diploma"


def test_an_officer_records_a_milestone(client, verifikator, submitted):
    login(client, verifikator)
    url = reverse("registrations:milestone", kwargs={"pk": submitted.pk})
    response = client.post(
        url, {"kind": MilestoneKind.TRAINING, "date": "2026-04-01", "note": "LPK"}
    )
    assert response.status_code == 302
    assert submitted.milestones.get().date == datetime.date(2026, 4, 1)
    response = client.post(url, {"kind": MilestoneKind.TRAINING, "date": "bukan tanggal"})
    assert response.status_code == 400


def test_drafts_of_other_people_stay_out_of_the_officer_list_by_default(client, verifikator):
    reg = RegistrationFactory(status=S.DRAFT)
    login(client, verifikator)
    page = client.get(reverse("registrations:list")).content.decode()
    assert reg.get_absolute_url() not in page
    page = client.get(reverse("registrations:list"), {"status": S.DRAFT}).content.decode()
    assert reg.get_absolute_url() in page


def test_a_person_with_an_active_registration_cannot_start_a_second(client, cpmi_user, submitted):
    login(client, cpmi_user)
    response = client.get(reverse("registrations:new"))
    assert response.url == reverse("registrations:timeline", kwargs={"pk": submitted.pk})
    response = client.post(reverse("registrations:new"), STEP_DATA["identitas"])
    assert response.status_code == 302
    assert Registration.objects.filter(applicant__user=cpmi_user).count() == 1


def test_after_withdrawal_a_person_may_register_again(client, cpmi_user, submitted):
    from registrations.services import registration_transition

    registration_transition(registration=submitted, to_status=S.WITHDRAWN, by=cpmi_user, reason="x")
    login(client, cpmi_user)
    assert client.get(reverse("registrations:start")).status_code == 200
    data = {**STEP_DATA["identitas"], "nik": submitted.applicant.nik}
    data["sex"] = submitted.applicant.sex
    data["birth_date"] = submitted.applicant.birth_date.isoformat()
    response = client.post(reverse("registrations:new"), data)
    assert response.status_code == 302
    assert Registration.objects.filter(applicant__user=cpmi_user, status=S.DRAFT).count() == 1


def test_a_draft_with_every_step_done_resumes_at_the_check_page(client, cpmi_user, draft):
    login(client, cpmi_user)
    check = reverse("registrations:check", kwargs={"pk": draft.pk})
    assert check in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("registrations:new")).url == check
    assert client.get(reverse("registrations:start")).url == reverse(
        "registrations:timeline", kwargs={"pk": draft.pk}
    )


def test_a_draft_with_an_unknown_resume_point_starts_at_the_first_step(client, cpmi_user):
    reg = complete_draft(user=cpmi_user, current_step="identity")
    login(client, cpmi_user)
    first = reverse("registrations:step", kwargs={"pk": reg.pk, "step": "identitas"})
    assert client.get(reverse("registrations:new")).url == first
    assert client.get(first).status_code == 200
