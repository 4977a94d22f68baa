"""The municipality's guideline for skälig boendekostnad (reasonable housing cost): the
highest accepted monthly cost by household type, effective-dated (docs/calculate.md).

A version is never changed or deleted (triggers on both engines, migration 0001): a
calculation made on it keeps its amount in its snapshot, and a new decision by the
nämnd is a new version with the month it applies from.  The version in force for a month
is the one with the latest ``valid_from`` on or before it (the latest entered, when two
share a date: a correction); the next ``valid_from`` ends it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HousingGuideline(models.Model):
    valid_from = models.DateField(_("gäller från"), help_text=_("Den första dagen i en månad"))
    decision_reference = models.CharField(_("nämndens beslut"), max_length=200)
    source = models.TextField(_("källa"), blank=True)
    # [[adults, children, öre], …]: adults 1 or 2; children 0…n, the last row "n or more"
    amounts = models.JSONField(_("högsta godtagbara kostnad (öre)"))
    example = models.BooleanField(_("exempel för demokommunen"), default=False)
    note = models.TextField(_("anledning"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("inlagd"), default=timezone.now)

    class Meta:
        verbose_name = _("riktlinje för skälig boendekostnad")
        verbose_name_plural = _("riktlinjer för skälig boendekostnad")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_from__day=1), name="housing_guideline_from_first_day"),
            models.CheckConstraint(condition=~Q(decision_reference=""), name="housing_guideline_has_decision"),
        ]

    def __str__(self):
        return f"Riktlinje boendekostnad från {self.valid_from:%Y-%m-%d} ({self.decision_reference})"
