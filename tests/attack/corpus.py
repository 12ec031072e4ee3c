"""The attack corpus: files built as an attacker would, each with what the portal must do with
it. A file is either refused (with the Indonesian reason the page must show) or neutralised
(accepted, and what is stored no longer carries the attack). Every upload entry point is
tested with the whole corpus (test_upload_corpus.py)."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, PngImagePlugin

from tests.documents.files import (
    encrypted_pdf_bytes,
    hostile_pdf_bytes,
    jpeg_bytes,
    pdf_bytes,
    white_png,
)

SCRIPT = b"<script>alert(document.cookie)</script>"
EXECUTABLE = "program, bukan dokumen"
ACTIVE_PDF = "berisi skrip atau perintah yang berjalan sendiri"
TOO_MANY_PIXELS = "Resolusi gambar terlalu besar"
# A file refused for whichever reason comes first (a CSV that is not UTF-8, has no header...).
ANY_REASON = "*"


@dataclass(frozen=True)
class HostileFile:
    """`refused`: a fragment of the reason shown. Otherwise `stored` checks the stored bytes
    and `extension` is the one the stored name must end with (judged by content, not name)."""

    key: str
    name: str
    content: bytes
    refused: str = ""
    extension: str = ""
    stored: Callable[[bytes], bool] = lambda content: True


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def png_with_script_in_a_text_chunk() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (250, 250, 250)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_a_flate_bomb() -> bytes:
    """A one-page PDF whose cross-reference stream inflates to 200 MB: reading the file's
    structure means inflating it (a decompression bomb aimed at the parser)."""
    bomb = zlib.compress(b"\x00" * (200 * 1024 * 1024), 9)
    body = b"%PDF-1.7\n"
    offsets = []
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_at = len(body)
    body += (
        b"4 0 obj\n<< /Type /XRef /Size 5 /Root 1 0 R /W [1 4 2] /Filter /FlateDecode"
        b" /Length %d >>\nstream\n"
        % len(bomb)
        + bomb
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return body


def without(marker: bytes) -> Callable[[bytes], bool]:
    return lambda content: marker not in content


def document_corpus() -> list[HostileFile]:
    """Files sent where a document (PDF, JPEG or PNG) is expected."""
    pdf = pdf_bytes()
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>"
    return [
        HostileFile("exe-named-pdf", "ktp.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, EXECUTABLE),
        HostileFile(
            "elf-named-jpg", "foto.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, EXECUTABLE
        ),
        HostileFile("script-named-pdf", "ktp.pdf", b"#!/bin/sh\nrm -rf /\n", EXECUTABLE),
        HostileFile(
            "html-named-pdf", "ktp.pdf", b"<!DOCTYPE html><html>" + SCRIPT, "halaman web (HTML)"
        ),
        HostileFile(
            "html-pdf-polyglot", "ktp.pdf", b"<html>" + SCRIPT + b"\n" + pdf, "halaman web (HTML)"
        ),
        HostileFile("svg-with-script", "logo.svg", svg, "SVG"),
        HostileFile("svg-named-png", "logo.png", svg, "SVG"),
        HostileFile(
            "pdf-javascript-on-open",
            "ktp.pdf",
            hostile_pdf_bytes("open_action_javascript"),
            ACTIVE_PDF,
        ),
        HostileFile(
            "pdf-javascript-on-page",
            "ktp.pdf",
            hostile_pdf_bytes("page_additional_action"),
            ACTIVE_PDF,
        ),
        HostileFile("pdf-launch", "ktp.pdf", hostile_pdf_bytes("launch"), ACTIVE_PDF),
        HostileFile(
            "pdf-javascript-names", "ktp.pdf", hostile_pdf_bytes("javascript_name_tree"), ACTIVE_PDF
        ),
        HostileFile(
            "pdf-embedded-exe",
            "ktp.pdf",
            hostile_pdf_bytes("embedded_executable"),
            "berisi berkas lampiran di dalamnya",
        ),
        HostileFile("pdf-encrypted", "ktp.pdf", encrypted_pdf_bytes(), "dikunci dengan kata sandi"),
        HostileFile("pdf-flate-bomb", "ktp.pdf", pdf_with_a_flate_bomb(), "PDF ini rusak"),
        HostileFile("pdf-truncated", "ktp.pdf", pdf[: len(pdf) // 3], "PDF ini rusak"),
        HostileFile("png-bomb-7070x7070", "ktp.png", white_png(7070, 7070), TOO_MANY_PIXELS),
        HostileFile(
            "png-claims-100000x100000",
            "ktp.png",
            white_png(100_000, 100_000, rows=1),
            "bom dekompresi",
        ),
        HostileFile(
            "zip-named-pdf", "ktp.pdf", _zip({"word/document.xml": b"<w/>"}), "tidak dikenali"
        ),
        HostileFile("gif", "ktp.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "tidak dikenali"),
        HostileFile("empty", "ktp.pdf", b"", "kosong"),
        # Accepted, and what is stored no longer carries the attack.
        HostileFile(
            "jpeg-zip-polyglot",
            "ktp.jpg",
            jpeg_bytes() + _zip({"evil.js": SCRIPT}),
            extension=".jpg",
            stored=without(b"PK\x03\x04"),
        ),
        HostileFile(
            "png-script-in-text-chunk",
            "ktp.png",
            png_with_script_in_a_text_chunk(),
            extension=".png",
            stored=without(b"<script"),
        ),
        HostileFile("jpeg-named-pdf", "ktp.pdf", jpeg_bytes(), extension=".jpg"),
        HostileFile("pdf-named-exe", "ktp.exe", pdf, extension=".pdf"),
        HostileFile("traversal-name", "../../../../etc/passwd.pdf", pdf, extension=".pdf"),
        HostileFile("right-to-left-name", "ktp\u202efdp.exe", pdf, extension=".pdf"),
        HostileFile("html-in-name", '"><img src=x onerror=alert(1)>.pdf', pdf, extension=".pdf"),
    ]


def xlsx_with_doctype(entity: bytes) -> bytes:
    """A directory import file whose shared strings declare an XML entity and use it as a
    stakeholder's name: an external one (XXE, reads a server file) or a billion-laughs one."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["jenis", "nama", "kab_kota"])
    sheet.append(["blk", "NAMA_ENTITAS", "Kota Kendari"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = {}
    for item in source.infolist():
        data = source.read(item)
        if item.filename == "xl/sharedStrings.xml":
            data = data.replace(b"<sst", b"<!DOCTYPE sst [" + entity + b"]>\n<sst", 1)
            data = data.replace(b"NAMA_ENTITAS", b"&e;")
        patched[item.filename] = data
    return _zip(patched)


BILLION_LAUGHS = (
    b'<!ENTITY a "hahahahahahahahahaha">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8)
    )
    + b'<!ENTITY e "&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;">'
)


def import_corpus() -> list[HostileFile]:
    """Files sent to the directory import (CSV or XLSX expected). `stored` here checks the
    text of every page the import shows: no server file and no expanded entity in it."""
    refused = [
        HostileFile(f"{item.key}-as-{ext}", f"direktori.{ext}", item.content, reason)
        for item in document_corpus()
        if item.content
        for ext, reason in (("xlsx", "bukan spreadsheet XLSX"), ("csv", ANY_REASON))
    ]
    return [
        *refused,
        HostileFile(
            "exe-named-xls", "direktori.xls", b"MZ" + b"\x00" * 100, "Hanya berkas CSV atau XLSX"
        ),
        HostileFile(
            "traversal-name", "../../direktori.pdf", b"jenis,nama\n", "Hanya berkas CSV atau XLSX"
        ),
        HostileFile(
            "xlsx-external-entity",
            "direktori.xlsx",
            xlsx_with_doctype(b'<!ENTITY e SYSTEM "file:///etc/passwd">'),
            stored=without(b"root:"),
        ),
        HostileFile(
            "xlsx-billion-laughs",
            "direktori.xlsx",
            xlsx_with_doctype(BILLION_LAUGHS),
            stored=without(b"hahahahahahahahahahahahahahahahahahaha"),
        ),
    ]
