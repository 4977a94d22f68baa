from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_shipped_tables(sender, **kwargs):
    from .services import norm_tables_load_shipped

    norm_tables_load_shipped(acting_user=None, using=kwargs.get("using", "default"))


class NormsConfig(AppConfig):
    name = "lika.norms"
    label = "norms"
    verbose_name = "Riksnorm"

    def ready(self):
        post_migrate.connect(_load_shipped_tables, sender=self, dispatch_uid="lika.norms.load_shipped")
