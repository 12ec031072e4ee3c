import hashlib
import io
import os
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from bp3mi.models import AuditEvent
from documents import letters
from documents.models import Document, DocumentType, Letter
from documents.services import (
    ConflictError,
    document_approve,
    document_reject,
    document_upload,
    letter_generate,
    letter_revoke,
    letter_sign,
    letter_sweep,
    registration_request_correction,
)
from registrations.choices import RegistrationStatus as RS

from .helpers import (
    approve_all,
    clean_pdf,
    registration_with_documents,
    verified_registration,
)

pytestmark = pytest.mark.django_db


def current(registration, code):
    return Document.objects.get(
        registration=registration, document_type__code=code, is_current=True
    )


def test_approving_every_required_document_verifies_the_registration(verifikator, cpmi_user):
    registration = registration_with_documents(user=cpmi_user)
    pending = list(
        Document.objects.filter(registration=registration, is_current=True)
        .exclude(document_type__code="perjanjian_kerja")
        .order_by("pk")
    )
    for document in pending[:-1]:
        document_approve(document=document, by=verifikator, revision=document.revision)
    registration.refresh_from_db()
    assert registration.status == RS.IN_VERIFICATION
    document_approve(document=pending[-1], by=verifikator, revision=pending[-1].revision)
    registration.refresh_from_db()
    assert registration.status == RS.VERIFIED
    # The departure-stage work contract is not needed for the letter.
    assert current(registration, "perjanjian_kerja").status == "menunggu"


def test_second_officer_acting_on_the_same_version_gets_a_conflict_and_nothing_changes(
    verifikator, make_user
):
    from bp3mi import roles

    other = make_user(roles.VERIFIKATOR)
    registration = registration_with_documents()
    ktp = current(registration, "ktp")
    seen = ktp.revision
    document_reject(
        document=ktp, by=verifikator, revision=seen, reason="tidak_terbaca", note="Buram"
    )
    with pytest.raises(ConflictError, match="sudah diperiksa atau diganti"):
        document_approve(document=ktp, by=other, revision=seen)
    ktp.refresh_from_db()
    assert ktp.status == "ditolak" and ktp.reviewed_by == verifikator
    assert ktp.review_note == "Buram"


def test_rejection_needs_a_coded_reason_and_a_note(verifikator):
    registration = registration_with_documents()
    ktp = current(registration, "ktp")
    with pytest.raises(ValidationError):
        document_reject(document=ktp, by=verifikator, revision=ktp.revision, reason="", note="x")
    with pytest.raises(ValidationError):
        document_reject(
            document=ktp, by=verifikator, revision=ktp.revision, reason="lainnya", note=" "
        )
    ktp.refresh_from_db()
    assert ktp.status == "menunggu"


