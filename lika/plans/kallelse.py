"""The kallelse: the letter that invites an adult to a booked meeting (issue 17).

One letter per invitee, in Swedish, rendered from the booking; an individual meeting has
one invitee, so the other adult never gets (or can be given) a letter about it:
``kallelse_html`` refuses a person who is not invited.  A moved meeting gives a new
kallelse ("Ny tid"), a cancelled one a letter that says so.  The address of a person with
skyddade personuppgifter is never printed (the same rule as the decision letters,
``lika.cases.letters._addressee``).  The PDF is deterministic: the same booking gives the
same bytes (no creation time; the date on the letter is the booking's last change)."""

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lika.cases.letters import _addressee, _name, and_join

from .models import BookedMeeting, Meeting

TITLE = "Kallelse till möte"
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def kallelse_context(booking: BookedMeeting, person) -> dict:
    booking = (BookedMeeting.objects.select_related("case__unit__municipality", "case_worker")
               .prefetch_related("participants").get(pk=booking.pk))
    invitees = sorted(booking.participants.all(), key=lambda p: (p.first_name, p.pk))
    me = next((p for p in invitees if p.pk == person.pk), None)
    if me is None:
        raise ValueError("personen är inte kallad till mötet")
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    case, worker = booking.case, booking.case_worker
    return {
        "title": TITLE,
        "sender": {"municipality": case.unit.municipality.name, "unit": case.unit.name,
                   "date": timezone.localdate(booking.updated_at).isoformat(), "reference": case.reference},
        "addressee": _addressee(me),
        "when": f"{WEEKDAYS[start.weekday()]} {start:%Y-%m-%d} kl. {start:%H:%M}–{end:%H:%M}",
        "joint": booking.kind == Meeting.Kind.JOINT,
        "invitees": and_join([_name(p) for p in invitees]),
        "mode": booking.mode, "place": booking.place,
        "moved": booking.sequence > 0,
        "cancelled": booking.status == BookedMeeting.Status.CANCELLED,
        "cancel_reason": booking.cancel_reason,
        "case_worker": {"name": worker.get_full_name() or worker.username,
                        "phone": worker.phone or case.unit.phone, "email": worker.email or case.unit.email},
        "violence_support": settings.LIKA_VIOLENCE_SUPPORT,
    }


def kallelse_html(booking: BookedMeeting, person) -> str:
    with translation.override("sv"):
        return render_to_string("plans/kallelse.html", kallelse_context(booking, person))


def kallelse_pdf(booking: BookedMeeting, person) -> bytes:
    """The kallelse as a tagged A4 PDF; the same booking gives the same bytes."""
    html = kallelse_html(booking, person)
    return weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_tags=True)
