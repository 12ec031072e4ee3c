from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Placement and complaint statistics. The package is `reports` because a package named
    `statistics` would shadow Python's standard module of that name, which Django's SQLite
    backend and `random` import; the app label is still `statistics`."""

    name = "reports"
    label = "statistics"
    verbose_name = _("Statistik")
    default_auto_field = "django.db.models.BigAutoField"
