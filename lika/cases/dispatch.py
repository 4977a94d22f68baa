"""Utskick: the letters that are actually sent (issue 17; docs/casework.md, "Utskick:
utskriftsbunt och digital brevlåda").

Every issued decision goes to both adults, one ``DecisionRecipient`` and one letter each.
A letter not yet delivered (no ``delivered_on``) waits here until it goes:

1. **digitally** (``send_digital``): when a digital mailbox sender is configured
   (``lika.cases.mailbox``) and the person has a mailbox, the letter is sent there; the
   delivery record is set from the sender's receipt.  A failure is kept and shown, and the
   letter goes into the print batch instead;
2. **by post** (``print_batch_make``): the unit's print batch for the day, one PDF for the
   post room with an address page (for a window envelope) before each letter.  The
   delivery record is set only when someone marks the batch "lämnad till posten"
   (``print_batch_mark_posted``): the record follows what was really sent;
3. **via the unit**: a person whose address is protected (her own skyddade personuppgifter
   or a household shared with someone who has them: ``Person.address_hidden``) is never in
   the post room's PDF, nor sent to a third party's digital mailbox.  Her letter goes into
   the batch's second PDF, addressed to the unit, which sends it by its own routine (e.g.
   through Skatteverket's forwarding of post) and then marks it sent
   (``dispatch_mark_sent_by_unit``).  A letter without a postal address goes the same way.

The database keeps one live dispatch per letter and one batch per unit and day; making
the batch locks the unit's row, so two people making the day's batch at once get one.
Every step writes the access log, one row per letter.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lika.accounts.models import Unit
from lika.audit.services import CREATE, EXPORT, UPDATE, access_log_write
from lika.households.models import mark_hidden_addresses

from .access import can_work_with_cases
from .decisions import recipient_letter_pdf, recipient_record_delivery
from .letters import TITLE as DECISION_TITLE
from .mailbox import MailboxError, MailboxSender, mailbox_sender
from .models import Decision, DecisionRecipient
from .models_dispatch import LetterDispatch, PrintBatch

PROTECTED_REASON = "Skyddad adress: skickas via enheten"
NO_ADDRESS_REASON = "Postadress saknas"
FAILURE_MAX = LetterDispatch._meta.get_field("failure").max_length


def _check_staff(acting_user, unit_id) -> None:
    """``None`` is the scheduled command; a user must be staff of the unit."""
    if acting_user is not None and (not can_work_with_cases(acting_user) or acting_user.unit_id != unit_id):
        raise PermissionDenied


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def letters_waiting(unit_id: int, day: date):
    """The decision letters of the unit's cases decided on or before ``day`` that have not
    reached their recipient (no delivery recorded) and are in no live dispatch, in a stable
    order (case, decision, recipient)."""
    live = LetterDispatch.objects.filter(recipient=OuterRef("pk")).exclude(status=LetterDispatch.Status.FAILED)
    return (DecisionRecipient.objects
            .filter(decision__application__case__unit_id=unit_id, decision__status=Decision.Status.ISSUED,
                    decision__decided_at__lt=_end_of(day), delivered_on__isnull=True)
            .exclude(letter_html="").filter(~Exists(live))
            .select_related("person", "decision__application__case__case_worker")
            .order_by("decision__application__case__reference", "decision_id", "id"))


def route(person) -> tuple[str, str]:
    """(channel, reason) for a paper letter to ``person`` (``address_hidden`` marked)."""
    if person.address_hidden:
        return LetterDispatch.Channel.UNIT, PROTECTED_REASON
    if not (person.street_address.strip() and person.postal_code.strip() and person.city.strip()):
        return LetterDispatch.Channel.UNIT, NO_ADDRESS_REASON
    return LetterDispatch.Channel.POST, ""


def reference_of(recipient: DecisionRecipient) -> str:
    """The letter's stable reference toward a mailbox service."""
    return f"lika-beslut-{recipient.decision_id}-{recipient.pk}"


# --- digital mailbox -------------------------------------------------------------------

@dataclass
class DigitalResult:
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def send_digital(*, acting_user, unit: Unit, day: date, sender: MailboxSender | None = None) -> DigitalResult:
    """Send each waiting letter whose recipient has a digital mailbox there (never a
    protected address).  Each letter in its own transaction under the unit's lock, read
    again inside it; a failure is kept as a failed dispatch (shown on the page) and the
    letter is left for the print batch."""
    _check_staff(acting_user, unit.pk)
    sender = sender or mailbox_sender()
    result = DigitalResult()
    if type(sender) is MailboxSender:  # none configured
        return result
    candidates = list(letters_waiting(unit.pk, day))
    mark_hidden_addresses([r.person for r in candidates])
    for recipient in candidates:
        if recipient.person.address_hidden:
            continue
        try:
            if not sender.has_mailbox(recipient.person.identity_number):
                continue
        except MailboxError as exc:
            result.failed.append(_failed(acting_user, unit, recipient, f"uppslagningen misslyckades: {exc}"))
            continue
        dispatch = _send_one(acting_user, unit, recipient.pk, day, sender)
        if dispatch is not None:
            (result.sent if dispatch.status == LetterDispatch.Status.SENT else result.failed).append(dispatch)
    return result


def _failed(acting_user, unit, recipient, why: str) -> LetterDispatch:
    with transaction.atomic():
        dispatch = LetterDispatch.objects.create(
            recipient=recipient, unit=unit, channel=LetterDispatch.Channel.DIGITAL_MAILBOX,
            status=LetterDispatch.Status.FAILED, failure=why[:FAILURE_MAX])
        access_log_write(actor=acting_user, action=UPDATE, object_type="letter_dispatch", object_id=dispatch.pk,
                         person_id=recipient.person_id,
                         household_id=recipient.decision.application.case.household_id,
                         summary="Beslutsbrevet kunde inte skickas till digital brevlåda: skickas med post",
                         new={"failure": dispatch.failure})
    return dispatch


def _send_one(acting_user, unit, recipient_id, day, sender) -> LetterDispatch | None:
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        recipient = letters_waiting(unit.pk, day).filter(pk=recipient_id).select_for_update(of=("self",)).first()
        if recipient is None:  # sent or put in a batch by someone else meanwhile
            return None
        pdf = recipient_letter_pdf(recipient)
        try:
            receipt = sender.send(recipient.person.identity_number, DECISION_TITLE, pdf, reference_of(recipient))
        except MailboxError as exc:
            failure = str(exc)
        else:
            now = timezone.now()
            dispatch = LetterDispatch.objects.create(
                recipient=recipient, unit=unit, channel=LetterDispatch.Channel.DIGITAL_MAILBOX,
                status=LetterDispatch.Status.SENT, sent_at=receipt.sent_at or now, sent_by=acting_user,
                receipt=f"{receipt.service}:{receipt.id}"[:200])
            recipient_record_delivery(acting_user=acting_user, recipient=recipient,
                                      channel=DecisionRecipient.Channel.DIGITAL_MAILBOX,
                                      delivered_on=timezone.localdate(dispatch.sent_at))
            access_log_write(actor=acting_user, action=UPDATE, object_type="letter_dispatch", object_id=dispatch.pk,
                             person_id=recipient.person_id,
                             household_id=recipient.decision.application.case.household_id,
                             summary="Beslutsbrevet skickat till digital brevlåda",
                             new={"receipt": dispatch.receipt})
            return dispatch
    return _failed(acting_user, unit, recipient, failure)


# --- the print batch --------------------------------------------------------------------

def _postal_code(code: str) -> str:
    digits = "".join(code.split())
    return f"{digits[:3]} {digits[3:]}" if len(digits) == 5 and digits.isdigit() else code.strip()


def return_address(unit: Unit) -> list[str]:
    return [unit.municipality.name, unit.name, *[part.strip() for part in
                                                 settings.LIKA_LETTER_RETURN_ADDRESS.split(",") if part.strip()]]


def _address_page_html(*, unit, day, item, number, total, internal) -> str:
    recipient, person = item["recipient"], item["recipient"].person
    case = recipient.decision.application.case
    worker = case.case_worker
    context = {
        "internal": internal, "day": day.isoformat(), "number": number, "total": total,
        "pages": item["pages"], "title": DECISION_TITLE, "reference": case.reference,
        "return_address": return_address(unit), "unit": unit.name,
        "name": f"{person.first_name} {person.last_name}",
        "reason": item["reason"],
        "case_worker": (worker.get_full_name() or worker.username) if worker else "",
    }
    if not internal:  # the address is printed only on the post room's pages, never a protected one
        context["address"] = [person.street_address.strip(), f"{_postal_code(person.postal_code)} {person.city.strip()}"]
    with translation.override("sv"):
        return render_to_string("cases/dispatch_address_page.html", context)


def render_batch_pdf(*, unit, day, items, internal) -> bytes:
    """One PDF: for each item an address page, then its letter.  Deterministic: the same
    letters on the same day give the same bytes (the day, not the time, is printed)."""
    import weasyprint

    letters = [weasyprint.HTML(string=item["recipient"].letter_html, base_url=None).render() for item in items]
    for item, letter in zip(items, letters, strict=True):
        item["pages"] = len(letter.pages)
    pages, first = [], None
    for number, (item, letter) in enumerate(zip(items, letters, strict=True), start=1):
        address = weasyprint.HTML(string=_address_page_html(unit=unit, day=day, item=item, number=number,
                                                            total=len(items), internal=internal),
                                  base_url=None).render()
        first = first or address
        pages += [*address.pages, *letter.pages]
    return first.copy(pages).write_pdf()


def print_batch_make(*, acting_user, unit: Unit, day: date | None = None) -> tuple[PrintBatch | None, bool]:
    """The unit's print batch for ``day`` (today): (batch, made now).  An existing batch of
    the day is returned as it is (made by someone else a moment ago, or earlier today);
    None when no letter waits.  The letters of persons with a mailbox should be sent first
    (``send_digital``; ``dispatch_day`` does both)."""
    _check_staff(acting_user, unit.pk)
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError("Dagens utskick kan inte göras för en dag som inte har kommit.")
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialises the unit's batches
            existing = PrintBatch.objects.filter(unit=unit, day=day).first()
            if existing is not None:
                return existing, False
            recipients = list(letters_waiting(unit.pk, day))
            if not recipients:
                return None, False
            mark_hidden_addresses([r.person for r in recipients])
            post, internal = [], []
            for recipient in recipients:
                channel, reason = route(recipient.person)
                (post if channel == LetterDispatch.Channel.POST else internal).append(
                    {"recipient": recipient, "channel": channel, "reason": reason})
            pdf = render_batch_pdf(unit=unit, day=day, items=post, internal=False) if post else b""
            internal_pdf = render_batch_pdf(unit=unit, day=day, items=internal, internal=True) if internal else None
            batch = PrintBatch.objects.create(
                unit=unit, day=day, created_by=acting_user, pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                post_count=len(post), internal_pdf=internal_pdf,
                internal_sha256=hashlib.sha256(internal_pdf).hexdigest() if internal_pdf else "",
                internal_count=len(internal))
            dispatches = LetterDispatch.objects.bulk_create(
                LetterDispatch(recipient=item["recipient"], unit=unit, channel=item["channel"], batch=batch,
                               position=position, status=LetterDispatch.Status.IN_BATCH, route_reason=item["reason"])
                for items in (post, internal) for position, item in enumerate(items, start=1))
            access_log_write(actor=acting_user, action=CREATE, object_type="print_batch", object_id=batch.pk,
                             summary=f"Utskriftsbunt {day.isoformat()}: {len(post)} brev till posten, "
                                     f"{len(internal)} via enheten",
                             new={"sha256": batch.pdf_sha256, "post": len(post), "internal": len(internal)})
            for dispatch in dispatches:
                access_log_write(actor=acting_user, action=CREATE, object_type="letter_dispatch",
                                 object_id=dispatch.pk, person_id=dispatch.recipient.person_id,
                                 household_id=dispatch.recipient.decision.application.case.household_id,
                                 summary=(f"Beslutsbrev i utskriftsbunten {day.isoformat()}"
                                          + ("" if dispatch.channel == "post" else " (via enheten)")))
            return batch, True
    except IntegrityError:  # the constraint, where the lock does not serialise (another path)
        existing = PrintBatch.objects.filter(unit=unit, day=day).first()
        if existing is None:
            raise
        return existing, False


@dataclass
class DayResult:
    digital: DigitalResult
    batch: PrintBatch | None
    made: bool


def dispatch_day(*, acting_user, unit: Unit, day: date | None = None, sender=None) -> DayResult:
    """The day's utskick: digital mailboxes first, then the print batch with the rest."""
    day = day or timezone.localdate()
    digital = send_digital(acting_user=acting_user, unit=unit, day=day, sender=sender)
    batch, made = print_batch_make(acting_user=acting_user, unit=unit, day=day)
    return DayResult(digital, batch, made)


def print_batch_download(*, acting_user, batch: PrintBatch, internal: bool = False) -> bytes:
    """The batch's PDF (the post room's, or the unit's own pile), logged with every letter in it."""
    _check_staff(acting_user, batch.unit_id)
    pdf = batch.internal_pdf if internal else batch.pdf
    if not pdf:
        raise ValidationError("Bunten har inga sådana brev.")
    channel = LetterDispatch.Channel.UNIT if internal else LetterDispatch.Channel.POST
    with transaction.atomic():
        for dispatch in (batch.dispatches.filter(channel=channel)
                         .select_related("recipient__decision__application__case")):
            access_log_write(actor=acting_user, action=EXPORT, object_type="print_batch", object_id=batch.pk,
                             person_id=dispatch.recipient.person_id,
                             household_id=dispatch.recipient.decision.application.case.household_id,
                             summary=("Utskriftsbunt hämtad (brev via enheten)" if internal
                                      else "Utskriftsbunt hämtad för posten"))
    return bytes(pdf)


def print_batch_mark_posted(*, acting_user, batch: PrintBatch) -> PrintBatch:
    """The post room has the batch: its letters are sent, and only now each recipient's
    delivery record is set (channel post, today).  Refused twice, under the batch's lock.
    A recipient whose delivery was recorded another way meanwhile keeps that record."""
    _check_staff(acting_user, batch.unit_id)
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PrintBatch.Status.POSTED:
            raise ValidationError("Bunten är redan markerad som lämnad till posten.")
        now, today = timezone.now(), timezone.localdate()
        batch.status, batch.posted_by, batch.posted_at = PrintBatch.Status.POSTED, acting_user, now
        batch.save(update_fields=["status", "posted_by", "posted_at"])
        for dispatch in (batch.dispatches.select_for_update()
                         .filter(channel=LetterDispatch.Channel.POST, status=LetterDispatch.Status.IN_BATCH)):
            _sent(acting_user, dispatch, now, today, "Beslutsbrevet lämnat till posten")
        access_log_write(actor=acting_user, action=UPDATE, object_type="print_batch", object_id=batch.pk,
                         summary=f"Utskriftsbunt {batch.day.isoformat()} lämnad till posten",
                         old={"status": "created"}, new={"status": "posted"})
    return batch


def _sent(acting_user, dispatch, now, today, summary) -> None:
    dispatch.status, dispatch.sent_at, dispatch.sent_by = LetterDispatch.Status.SENT, now, acting_user
    dispatch.save(update_fields=["status", "sent_at", "sent_by"])
    recipient = (DecisionRecipient.objects.select_for_update(of=("self",))
                 .select_related("decision__application__case").get(pk=dispatch.recipient_id))
    if recipient.delivered_on is None:
        recipient_record_delivery(acting_user=acting_user, recipient=recipient,
                                  channel=DecisionRecipient.Channel.POST, delivered_on=today)
    access_log_write(actor=acting_user, action=UPDATE, object_type="letter_dispatch", object_id=dispatch.pk,
                     person_id=recipient.person_id, household_id=recipient.decision.application.case.household_id,
                     summary=summary, old={"status": "in_batch"}, new={"status": "sent"})


def dispatch_mark_sent_by_unit(*, acting_user, dispatch: LetterDispatch) -> LetterDispatch:
    """A letter of the unit's own pile (a protected address, or none) has been sent by the
    unit's routine: it is sent, and the recipient's delivery record is set (post, today)."""
    _check_staff(acting_user, dispatch.unit_id)
    with transaction.atomic():
        dispatch = LetterDispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.channel != LetterDispatch.Channel.UNIT:
            raise ValidationError("Brevet skickas med posten i bunten, inte via enheten.")
        if dispatch.status != LetterDispatch.Status.IN_BATCH:
            raise ValidationError("Brevet är redan markerat som skickat.")
        _sent(acting_user, dispatch, timezone.now(), timezone.localdate(), "Beslutsbrevet skickat via enheten")
    return dispatch
