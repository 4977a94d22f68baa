from django.apps import AppConfig


class DataCollectionConfig(AppConfig):
    name = "lika.datacollection"
    label = "datacollection"
    verbose_name = "Digital inhämtning"
