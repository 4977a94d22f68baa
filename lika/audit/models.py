from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AccessLogEntry(models.Model):
    """Who read or changed what, and when.  Append-only: the database refuses
    UPDATE and DELETE on this table (see migration 0002)."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("användare"), max_length=150)
    action = models.CharField(_("händelse"), max_length=20, db_index=True)
    object_type = models.CharField(_("typ"), max_length=40)
    object_id = models.CharField(_("id"), max_length=40, blank=True)
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    household_id = models.BigIntegerField(_("hushåll"), null=True, blank=True, db_index=True)
    summary = models.CharField(_("beskrivning"), max_length=300, blank=True)
    old_values = models.JSONField(_("tidigare värden"), null=True, blank=True)
    new_values = models.JSONField(_("nya värden"), null=True, blank=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("åtkomstloggen kan inte ändras")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("åtkomstloggen kan inte raderas")


from .models_ops import JobRun  # noqa: E402,F401  (issue 18: scheduled jobs)
