"""The e-service's own records.  Further models live beside the flows that own them
(imported at the end of this module)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.households.models import Person


class ResidentContact(models.Model):
    """Where an adult wants her notifications: set by herself in her own login, never by
    the partner.  Notifications never carry sensitive content (lika.eservice.notify)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="resident_contact")
    email = models.EmailField(_("e-post"), blank=True)
    mobile = models.CharField(_("mobilnummer"), max_length=20, blank=True)
    notify_by_email = models.BooleanField(_("avisering med e-post"), default=False)
    notify_by_sms = models.BooleanField(_("avisering med sms"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kontaktuppgift för avisering")
        verbose_name_plural = _("kontaktuppgifter för avisering")

    def __str__(self):
        return f"{self.person_id}"


class Notification(models.Model):
    """One notification sent (or attempted) to one adult: what kind, how, when.  The text
    is fixed per kind and says only that something is waiting in the e-service."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("Sms")

    class Status(models.TextChoices):
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Misslyckades")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(_("typ"), max_length=30)
    channel = models.CharField(_("kanal"), max_length=5, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(_("fel"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["person", "sent_at"])]

    def __str__(self):
        return f"{self.person_id} {self.kind} {self.channel} {self.status}"


from .models_apply import ApplicationAttachment  # noqa: E402, F401  (applying: lika.eservice.applying)
from .models_insight import Appeal, AppealEvent  # noqa: E402,F401  (issue 16: insight and appeal)
from .models_messages import Message, MessageRead  # noqa: E402,F401  (messages with the case worker)
