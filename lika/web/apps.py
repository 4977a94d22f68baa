from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lika.web"
    label = "web"
    verbose_name = "Webbgränssnitt"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