def test_needs_correction_mails_the_cpmi_and_only_rejected_documents_may_be_replaced(
    verifikator, cpmi_user, django_capture_on_commit_callbacks
):
    registration = registration_with_documents(user=cpmi_user)
    ktp = current(registration, "ktp")
    document_reject(
        document=ktp,
        by=verifikator,
        revision=ktp.revision,
        reason="nama_berbeda",
        note="Nama KTP beda",
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration_request_correction(registration=registration, by=verifikator)
    registration.refresh_from_db()
    assert registration.status == RS.NEEDS_CORRECTION
    assert "Nama KTP beda" in registration.status_reason
    assert mail.outbox[0].to == [cpmi_user.email]
    assert "KTP" in mail.outbox[0].body and "/dokumen/pendaftaran/" in mail.outbox[0].body

    kk = DocumentType.objects.get(code="kk")
    with pytest.raises(ValidationError, match="hanya dokumen yang ditolak"):
        document_upload(
            registration=registration, document_type=kk, clean=clean_pdf(2), by=cpmi_user
        )

    document_upload(
        registration=registration, document_type=ktp.document_type, clean=clean_pdf(3), by=cpmi_user
    )
    registration.refresh_from_db()
    assert registration.status == RS.IN_VERIFICATION
    assert current(registration, "ktp").version == 2


def test_correction_cannot_be_requested_without_a_rejected_document(verifikator):
    registration = registration_with_documents()
    with pytest.raises(ValidationError):
        registration_request_correction(registration=registration, by=verifikator)


def test_the_verifying_officer_cannot_sign_four_eyes(verifikator, make_user):
    from bp3mi import roles

    both = make_user(roles.VERIFIKATOR, roles.KEPALA)
    registration = verified_registration(verifikator=both)
    with pytest.raises(ValidationError, match="empat mata"):
        letter_sign(registration=registration, by=both)
    assert not Letter.objects.exists()


def test_an_officer_who_rejected_an_earlier_version_cannot_sign(
    verifikator, make_user, cpmi_user, django_capture_on_commit_callbacks
):
    from bp3mi import roles

    admin = make_user(roles.ADMIN, is_staff=True)
    registration = registration_with_documents(user=cpmi_user)
    ktp = current(registration, "ktp")
    document_reject(
        document=ktp, by=admin, revision=ktp.revision, reason="tidak_terbaca", note="Foto KTP buram"
    )
    with django_capture_on_commit_callbacks(execute=False):
        registration_request_correction(registration=registration, by=admin)
    document_upload(
        registration=registration, document_type=ktp.document_type, clean=clean_pdf(2), by=cpmi_user
    )
    registration = approve_all(registration, verifikator)
    assert registration.status == RS.VERIFIED
    # Every current version was reviewed by someone else; version 1 was the admin's.
    assert not Document.objects.filter(
        registration=registration, is_current=True, reviewed_by=admin
    )
    with pytest.raises(ValidationError, match="empat mata"):
        letter_sign(registration=registration, by=admin)
    assert not Letter.objects.exists()


def test_a_review_overwritten_later_still_bars_its_officer_from_signing(
    verifikator, kepala, django_capture_on_commit_callbacks
):
    registration = registration_with_documents()
    ktp = current(registration, "ktp")
    # The Kepala rejected the KTP, then a verifikator approved the same version.
    ktp = document_reject(
        document=ktp, by=kepala, revision=ktp.revision, reason="tidak_terbaca", note="Buram"
    )
    Document.objects.filter(pk=ktp.pk).update(status="menunggu")
    registration = approve_all(registration, verifikator)
    assert current(registration, "ktp").reviewed_by == verifikator
    with pytest.raises(ValidationError, match="empat mata"):
        letter_sign(registration=registration, by=kepala)


def test_signing_rechecks_that_every_listed_document_is_approved(verifikator, kepala):
    registration = verified_registration(verifikator=verifikator)
    # The status says Verified, but a listed document is no longer approved.
    Document.objects.filter(
        registration=registration, document_type__code="skck", is_current=True
    ).update(status="menunggu")
    with pytest.raises(ValidationError, match="belum disetujui: SKCK"):
        letter_sign(registration=registration, by=kepala)
    assert not Letter.objects.exists()


def test_signing_takes_consecutive_numbers_and_signing_twice_gives_one_letter(
    verifikator, kepala, django_capture_on_commit_callbacks
):
    first = verified_registration(verifikator=verifikator)
    second = verified_registration(verifikator=verifikator)
    with django_capture_on_commit_callbacks(execute=False):
        a = letter_sign(registration=first, by=kepala)
        again = letter_sign(registration=first, by=kepala)
        b = letter_sign(registration=second, by=kepala)
    assert a.pk == again.pk
    assert (a.serial, b.serial) == (1, 2)
    year = timezone.localdate().year
    assert re.fullmatch(rf"0001/BP3MI-SULTRA/VER/[IVX]+/{year}", a.number)
    assert Letter.objects.count() == 2


def test_an_unverified_registration_cannot_be_signed(kepala):
    registration = registration_with_documents()
    with pytest.raises(ValidationError):
        letter_sign(registration=registration, by=kepala)


def test_an_unverified_registration_cannot_be_signed_even_with_every_document_approved(
    verifikator, kepala
):
    """The status is checked for itself, not only through the documents: a registration
    put back in verification (documents still approved) gets no letter."""
    from registrations.models import Registration

    registration = verified_registration(verifikator=verifikator)
    Registration.objects.filter(pk=registration.pk).update(status=RS.IN_VERIFICATION)
    registration.refresh_from_db()
    with pytest.raises(ValidationError):
        letter_sign(registration=registration, by=kepala)
    assert not Letter.objects.filter(registration=registration).exists()


@pytest.fixture
def signed_letter(verifikator, kepala, django_capture_on_commit_callbacks):
    registration = verified_registration(
        verifikator=verifikator, full_name="Wa Ode Sitti Rahmawati", birthplace="Raha"
    )
    with django_capture_on_commit_callbacks(execute=False):
        return letter_sign(registration=registration, by=kepala)


def test_generated_pdf_holds_number_name_documents_and_the_qr_url(signed_letter, settings):
    letter = letter_generate(letter_id=signed_letter.pk)
    assert letter.status == Letter.Status.READY
    with letter.file.open("rb") as f:
        content = f.read()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert letter.number in text
    assert "Wa Ode Sitti Rahmawati" in text
    for name in ["KTP", "Kartu Keluarga", "Paspor", "Visa kerja", "SKCK"]:
        assert name in text
    assert "Perjanjian kerja" not in text  # not yet approved, departure stage
    assert letters.indonesian_date(timezone.localdate()) in text
    # The URL printed under the QR code (a long line the PDF may wrap).
    assert f"{settings.SITE_URL}/verifikasi/{letter.token}/" in text.replace(" ", "")


def qr_matrix_from_svg_data_uri(data_uri: str) -> list[list[bool]]:
    """Read the modules back from the SVG segno drew: one path of horizontal strokes, each
    `h n` a run of n dark modules on the row the pen is on."""
    from urllib.parse import unquote

    svg = unquote(data_uri.split(",", 1)[1])
    size = int(re.search(r"width='(\d+)'", svg).group(1))
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    path = re.search(r" d='([^']+)'", svg).group(1)
    n = size // scale
    matrix = [[False] * n for _ in range(n)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                matrix[int(y)][column] = True
            x += float(a)
    return matrix


def decode_qr(matrix: list[list[bool]]) -> str:
    """Decode with zbar (Debian's zbar-tools) from a PNG drawn from the matrix."""
    import shutil
    import subprocess
    import tempfile

    from PIL import Image

    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("zbarimg is missing in CI: .ci/run installs zbar-tools")
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools)")
    n, module = len(matrix), 8
    image = Image.new("L", (n * module, n * module), 255)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                image.paste(
                    0, (column * module, row * module, (column + 1) * module, (row + 1) * module)
                )
    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        image.save(png.name)
        result = subprocess.run(
            [zbarimg, "--quiet", "--raw", png.name], capture_output=True, text=True, check=True
        )
    return result.stdout.strip()


def test_the_qr_code_on_the_letter_decodes_to_the_public_verification_url(signed_letter, settings):
    url = letters.verification_url(signed_letter.token)
    assert url == f"{settings.SITE_URL}/verifikasi/{signed_letter.token}/"
    html = letters.letter_html(signed_letter, [])
    data_uri = re.search(r'src="(data:image/svg\+xml[^"]+)"', html).group(1)
    assert decode_qr(qr_matrix_from_svg_data_uri(html_unescape(data_uri))) == url
    assert str(signed_letter.pk) not in signed_letter.token or len(signed_letter.token) > 30


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_generating_twice_gives_one_file_and_one_ready_row(signed_letter, private_storage):
    first = letter_generate(letter_id=signed_letter.pk)
    second = letter_generate(letter_id=signed_letter.pk)
    assert first.sha256 == second.sha256 and second.attempts == 1
    pdfs = list((private_storage / "letters").rglob("*.pdf"))
    assert len(pdfs) == 1
    assert Letter.objects.filter(status=Letter.Status.READY).count() == 1


def test_a_job_left_running_by_a_killed_worker_finishes_when_run_again(signed_letter):
    Letter.objects.filter(pk=signed_letter.pk).update(
        status=Letter.Status.RUNNING, attempts=1, started_at=timezone.now()
    )
    letter = letter_generate(letter_id=signed_letter.pk)
    assert letter.status == Letter.Status.READY and letter.attempts == 2


def test_a_render_error_marks_the_job_failed_with_the_error(signed_letter, monkeypatch):
    def broken_render(html):
        raise OSError("disk penuh")

    monkeypatch.setattr(letters, "render_pdf", broken_render)
    with pytest.raises(OSError):
        letter_generate(letter_id=signed_letter.pk)
    signed_letter.refresh_from_db()
    assert signed_letter.status == Letter.Status.FAILED
    assert "disk penuh" in signed_letter.error


def test_sweep_sends_a_letter_never_sent_and_one_sent_but_still_waiting_after_a_minute(
    signed_letter, settings
):
    # Never sent (the tests' commit callbacks do not run): sent after a few seconds' grace.
    assert signed_letter.sent_at is None
    assert letter_sweep() == []
    Letter.objects.filter(pk=signed_letter.pk).update(
        queued_at=timezone.now() - timedelta(seconds=10)
    )
    assert letter_sweep() == [signed_letter.pk]
    signed_letter.refresh_from_db()
    assert signed_letter.status == Letter.Status.PENDING and signed_letter.sent_at is not None
    # Sent and waiting in the queue: left alone until the message may be lost.
    assert letter_sweep() == []
    Letter.objects.filter(pk=signed_letter.pk).update(
        sent_at=timezone.now() - timedelta(seconds=settings.JOB_PENDING_RESEND_SECONDS + 1)
    )
    assert letter_sweep() == [signed_letter.pk]
    Letter.objects.filter(pk=signed_letter.pk).update(
        status=Letter.Status.READY, queued_at=timezone.now() - timedelta(hours=1), sent_at=None
    )
    assert letter_sweep() == []


def test_sweep_requeues_a_running_letter_whose_heartbeat_stopped_not_one_that_beats(
    signed_letter, settings
):
    now = timezone.now()
    Letter.objects.filter(pk=signed_letter.pk).update(
        status=Letter.Status.RUNNING, sent_at=now, started_at=now - timedelta(minutes=5)
    )
    Letter.objects.filter(pk=signed_letter.pk).update(heartbeat_at=now)
    assert letter_sweep() == []
    Letter.objects.filter(pk=signed_letter.pk).update(
        heartbeat_at=now - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    )
    assert letter_sweep() == [signed_letter.pk]
    signed_letter.refresh_from_db()
    assert signed_letter.status == Letter.Status.PENDING
    # Long before the task's time limit (the old rule waited CELERY_TASK_TIME_LIMIT).
    assert settings.JOB_STALE_SECONDS < settings.CELERY_TASK_TIME_LIMIT / 3


def test_a_database_outage_during_the_render_leaves_the_letter_running_for_the_sweep(
    signed_letter, monkeypatch, settings
):
    from django.db import OperationalError

    def database_gone(html):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(letters, "render_pdf", database_gone)
    with pytest.raises(OperationalError):
        letter_generate(letter_id=signed_letter.pk)
    signed_letter.refresh_from_db()
    # Not FAILED (no error for the officer to read, no retry button needed): RUNNING, so the
    # sweep queues it again once its heartbeat is stale.
    assert signed_letter.status == Letter.Status.RUNNING and signed_letter.error == ""
    Letter.objects.filter(pk=signed_letter.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    )
    assert letter_sweep() == [signed_letter.pk]
    monkeypatch.undo()
    assert letter_generate(letter_id=signed_letter.pk).status == Letter.Status.READY


def drop_pools(app):
    """Celery builds its connection pools from the broker settings once; forget them so the
    next message uses the settings of the moment."""
    app._pool = None
    app.amqp._producer_pool = None


def test_broker_down_at_signing_keeps_the_signature_and_the_sweep_sends_it_later(
    verifikator, kepala, django_capture_on_commit_callbacks, caplog
):
    from bp3mi.celery import app

    registration = verified_registration(verifikator=verifikator)
    saved = app.conf.broker_url, app.conf.broker_transport_options
    # Nothing listens on port 1: the broker is down.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {"max_retries": 0}
    drop_pools(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            letter = letter_sign(registration=registration, by=kepala)
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        drop_pools(app)
    assert "broker unavailable" in caplog.text and "closed pool" not in caplog.text
    caplog.clear()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING and letter.number and letter.sent_at is None
    Letter.objects.filter(pk=letter.pk).update(queued_at=timezone.now() - timedelta(minutes=2))
    # The broker is back: the sweep sends the job.
    assert letter_sweep() == [letter.pk]
    assert "broker unavailable" not in caplog.text


def test_revoking_needs_a_reason_and_is_recorded(signed_letter, kepala):
    with pytest.raises(ValidationError):
        letter_revoke(letter=signed_letter, by=kepala, reason="  ")
    letter = letter_revoke(letter=signed_letter, by=kepala, reason="Paspor dipalsukan")
    assert letter.is_revoked
    assert AuditEvent.objects.filter(object_id=str(letter.pk), message="Paspor dipalsukan").exists()


def test_helpers_mask_names_and_write_dates_in_indonesian():
    import datetime

    assert letters.mask_name("Siti Aminah") == "S*** A*****"
    assert letters.indonesian_date(datetime.date(2026, 11, 23)) == "23 November 2026"
    assert letters.letter_number(serial=7, day=datetime.date(2026, 8, 1)) == (
        "0007/BP3MI-SULTRA/VER/VIII/2026"
    )


def test_sending_the_rejected_file_again_is_refused(verifikator, cpmi_user):
    registration = registration_with_documents(user=cpmi_user)
    ktp = current(registration, "ktp")
    document_reject(document=ktp, by=verifikator, revision=0, reason="tidak_terbaca", note="Buram")
    with ktp.file.open("rb") as f:
        same = f.read()
    from documents.uploads import CleanFile

    clean = CleanFile(content=same, file_format="pdf", original_name="ktp.pdf")
    with pytest.raises(ValidationError, match="sama dengan yang ditolak"):
        document_upload(
            registration=registration, document_type=ktp.document_type, clean=clean, by=cpmi_user
        )
    assert (
        Document.objects.filter(registration=registration, document_type__code="ktp").count() == 1
    )


def test_roles_hold_the_document_permissions(verifikator, kepala, cpmi_user):
    assert verifikator.has_perm("documents.review_document")
    assert verifikator.has_perm("documents.view_document")
    assert not verifikator.has_perm("documents.sign_letter")
    assert kepala.has_perm("documents.sign_letter") and kepala.has_perm("documents.revoke_letter")
    assert not kepala.has_perm("documents.review_document")
    assert not cpmi_user.has_perm("documents.view_document")


def test_document_types_are_seeded_with_their_requirements():
    codes = set(DocumentType.objects.values_list("code", flat=True))
    assert {
        "ktp",
        "kk",
        "akta_lahir",
        "ijazah",
        "status_kawin",
        "izin_keluarga",
        "sertifikat_kompetensi",
        "surat_sehat",
        "paspor",
        "visa_kerja",
        "perjanjian_penempatan",
        "perjanjian_kerja",
        "bpjs",
        "skck",
    } <= codes
    from documents.selectors import letter_document_types
    from tests.factories import RegistrationFactory

    mandiri = RegistrationFactory(scheme="mandiri")
    p2p = RegistrationFactory(scheme="p2p")
    assert "perjanjian_penempatan" not in {
        t.code for t in letter_document_types(registration=mandiri)
    }
    assert "perjanjian_penempatan" in {t.code for t in letter_document_types(registration=p2p)}


def _sign_at(moment, *, verifikator, kepala, monkeypatch):
    registration = verified_registration(verifikator=verifikator)
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: moment)
        return letter_sign(registration=registration, by=kepala)


def test_letter_numbers_restart_at_one_each_year(
    verifikator, kepala, monkeypatch, django_capture_on_commit_callbacks
):
    wita = ZoneInfo("Asia/Makassar")
    with django_capture_on_commit_callbacks(execute=False):
        december = [
            _sign_at(
                datetime(2026, 12, 31, 23, 50, tzinfo=wita),
                verifikator=verifikator,
                kepala=kepala,
                monkeypatch=monkeypatch,
            )
            for _ in range(2)
        ]
        january = _sign_at(
            datetime(2027, 1, 1, 0, 10, tzinfo=wita),
            verifikator=verifikator,
            kepala=kepala,
            monkeypatch=monkeypatch,
        )
    assert [(x.year, x.serial) for x in december] == [(2026, 1), (2026, 2)]
    assert december[1].number == "0002/BP3MI-SULTRA/VER/XII/2026"
    assert (january.year, january.serial) == (2027, 1)
    assert january.number == "0001/BP3MI-SULTRA/VER/I/2027"


def test_the_letter_year_is_the_office_date_not_the_utc_date(
    verifikator, kepala, monkeypatch, django_capture_on_commit_callbacks
):
    # 00:10 on 1 January in Kendari (WITA, UTC+8) is still 31 December in UTC.
    moment = datetime(2026, 12, 31, 16, 10, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=False):
        letter = _sign_at(moment, verifikator=verifikator, kepala=kepala, monkeypatch=monkeypatch)
    assert (letter.year, letter.serial) == (2027, 1)
    assert letter.number == "0001/BP3MI-SULTRA/VER/I/2027"
