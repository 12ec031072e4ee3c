from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for development: the top layer, allowed to import every other app; nothing
    imports it."""

    name = "demo"
    verbose_name = _("Data demo")
