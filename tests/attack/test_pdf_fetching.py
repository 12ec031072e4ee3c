"""The PDF renderer loads nothing but data: URIs: an <img> or stylesheet pointing at a server
file or another server is left out of the PDF."""

import base64
import io

from pypdf import PdfReader

from bp3mi.pdf import render_pdf
from tests.documents.files import png_bytes


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_an_image_from_a_server_file_is_not_fetched_and_a_data_uri_is(tmp_path):
    secret = tmp_path / "rahasia.png"
    secret.write_bytes(png_bytes())
    inline = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    assert images(render_pdf(f'<p>Surat</p><img src="{inline}">')) == 1
    assert images(render_pdf(f'<p>Surat</p><img src="file://{secret}">')) == 0
    assert images(render_pdf(f'<p>Surat</p><img src="{secret.name}">')) == 0
    pdf = render_pdf('<link rel="stylesheet" href="http://127.0.0.1:9/gaya.css"><p>Surat</p>')
    assert "Surat" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
