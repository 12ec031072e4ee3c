"""Uploads are judged by their content; each refusal says why and stores nothing."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from documents.models import Document, DocumentType
from documents.uploads import open_image_within_budget
from registrations.choices import RegistrationStatus
from tests.factories import ApplicantFactory, RegistrationFactory

from .files import (
    encrypted_pdf_bytes,
    hostile_pdf_bytes,
    jpeg_bytes,
    pdf_bytes,
    pdf_with_harmless_open_action,
    png_bytes,
    upload,
    white_png,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_registration(cpmi_user):
    return RegistrationFactory(
        applicant=ApplicantFactory(user=cpmi_user), status=RegistrationStatus.SUBMITTED
    )


def post_upload(client, registration, code, file, **extra):
    url = reverse("documents:upload", kwargs={"pk": registration.pk, "code": code})
    return client.post(url, {"file": file, **extra})


def stored_files(root):
    return [f for _, _, files in os.walk(root) for f in files]


BAD_UPLOADS = [
    ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, "program, bukan dokumen"),
    ("ktp.pdf", b"<!DOCTYPE html><html><body>bukan pdf</body></html>", "halaman web (HTML)"),
    ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
    ("kosong.pdf", b"", "Berkas kosong"),
    ("rusak.pdf", b"%PDF-1.7\n" + b"sampah" * 100, "PDF ini rusak"),
    ("rusak.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300, "Gambar ini rusak"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_bad_upload_is_refused_with_its_reason_and_nothing_is_stored(
    client, cpmi_user, own_registration, private_storage, name, content, message
):
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_encrypted_pdf_is_refused(client, cpmi_user, own_registration, private_storage):
    client.force_login(cpmi_user)
    response = post_upload(
        client, own_registration, "ktp", upload("ktp.pdf", encrypted_pdf_bytes())
    )
    assert "dikunci dengan kata sandi" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("open_action_javascript", "berisi skrip atau perintah yang berjalan sendiri"),
        ("page_additional_action", "berisi skrip atau perintah yang berjalan sendiri"),
        ("launch", "berisi skrip atau perintah yang berjalan sendiri"),
        ("javascript_name_tree", "berisi skrip atau perintah yang berjalan sendiri"),
        ("embedded_executable", "berisi berkas lampiran di dalamnya"),
    ],
)
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(
    client, cpmi_user, own_registration, private_storage, kind, message
):
    content = hostile_pdf_bytes(kind)
    assert content.startswith(b"%PDF-")
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.pdf", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_pdf_whose_open_action_only_shows_page_one_is_accepted(
    client, cpmi_user, own_registration
):
    client.force_login(cpmi_user)
    content = pdf_with_harmless_open_action()
    response = post_upload(client, own_registration, "ktp", upload("ktp.pdf", content))
    assert response.status_code == 302
    with Document.objects.get().file.open("rb") as stored:
        assert stored.read() == content


def test_an_html_page_carrying_a_pdf_later_in_the_file_is_refused_as_html(
    client, cpmi_user, own_registration, private_storage
):
    # A real PDF after the page: a lenient parser finds it from the end of the file.
    content = b"<!DOCTYPE html><html><body><script>alert(1)</script>\n" + pdf_bytes()
    assert b"%PDF-" in content
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.pdf", content))
    assert "halaman web (HTML)" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_50_mb_file_is_cut_off_while_arriving_and_refused(
    client, cpmi_user, own_registration, private_storage
):
    client.force_login(cpmi_user)
    big = b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024)
    response = post_upload(client, own_registration, "surat_sehat", upload("besar.pdf", big))
    assert response.status_code == 200
    assert "Berkas terlalu besar" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_file_over_the_type_limit_is_refused(
    client, cpmi_user, own_registration, private_storage
):
    client.force_login(cpmi_user)
    ktp = DocumentType.objects.get(code="ktp")
    content = pdf_bytes() + b"\n%" + b"0" * ktp.max_bytes
    response = post_upload(client, own_registration, "ktp", upload("ktp.pdf", content))
    assert "Berkas terlalu besar. Ukuran maksimum 2,0" in response.content.decode()
    assert Document.objects.count() == 0


def test_a_format_the_type_does_not_accept_is_refused(client, cpmi_user, own_registration):
    client.force_login(cpmi_user)
    response = post_upload(
        client, own_registration, "perjanjian_kerja", upload("a.jpg", jpeg_bytes())
    )
    assert "hanya diterima dalam format PDF" in response.content.decode()
    assert Document.objects.count() == 0


def test_photo_is_stored_without_its_gps_metadata_under_a_random_name(
    client, cpmi_user, own_registration, private_storage
):
    client.force_login(cpmi_user)
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    response = post_upload(client, own_registration, "ktp", upload("foto ktp saya.jpg", original))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_format == "jpeg"
    assert "foto" not in document.file.name and "ktp" not in document.file.name
    with document.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)


def test_oversized_photo_is_scaled_down(client, cpmi_user, own_registration):
    client.force_login(cpmi_user)
    post_upload(client, own_registration, "ktp", upload("besar.png", png_bytes((3600, 2700))))
    document = Document.objects.get()
    with document.file.open("rb") as stored:
        assert max(Image.open(stored).size) == 2400


def test_a_filename_with_dot_dot_slash_never_reaches_the_storage_path(
    client, cpmi_user, own_registration, private_storage, tmp_path
):
    client.force_login(cpmi_user)
    response = post_upload(
        client, own_registration, "ktp", upload("../../../etc/passwd.pdf", pdf_bytes())
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert document.original_name == "passwd.pdf"
    stored = stored_files(tmp_path)
    assert len(stored) == 1 and stored[0] != "passwd.pdf"
    assert os.path.realpath(document.file.path).startswith(str(private_storage))


def test_a_filename_with_dot_dot_slash_and_bad_content_stores_nothing(
    client, cpmi_user, own_registration, private_storage
):
    client.force_login(cpmi_user)
    response = post_upload(
        client, own_registration, "ktp", upload("../../bp3mi/settings.py", b"import os\n")
    )
    assert "Jenis berkas tidak dikenali" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_every_version_is_kept_and_only_the_last_is_current(client, cpmi_user, own_registration):
    client.force_login(cpmi_user)
    post_upload(client, own_registration, "ktp", upload("a.pdf", pdf_bytes(1)))
    post_upload(client, own_registration, "ktp", upload("b.pdf", pdf_bytes(2)))
    versions = list(
        Document.objects.order_by("version").values_list("version", "is_current", "status")
    )
    assert versions == [(1, False, "diganti"), (2, True, "menunggu")]


def test_a_small_png_of_7070_by_7070_pixels_is_refused_from_its_header_before_decoding(
    client, cpmi_user, own_registration, private_storage, monkeypatch
):
    content = white_png(7070, 7070)
    assert len(content) < 200 * 1024
    decoded = []
    original_load = Image.Image.load
    monkeypatch.setattr(
        Image.Image, "load", lambda im: decoded.append(im.size) or original_load(im)
    )
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.png", content))
    assert "Resolusi gambar terlalu besar (7070 × 7070 piksel)" in response.content.decode()
    assert (7070, 7070) not in decoded
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_decompression_bomb_is_refused_with_its_name(
    client, cpmi_user, own_registration, private_storage
):
    content = white_png(20000, 20000, rows=1)
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.png", content))
    assert "bom dekompresi" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_png_that_would_not_fit_the_decoding_budget_is_refused(
    client, cpmi_user, own_registration, private_storage
):
    # 18 Mpx is under the pixel cap, but a PNG is decoded whole: 72 MB.
    content = white_png(4500, 4000, rows=1)
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.png", content))
    assert "Gambar PNG ini terlalu besar untuk diproses" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_the_pixel_cap_is_a_setting(client, cpmi_user, own_registration, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_000_000
    client.force_login(cpmi_user)
    response = post_upload(
        client, own_registration, "ktp", upload("ktp.jpg", jpeg_bytes((1200, 1000)))
    )
    assert "Foto dokumen cukup 1 megapiksel" in response.content.decode()
    assert Document.objects.count() == 0


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_stored_at_document_size(
    client, cpmi_user, own_registration
):
    out = io.BytesIO()
    Image.new("L", (6000, 4000), 200).save(out, format="JPEG")
    content = out.getvalue()
    with open_image_within_budget(content, "jpeg") as image:
        image.load()
        # Half the size in each direction: a quarter of the memory of a full decode.
        assert image.size == (3000, 2000)
    client.force_login(cpmi_user)
    response = post_upload(client, own_registration, "ktp", upload("ktp.jpg", content))
    assert response.status_code == 302
    with Document.objects.get().file.open("rb") as stored:
        assert Image.open(stored).size == (2400, 1600)


def test_versions_of_one_document_are_limited(client, cpmi_user, own_registration, settings):
    settings.UPLOAD_MAX_VERSIONS = 3
    client.force_login(cpmi_user)
    for pages in (1, 2, 3):
        assert post_upload(client, own_registration, "ktp", upload("a.pdf", pdf_bytes(pages)))
    response = post_upload(client, own_registration, "ktp", upload("d.pdf", pdf_bytes(4)))
    assert "Dokumen KTP sudah diunggah 3 kali, batas untuk satu pendaftaran" in (
        response.content.decode()
    )
    assert Document.objects.filter(document_type__code="ktp").count() == 3
    # Another document type has its own count.
    response = post_upload(client, own_registration, "kk", upload("kk.pdf", pdf_bytes(1)))
    assert response.status_code == 302


def test_uploads_per_account_are_rate_limited(
    client, cpmi_user, own_registration, settings, private_storage
):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "upload": "2/h"}
    client.force_login(cpmi_user)
    for code in ("ktp", "kk"):
        assert (
            post_upload(client, own_registration, code, upload("a.pdf", pdf_bytes())).status_code
            == 302
        )
    response = post_upload(client, own_registration, "akta_lahir", upload("a.pdf", pdf_bytes()))
    assert response.status_code == 429
    assert "Terlalu banyak unggahan dari akun ini" in response.content.decode()
    assert Document.objects.count() == 2
    assert len(stored_files(private_storage)) == 2


def test_a_1000_character_file_name_gets_the_form_and_a_reason(
    client, cpmi_user, own_registration, private_storage
):
    """A browser sends the name whole (the test client would cut it to 255)."""
    boundary = "batas-bp3mi"
    name = "k" * 1000 + ".pdf"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.force_login(cpmi_user)
    url = reverse("documents:upload", kwargs={"pk": own_registration.pk, "code": "ktp"})
    response = client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "namanya terlalu panjang" in page and 'type="file"' in page
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_failed_database_write_removes_the_file_it_wrote(
    cpmi_user, own_registration, private_storage, monkeypatch
):
    """README: "A failed database write removes the file it wrote"."""
    from django.db import IntegrityError

    from documents import services
    from documents.uploads import CleanFile

    def failing_audit(**kwargs):
        raise IntegrityError("the audit row could not be written")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(IntegrityError):
        services.document_upload(
            registration=own_registration,
            document_type=DocumentType.objects.get(code="ktp"),
            clean=CleanFile(content=pdf_bytes(), file_format="pdf", original_name="ktp.pdf"),
            by=cpmi_user,
        )
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []
