"""Överklagande from the e-service (docs/eservice-insight.md).

An adult appeals a decision she received, in her own login; the text goes to the
municipality, which first reconsiders (omprövning, förvaltningslagen (2017:900) 38–39 §§)
and otherwise forwards the appeal to förvaltningsrätten (FL 46 §).  The appeal is hers:
the other adult of the household sees nothing of it.

Nothing is overwritten silently: the text, the decision, the person, when it came in and
the deadline are fixed when it is received (``save`` refuses to change them), and every
change of status is one ``AppealEvent`` row (append only), besides the access log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Decision, ImmutableError
from lika.households.models import Person

# What the handling may still write on an appeal; everything else is fixed when it comes in.
HANDLING_FIELDS = {"status", "handled_by", "handled_at", "forwarded_on", "handling_note"}


class Appeal(models.Model):
    """One adult's överklagande of one decision."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottaget")
        RECONSIDERED_CHANGED = "reconsidered_changed", _("Omprövat – beslutet ändras")
        FORWARDED = "forwarded", _("Skickat till förvaltningsrätten")
        DISMISSED = "dismissed", _("Avvisat – kom in för sent")
        WITHDRAWN = "withdrawn", _("Återkallat")

    class Basis(models.TextChoices):
        DELIVERED = "delivered", _("Dagen beslutet skickades eller lämnades")
        DECIDED = "decided", _("Beslutsdagen")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("överklagande"))
    submitted_at = models.DateTimeField(_("kom in"), default=timezone.now)
    # The three weeks (FL 44 §) run from the day she took part of the decision: the day the
    # letter was recorded as delivered to her, else the decision date (see docs).
    counted_from = models.DateField(_("tiden räknas från"))
    counted_from_basis = models.CharField(max_length=9, choices=Basis.choices)
    deadline = models.DateField(_("sista dag"))
    in_time = models.BooleanField(_("kom in i tid"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("handlagt av"))
    handled_at = models.DateTimeField(_("handlagt"), null=True, blank=True)
    forwarded_on = models.DateField(_("skickat till förvaltningsrätten"), null=True, blank=True)
    handling_note = models.TextField(_("anteckning om omprövningen"), blank=True)

    class Meta:
        verbose_name = _("överklagande")
        verbose_name_plural = _("överklaganden")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["received", "reconsidered_changed", "forwarded",
                                                           "dismissed", "withdrawn"]),
                                   name="appeal_status_known"),
            models.CheckConstraint(condition=~Q(text=""), name="appeal_has_text"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("counted_from")),
                                   name="appeal_deadline_after_start"),
            # forwarded to the court: the day it was sent is recorded
            models.CheckConstraint(condition=~Q(status="forwarded") | Q(forwarded_on__isnull=False),
                                   name="appeal_forwarded_has_date"),
            # the municipality's handling names who and when
            models.CheckConstraint(
                condition=(Q(status__in=["received", "withdrawn"])
                           | Q(handled_by__isnull=False, handled_at__isnull=False)),
                name="appeal_handled_by_someone"),
            # only an appeal that came in late is dismissed as late (FL 45 §)
            models.CheckConstraint(condition=~Q(status="dismissed") | Q(in_time=False),
                                   name="appeal_dismissed_only_late"),
            # one appeal under handling per adult and decision
            models.UniqueConstraint(fields=["decision", "person"], condition=Q(status="received"),
                                    name="one_open_appeal_per_adult_and_decision"),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"överklagande {self.pk} av beslut {self.decision_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if not fields or not set(fields) <= HANDLING_FIELDS:
                raise ImmutableError("ett överklagande ändras inte: bara dess handläggning skrivs")
        super().save(*args, **kwargs)

    @property
    def open(self) -> bool:
        return self.status == self.Status.RECEIVED


class AppealEvent(models.Model):
    """One step in an appeal's history (append only): received, handled, withdrawn."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Appeal.Status.choices)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    by_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("händelse i överklagande")
        verbose_name_plural = _("händelser i överklaganden")
        ordering = ["appeal", "at", "id"]
        constraints = [models.CheckConstraint(condition=Q(by_user__isnull=False) | Q(by_person__isnull=False),
                                              name="appeal_event_has_actor")]

    def __str__(self):
        return f"{self.appeal_id} {self.status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("historiken för ett överklagande ändras inte")
        super().save(*args, **kwargs)
