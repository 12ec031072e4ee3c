"""PDFs from HTML templates (receipts, letters, statistics reports), rendered by WeasyPrint."""

import sys

from django.conf import settings


def _on_own_stack_chunk(run):
    """Call `run()` from a frame big enough that CPython gives it a fresh 512 KiB chunk of
    the frame stack, so the render's frames never cross a chunk boundary.

    CPython 3.11 keeps Python frames in 16 KiB chunks and frees a chunk as soon as the frame
    at its start returns (python/cpython#142183, fixed in 3.13 and 3.14 by caching a chunk).
    WeasyPrint's layout recursion loops at whatever depth its caller leaves it: where that
    falls on a boundary, each call maps and unmaps a chunk (measured: 2,500 mmap/munmap
    pairs and about 12 ms per letter in a Celery prefork child)."""
    return run()


if sys.implementation.name == "cpython":
    # 32,768 unused stack slots (256 KiB): the chunk holding this frame is 512 KiB, and about
    # half of it is left for the frames of the render.
    _on_own_stack_chunk.__code__ = _on_own_stack_chunk.__code__.replace(co_stacksize=32768)


def render_pdf(html: str) -> bytes:
    """The PDF of `html`. The templates carry everything they show (styles inline, the QR
    code as a data: URI), so WeasyPrint may fetch nothing else: were text from a form ever to
    reach the page as HTML, it could not read a server file (file://) or make the server call
    another (http://)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=URLFetcher(allowed_protocols={"data"}),
    )
    return _on_own_stack_chunk(document.write_pdf)
