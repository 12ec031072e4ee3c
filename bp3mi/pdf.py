"""PDFs from HTML templates (receipts, letters, statistics reports), rendered by WeasyPrint."""

from django.conf import settings


def render_pdf(html: str) -> bytes:
    """The PDF of `html`. The templates carry everything they show (styles inline, the QR
    code as a data: URI), so WeasyPrint may fetch nothing else: were text from a form ever to
    reach the page as HTML, it could not read a server file (file://) or make the server call
    another (http://)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=URLFetcher(allowed_protocols={"data"}),
    ).write_pdf()
