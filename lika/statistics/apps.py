from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "lika.statistics"
    verbose_name = _("Statistik")
    default_auto_field = "django.db.models.BigAutoField"
