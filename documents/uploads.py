"""Checks an uploaded file by its content, never by its name or the browser's claim.

PDF, JPEG and PNG are the only formats. A PDF must parse, not be encrypted and carry no
active content (scripts, actions that run by themselves, program launches, attached files);
it is then stored as sent. An image must decode within a memory budget; it is re-encoded
without its metadata (EXIF, GPS) and scaled down when larger than a document needs.
Everything else is refused with a reason in Bahasa Indonesia.

A PDF with active content is refused rather than rewritten without it: a scan or a photo of
a document never needs scripts or attachments, so such a file is either hostile or the wrong
file; and what officers review and what the person sent stay byte for byte the same file
(its SHA-256 is the one the person's own copy has)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .choices import FileFormat

# A photo of an A4 page is readable at this size; larger ones are scaled down.
MAX_IMAGE_SIDE = 2400


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    file_format: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def upload_limit(document_type) -> int:
    return min(settings.UPLOAD_MAX_BYTES, document_type.max_bytes)


def too_large_message(limit: int) -> str:
    return _("Berkas terlalu besar. Ukuran maksimum %(limit)s.") % {"limit": filesizeformat(limit)}


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a file part as soon as it passes the portal's upload limit, so an
    oversized upload is never written out in full; the view then says it was too large."""

    def __init__(self, request=None, limit=None):
        super().__init__(request)
        self.limit = limit or settings.UPLOAD_MAX_BYTES
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def _refuse_unknown(head: bytes) -> ValidationError:
    text = head.lstrip()[:200].lower()
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return ValidationError(
            _("Berkas ini adalah program, bukan dokumen. Unggah PDF, JPEG atau PNG."),
            code="executable",
        )
    if text.startswith((b"<svg", b"<?xml")) or b"<svg" in text:
        return ValidationError(
            _("Gambar SVG tidak diterima. Unggah foto JPEG atau PNG, atau berkas PDF."),
            code="svg",
        )
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<")):
        return ValidationError(
            _("Berkas ini adalah halaman web (HTML), bukan dokumen. Unggah PDF, JPEG atau PNG."),
            code="html",
        )
    return ValidationError(
        _("Jenis berkas tidak dikenali. Unggah PDF, JPEG atau PNG."), code="unknown"
    )


def sniff_format(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return FileFormat.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileFormat.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat.PNG
    return None


# Keys and action types that make a PDF reader run something or hand over a file.
_SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA"}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
    "/Sound",
    "/Movie",
}
_ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF"}
_ATTACHMENT_TYPES = {"/FileAttachment", "/RichMedia", "/Filespec"}
# A document scan has a few hundred objects; a file past this is refused as unreadable.
_MAX_PDF_OBJECTS = 200_000


