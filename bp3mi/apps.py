from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Bp3miConfig(AppConfig):
    name = "bp3mi"
    verbose_name = _("Portal BP3MI")

    def ready(self):
        from . import auth  # noqa: F401 - connects the login audit receivers
