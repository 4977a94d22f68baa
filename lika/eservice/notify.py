"""Notifications by e-mail and SMS through a pluggable sender.

``LIKA_NOTIFICATION_SENDER`` names a class with ``send(*, channel, to, subject, body)``;
it raises ``SendError`` when the message could not be handed over.  Lika ships
``ConsoleSender`` (prints; the demo), ``FileSender`` (one file per message under
``LIKA_NOTIFICATION_DIR``; tests and a pickup directory for an SMS/e-mail gateway).  A
municipality plugs in its gateway with a class of its own (docs/eservice.md).

The text is fixed per kind and never carries sensitive content: not the amount, not the
decision, not what a message says, not who else is in the household.  It says only that
something is waiting in the e-service.  ``notify`` is given one adult; nothing here
ever looks up the partner."""

import json
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lika.households.models import Person

from .models import Notification, ResidentContact

log = logging.getLogger(__name__)

SUBJECT = "Nytt i e-tjänsten för ekonomiskt bistånd"
# The whole text of every notification, per kind: nothing about the content.
TEXTS = {
    "application": "Det finns nytt om en ansökan i e-tjänsten. Logga in för att läsa.",
    "confirm": "En ansökan väntar på att du bekräftar den i e-tjänsten. Logga in för att läsa.",
    "decision": "Det finns ett nytt beslut i e-tjänsten. Logga in för att läsa.",
    "message": "Du har ett nytt meddelande i e-tjänsten. Logga in för att läsa.",
    "meeting": "Det finns nytt om ett möte i e-tjänsten. Logga in för att läsa.",
    "payment": "Det finns nytt om en utbetalning i e-tjänsten. Logga in för att läsa.",
    "appeal": "Det finns nytt om ditt överklagande i e-tjänsten. Logga in för att läsa.",
    "account": "Det finns nytt om ditt konto för utbetalning i e-tjänsten. Logga in för att läsa.",
}


class SendError(Exception):
    pass


@dataclass
class Outgoing:
    channel: str
    to: str
    subject: str
    body: str


class ConsoleSender:
    """Prints each message (the demo)."""

    def send(self, *, channel, to, subject, body):
        print(f"[avisering {channel} till {to}] {subject}: {body}", flush=True)


class FileSender:
    """Writes each message as a JSON file under LIKA_NOTIFICATION_DIR (a gateway's pickup
    directory, and what the tests read)."""

    def send(self, *, channel, to, subject, body):
        folder = settings.LIKA_NOTIFICATION_DIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.json"
            (folder / name).write_text(json.dumps({"channel": channel, "to": to, "subject": subject,
                                                   "body": body}, ensure_ascii=False), encoding="utf-8")
        except OSError as error:
            raise SendError(str(error)) from error


def sender():
    return import_string(settings.LIKA_NOTIFICATION_SENDER)()


def notify(person: Person, kind: str) -> list[Notification]:
    """Tell one adult, by the channels she chose herself, that something of ``kind`` is
    waiting.  A failure is recorded, never raised: the event itself has happened."""
    if kind not in TEXTS:
        raise ValueError(f"okänd aviseringstyp {kind}")
    contact = ResidentContact.objects.filter(person=person).first()
    if contact is None or person.protected_identity:
        return []
    wanted = []
    if contact.notify_by_email and contact.email:
        wanted.append((Notification.Channel.EMAIL, contact.email))
    if contact.notify_by_sms and contact.mobile:
        wanted.append((Notification.Channel.SMS, contact.mobile))
    made = []
    for channel, to in wanted:
        status, error = Notification.Status.SENT, ""
        try:
            sender().send(channel=channel, to=to, subject=SUBJECT, body=TEXTS[kind])
        except SendError as failure:
            status, error = Notification.Status.FAILED, str(failure)[:200]
            log.warning("avisering misslyckades (%s, person %s): %s", channel, person.pk, error)
        made.append(Notification.objects.create(person=person, kind=kind, channel=channel, status=status,
                                                error=error))
    return made
