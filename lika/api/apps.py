from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lika.api"
    label = "api"
    verbose_name = "API"
