from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.core.norms import PROVISIONAL, VERIFIED


class NormTableVersion(models.Model):
    """One version of a year's riksnorm.  Never changed: a correction is a new
    version, and the highest version of a year is the one in force."""

    class Status(models.TextChoices):
        VERIFIED = VERIFIED, _("Fastställd")
        PROVISIONAL = PROVISIONAL, _("Preliminär")

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("Levererad med Lika")
        ADMINISTRATOR = "administrator", _("Inlagd av administratör")

    year = models.PositiveSmallIntegerField(_("år"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.TextField(_("källa"))
    data = models.JSONField(_("belopp"))
    origin = models.CharField(_("ursprung"), max_length=16, choices=Origin.choices)
    shipped_checksum = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("anledning till ändringen"), blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = _("normtabell")
        verbose_name_plural = _("normtabeller")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="norm_year_version_unique"),
        ]

    def __str__(self):
        return f"Riksnorm {self.year} v{self.version}"
