from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lika.web"
    label = "web"
    verbose_name = "Webbgränssnitt"
