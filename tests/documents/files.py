"""Small files made on the fly for upload tests."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def hostile_pdf_bytes(kind: str) -> bytes:
    """A one-page PDF carrying one kind of active content, built as an attacker would."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if kind == "open_action_javascript":
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(
            _action("/JavaScript", JS="app.alert('halo');")
        )
    elif kind == "page_additional_action":
        page[NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _action("/JavaScript", JS="this.exportDataObject({});")}
        )
    elif kind == "launch":
        writer._root_object[NameObject("/OpenAction")] = _action("/Launch", F="cmd.exe")
    elif kind == "javascript_name_tree":
        tree = DictionaryObject(
            {
                NameObject("/Names"): ArrayObject(
                    [
                        TextStringObject("mulai"),
                        writer._add_object(
                            _action("/JavaScript", JS="app.launchURL('http://contoh.test/');")
                        ),
                    ]
                )
            }
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    elif kind == "embedded_executable":
        writer.add_attachment("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 2000)
    else:
        raise ValueError(kind)
    return _written(writer)


def pdf_with_harmless_open_action() -> bytes:
    """Opens at page 1, fit to the window: a destination, not an action that runs code."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")]
    )
    page[NameObject("/Rotate")] = NumberObject(0)
    return _written(writer)


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(size=(800, 600), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 180, 160))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraHP"  # Make
        gps_ifd = {1: "S", 2: (3.0, 58.0, 12.0), 3: "E", 4: (122.0, 30.0, 55.0)}
        exif[0x8825] = gps_ifd
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def white_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A well-formed white RGB PNG of `width` x `height` pixels, written row by row without
    holding the image in memory: it compresses to almost nothing (7070 x 7070 is ~150 KB),
    as in a file made to exhaust the memory of what decodes it. With `rows`, only the first
    rows are in the file (the header still claims the full size)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\xff" * 3 * width
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height if rows is None else rows))
    pixels += packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
