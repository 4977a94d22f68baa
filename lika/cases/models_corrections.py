"""Handing a case over to another unit (issue 17): the sending unit's enhetschef sends
it with a message, the receiving unit's enhetschef accepts (the case moves) or declines.
One open handover per case, by the database."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit


class CaseHandover(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Skickad")
        ACCEPTED = "accepted", _("Mottagen")
        DECLINED = "declined", _("Avböjd")
        WITHDRAWN = "withdrawn", _("Återkallad")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="handovers")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("från enhet"))
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("till enhet"))
    message = models.TextField(_("meddelande"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("svar"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("överlämning av ärende")
        verbose_name_plural = _("överlämningar av ärenden")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="sent"), name="one_open_handover_per_case"),
            models.CheckConstraint(condition=~Q(from_unit=F("to_unit")), name="handover_to_another_unit"),
            models.CheckConstraint(condition=Q(status="sent") | Q(answered_by__isnull=False, answered_at__isnull=False),
                                   name="handover_answered_by_someone"),
            models.CheckConstraint(condition=~Q(message=""), name="handover_has_message"),
        ]

    def __str__(self):
        return f"överlämning {self.pk} av ärende {self.case_id}"
