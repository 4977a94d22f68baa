"""Writing messages: an adult of the household in her own login, or the unit's staff.

Each service checks who may write, runs in one transaction with its access-log row, and
after the commit tells, with ``notify(person, "message")``, the adults who may see
the message: a household message goes to the household's adults (not to its writer); a
private one only to the adult it is private to (a resident's own private message and
her meeting request notify nobody: the staff read them in the work list).  Nothing here
looks up the partner for a private message."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from lika.audit.services import CREATE, access_log_write
from lika.cases.access import can_work_with_cases
from lika.cases.models import Case

from .access import adult_membership, household_adults, resident_case
from .actor import eservice_actor
from .models import ResidentContact
from .models_messages import BODY_MAX, Message, MessageRead
from .notify import notify
from .selectors_messages import visible_to_resident

# What a resident's request for an individual meeting says when she writes nothing.
MEETING_REQUEST_DEFAULT = "Jag vill ha ett eget möte med min handläggare."


def clean_body(text, *, required: bool = True) -> str:
    """The message text, or a Swedish ValidationError: plain text, at most BODY_MAX
    characters, no NUL.  Line ends are normalised; the text is stored as written (it
    is escaped wherever it is shown)."""
    if not isinstance(text, str):
        text = ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError({"body": _("Meddelandet innehåller ett otillåtet tecken (NUL). Skriv om det utan det.")})
    if len(text) > BODY_MAX:
        raise ValidationError({"body": _("Meddelandet får vara högst %(max)s tecken. Ditt är %(n)s tecken.")
                               % {"max": f"{BODY_MAX:,}".replace(",", " "), "n": f"{len(text):,}".replace(",", " ")}})
    if required and not text:
        raise ValidationError({"body": _("Skriv ett meddelande.")})
    return text


def _notify(people) -> None:
    for person in people:
        notify(person, "message")


def _shares_contact(case, person) -> bool:
    """Has another adult of the household given the same e-mail address or mobile number
    as ``person`` (a family's shared inbox or phone)?  Then a private answer is not
    announced: she sees it when she logs in."""
    mine = ResidentContact.objects.filter(person=person).first()
    if mine is None:
        return False
    others = [p.pk for p in household_adults(case) if p.pk != person.pk]
    same = Q(email__iexact=mine.email) if mine.email else Q(pk__in=[])
    if mine.mobile:
        same |= Q(mobile=mine.mobile)
    return ResidentContact.objects.filter(person_id__in=others).filter(same).exists()


def message_write(*, person, body: str, private: bool = False, meeting_request: bool = False,
                  reply_to_id=None) -> Message:
    """An adult writes in her own login, in her household's case.  ``private``: only she
    and the unit's staff will see it (the private channel); ``meeting_request``: she asks
    for an individual meeting (always private).  A reply keeps the visibility of what it
    answers (a reply in a private thread stays private)."""
    body = clean_body(body, required=not meeting_request) or MEETING_REQUEST_DEFAULT
    with transaction.atomic():
        case = resident_case(person)
        if case is None or person.protected_identity:
            raise Http404
        case = Case.objects.select_for_update().get(pk=case.pk)
        if adult_membership(person) is None or adult_membership(person).household_id != case.household_id:
            raise Http404
        parent = None
        if reply_to_id is not None:
            parent = visible_to_resident(person, case).filter(pk=reply_to_id).first()
            if parent is None:
                raise Http404
            private = parent.is_private
        if meeting_request:
            private = True
        message = Message.objects.create(
            case=case, author_person=person, body=body, reply_to=parent,
            visibility=Message.Visibility.PRIVATE if private else Message.Visibility.HOUSEHOLD,
            private_to=person if private else None,
            kind=Message.Kind.MEETING_REQUEST if meeting_request else Message.Kind.MESSAGE)
        MessageRead.objects.create(message=message, person=person)  # her own: read
        # The same words for every kind of message: the log says that she wrote, not what.  A
        # private message is logged on her alone (no household), so that nothing that lists
        # the household's log rows could show the partner that she wrote.
        access_log_write(actor=eservice_actor(), action=CREATE, object_type="message", object_id=message.pk,
                         person_id=person.pk, household_id=None if private else case.household_id,
                         summary="Invånaren skrev ett meddelande i e-tjänsten")
        told = [] if private else [p for p in household_adults(case) if p.pk != person.pk]
    _notify(told)
    return message


def message_write_staff(*, acting_user, case: Case, body: str, reply_to_id=None) -> Message:
    """The case worker (or the unit's enhetschef) writes in the case: a new message is for
    the household; a reply to a private message is private to that adult."""
    body = clean_body(body)
    if not can_work_with_cases(acting_user) or case.unit_id != acting_user.unit_id:
        raise PermissionDenied
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        parent = None
        if reply_to_id is not None:
            parent = Message.objects.filter(case=case, pk=reply_to_id).first()
            if parent is None:
                raise ValidationError(_("Meddelandet du svarar på finns inte i ärendet."))
        private_to = parent.private_to if parent is not None and parent.is_private else None
        message = Message.objects.create(
            case=case, author_user=acting_user, body=body, reply_to=parent, private_to=private_to,
            visibility=Message.Visibility.PRIVATE if private_to else Message.Visibility.HOUSEHOLD)
        MessageRead.objects.create(message=message, user=acting_user)
        access_log_write(actor=acting_user, action=CREATE, object_type="message", object_id=message.pk,
                         person_id=private_to.pk if private_to else None,
                         household_id=None if private_to else case.household_id,
                         summary="Skrev ett " + ("privat " if private_to else "") + "meddelande i e-tjänsten")
        if private_to:
            told = [] if _shares_contact(case, private_to) else [private_to]
        else:
            told = household_adults(case)
    _notify(told)
    return message


def messages_mark_read(messages, *, person=None, user=None) -> None:
    """Read markers for what the reader has now seen (added once, never taken back)."""
    assert (person is None) != (user is None)
    rows = [MessageRead(message=m, person=person, user=user) for m in messages]
    if rows:
        MessageRead.objects.bulk_create(rows, ignore_conflicts=True)
