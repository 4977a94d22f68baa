from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "lika.payments"
    verbose_name = _("Utbetalningar")
    default_auto_field = "django.db.models.BigAutoField"
