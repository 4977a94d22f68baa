"""Messages between the adults of a household and the case worker (the e-service).

A message is written by an adult of the case's household (``author_person``) or by a staff
user (``author_user``).  ``household`` messages are the same insight for both adults;
``private`` ones are seen only by ``private_to`` (the adult who wrote it, or to whom the
case worker answered privately) and by the unit's staff: the private channel.  A request
for an individual meeting is a private message of its own kind.

Messages are never edited or deleted (append-only on both engines: migration
eservice 0002_messages, runtime role ``APPEND_ONLY``); nor are the read markers, one row per
reader and message (a marker is added, never taken back)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Case
from lika.households.models import Person

BODY_MAX = 5000  # characters: a long letter; the page says so


class Message(models.Model):
    class Visibility(models.TextChoices):
        HOUSEHOLD = "household", _("Hushållet")
        PRIVATE = "private", _("Privat")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Meddelande")
        MEETING_REQUEST = "meeting_request", _("Begäran om eget möte")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="eservice_messages")
    author_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    visibility = models.CharField(_("synlighet"), max_length=9, choices=Visibility.choices)
    private_to = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("typ"), max_length=15, choices=Kind.choices, default=Kind.MESSAGE)
    reply_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    body = models.TextField(_("meddelande"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meddelande")
        verbose_name_plural = _("meddelanden")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(author_person__isnull=False, author_user__isnull=True)
                           | Q(author_person__isnull=True, author_user__isnull=False)),
                name="eservice_message_one_author"),
            models.CheckConstraint(
                condition=(Q(visibility="household", private_to__isnull=True)
                           | Q(visibility="private", private_to__isnull=False)),
                name="eservice_message_private_has_reader"),
            # an adult's private message is her own: never private to the partner
            models.CheckConstraint(
                condition=Q(author_person__isnull=True) | Q(visibility="household") | Q(private_to=F("author_person")),
                name="eservice_message_private_is_the_authors"),
            models.CheckConstraint(
                condition=Q(kind="message") | Q(kind="meeting_request", visibility="private",
                                                author_person__isnull=False),
                name="eservice_message_meeting_request_private"),
            models.CheckConstraint(
                condition=Q(GreaterThan(Length("body"), 0)) & Q(LessThanOrEqual(Length("body"), BODY_MAX)),
                name="eservice_message_body_length"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.visibility} {self.pk}"

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def from_staff(self) -> bool:
        return self.author_user_id is not None


class MessageRead(models.Model):
    """One reader (an adult or a staff user) has seen one message."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reads")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("läsmarkering")
        verbose_name_plural = _("läsmarkeringar")
        constraints = [
            models.CheckConstraint(condition=(Q(person__isnull=False, user__isnull=True)
                                              | Q(person__isnull=True, user__isnull=False)),
                                   name="eservice_messageread_one_reader"),
            models.UniqueConstraint(fields=["message", "person"], condition=Q(person__isnull=False),
                                    name="eservice_messageread_once_per_person"),
            models.UniqueConstraint(fields=["message", "user"], condition=Q(user__isnull=False),
                                    name="eservice_messageread_once_per_user"),
        ]

    def __str__(self):
        return f"{self.message_id} {self.person_id or self.user_id}"