def pdf_active_content(reader: PdfReader) -> str | None:
    """'script' or 'attachment' when anything reachable from the PDF's trailer would run
    code, launch a program or carry an embedded file; None for a plain document. Names are
    compared after pypdf decoded them, so `/J#61vaScript` is `/JavaScript` here too."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > _MAX_PDF_OBJECTS:
            raise PdfReadError("too many objects")
        if isinstance(node, DictionaryObject):
            keys = set(node.keys())
            if keys & _ATTACHMENT_KEYS:
                return "attachment"
            kinds = {str(node.get(k)) for k in ("/Type", "/Subtype") if k in node}
            if kinds & _ATTACHMENT_TYPES:
                return "attachment"
            if keys & _SCRIPT_KEYS:
                return "script"
            action = node.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return "script"
            stack.extend(v for k, v in node.items() if k != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _check_pdf(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF ini dikunci dengan kata sandi. Unggah PDF tanpa kata sandi."),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise PdfReadError("no pages")
        reader.pages[0].mediabox  # noqa: B018 - touching the first page parses it
        active = pdf_active_content(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise ValidationError(
            _("PDF ini rusak atau tidak dapat dibaca. Simpan ulang lalu unggah kembali."),
            code="broken_pdf",
        ) from exc
    if active == "attachment":
        raise ValidationError(
            _(
                "PDF ini berisi berkas lampiran di dalamnya, yang dapat membahayakan komputer "
                "petugas. Unggah PDF dokumennya saja, tanpa lampiran (misalnya pindai ulang "
                "atau cetak ulang sebagai PDF)."
            ),
            code="pdf_attachment",
        )
    if active == "script":
        raise ValidationError(
            _(
                "PDF ini berisi skrip atau perintah yang berjalan sendiri saat dibuka "
                "(JavaScript, menjalankan program), yang dapat membahayakan komputer petugas. "
                "Pindai ulang dokumen atau cetak ulang sebagai PDF biasa, lalu unggah kembali."
            ),
            code="pdf_active_content",
        )


# Bytes per pixel of the decoded image in Pillow's memory (RGB is stored as four bytes).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 4, "PA": 4, "RGB": 4, "RGBA": 4, "CMYK": 4}


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        _(
            "Resolusi gambar terlalu besar (%(width)s × %(height)s piksel). Foto dokumen "
            "cukup %(limit)s megapiksel: kecilkan foto atau ambil ulang dengan resolusi lebih "
            "rendah, lalu unggah kembali."
        )
        % {
            "width": width,
            "height": height,
            "limit": settings.UPLOAD_IMAGE_MAX_PIXELS // 1_000_000,
        },
        code="too_many_pixels",
    )


def open_image_within_budget(content: bytes, file_format: str) -> Image.Image:
    """Open an image and decide, from its header alone, whether decoding it fits the memory
    budget: at most UPLOAD_IMAGE_MAX_PIXELS pixels, and at most UPLOAD_IMAGE_DECODE_MAX_BYTES
    once decoded. A JPEG is decoded at a reduced scale (1/2, 1/4 or 1/8, chosen by `draft`)
    no smaller than the size it is stored at, so a 24 Mpx photo costs a quarter of its full
    size; a PNG has no such shortcut and must fit the budget whole."""
    image = Image.open(io.BytesIO(content))
    width, height = image.size
    if width * height > settings.UPLOAD_IMAGE_MAX_PIXELS:
        image.close()
        raise _too_many_pixels(width, height)
    if file_format == FileFormat.JPEG:
        # The size the stored image will have; draft keeps the decoded one at least as big.
        scale = min(1.0, MAX_IMAGE_SIDE / max(width, height))
        target = (max(1, int(width * scale)), max(1, int(height * scale)))
        image.draft("RGB" if image.mode == "RGB" else None, target)
    decoded = image.size[0] * image.size[1] * _BYTES_PER_PIXEL.get(image.mode, 8)
    if decoded > settings.UPLOAD_IMAGE_DECODE_MAX_BYTES:
        image.close()
        raise ValidationError(
            _(
                "Gambar %(format)s ini terlalu besar untuk diproses (%(width)s × %(height)s "
                "piksel). Simpan sebagai JPEG atau kecilkan ukurannya, lalu unggah kembali."
            )
            % {"format": image.format or "", "width": width, "height": height},
            code="too_large_to_decode",
        )
    return image


def _reencode_image(content: bytes, file_format: str) -> bytes:
    broken = ValidationError(
        _("Gambar ini rusak atau tidak dapat dibaca. Ambil foto ulang lalu unggah kembali."),
        code="broken_image",
    )
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        with open_image_within_budget(content, file_format) as image:
            image.load()
            # Scale down first, then turn as the camera meant: the turn copies the pixels.
            if max(image.size) > MAX_IMAGE_SIDE:
                image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
            # Keep the orientation the camera meant, then drop every metadata block.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if file_format == FileFormat.JPEG:
                if image.mode not in {"RGB", "L"}:
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=85, optimize=True)
            else:
                if image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                    image = image.convert("RGBA")
                image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _(
                "Gambar ini mengembang menjadi jauh lebih besar daripada ukuran berkasnya "
                "(bom dekompresi) dan tidak diterima. Ambil foto ulang lalu unggah kembali."
            ),
            code="decompression_bomb",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise broken from exc


def clean_upload(uploaded_file, document_type) -> CleanFile:
    """Check an UploadedFile for `document_type`; return what to store or raise
    ValidationError saying why not."""
    limit = upload_limit(document_type)
    if uploaded_file.size == 0:
        raise ValidationError(_("Berkas kosong (0 byte). Pilih berkas lain."), code="empty")
    # The size is known before anything is read: larger files sit in a temporary file.
    if uploaded_file.size > limit:
        raise ValidationError(too_large_message(limit), code="too_large")
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    file_format = sniff_format(head)
    if file_format is None:
        raise _refuse_unknown(head)
    if file_format not in document_type.accepted_formats:
        raise ValidationError(
            _("Dokumen %(type)s hanya diterima dalam format %(formats)s.")
            % {"type": document_type.name, "formats": document_type.format_labels},
            code="format",
        )
    uploaded_file.seek(0)
    content = uploaded_file.read()
    if file_format == FileFormat.PDF:
        _check_pdf(content)
    else:
        content = _reencode_image(content, file_format)
    return CleanFile(
        content=content, file_format=file_format, original_name=display_name(uploaded_file.name)
    )


def display_name(name: str | None) -> str:
    """The client's file name, reduced to a safe base name, for display only."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[-150:]
    except SuspiciousFileOperation:
        return "dokumen"
