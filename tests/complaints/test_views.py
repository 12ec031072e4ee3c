"""Complaint pages: public filing and tracking, the officers' pages and their permissions."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bp3mi import roles
from bp3mi.models import AuditEvent
from complaints import services
from complaints.choices import CaseChannel, CaseStatus, EventKind
from complaints.models import Case, CaseAttachment
from tests.documents.files import pdf_bytes
from tests.factories import (
    CASE_TRACKING_CODE,
    CaseFactory,
    RegistrationFactory,
    StakeholderFactory,
    complaint_category,
    country,
    region,
)

pytestmark = pytest.mark.django_db

FILE_URL = reverse("complaints:file")
TRACK_URL = reverse("complaints:track")


def public_form(**overrides):
    data = {
        "complainant_kind": "family",
        "complainant_relation": "Ibu",
        "complainant_name": "Wa Ode Hasna",
        "complainant_phone": "0812 3456 7890",
        "complainant_email": "",
        "worker_name": "La Ode Rahman",
        "worker_nik": "",
        "worker_passport": "",
        "worker_sex": "L",
        "worker_region": region("74.07").pk,
        "destination_country": country("MY").pk,
        "employer_name": "",
        "p3mi": "",
        "p3mi_name": "",
        "procedural": "false",
        "category": complaint_category("hilang-kontak").pk,
        "description": "Anak saya tidak dapat dihubungi sejak tiga bulan di Malaysia.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# --- Public filing -----------------------------------------------------------------------------


def test_anyone_files_without_an_account_and_sees_the_code_once(client):
    assert client.get(FILE_URL).status_code == 200
    response = client.post(FILE_URL, public_form())
    assert response.status_code == 302 and response["Location"] == reverse("complaints:receipt")
    case = Case.objects.get()
    assert case.channel == CaseChannel.ONLINE and case.procedural is False
    assert case.complainant_phone == "+6281234567890"
    assert case.worker_region.name == "Kab. Wakatobi"
    page = client.get(reverse("complaints:receipt")).content.decode()
    assert case.number in page
    code = page.split('id="kode-pelacakan">')[1].split("<")[0]
    assert services.case_track(number=case.number, code=code) == case
    again = client.get(reverse("complaints:receipt")).content.decode()
    assert code not in again and case.number not in again


def test_the_honeypot_stores_nothing(client):
    response = client.post(FILE_URL, public_form(website="http://spam.example"))
    assert response.status_code == 200
    assert "Pengaduan tidak dapat dikirim" in response.content.decode()
    assert not Case.objects.exists()


def test_missing_consent_and_contact_are_explained(client):
    response = client.post(
        FILE_URL, public_form(consent="", complainant_phone="", complainant_email="")
    )
    page = response.content.decode()
    assert "Centang persetujuan" in page
    assert "Isi nomor telepon atau e-mail" in page
    assert not Case.objects.exists()


def test_a_malformed_nik_is_explained(client):
    response = client.post(FILE_URL, public_form(worker_nik="12345"))
    assert "NIK harus terdiri dari 16 angka" in response.content.decode()
    assert not Case.objects.exists()


def test_a_full_width_nik_is_stored_in_its_normal_form(client):
    client.post(FILE_URL, public_form(worker_nik="７４７１ ０１５７ ０８９５ ０００１"))
    assert Case.objects.get().worker_nik == "7471015708950001"


def test_an_executable_attachment_is_refused_and_nothing_stored(client):
    program = SimpleUploadedFile("paspor.pdf", b"MZ\x90\x00" + b"\x00" * 400)
    response = client.post(FILE_URL, {**public_form(), "attachments": [program]})
    assert "program, bukan dokumen" in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_an_oversized_attachment_is_cut_off_explained_and_nothing_stored(client, settings):
    settings.UPLOAD_MAX_BYTES = 50_000
    big = SimpleUploadedFile("video.pdf", pdf_bytes() + b"0" * 200_000)
    response = client.post(FILE_URL, {**public_form(), "attachments": [big]})
    assert "Berkas terlalu besar" in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_attachments_are_kept_with_the_case(client):
    contract = SimpleUploadedFile("kontrak.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(FILE_URL, {**public_form(), "attachments": [contract]})
    attachment = CaseAttachment.objects.get()
    assert attachment.case == Case.objects.get() and attachment.original_name == "kontrak.pdf"
    attachment.file.delete(save=False)


def test_the_same_form_sent_twice_files_one_case(client):
    form = public_form(intake_key="5b0b1e1c-7d5e-4c0e-9a55-1f0c2c3d4e5f")
    client.post(FILE_URL, form)
    client.post(FILE_URL, form)
    assert Case.objects.count() == 1


def test_filing_is_rate_limited_per_address(client):
    for _ in range(5):
        client.post(FILE_URL, public_form())
    response = client.post(FILE_URL, public_form())
    assert response.status_code == 429
    assert "Terlalu banyak pengaduan" in response.content.decode()
    assert Case.objects.count() == 5


def test_the_complaint_limits_are_the_settings_rates(client, settings):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "complaint_filing": "2/h",
        "complaint_tracking": "3/h",
    }
    for _ in range(2):
        assert client.post(FILE_URL, public_form()).status_code != 429
    assert client.post(FILE_URL, public_form()).status_code == 429
    case = CaseFactory()
    for _ in range(3):
        assert (
            client.post(TRACK_URL, {"number": case.number, "code": "ZZZZZ-ZZZZZ"}).status_code
            == 200
        )
    assert (
        client.post(TRACK_URL, {"number": case.number, "code": CASE_TRACKING_CODE}).status_code
        == 429
    )


# --- Tracking ----------------------------------------------------------------------------------


def test_tracking_shows_status_and_public_updates_but_never_internal_notes(
    client, petugas_pengaduan
):
    case = CaseFactory()
    services.case_event_add(
        case=case, kind=EventKind.NOTE, text="Catatan rahasia petugas", by=petugas_pengaduan
    )
    services.case_event_add(
        case=case,
        kind=EventKind.PUBLIC_UPDATE,
        text="KBRI sudah menemukan alamat majikan.",
        by=petugas_pengaduan,
    )
    services.case_transition(
        case=case, to_status=CaseStatus.VERIFICATION, by=petugas_pengaduan, note="alasan internal"
    )
    response = client.post(TRACK_URL, {"number": case.number, "code": CASE_TRACKING_CODE})
    page = response.content.decode()
    assert response.status_code == 200
    assert "KBRI sudah menemukan alamat majikan." in page
    assert "Verifikasi" in page
    assert "Catatan rahasia petugas" not in page and "alasan internal" not in page
    assert case.worker_name not in page and case.complainant_phone not in page


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(client):
    case = CaseFactory()
    wrong = client.post(TRACK_URL, {"number": case.number, "code": "ZZZZZ-ZZZZZ"})
    unknown = client.post(TRACK_URL, {"number": "ADU-2026-00001", "code": "ZZZZZ-ZZZZZ"})
    assert wrong.status_code == unknown.status_code == 200
    message = "Nomor pengaduan atau kode pelacakan tidak cocok"
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert case.category.name not in wrong.content.decode()


def test_wrong_codes_are_rate_limited_even_before_the_right_one(client):
    case = CaseFactory()
    for _ in range(10):
        client.post(TRACK_URL, {"number": case.number, "code": "ZZZZZ-ZZZZZ"})
    response = client.post(TRACK_URL, {"number": case.number, "code": CASE_TRACKING_CODE})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert case.category.name not in response.content.decode()


def test_wrong_codes_for_one_number_are_limited_across_addresses(client):
    case = CaseFactory()
    for n in range(20):
        client.post(
            TRACK_URL,
            {"number": case.number, "code": "ZZZZZ-ZZZZZ"},
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    response = client.post(
        TRACK_URL, {"number": case.number, "code": CASE_TRACKING_CODE}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 429


# --- Officers: the permission matrix -----------------------------------------------------------


@pytest.fixture
def open_case():
    return CaseFactory()


@pytest.fixture
def sensitive_case():
    return CaseFactory(category=complaint_category("tppo"))


OFFICER_GET_URLS = [
    ("complaints:case_detail", "view"),
    ("complaints:case_registration", "view"),
    ("complaints:case_edit", "change"),
    ("complaints:case_close", "close"),
]


@pytest.mark.parametrize(("name", "_need"), OFFICER_GET_URLS)
def test_case_pages_permission_matrix(
    client, name, _need, petugas_pengaduan, verifikator, cpmi_user, open_case, sensitive_case
):
    url = reverse(name, args=[open_case.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for wrong in (verifikator, cpmi_user):
        client.force_login(wrong)
        assert client.get(url).status_code == 403
    client.force_login(petugas_pengaduan)
    assert client.get(reverse(name, args=[sensitive_case.pk])).status_code == 404
    assert client.get(reverse(name, args=[99999])).status_code == 404
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("complaints:case_assign", {"assignee": ""}),
        ("complaints:case_transition", {"to_status": "verifikasi"}),
        ("complaints:case_event", {"kind": "note", "text": "x"}),
        ("complaints:case_reopen", {"reason": "x"}),
    ],
)
def test_case_actions_permission_matrix(
    client, name, data, petugas_pengaduan, verifikator, sensitive_case, open_case
):
    url = reverse(name, args=[open_case.pk])
    response = client.post(url, data)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(verifikator)
    assert client.post(url, data).status_code == 403
    client.force_login(petugas_pengaduan)
    assert client.post(reverse(name, args=[sensitive_case.pk]), data).status_code == 404
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", ["complaints:case_list", "complaints:case_file"])
def test_list_and_officer_filing_permission_matrix(client, name, petugas_pengaduan, verifikator):
    url = reverse(name)
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(verifikator)
    assert client.get(url).status_code == 403
    client.force_login(petugas_pengaduan)
    assert client.get(url).status_code == 200


def test_kepala_sees_but_may_not_change_or_file(client, kepala, open_case, sensitive_case):
    client.force_login(kepala)
    assert (
        client.get(reverse("complaints:case_detail", args=[sensitive_case.pk])).status_code == 200
    )
    assert client.get(reverse("complaints:case_edit", args=[open_case.pk])).status_code == 403
    assert client.get(reverse("complaints:case_file")).status_code == 403


# --- Confidentiality ---------------------------------------------------------------------------


def test_sensitive_cases_are_seen_by_their_assignee_and_supervisors_only(
    client, petugas_pengaduan, make_user, kepala, sensitive_case, open_case
):
    other = make_user(roles.PETUGAS_PENGADUAN)
    services.case_assign(case=sensitive_case, assignee=petugas_pengaduan, by=kepala)
    url = reverse("complaints:case_detail", args=[sensitive_case.pk])

    client.force_login(other)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("complaints:case_list")).content.decode()
    assert sensitive_case.number not in listing and open_case.number in listing

    client.force_login(petugas_pengaduan)
    assert client.get(url).status_code == 200
    client.force_login(kepala)
    assert client.get(url).status_code == 200
    listing = client.get(reverse("complaints:case_list")).content.decode()
    assert sensitive_case.number in listing


def test_every_view_of_a_case_is_logged(client, petugas_pengaduan, open_case):
    client.force_login(petugas_pengaduan)
    client.get(reverse("complaints:case_detail", args=[open_case.pk]))
    client.get(reverse("complaints:case_detail", args=[open_case.pk]))
    views = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(open_case.pk), actor=petugas_pengaduan
    )
    assert views.count() == 2


def test_attachments_download_only_within_scope(client, petugas_pengaduan, make_user, kepala):
    from complaints.forms import attachment_rules
    from documents.uploads import clean_upload
    from tests.documents.files import upload

    clean = clean_upload(upload("ba.pdf", pdf_bytes()), attachment_rules())
    case, _ = services.case_file(
        data={
            "category": complaint_category("kekerasan-majikan"),
            "complainant_kind": "worker",
            "complainant_name": "Sitti",
            "worker_name": "Sitti",
            "description": "Dipukul majikan berulang kali, minta dipulangkan.",
            "consent": True,
        },
        attachments=[clean],
    )
    attachment = CaseAttachment.objects.get(case=case)
    url = attachment.get_absolute_url()
    client.force_login(petugas_pengaduan)
    assert client.get(url).status_code == 404
    client.force_login(kepala)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="view", object_id=str(attachment.pk)).exists()
    attachment.file.delete(save=False)


# --- Officers: handling through the pages -----------------------------------------------------


def test_an_officer_files_on_behalf_assigns_to_self_and_gets_the_code(client, petugas_pengaduan):
    client.force_login(petugas_pengaduan)
    data = public_form(
        channel=CaseChannel.LAPOR,
        lapor_number="",
        received_on=timezone.localdate().isoformat(),
        assign_to_me="on",
    )
    data.pop("website")
    response = client.post(reverse("complaints:case_file"), data)
    assert "Isi nomor tiket LAPOR!" in response.content.decode()
    data["lapor_number"] = "LAP-2026-7788"
    response = client.post(reverse("complaints:case_file"), data, follow=True)
    case = Case.objects.get()
    assert case.channel == CaseChannel.LAPOR and case.lapor_number == "LAP-2026-7788"
    assert case.assignee == petugas_pengaduan and case.filed_by == petugas_pengaduan
    assert "kode pelacakan" in response.content.decode()


def test_the_handling_pages_move_a_case_to_its_end(client, petugas_pengaduan):
    case = CaseFactory()
    client.force_login(petugas_pengaduan)
    detail = reverse("complaints:case_detail", args=[case.pk])
    client.post(
        reverse("complaints:case_assign", args=[case.pk]), {"assignee": petugas_pengaduan.pk}
    )
    response = client.post(
        reverse("complaints:case_transition", args=[case.pk]), {"to_status": "mediasi"}
    )
    assert response.status_code == 400
    for step in ("verifikasi", "klarifikasi"):
        assert (
            client.post(reverse("complaints:case_transition", args=[case.pk]), {"to_status": step})[
                "Location"
            ]
            == detail
        )
    client.post(
        reverse("complaints:case_event", args=[case.pk]),
        {"kind": "clarification", "text": "BA klarifikasi I dengan P3MI"},
    )
    response = client.post(reverse("complaints:case_close", args=[case.pk]), {"decision": "close"})
    assert "Pilih alasan penutupan" in response.content.decode()
    client.post(
        reverse("complaints:case_close", args=[case.pk]),
        {"decision": "close", "closure_reason": "unreachable_60d"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.assignee == petugas_pengaduan
    assert case.events.filter(kind=EventKind.CLARIFICATION).exists()


def test_a_complaint_officer_sees_a_registration_only_through_a_case(
    client, petugas_pengaduan, open_case
):
    registration = RegistrationFactory(status="diajukan")
    client.force_login(petugas_pengaduan)
    url = reverse("complaints:case_registration", args=[open_case.pk])
    page = client.get(url, {"query": registration.applicant.nik}).content.decode()
    assert registration.number in page
    assert not client.get(url, {"query": registration.applicant.full_name}).context["found"]
    client.post(url, {"registration": registration.pk, "query": registration.applicant.nik})
    open_case.refresh_from_db()
    assert open_case.registration == registration
    page = client.get(url).content.decode()
    assert registration.applicant.full_name in page
    assert AuditEvent.objects.filter(action="view", object_id=str(registration.pk)).exists()
    assert client.post(url, {"registration": "abc"}).status_code == 404


def test_a_registration_is_linked_only_as_found_by_its_nik_or_number(
    client, petugas_pengaduan, open_case
):
    """The link posts the search it came from: an id alone would open any registration's
    name and NIK through the case."""
    found = RegistrationFactory(status="diajukan")
    other = RegistrationFactory(status="diajukan")
    client.force_login(petugas_pengaduan)
    url = reverse("complaints:case_registration", args=[open_case.pk])

    # The page's own link form carries the search.
    page = client.get(url, {"query": found.number}).content.decode()
    assert f'name="query" value="{found.number}"' in page

    for forged in (
        {"registration": other.pk},  # an id alone
        {"registration": other.pk, "query": found.number},  # another registration's number
        {"registration": other.pk, "query": other.applicant.full_name},  # a name finds nothing
    ):
        assert client.post(url, forged).status_code == 404
    open_case.refresh_from_db()
    assert open_case.registration is None
    assert other.applicant.full_name not in client.get(url).content.decode()

    response = client.post(url, {"registration": found.pk, "query": found.number}, follow=True)
    assert "Pendaftaran ditautkan ke kasus." in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.registration == found


# --- Lists, dashboards, the directory ----------------------------------------------------------


def test_the_case_list_needs_at_most_10_queries_whatever_the_number_of_cases(
    client, kepala, django_assert_max_num_queries
):
    p3mi = StakeholderFactory()
    client.force_login(kepala)
    url = reverse("complaints:case_list")
    filters = {
        "q": "La",
        "status": "open",
        "category": complaint_category().pk,
        "country": country("MY").pk,
        "p3mi": p3mi.pk,
        "assignee": "none",
        "overdue": "1",
        "channel": "online",
        "sensitive": "0",
    }
    for count in (3, 40):
        CaseFactory.create_batch(
            count,
            worker_name="La Ode Test",
            p3mi=p3mi,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
        with django_assert_max_num_queries(10):
            response = client.get(url, filters)
        assert response.status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
    assert len(response.context["cases"]) == 43


def test_the_list_filters_and_marks_overdue_cases(client, kepala, petugas_pengaduan):
    late = CaseFactory(due_date=timezone.localdate() - datetime.timedelta(days=3))
    fresh = CaseFactory(assignee=petugas_pengaduan, channel=CaseChannel.PHONE)
    client.force_login(kepala)
    url = reverse("complaints:case_list")
    overdue = client.get(url, {"overdue": "1"}).context["cases"]
    assert list(overdue) == [late]
    assert list(client.get(url, {"channel": "phone"}).context["cases"]) == [fresh]
    assert list(client.get(url, {"q": fresh.number}).context["cases"]) == [fresh]
    page = client.get(url).content.decode()
    assert "table-danger" in page and "Terlambat" in page


def test_dashboards_show_my_cases_and_the_overdue_list(client, petugas_pengaduan, kepala):
    mine = CaseFactory(assignee=petugas_pengaduan)
    late = CaseFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(petugas_pengaduan)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Kasus pengaduan saya" in page and mine.number in page and late.number in page
    client.force_login(kepala)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 kasus terlambat" in page and late.number in page
    assert "Kasus pengaduan saya" not in page


def test_the_p3mi_directory_page_shows_its_complaints(client, staf_data):
    p3mi = StakeholderFactory()
    CaseFactory.create_batch(2, p3mi=p3mi)
    CaseFactory(p3mi=p3mi, status=CaseStatus.CLOSED, closure_reason="unreachable_60d")
    client.force_login(staf_data)
    page = client.get(p3mi.get_absolute_url()).content.decode()
    assert 'data-count="complaints">3<' in page
    assert 'data-count="complaints_open">2<' in page


def test_complaint_roles_get_the_nav_link(client, petugas_pengaduan, verifikator):
    client.force_login(petugas_pengaduan)
    assert reverse("complaints:case_list") in client.get(reverse("dashboard")).content.decode()
    client.force_login(verifikator)
    assert reverse("complaints:case_list") not in client.get(reverse("dashboard")).content.decode()
