"""When the answer to the question about violence is yes (issue 17, part 6): the structured
risk assessment (Socialstyrelsen's FREDA) and the record of a report of concern for the
household's children (orosanmälan), both hanging from the individual meeting's
``ViolenceScreening``.

Both tables are append-only in the database (triggers on both engines, migration
``0006_violence_guidance``; the runtime role may not UPDATE or DELETE them): a correction
is a new row that names the row it replaces (``supersedes``; one correction per row).
The rows are about one adult and are shown only on the guidance page, to the staff of the
case's unit: never in the e-service, a letter, a list, a count or the statistics.

The codes and the rules are in ``lika.core.violence`` with their sources."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.core import violence as rules

from .models import ViolenceScreening

INSTRUMENT_LABELS = {
    rules.KORTFRAGOR: _("FREDA-kortfrågor"),
    rules.BESKRIVNING: _("FREDA-beskrivning"),
    rules.FARLIGHET: _("FREDA-farlighetsbedömning"),
    rules.OTHER_METHOD: _("Annan standardiserad bedömningsmetod"),
}
INSTRUMENT_HELP = {
    rules.KORTFRAGOR: _("Stöd för att fråga om våld."),
    rules.BESKRIVNING: _("Våldets karaktär och omfattning: psykiskt, fysiskt och sexuellt."),
    rules.FARLIGHET: _("Risken för fortsatt våld och dödligt våld."),
    rules.OTHER_METHOD: _("Ange vilken, t.ex. en metod som polisen använder."),
}


class RiskAssessment(models.Model):
    """One risk assessment (or its correction) of the adult who answered yes."""

    class Level(models.TextChoices):
        LOW = rules.LOW, _("Låg risk")
        MEDIUM = rules.MEDIUM, _("Förhöjd risk")
        HIGH = rules.HIGH, _("Hög risk")
        NOT_ASSESSED = rules.NOT_ASSESSED, _("Ej bedömd")

    screening = models.ForeignKey(ViolenceScreening, on_delete=models.PROTECT, related_name="risk_assessments")
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    assessed_on = models.DateField(_("datum för bedömningen"))
    used_kortfragor = models.BooleanField(_("FREDA-kortfrågor"), default=False)
    used_beskrivning = models.BooleanField(_("FREDA-beskrivning"), default=False)
    used_farlighet = models.BooleanField(_("FREDA-farlighetsbedömning"), default=False)
    other_method = models.CharField(_("annan standardiserad bedömningsmetod"), max_length=100, blank=True)
    risk_level = models.CharField(_("bedömd risk"), max_length=12, choices=Level.choices)
    not_assessed_reason = models.CharField(_("skäl till att risken inte är bedömd"), max_length=300, blank=True)
    summary = models.TextField(_("sammanfattning"))
    protective_actions = models.TextField(_("planerade skyddsåtgärder"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("riskbedömning")
        verbose_name_plural = _("riskbedömningar")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(risk_level__in=rules.RISK_LEVELS),
                                   name="risk_assessment_known_level"),
            # "Ej bedömd" always says why; a level is never given with such a reason.
            models.CheckConstraint(
                condition=(models.Q(risk_level=rules.NOT_ASSESSED) & ~models.Q(not_assessed_reason=""))
                | (~models.Q(risk_level=rules.NOT_ASSESSED) & models.Q(not_assessed_reason="")),
                name="risk_assessment_reason_iff_not_assessed"),
            # A level rests on FREDA-farlighetsbedömning or another named standardised method.
            models.CheckConstraint(
                condition=models.Q(risk_level=rules.NOT_ASSESSED) | models.Q(used_farlighet=True)
                | ~models.Q(other_method=""),
                name="risk_assessment_level_has_risk_instrument"),
            models.CheckConstraint(condition=~models.Q(summary=""), name="risk_assessment_has_summary"),
        ]

    def __str__(self):
        return f"riskbedömning {self.pk}, fråga {self.screening_id}"

    @property
    def instruments(self) -> list[str]:
        """The instruments used, as codes of ``lika.core.violence``."""
        used = [code for code, flag in ((rules.KORTFRAGOR, self.used_kortfragor),
                                        (rules.BESKRIVNING, self.used_beskrivning),
                                        (rules.FARLIGHET, self.used_farlighet)) if flag]
        return used + ([rules.OTHER_METHOD] if self.other_method else [])

    def instrument_labels(self) -> list[str]:
        return [str(INSTRUMENT_LABELS[c]) if c != rules.OTHER_METHOD else self.other_method
                for c in self.instruments]


class ChildConcernReport(models.Model):
    """Whether a report of concern for the household's children (orosanmälan) was made after
    the answer yes: on which date, or why not.  One per screening (corrections as new rows)."""

    class Outcome(models.TextChoices):
        MADE = rules.MADE, _("Orosanmälan är gjord")
        NOT_MADE = rules.NOT_MADE, _("Ingen orosanmälan")

    screening = models.ForeignKey(ViolenceScreening, on_delete=models.PROTECT, related_name="child_reports")
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    outcome = models.CharField(_("orosanmälan"), max_length=10, choices=Outcome.choices)
    reported_on = models.DateField(_("datum för anmälan"), null=True, blank=True)
    reason = models.CharField(_("skäl"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("orosanmälan")
        verbose_name_plural = _("orosanmälningar")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(outcome=rules.MADE) & models.Q(reported_on__isnull=False))
                | (models.Q(outcome=rules.NOT_MADE) & models.Q(reported_on__isnull=True) & ~models.Q(reason="")),
                name="child_report_date_or_reason"),
            # One record per screening; a later one must be a correction of it.
            models.UniqueConstraint(fields=["screening"], condition=models.Q(supersedes__isnull=True),
                                    name="child_report_one_first_per_screening"),
        ]

    def __str__(self):
        return f"orosanmälan {self.pk}, fråga {self.screening_id}"
