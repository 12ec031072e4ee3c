"""The verification letter's PDF: one A4 page with the office's kop, the place and date on
one line, the signer's name and NIP, and a PAdES signature that breaks when a byte changes."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents import letters, signing
from documents.models import Document, DocumentType, Letter
from documents.services import letter_generate, letter_sign

from .helpers import verified_registration

pytestmark = pytest.mark.django_db

OFFICE = {
    "name": "BP3MI Sulawesi Tenggara",
    "long_name": "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Sulawesi Tenggara",
    "ministry": "Kementerian Pelindungan Pekerja Migran Indonesia",
    "address": "Jl. Brigjen Z.A. Sugianto No. 1, Kambu, Kota Kendari 93231",
    "city": "Kendari",
    "phone": "(0401) 3120000",
    "email": "bp3mi.sultra@contoh.go.id",
    "hotline": "",
}


@pytest.fixture
def office(settings):
    settings.OFFICE = OFFICE
    return OFFICE


@pytest.fixture
def signer(kepala):
    kepala.full_name = "Dr. La Ode Muhammad Syarifuddin Abdullah, S.H., M.Si."
    kepala.nip = "197003152000031002"
    kepala.save()
    return kepala


@pytest.fixture
def letter(verifikator, signer, office, django_capture_on_commit_callbacks):
    registration = verified_registration(
        verifikator=verifikator,
        full_name="Wa Ode Sitti Nurhalizah Rahmawati Binti La Ode Ahmad",
        birthplace="Kabupaten Buton Tengah",
    )
    with django_capture_on_commit_callbacks(execute=False):
        signed = letter_sign(registration=registration, by=signer)
    return letter_generate(letter_id=signed.pk)


def pdf_of(letter: Letter) -> bytes:
    with letter.file.open("rb") as f:
        return f.read()


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_a_generated_letter_is_one_page_with_kop_date_line_name_and_nip(letter, office):
    pdf = pdf_of(letter)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = text_of(pdf)
    for part in [office["address"], office["phone"], office["email"], office["long_name"].upper()]:
        assert part in text
    today = letters.indonesian_date(timezone.localtime(letter.signed_at).date())
    assert f"Kendari, {today}" in text
    assert "Dr. La Ode Muhammad Syarifuddin Abdullah, S.H., M.Si." in text
    assert "NIP 197003152000031002" in text


def test_fourteen_documents_with_long_names_still_fit_one_page(letter):
    types = list(DocumentType.objects.order_by("position"))
    assert len(types) >= 14
    documents = [
        Document(
            document_type=document_type,
            expires_on=datetime.date(2031, 12, 31) if i % 2 else None,
        )
        for i, document_type in enumerate(types[:14])
    ]
    for document in documents[:3]:
        document.document_type.name += " (legalisasi kantor kependudukan dan pencatatan sipil)"
    pdf = letters.render_pdf(letters.letter_html(letter, documents))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = text_of(pdf)
    assert "NIP 197003152000031002" in text and types[13].name in text


def test_the_signature_of_a_generated_letter_validates_against_the_office_certificate(letter):
    check = signing.signature_check(pdf_of(letter))
    assert check.ok
    assert check.intact and check.trusted and check.covers_whole_file


def test_a_copy_with_one_byte_changed_fails_validation(letter):
    pdf = bytearray(pdf_of(letter))
    position = pdf.index(b"stream") + 40  # inside the first content stream, which is signed
    pdf[position] ^= 0x01
    check = signing.signature_check(bytes(pdf))
    assert not check.ok and not check.intact


def test_an_unsigned_pdf_or_one_with_bytes_appended_is_not_ok(letter):
    pdf = pdf_of(letter)
    assert not signing.signature_check(letters.render_pdf("<p>Surat palsu</p>")).ok
    appended = signing.signature_check(pdf + b"\n% ditambahkan\n")
    assert appended.intact and not appended.ok
    assert not signing.signature_check(b"bukan PDF").ok


def test_a_certificate_not_trusted_by_the_office_fails(letter, settings, tmp_path):
    other = signing.SigningFiles(tmp_path / "k.pem", tmp_path / "c.pem", None)
    signing.generate_office_certificate(other)
    settings.LETTER_SIGNING_TRUST_ROOTS = [str(other.cert)]
    check = signing.signature_check(pdf_of(letter))
    assert check.intact and not check.trusted and not check.ok


def test_the_check_page_validates_the_same_file_once_and_a_changed_file_afresh(letter, monkeypatch):
    """The public check keeps a signature's validation for the same bytes only: a stored
    file changed after a good check is caught on the next one."""
    from documents import selectors

    validations = []

    def counted(pdf):
        validations.append(len(pdf))
        return signing.signature_check(pdf)

    monkeypatch.setattr(selectors, "signature_check", counted)
    assert selectors.letter_signature_check(letter=letter).ok
    assert selectors.letter_signature_check(letter=letter).ok
    assert len(validations) == 1
    pdf = bytearray(pdf_of(letter))
    pdf[pdf.index(b"stream") + 40] ^= 0x01
    with letter.file.open("wb") as stored:
        stored.write(bytes(pdf))
    check = selectors.letter_signature_check(letter=letter)
    assert not check.ok and not check.intact and not check.covers_whole_file
    assert len(validations) == 2


def test_validation_works_inside_a_running_event_loop(letter):
    import asyncio

    pdf = pdf_of(letter)

    async def check():
        return signing.signature_check(pdf)

    assert asyncio.run(check()).ok


def test_production_refuses_to_sign_without_the_office_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    settings.LETTER_SIGNING_KEY = ""
    settings.LETTER_SIGNING_CERT = ""
    with pytest.raises(ImproperlyConfigured):
        signing.signing_files()


def test_configured_key_and_certificate_are_used(settings, tmp_path, letter):
    files = signing.SigningFiles(tmp_path / "key.pem", tmp_path / "cert.pem", None)
    signing.generate_office_certificate(files)
    settings.LETTER_SIGNING_KEY = str(files.key)
    settings.LETTER_SIGNING_CERT = str(files.cert)
    pdf = signing.sign_pdf(
        letters.render_pdf("<p>x</p>"), signer_name="a", reason="b", location="c"
    )
    assert signing.signature_check(pdf).ok  # trusted against the configured certificate
    settings.LETTER_SIGNING_TRUST_ROOTS = [str(signing._dev_files().cert)]
    assert not signing.signature_check(pdf).trusted


def test_later_signatures_reuse_the_first_ones_size_and_still_validate(settings, tmp_path):
    """The first signature with a key lets pyHanko estimate its room with a dry run; the
    next ones reserve that room (with its margin) without the dry run, and stay valid."""
    files = signing.SigningFiles(tmp_path / "key.pem", tmp_path / "cert.pem", None)
    signing.generate_office_certificate(files)
    settings.LETTER_SIGNING_KEY = str(files.key)
    settings.LETTER_SIGNING_CERT = str(files.cert)
    office = signing.office_signer()
    assert office.reserved is None
    pdfs = [
        signing.sign_pdf(
            letters.render_pdf(f"<p>{n}</p>"), signer_name="a", reason="b", location="c"
        )
        for n in range(3)
    ]
    assert office.reserved is not None
    assert all(signing.signature_check(pdf).ok for pdf in pdfs)
