"""The 3R analysis' own registers (docs/grants-analysis.md, "In Lika"): the population of the
municipality by year, legal gender and age, and the analyst's Realia text.  Imported by
``models`` so Django finds them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationCount(models.Model):
    """Inhabitants of the municipality on 31 December of ``year`` of one legal gender and the
    ages ``age_low``–``age_high`` (``age_high`` empty: and older, e.g. SCB's "100+ år").
    Entered by the analyst or imported from SCB's table BE0101N1 (docs/formats.md)."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Kvinnor")
        MALE = "M", _("Män")

    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices)
    age_low = models.PositiveSmallIntegerField(_("ålder från"))
    age_high = models.PositiveSmallIntegerField(_("ålder till"), null=True, blank=True)
    count = models.PositiveIntegerField(_("antal"))
    source = models.CharField(_("källa"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("inlagd"), auto_now=True)

    class Meta:
        verbose_name = _("folkmängd")
        verbose_name_plural = _("folkmängd")
        constraints = [
            models.UniqueConstraint(fields=["year", "gender", "age_low", "age_high"], name="population_count_unique"),
            models.UniqueConstraint(fields=["year", "gender", "age_low"], condition=models.Q(age_high__isnull=True),
                                    name="population_count_open_unique"),
            models.CheckConstraint(condition=models.Q(age_high__isnull=True) | models.Q(age_high__gte=models.F("age_low")),
                                   name="population_count_ages"),
        ]

    def __str__(self):
        return f"{self.year} {self.gender} {self.age_low}-{self.age_high or ''}: {self.count}"


class RealiaText(models.Model):
    """R3 of one programme and year: the analyst's why and measures.  Every save is a new
    version (``version`` 1, 2, …); a version is never changed or deleted (the model refuses,
    and a trigger does on both engines), so what was written and by whom stays."""

    programme = models.ForeignKey("grants.Programme", on_delete=models.PROTECT, related_name="realia")
    year = models.PositiveSmallIntegerField(_("år"))
    version = models.PositiveIntegerField(_("version"))
    why = models.TextField(_("varför ser det ut så här"))
    measures = models.TextField(_("åtgärder"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("skriven"), auto_now_add=True)

    class Meta:
        verbose_name = _("realia")
        verbose_name_plural = _("realia")
        ordering = ["programme", "year", "version"]
        constraints = [models.UniqueConstraint(fields=["programme", "year", "version"], name="realia_version_unique")]

    def __str__(self):
        return f"{self.programme} {self.year} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("En sparad Realia-text ändras aldrig; spara en ny version i stället."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("En Realia-text tas aldrig bort."))
