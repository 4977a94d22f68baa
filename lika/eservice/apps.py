from django.apps import AppConfig


class EserviceConfig(AppConfig):
    name = "lika.eservice"
    label = "eservice"
    verbose_name = "E-tjänst för invånare"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import session  # noqa: F401  (staff login ends a resident's session: a signal)
