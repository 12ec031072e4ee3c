"""PDFs from HTML templates (receipts, letters), rendered by WeasyPrint."""

from django.conf import settings


def render_pdf(html: str) -> bytes:
    """The PDF of `html`; static files and images resolve from the project folder."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
