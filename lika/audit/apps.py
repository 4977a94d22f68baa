from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lika.audit"
    label = "audit"
    verbose_name = "Loggning"
