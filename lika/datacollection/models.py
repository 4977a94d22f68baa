"""What was asked of other authorities and what they answered (digital inhämtning).

Every row is append-only (triggers on both engines, migration 0002; the runtime role may
not update or delete them): a fetch is a ``CollectionRequest`` (who asked, when, about which
application and month, for what purpose), one ``CollectionOutcome`` per person and source
(answered, or why not) and one ``CollectedBenefit`` per record a source returned.  A case
worker's explicit choice about a collected amount — use it as an income row, or not, and
why — is a ``CollectedBenefitReview`` (one per collected row).  Money in öre."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Application
from lika.households.models import Person

from .sources import KINDS, SOURCES

SOURCE_CHOICES = list(SOURCES.items())
KIND_CHOICES = [(key, kind.label) for key, kind in KINDS.items()]


class CollectionRequest(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="collection_requests")
    month = models.DateField(_("månad"))
    purpose = models.CharField(_("syfte"), max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("hämtat"), default=timezone.now)
    sources = models.JSONField(_("källor"), help_text=_("Källornas koder i den ordning de frågades"))

    class Meta:
        verbose_name = _("digital inhämtning")
        verbose_name_plural = _("digitala inhämtningar")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="collection_month_first_day"),
                       models.CheckConstraint(condition=~Q(purpose=""), name="collection_states_purpose")]

    def __str__(self):
        return f"inhämtning {self.pk} ({self.month:%Y-%m})"


class CollectionOutcome(models.Model):
    class Status(models.TextChoices):
        ANSWERED = "answered", _("Svarade")
        TIMEOUT = "timeout", _("Svarade inte i tid")
        UNKNOWN_PERSON = "unknown_person", _("Okänd person")
        UNAVAILABLE = "unavailable", _("Gick inte att nå")
        INVALID = "invalid", _("Oläsbart svar")
        FAULT = "fault", _("Okänt fel")
        NOT_ASKED = "not_asked", _("Inte tillfrågad")

    request = models.ForeignKey(CollectionRequest, on_delete=models.PROTECT, related_name="outcomes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("källa"), max_length=8, choices=SOURCE_CHOICES)
    status = models.CharField(_("utfall"), max_length=16, choices=Status.choices)
    message = models.CharField(_("meddelande"), max_length=300, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "person", "source"], name="collection_outcome_once")]

    def __str__(self):
        return f"{self.source} {self.person_id}: {self.status}"


class CollectedBenefit(models.Model):
    request = models.ForeignKey(CollectionRequest, on_delete=models.PROTECT, related_name="benefits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("källa"), max_length=8, choices=SOURCE_CHOICES)
    kind = models.CharField(_("förmån"), max_length=30, choices=KIND_CHOICES)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    amount = models.BigIntegerField(_("utbetalt efter skatt (öre)"))
    gross_amount = models.BigIntegerField(_("före skatt (öre)"), null=True, blank=True)
    paid_on = models.DateField(_("utbetalt"), null=True, blank=True)

    class Meta:
        verbose_name = _("hämtad uppgift")
        verbose_name_plural = _("hämtade uppgifter")
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="collected_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="collected_period_valid"),
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.amount}"

    @property
    def income_type(self) -> str:
        return KINDS[self.kind].income_type


class CollectedBenefitReview(models.Model):
    """The case worker's explicit choice about one collected amount: used as an income row
    of the application (the row's type and amount recorded here), or not used, and why."""

    class Choice(models.TextChoices):
        USED = "used", _("Använd som inkomst")
        NOT_USED = "not_used", _("Inte använd")

    benefit = models.OneToOneField(CollectedBenefit, on_delete=models.PROTECT, related_name="review")
    choice = models.CharField(_("val"), max_length=8, choices=Choice.choices)
    income_type = models.CharField(_("inkomst"), max_length=30, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"), null=True, blank=True)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bedömning av hämtad uppgift")
        verbose_name_plural = _("bedömningar av hämtade uppgifter")
        constraints = [
            models.CheckConstraint(condition=Q(choice="used", amount__isnull=False) & ~Q(income_type="")
                                   | Q(choice="not_used") & ~Q(reason=""),
                                   name="collected_review_complete"),
        ]

    def __str__(self):
        return f"{self.benefit_id}: {self.choice}"
