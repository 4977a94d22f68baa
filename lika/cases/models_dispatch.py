"""Letters that are actually sent (issue 17): the day's print batch for the post room and
each letter's dispatch (docs/casework.md, "Utskick: utskriftsbunt och digital brevlåda").

A ``LetterDispatch`` is one decision letter on its way to one adult: by post in a print
batch, via the unit (a protected address: never in the post room's pile), or to her
digital mailbox.  The database keeps one live dispatch per letter (``one_live_dispatch``):
a letter is in at most one batch, or sent once digitally; a failed digital attempt is kept
(not live), so the letter goes into the print batch.  One batch per unit and day
(``one_print_batch_per_unit_and_day``): two people making the day's batch at once get one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit

from .models import DecisionRecipient


class PrintBatch(models.Model):
    """The day's letters of one unit for the post room: one PDF (an address page, then the
    letter, for each), and beside it the letters handled by the unit itself (protected
    addresses and letters without a postal address) in a PDF of their own."""

    class Status(models.TextChoices):
        CREATED = "created", _("Skapad")
        POSTED = "posted", _("Lämnad till posten")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="print_batches")
    day = models.DateField(_("dag"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.CREATED)
    # empty: made by the scheduled command (``lika letters-print-batch``)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("skapad av"))
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    pdf = models.BinaryField(_("utskriftsbunt (PDF)"))
    pdf_sha256 = models.CharField(max_length=64)
    post_count = models.PositiveIntegerField(_("brev till posten"), default=0)
    internal_pdf = models.BinaryField(_("brev via enheten (PDF)"), null=True, blank=True)
    internal_sha256 = models.CharField(max_length=64, blank=True)
    internal_count = models.PositiveIntegerField(_("brev via enheten"), default=0)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("lämnad av"))
    posted_at = models.DateTimeField(_("lämnad till posten"), null=True, blank=True)

    class Meta:
        verbose_name = _("utskriftsbunt")
        verbose_name_plural = _("utskriftsbuntar")
        ordering = ["-day", "unit", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="one_print_batch_per_unit_and_day"),
            models.CheckConstraint(
                condition=(Q(status="created", posted_by__isnull=True, posted_at__isnull=True)
                           | Q(status="posted", posted_by__isnull=False, posted_at__isnull=False)),
                name="print_batch_posted_complete"),
        ]

    def __str__(self):
        return f"utskriftsbunt {self.unit_id} {self.day}"


class LetterDispatch(models.Model):
    """One decision letter to one adult, on its way: in a print batch (post, or via the
    unit) or sent to her digital mailbox.  The recipient's delivery record
    (``DecisionRecipient.channel``/``delivered_on``) is set only when the letter has really
    gone: the batch was handed to the post room, the unit sent it, or the mailbox answered."""

    class Channel(models.TextChoices):
        POST = "post", _("Post (utskriftsbunten)")
        UNIT = "unit", _("Via enheten (skyddad adress eller adress saknas)")
        DIGITAL_MAILBOX = "digital_mailbox", _("Digital brevlåda")

    class Status(models.TextChoices):
        IN_BATCH = "in_batch", _("I utskriftsbunten")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    recipient = models.ForeignKey(DecisionRecipient, on_delete=models.PROTECT, related_name="dispatches")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    batch = models.ForeignKey(PrintBatch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="dispatches")
    position = models.PositiveIntegerField(_("plats i bunten"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    # why the letter is handled by the unit (protected address, no address), in Swedish
    route_reason = models.CharField(_("skäl"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    receipt = models.CharField(_("kvitto"), max_length=200, blank=True)
    failure = models.CharField(_("fel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["batch", "position", "id"]
        constraints = [
            # a letter is in at most one live batch, or sent once
            models.UniqueConstraint(fields=["recipient"], condition=~Q(status="failed"), name="one_live_dispatch"),
            models.CheckConstraint(condition=Q(channel="digital_mailbox") | Q(batch__isnull=False),
                                   name="dispatch_on_paper_is_in_a_batch"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                   name="dispatch_sent_has_time"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(failure=""), name="dispatch_failure_says_why"),
        ]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self):
        return f"utskick {self.pk} ({self.channel}, {self.status})"
