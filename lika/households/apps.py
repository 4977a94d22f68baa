from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "lika.households"
    label = "households"
    verbose_name = "Personer och hushåll"
