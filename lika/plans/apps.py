from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "lika.plans"
    verbose_name = _("Planer och möten")
    default_auto_field = "django.db.models.BigAutoField"
