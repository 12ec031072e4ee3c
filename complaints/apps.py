from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Pengaduan")

    def load_reference_data(self, apps):
        """The categories, service classes and step deadlines its data migration loads
        (`bp3mi.reference.load_all_reference_data`)."""
        from .reference import load_complaint_reference

        load_complaint_reference(apps)

    def ready(self):
        from registrations.person_data import register_provider
        from stakeholders.figures import Figure, register_counter

        from .selectors import case_counts_by_stakeholder, person_case_export, person_case_records

        register_counter(
            figures=[
                Figure("complaints_open", _("Pengaduan berjalan")),
                Figure("complaints", _("Pengaduan")),
            ],
            counter=case_counts_by_stakeholder,
        )
        # The person's access log lists views of their cases; their export lists the cases.
        register_provider(key="complaints", records=person_case_records, export=person_case_export)
