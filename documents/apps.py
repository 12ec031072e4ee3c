from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Dokumen dan verifikasi")

    def load_reference_data(self, apps):
        """The document types its data migration loads (`bp3mi.reference.load_all_reference_data`)."""
        from .reference import load_document_types

        load_document_types(apps)
