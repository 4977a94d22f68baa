from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "lika.housing"
    label = "housing"
    verbose_name = "Skälig boendekostnad"
