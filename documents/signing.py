"""The office's electronic signature on verification letters (PAdES, by pyHanko).

A letter's PDF is signed with the office's key and certificate (`LETTER_SIGNING_KEY`,
`LETTER_SIGNING_CERT`, `LETTER_SIGNING_PASSPHRASE`, PEM files). In development, when they
are not set, a self-signed office certificate is generated once under `var/signing/`; in
production they are required. Anyone's copy can be checked against the office certificate
(or `LETTER_SIGNING_TRUST_ROOTS`): `signature_check` says whether the signature is intact
and made with a trusted certificate, so a changed byte shows.
"""

from __future__ import annotations

import asyncio
import datetime
import fcntl
import functools
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_DIR_NAME = "signing"


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    passphrase: bytes | None


def _dev_files() -> SigningFiles:
    folder = Path(settings.VAR_DIR) / DEV_DIR_NAME
    return SigningFiles(folder / "office-key.pem", folder / "office-cert.pem", None)


def signing_files() -> SigningFiles:
    """The key and certificate the office signs with; in development generated once."""
    key, cert = settings.LETTER_SIGNING_KEY, settings.LETTER_SIGNING_CERT
    passphrase = settings.LETTER_SIGNING_PASSPHRASE.encode() or None
    if key and cert:
        return SigningFiles(Path(key), Path(cert), passphrase)
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "LETTER_SIGNING_KEY and LETTER_SIGNING_CERT must name the office's key and "
            "certificate (PEM) in production."
        )
    files = _dev_files()
    if not (files.key.exists() and files.cert.exists()):
        generate_office_certificate(files)
    return files


def generate_office_certificate(files: SigningFiles) -> None:
    """A self-signed certificate for the office (development only), valid ten years. Two
    processes starting at once generate it once: the second waits on a file lock."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    files.key.parent.mkdir(parents=True, exist_ok=True)
    with open(files.key.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if files.key.exists() and files.cert.exists():
            return
        office = settings.OFFICE
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, office["ministry"][:64]),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{office['name']} (pengembangan)"[:64]),
            ]
        )
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(files.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key_pem)
        files.cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _outside_event_loop(function, *args):
    """pyHanko's synchronous API runs its own event loop, which cannot start inside a
    running one (an ASGI server, a Playwright test): then it runs in a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


@dataclass
class OfficeSigner:
    """The loaded key and certificate, and the room their signature takes in a PDF."""

    signer: object  # pyhanko.sign.signers.SimpleSigner
    # Hex digits to reserve for the signature (CMS) in the file. Unknown before the first
    # signature, which lets pyHanko estimate it with a dry-run signature; known after, as
    # the same key and certificate always make a signature of the same size.
    reserved: int | None = None

    def remember_size(self, signed: bytes) -> None:
        from pyhanko.pdf_utils.reader import PdfFileReader

        cms = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1].pkcs7_content
        hex_digits = 2 * len(cms)
        # The margin pyHanko's own estimate keeps (half again), so a reserve is never tight.
        self.reserved = hex_digits + 2 * (hex_digits // 4)


@functools.lru_cache(maxsize=4)
def _signer(key: Path, cert: Path, passphrase: bytes | None, stamp: float) -> OfficeSigner:
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(key), str(cert), key_passphrase=passphrase)
    if signer is None:
        raise ImproperlyConfigured(f"Cannot load the letter signing key {key} / {cert}.")
    return OfficeSigner(signer)


def office_signer() -> OfficeSigner:
    files = signing_files()
    # The modification time is part of the cache key: a renewed certificate is picked up.
    return _signer(files.key, files.cert, files.passphrase, files.cert.stat().st_mtime)


def sign_pdf(pdf: bytes, *, signer_name: str, reason: str, location: str) -> bytes:
    """`pdf` with the office's PAdES signature (invisible; the letter's text says it is
    signed electronically)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    office = office_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="TandaTanganKantor",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason,
        location=location,
    )
    out = _outside_event_loop(
        functools.partial(signers.sign_pdf, bytes_reserved=office.reserved),
        writer,
        metadata,
        office.signer,
    ).getvalue()
    if office.reserved is None:
        office.remember_size(out)
    return out


def trust_roots() -> list:
    from pyhanko.keys import load_certs_from_pemder

    paths = settings.LETTER_SIGNING_TRUST_ROOTS or [str(signing_files().cert)]
    return list(load_certs_from_pemder(paths))


@dataclass(frozen=True)
class SignatureCheck:
    """What a copy of a letter's PDF says about its signature."""

    intact: bool  # the signed bytes are unchanged and the signature matches them
    trusted: bool  # made with the office's certificate (or one it trusts)
    covers_whole_file: bool  # nothing was appended after signing
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.covers_whole_file


NO_SIGNATURE = SignatureCheck(intact=False, trusted=False, covers_whole_file=False)


def signature_check(pdf: bytes) -> SignatureCheck:
    """Validate the first signature of `pdf` against the office's trust roots. A file that
    is not a PDF, has no signature, or whose bytes changed is not `ok`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
        if not embedded:
            return NO_SIGNATURE
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, embedded[0], context)
    except Exception:  # a damaged file is simply not a valid letter
        return NO_SIGNATURE
    return SignatureCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )
