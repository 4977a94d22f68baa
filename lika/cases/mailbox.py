"""Digital mailboxes (digital brevlåda): a pluggable sender of letters (issue 17).

``LIKA_DIGITAL_MAILBOX`` chooses the sender: empty (the default) means none — every
letter goes by post; ``"file"`` is :class:`FileDropMailbox`; anything else is the dotted
path of a class of the municipality's own (a Kivra or Min myndighetspost / Mina
meddelanden integration) with the same two methods:

``has_mailbox(identity_number) -> bool``
    Does the person (12-digit personnummer) have a digital mailbox that accepts letters from
    the municipality?  (Mina meddelanden: a look-up in the Förmedlingsadressregistret (FaR);
    Kivra: its recipient look-up.)  Raises :class:`MailboxError` when the service cannot
    answer: the letter then goes by post.

``send(identity_number, subject, pdf_bytes, reference) -> Receipt``
    Deliver one letter (a PDF) to the person's mailbox.  ``reference`` is stable for the
    letter (the same letter is always sent with the same reference), so a service that
    deduplicates on it never delivers a letter twice.  Returns a :class:`Receipt` once the
    service has accepted the letter; raises :class:`MailboxError` (one Swedish line) when
    it did not.

Lika never sends a letter of a person with a protected address digitally: see
``lika.cases.dispatch``.  docs/casework.md, "Utskick"; the file drop in docs/formats.md.
"""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lika.core.limits import os_reason

ENVELOPE_FORMAT = "lika-digital-mailbox/1"
REGISTRY_NAME = "brevlador.txt"  # the personnummer with a mailbox, one a line
OUTBOX_NAME = "utkorg"


class MailboxError(Exception):
    """The letter was not delivered (or the look-up failed); the message is one Swedish line."""


@dataclass(frozen=True)
class Receipt:
    service: str
    id: str
    sent_at: datetime


class MailboxSender:
    """The interface (and the sender when no mailbox service is configured: nobody has one)."""

    service = "none"

    def has_mailbox(self, identity_number: str) -> bool:
        return False

    def send(self, identity_number: str, subject: str, pdf_bytes: bytes, reference: str) -> Receipt:
        raise MailboxError("ingen digital brevlåda är inställd")


class FileDropMailbox(MailboxSender):
    """Writes each letter as ``<reference>.pdf`` and its envelope ``<reference>.json`` in
    ``LIKA_DIGITAL_MAILBOX_DIR/utkorg/``, for an integration that picks them up and hands
    them to the mailbox service.  Each file is written under a temporary name and renamed
    (atomic on one file system); the envelope, renamed last, says the letter is complete.
    ``has_mailbox`` reads ``LIKA_DIGITAL_MAILBOX_DIR/brevlador.txt`` (one 12-digit
    personnummer a line), kept up to date by the same integration."""

    service = "file"

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or settings.LIKA_DIGITAL_MAILBOX_DIR)

    def has_mailbox(self, identity_number: str) -> bool:
        try:
            text = (self.folder / REGISTRY_NAME).read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "filen är inte UTF-8"
            raise MailboxError(f"förteckningen över digitala brevlådor kan inte läsas: {reason}") from None
        return identity_number in {line.strip() for line in text.splitlines()}

    def send(self, identity_number: str, subject: str, pdf_bytes: bytes, reference: str) -> Receipt:
        if not reference or not all(c.isalnum() or c in "-_" for c in reference):
            raise MailboxError(f"ogiltig referens {reference!r}")
        outbox = self.folder / OUTBOX_NAME
        now = timezone.now()
        digest = hashlib.sha256(pdf_bytes).hexdigest()
        envelope = {"format": ENVELOPE_FORMAT, "reference": reference, "recipient": identity_number,
                    "subject": subject, "sender": {"name": settings.LIKA_DEBTOR_NAME,
                                                   "org_number": settings.LIKA_DEBTOR_ORG_NUMBER},
                    "document": {"file": f"{reference}.pdf", "content_type": "application/pdf",
                                 "bytes": len(pdf_bytes), "sha256": digest},
                    "created_at": now.isoformat(timespec="seconds")}
        try:
            outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_atomically(outbox / f"{reference}.pdf", pdf_bytes)
            _write_atomically(outbox / f"{reference}.json",
                              json.dumps(envelope, ensure_ascii=False, indent=2).encode("utf-8"))
        except OSError as exc:
            raise MailboxError(f"brevet kan inte lämnas i {outbox}: {os_reason(exc)}") from None
        return Receipt(service=self.service, id=f"{reference}:{digest[:16]}", sent_at=now)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def mailbox_sender() -> MailboxSender:
    """The sender ``LIKA_DIGITAL_MAILBOX`` names."""
    name = getattr(settings, "LIKA_DIGITAL_MAILBOX", "") or ""
    if name in ("", "none"):
        return MailboxSender()
    if name == "file":
        return FileDropMailbox()
    return import_string(name)()
