from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Pendaftaran CPMI")

    def load_reference_data(self, apps):
        """The occupations its data migration loads (`bp3mi.reference.load_all_reference_data`)."""
        from .reference import load_occupations

        load_occupations(apps)

    def ready(self):
        from stakeholders.figures import Figure, register_counter

        from .selectors import registration_counts_by_stakeholder

        register_counter(
            figures=[
                Figure("registered", _("Terdaftar")),
                Figure("verified", _("Terverifikasi")),
                Figure("departed", _("Berangkat")),
            ],
            counter=registration_counts_by_stakeholder,
        )
