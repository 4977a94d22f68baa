"""Scheduled jobs (issue 18, operations): one row per run of a job (``lika jobs run``).

The lock that keeps two schedulers from running the same job at once is in the database: a
unique index on the job's name over the rows still running, so a second start's INSERT is
refused while the first run has not finished (lika/audit/jobs.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Pågår")
        SUCCEEDED = "succeeded", _("Klar")
        FAILED = "failed", _("Misslyckades")
        SKIPPED = "skipped", _("Hoppades över: körs redan")
        ABANDONED = "abandoned", _("Avbruten: blev aldrig klar")

    name = models.CharField(_("jobb"), max_length=60)
    started_at = models.DateTimeField(_("startad"), default=timezone.now)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(_("meddelande"), blank=True)
    host = models.CharField(_("dator"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("jobbkörning")
        verbose_name_plural = _("jobbkörningar")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "started_at"], name="jobrun_name_started")]
        constraints = [
            # the lock: at most one run of a job in progress
            models.UniqueConstraint(fields=["name"], condition=Q(outcome="running"), name="one_running_job_run"),
            models.CheckConstraint(condition=Q(outcome="running", finished_at__isnull=True)
                                   | (~Q(outcome="running") & Q(finished_at__isnull=False)),
                                   name="job_run_finished_unless_running"),
        ]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def duration(self) -> str:
        """How long the run took ("2 min 5 s"); empty while it runs."""
        if self.finished_at is None:
            return ""
        minutes, seconds = divmod(max(0, int((self.finished_at - self.started_at).total_seconds())), 60)
        return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
