"""Every view: anonymous -> login, wrong role -> 403, out of scope -> 404, allowed -> 200."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bp3mi import roles
from bp3mi.models import AuditEvent
from documents.letters import indonesian_date
from documents.models import Document, Letter
from documents.selectors import requirements_for
from documents.services import (
    document_reject,
    letter_generate,
    letter_revoke,
    letter_sign,
    review_waiting_refresh,
)
from registrations.choices import RegistrationStatus as RS
from tests.factories import ApplicantFactory, RegistrationFactory

from .files import pdf_bytes, upload
from .helpers import registration_with_documents, verified_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_cpmi(make_user):
    return make_user(roles.CPMI)


@pytest.fixture
def own(cpmi_user):
    return registration_with_documents(user=cpmi_user)


def assert_login_redirect(response):
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def ktp(registration):
    return Document.objects.get(
        registration=registration, document_type__code="ktp", is_current=True
    )


# --- CPMI pages -----------------------------------------------------------------------------


def test_checklist_permissions(client, cpmi_user, other_cpmi, petugas_pengaduan, verifikator, own):
    url = reverse("documents:checklist", kwargs={"pk": own.pk})
    assert_login_redirect(client.get(url))
    assert get_as(client, petugas_pengaduan, url).status_code == 403
    assert get_as(client, other_cpmi, url).status_code == 404
    response = get_as(client, cpmi_user, url)
    assert response.status_code == 200
    assert (
        "KTP" in response.content.decode() and "Menunggu pemeriksaan" in response.content.decode()
    )
    assert get_as(client, verifikator, url).status_code == 200


def test_checklist_shows_the_rejection_reason_and_offers_reupload_of_that_document_only(
    client, cpmi_user, verifikator, own
):
    document = ktp(own)
    document_reject(
        document=document, by=verifikator, revision=0, reason="tidak_terbaca", note="Foto buram"
    )
    from documents.services import registration_request_correction

    registration_request_correction(registration=own, by=verifikator)
    client.force_login(cpmi_user)
    body = client.get(reverse("documents:checklist", kwargs={"pk": own.pk})).content.decode()
    assert "Tidak terbaca atau buram. Foto buram" in body
    assert reverse("documents:upload", kwargs={"pk": own.pk, "code": "ktp"}) in body
    assert reverse("documents:upload", kwargs={"pk": own.pk, "code": "kk"}) not in body
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Ada dokumen yang ditolak" in dashboard


def offered_uploads(client, registration) -> set[str]:
    body = client.get(reverse("documents:checklist", kwargs={"pk": registration.pk})).content
    return {
        requirement.document_type.code
        for requirement in requirements_for(registration=registration)
        if reverse(
            "documents:upload",
            kwargs={"pk": registration.pk, "code": requirement.document_type.code},
        )
        in body.decode()
    }


def test_the_checklist_offers_exactly_the_uploads_the_service_accepts(
    client, cpmi_user, verifikator, settings
):
    """One rule (selectors.upload_refusal) for the button and the service: in a correction
    a missing document may still be added, a document at its version limit may not."""
    from documents.services import registration_request_correction

    settings.UPLOAD_MAX_VERSIONS = 2
    registration = RegistrationFactory(
        applicant=ApplicantFactory(user=cpmi_user), status=RS.SUBMITTED
    )
    client.force_login(cpmi_user)
    for code in ("ktp", "kk"):
        client.post(
            reverse("documents:upload", kwargs={"pk": registration.pk, "code": code}),
            {"file": upload("a.pdf", pdf_bytes(1))},
        )
    client.post(
        reverse("documents:upload", kwargs={"pk": registration.pk, "code": "kk"}),
        {"file": upload("b.pdf", pdf_bytes(2))},
    )
    document_reject(
        document=ktp(registration), by=verifikator, revision=0, reason="tidak_terbaca", note="Buram"
    )
    registration_request_correction(registration=registration, by=verifikator)
    offered = offered_uploads(client, registration)
    assert "ktp" in offered  # rejected
    assert "akta_lahir" in offered  # missing
    assert "kk" not in offered  # pending, and at its version limit
    # The rejected KTP last: replacing it ends the correction.
    requirements = sorted(
        requirements_for(registration=registration), key=lambda r: r.document_type.code == "ktp"
    )
    for requirement in requirements:
        code = requirement.document_type.code
        before = Document.objects.count()
        client.post(
            reverse("documents:upload", kwargs={"pk": registration.pk, "code": code}),
            {"file": upload("c.pdf", pdf_bytes(3))},
        )
        accepted = Document.objects.count() > before
        assert accepted == (code in offered), code
    registration.refresh_from_db()
    assert registration.status == RS.IN_VERIFICATION


def test_checklist_query_count_is_bounded(client, cpmi_user, own, django_assert_max_num_queries):
    client.force_login(cpmi_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("documents:checklist", kwargs={"pk": own.pk})).status_code == 200


def test_upload_permissions(client, cpmi_user, other_cpmi, verifikator, kepala, own):
    url = reverse("documents:upload", kwargs={"pk": own.pk, "code": "ktp"})
    assert_login_redirect(client.get(url))
    assert get_as(client, kepala, url).status_code == 403
    # A desk officer uploads for walk-ins only, never for a CPMI who has an account.
    assert get_as(client, verifikator, url).status_code == 404
    assert get_as(client, other_cpmi, url).status_code == 404
    assert get_as(client, cpmi_user, url).status_code == 200
    missing = reverse("documents:upload", kwargs={"pk": own.pk, "code": "tidak-ada"})
    assert client.get(missing).status_code == 404


def test_other_cpmi_cannot_upload_into_someone_elses_registration(client, other_cpmi, own):
    client.force_login(other_cpmi)
    url = reverse("documents:upload", kwargs={"pk": own.pk, "code": "ktp"})
    response = client.post(url, {"file": upload("a.pdf", pdf_bytes())})
    assert response.status_code == 404
    assert Document.objects.filter(registration=own, document_type__code="ktp").count() == 1


def test_upload_is_refused_once_verified(client, cpmi_user, verifikator):
    registration = verified_registration(verifikator=verifikator, user=cpmi_user)
    client.force_login(cpmi_user)
    url = reverse("documents:upload", kwargs={"pk": registration.pk, "code": "ktp"})
    response = client.post(url, {"file": upload("a.pdf", pdf_bytes(4))})
    assert "tidak dapat diunggah saat pendaftaran berstatus" in response.content.decode()


def test_document_download_permissions(client, cpmi_user, other_cpmi, staf_data, verifikator, own):
    url = reverse("documents:download", kwargs={"pk": ktp(own).pk})
    assert_login_redirect(client.get(url))
    assert get_as(client, staf_data, url).status_code == 403
    assert get_as(client, other_cpmi, url).status_code == 404  # CPMI A cannot fetch B's file
    response = get_as(client, cpmi_user, url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert get_as(client, verifikator, url).status_code == 200
    assert AuditEvent.objects.filter(actor=verifikator, action="view").exists()


def test_letter_download_permissions_and_pending_letter_is_not_found(
    client,
    cpmi_user,
    other_cpmi,
    staf_data,
    verifikator,
    kepala,
    django_capture_on_commit_callbacks,
):
    registration = verified_registration(verifikator=verifikator, user=cpmi_user)
    with django_capture_on_commit_callbacks(execute=False):
        letter = letter_sign(registration=registration, by=kepala)
    url = reverse("documents:letter_download", kwargs={"pk": letter.pk})
    assert get_as(client, cpmi_user, url).status_code == 404  # not rendered yet
    letter_generate(letter_id=letter.pk)
    client.logout()
    assert_login_redirect(client.get(url))
    assert get_as(client, staf_data, url).status_code == 403
    assert get_as(client, other_cpmi, url).status_code == 404
    response = get_as(client, cpmi_user, url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert get_as(client, kepala, url).status_code == 200


# --- Officer pages --------------------------------------------------------------------------


def test_queue_permissions_order_filters_and_query_count(
    client, cpmi_user, kepala, verifikator, django_assert_max_num_queries
):
    from tests.factories import region

    url = reverse("documents:queue")
    assert_login_redirect(client.get(url))
    assert get_as(client, cpmi_user, url).status_code == 403
    assert get_as(client, kepala, url).status_code == 403
    older = registration_with_documents()
    newer = registration_with_documents(region=region("74.07"))
    for _ in range(3):
        registration_with_documents()
    Document.objects.filter(registration=older).update(uploaded_at="2026-01-05T08:00:00+08:00")
    review_waiting_refresh(registration_id=older.pk)  # as an upload that long ago left it
    RegistrationFactory(applicant=ApplicantFactory(), status=RS.SUBMITTED)  # nothing uploaded
    client.force_login(verifikator)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    listed = list(response.context["registrations"])
    assert len(listed) == 5 and listed[0] == older
    wakatobi = region("74.07")
    response = client.get(url, {"region": wakatobi.pk})
    assert list(response.context["registrations"]) == [newer]
    response = client.get(url, {"days": 30})
    assert list(response.context["registrations"]) == [older]
    response = client.get(url, {"scheme": "g2g"})
    assert list(response.context["registrations"]) == []


def test_review_permissions_and_identity_beside_documents(
    client, cpmi_user, kepala, verifikator, own
):
    url = reverse("documents:review", kwargs={"pk": own.pk})
    assert_login_redirect(client.get(url))
    assert get_as(client, cpmi_user, url).status_code == 403
    assert get_as(client, kepala, url).status_code == 403
    assert (
        get_as(client, verifikator, reverse("documents:review", kwargs={"pk": 999999})).status_code
        == 404
    )
    response = get_as(client, verifikator, url)
    body = response.content.decode()
    assert response.status_code == 200
    assert own.applicant.full_name in body and own.applicant.nik in body
    assert body.count('value="setujui"') == 14


def test_review_post_approves_and_a_stale_form_gets_a_conflict_message(
    client, verifikator, make_user, own
):
    document = ktp(own)
    url = reverse("documents:document_review", kwargs={"pk": document.pk})
    prefix = f"d{document.pk}"
    assert_login_redirect(client.post(url, {}))
    other = make_user(roles.VERIFIKATOR)
    client.force_login(other)
    client.post(
        url,
        {
            f"{prefix}-action": "tolak",
            f"{prefix}-revision": 0,
            f"{prefix}-reason": "lainnya",
            f"{prefix}-note": "Cap tidak ada",
        },
    )
    client.force_login(verifikator)
    response = client.post(
        url, {f"{prefix}-action": "setujui", f"{prefix}-revision": 0}, follow=True
    )
    assert "sudah diperiksa atau diganti oleh orang lain" in response.content.decode()
    document.refresh_from_db()
    assert document.status == "ditolak" and document.review_note == "Cap tidak ada"


def test_review_post_reject_without_a_note_says_so(client, verifikator, own):
    document = ktp(own)
    prefix = f"d{document.pk}"
    client.force_login(verifikator)
    response = client.post(
        reverse("documents:document_review", kwargs={"pk": document.pk}),
        {f"{prefix}-action": "tolak", f"{prefix}-revision": 0, f"{prefix}-reason": "lainnya"},
        follow=True,
    )
    assert "Tulis apa yang harus diperbaiki CPMI." in response.content.decode()
    document.refresh_from_db()
    assert document.status == "menunggu"


def test_review_post_wrong_role_is_forbidden(client, cpmi_user, kepala, own):
    url = reverse("documents:document_review", kwargs={"pk": ktp(own).pk})
    client.force_login(cpmi_user)
    assert client.post(url, {}).status_code == 403
    client.force_login(kepala)
    assert client.post(url, {}).status_code == 403


def test_request_correction_view(client, cpmi_user, verifikator, own):
    url = reverse("documents:request_correction", kwargs={"pk": own.pk})
    assert_login_redirect(client.post(url))
    client.force_login(cpmi_user)
    assert client.post(url).status_code == 403
    document_reject(document=ktp(own), by=verifikator, revision=0, reason="lainnya", note="Ulang")
    client.force_login(verifikator)
    assert client.post(url).status_code == 302
    own.refresh_from_db()
    assert own.status == RS.NEEDS_CORRECTION


def test_signing_queue_and_sign_view(
    client, cpmi_user, verifikator, kepala, django_assert_max_num_queries
):
    registration = verified_registration(verifikator=verifikator)
    for _ in range(2):
        verified_registration(verifikator=verifikator)
    queue = reverse("documents:signing")
    assert_login_redirect(client.get(queue))
    assert get_as(client, verifikator, queue).status_code == 403
    client.force_login(kepala)
    with django_assert_max_num_queries(10):
        assert len(client.get(queue).context["registrations"]) == 3
    sign = reverse("documents:sign", kwargs={"pk": registration.pk})
    assert get_as(client, cpmi_user, sign).status_code == 403
    assert (
        get_as(client, kepala, reverse("documents:sign", kwargs={"pk": 999999})).status_code == 404
    )
    assert get_as(client, kepala, sign).status_code == 200
    response = client.post(sign, follow=True)
    assert "PDF-nya akan dibuat sebentar lagi" in response.content.decode()
    letter = Letter.objects.get(registration=registration)
    assert letter.signed_by == kepala and letter.status == Letter.Status.PENDING
    assert len(client.get(queue).context["registrations"]) == 2


def test_signing_by_the_verifier_is_refused_on_screen(client, make_user):
    both = make_user(roles.VERIFIKATOR, roles.KEPALA)
    registration = verified_registration(verifikator=both)
    client.force_login(both)
    response = client.post(reverse("documents:sign", kwargs={"pk": registration.pk}), follow=True)
    assert "prinsip empat mata" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.fixture
def letter(verifikator, kepala, cpmi_user, django_capture_on_commit_callbacks):
    registration = verified_registration(
        verifikator=verifikator, user=cpmi_user, full_name="Siti Aminah"
    )
    with django_capture_on_commit_callbacks(execute=False):
        return letter_sign(registration=registration, by=kepala)


def test_retry_view_requeues_a_failed_letter(client, cpmi_user, kepala, letter):
    url = reverse("documents:letter_retry", kwargs={"pk": letter.pk})
    assert_login_redirect(client.post(url))
    client.force_login(cpmi_user)
    assert client.post(url).status_code == 403
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.FAILED, error="x")
    client.force_login(kepala)
    assert client.post(url).status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING


def test_revoke_view(client, verifikator, kepala, letter):
    url = reverse("documents:letter_revoke", kwargs={"pk": letter.pk})
    assert_login_redirect(client.get(url))
    assert get_as(client, verifikator, url).status_code == 403
    assert (
        get_as(
            client, kepala, reverse("documents:letter_revoke", kwargs={"pk": 999999})
        ).status_code
        == 404
    )
    assert get_as(client, kepala, url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert "Alasan pencabutan wajib diisi." in response.content.decode()
    client.post(url, {"reason": "Data paspor tidak benar"})
    letter.refresh_from_db()
    assert letter.is_revoked and letter.revoke_reason == "Data paspor tidak benar"


# --- Public check ---------------------------------------------------------------------------


def test_public_check_shows_only_number_date_state_masked_name_and_hash(client, kepala, letter):
    letter = letter_generate(letter_id=letter.pk)
    url = reverse("documents:letter_check", kwargs={"token": letter.token})
    assert url == f"/verifikasi/{letter.token}/"
    body = client.get(url).content.decode()
    assert "BERLAKU" in body and letter.number in body and letter.sha256 in body
    assert "S*** A*****" in body
    assert "Siti Aminah" not in body and letter.registration.applicant.nik not in body
    letter_revoke(letter=letter, by=kepala, reason="Dicabut")
    body = client.get(url).content.decode()
    assert "DICABUT" in body and "BERLAKU" not in body
    assert client.get("/verifikasi/bukan-token/").status_code == 404
    assert client.get(f"/verifikasi/{letter.pk}/").status_code == 404


@pytest.mark.parametrize("token", ["%00", "abc%00def", "%C0%80", "..%2f..%2f", "a" * 300])
def test_a_hostile_letter_token_is_a_404_for_anyone(client, token):
    assert client.get(f"/verifikasi/{token}/").status_code == 404


def test_when_the_broker_is_down_the_signer_is_told_the_pdf_will_be_made_shortly(
    client, verifikator, kepala
):
    from bp3mi.celery import app

    registration = verified_registration(verifikator=verifikator)
    client.force_login(kepala)
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.broker_transport_options = {"max_retries": 0}
    app._pool = None
    app.amqp._producer_pool = None
    try:
        response = client.post(
            reverse("documents:sign", kwargs={"pk": registration.pk}), follow=True
        )
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        app._pool = None
        app.amqp._producer_pool = None
    page = response.content.decode()
    assert "PDF-nya akan dibuat sebentar lagi" in page
    assert "PDF sedang dibuat" not in page
    assert Letter.objects.get(registration=registration).status == Letter.Status.PENDING


def test_the_public_check_is_rate_limited_per_address_with_an_indonesian_page(
    client, letter, settings, monkeypatch
):
    settings.LETTER_CHECK_LIMIT = 3
    settings.LETTER_CHECK_WINDOW = 60
    url = reverse("documents:letter_check", kwargs={"token": letter.token})
    guesses = [client.get(f"/verifikasi/tebakan-{n}/", REMOTE_ADDR="203.0.113.7") for n in (1, 2)]
    assert [r.status_code for r in guesses] == [404, 404]
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    limited = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    body = limited.content.decode()
    assert "Terlalu banyak pemeriksaan" in body and "Tunggu 1 menit" in body
    assert letter.number not in body
    # Another address is not held back; the first is served again in the next window.
    assert client.get(url, REMOTE_ADDR="198.51.100.20").status_code == 200
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_public_check_says_whether_the_stored_pdf_signature_is_intact_and_when_revoked(
    client, kepala, letter
):
    letter = letter_generate(letter_id=letter.pk)
    url = reverse("documents:letter_check", kwargs={"token": letter.token})
    assert 'data-signature="utuh"' in client.get(url).content.decode()
    with letter.file.open("rb") as stored:
        pdf = bytearray(stored.read())
    pdf[pdf.index(b"stream") + 40] ^= 0x01
    with open(letter.file.path, "wb") as stored:
        stored.write(pdf)
    body = client.get(url).content.decode()
    assert 'data-signature="rusak"' in body and "Tidak utuh" in body
    letter_revoke(letter=letter, by=kepala, reason="Data paspor salah")
    letter.refresh_from_db()
    body = client.get(url).content.decode()
    revoked_on = indonesian_date(timezone.localtime(letter.revoked_at).date())
    assert f"tidak berlaku lagi sejak {revoked_on}" in body


# --- Letters on the registration's pages ----------------------------------------------------


def test_detail_page_and_checklist_list_every_letter_with_state_and_actions(
    client, kepala, verifikator, cpmi_user, letter
):
    letter = letter_generate(letter_id=letter.pk)
    registration = letter.registration
    detail = reverse("registrations:detail", kwargs={"pk": registration.pk})
    checklist = reverse("documents:checklist", kwargs={"pk": registration.pk})
    download = reverse("documents:letter_download", kwargs={"pk": letter.pk})
    revoke = reverse("documents:letter_revoke", kwargs={"pk": letter.pk})
    client.force_login(kepala)
    for url in (detail, checklist):
        body = client.get(url).content.decode()
        assert letter.number in body and download in body and revoke in body
    client.force_login(verifikator)
    body = client.get(detail).content.decode()
    assert download in body and revoke not in body
    client.force_login(cpmi_user)
    body = client.get(checklist).content.decode()
    assert download in body and revoke not in body

    letter_revoke(letter=letter, by=kepala, reason="Nama salah ketik")
    client.force_login(kepala)
    body = client.get(detail).content.decode()
    assert "Dicabut" in body and "Nama salah ketik" in body and revoke not in body
    # A revoked letter of a verified registration: a new one may be signed from here.
    assert reverse("documents:sign", kwargs={"pk": registration.pk}) in body


def test_a_failed_letter_offers_the_retry_to_officers(client, kepala, letter):
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.FAILED)
    client.force_login(kepala)
    body = client.get(
        reverse("registrations:detail", kwargs={"pk": letter.registration_id})
    ).content.decode()
    assert reverse("documents:letter_retry", kwargs={"pk": letter.pk}) in body


def test_revoke_form_has_a_cancel_link_back_to_the_letter_page(client, kepala, letter):
    client.force_login(kepala)
    body = client.get(reverse("documents:letter_revoke", kwargs={"pk": letter.pk})).content.decode()
    assert f'href="{reverse("documents:sign", kwargs={"pk": letter.registration_id})}"' in body
    assert "Batal" in body


def test_a_letter_being_made_polls_its_state_and_offers_a_reload_link(
    client, cpmi_user, other_cpmi, letter
):
    state_url = reverse("documents:letter_state", kwargs={"pk": letter.pk})
    checklist = reverse("documents:checklist", kwargs={"pk": letter.registration_id})
    client.force_login(cpmi_user)
    body = client.get(checklist).content.decode()
    assert f'hx-get="{state_url}"' in body and 'hx-trigger="every 3s"' in body
    assert f'href="{checklist}"' in body  # reload without JavaScript
    fragment = client.get(
        state_url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{checklist}"
    )
    assert fragment.status_code == 200 and "Sedang dibuat" in fragment.content.decode()
    letter_generate(letter_id=letter.pk)
    fragment = client.get(state_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in fragment and "Unduh surat (PDF)" in fragment
    client.force_login(other_cpmi)
    assert client.get(state_url).status_code == 404
    client.logout()
    assert client.get(state_url).status_code == 302


def test_the_signing_screen_previews_the_letter_and_links_each_document(
    client, verifikator, kepala
):
    kepala.nip = "197003152000031002"
    kepala.save()
    registration = verified_registration(verifikator=verifikator, full_name="Wa Ode Hasnah")
    client.force_login(kepala)
    body = client.get(reverse("documents:sign", kwargs={"pk": registration.pk})).content.decode()
    assert "Pratinjau isi surat" in body and "Wa Ode Hasnah" in body
    assert "(diberikan saat ditandatangani)" in body and "NIP 197003152000031002" in body
    for document in Document.objects.filter(registration=registration, status="disetujui"):
        link = reverse("documents:download", kwargs={"pk": document.pk}) + "?tampil=1"
        assert f'href="{link}" target="_blank"' in body
    assert not Letter.objects.exists()  # looking is not signing


def test_review_screen_opens_pdfs_inline_in_a_new_tab(client, verifikator, own):
    document = ktp(own)
    client.force_login(verifikator)
    body = client.get(reverse("documents:review", kwargs={"pk": own.pk})).content.decode()
    link = reverse("documents:download", kwargs={"pk": document.pk}) + "?tampil=1"
    assert f'href="{link}" target="_blank"' in body
    response = client.get(link)
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
