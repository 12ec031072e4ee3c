"""Small files made on the fly for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
