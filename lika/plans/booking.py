"""Booking meetings ahead (issue 17): a calendar per case worker.

A booked meeting (``BookedMeeting``) has a time, a form (visit at a place, phone or
video), a kind (individual with one adult, joint with at least two) and the case worker
who holds it.  It is later recorded as held — which makes the ``Meeting`` row through
``services.meeting_create``, so the question about violence is asked in an individual
meeting only, as before — or it is moved or cancelled.

Guarantees:
- a case worker is never double-booked: the database refuses two booked meetings with the
  same start (``booked_meeting_one_start_per_worker``), and overlapping ones are refused
  under a lock on the case worker's user row, so two bookings at the same moment are
  serialised and the second sees the first;
- only the invitees are told (``notify(person, "meeting")`` after the commit) and only
  they get a kallelse: an individual meeting is never shown to the other adult.

Every write is in one transaction with its access-log rows (one per invitee).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import User
from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.cases.access import can_work_with_cases
from lika.cases.models import Case

from .models import BookedMeeting, Meeting
from .selectors import household_adults

MIN_MINUTES, MAX_MINUTES = 15, 240
PLACE_MAX = BookedMeeting._meta.get_field("place").max_length
REASON_MAX = BookedMeeting._meta.get_field("cancel_reason").max_length


def _check_user(acting_user, case: Case) -> None:
    if acting_user is None or not can_work_with_cases(acting_user) or acting_user.unit_id != case.unit_id:
        raise PermissionDenied(_("Endast enhetens handläggare får ändra i ärendet."))


def _notify_after_commit(people) -> None:
    from lika.eservice.notify import notify

    for person in people:
        transaction.on_commit(lambda person=person: notify(person, "meeting"))


def _log(acting_user, action, booking, *, people, summary, old=None, new=None):
    for person in people:
        access_log_write(actor=acting_user, action=action, object_type="bookedmeeting", object_id=booking.pk,
                         person_id=person.pk, household_id=booking.case.household_id, summary=summary,
                         old=old, new=new)


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check_time(errors, starts_at, minutes):
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("Ange dag och tid för mötet."))
    elif starts_at <= timezone.now():
        errors.setdefault("starts_at", []).append(_("Ett möte bokas framåt i tiden. Ett möte som redan har "
                                                    "hållits registreras under Nytt möte."))
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors.setdefault("minutes", []).append(
            _("Mötet ska vara mellan %(min)s och %(max)s minuter.") % {"min": MIN_MINUTES, "max": MAX_MINUTES})


def _check_place(errors, mode, place):
    if mode not in BookedMeeting.Mode.values:
        errors.setdefault("mode", []).append(_("Välj besök, telefon eller video."))
    elif mode == BookedMeeting.Mode.VISIT and not place:
        errors.setdefault("place", []).append(_("Ange var mötet hålls."))
    if len(place) > PLACE_MAX:
        errors.setdefault("place", []).append(_("Högst %(n)s tecken.") % {"n": PLACE_MAX})


def _check_free(case_worker_id, starts_at, ends_at, *, exclude=None) -> None:
    """Inside the transaction: lock the case worker's row (serialises her bookings), then
    refuse an overlap with another of her booked meetings."""
    User.objects.select_for_update().filter(pk=case_worker_id).first()
    clash = (BookedMeeting.objects.filter(case_worker_id=case_worker_id, status=BookedMeeting.Status.BOOKED,
                                          starts_at__lt=ends_at, ends_at__gt=starts_at))
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    other = clash.order_by("starts_at").first()
    if other is not None:
        raise ValidationError({"starts_at": [_("Handläggaren har redan ett möte %(from)s–%(to)s. Välj en annan tid.")
                                             % {"from": f"{timezone.localtime(other.starts_at):%Y-%m-%d %H:%M}",
                                                "to": f"{timezone.localtime(other.ends_at):%H:%M}"}]})


def _values(booking, people) -> dict:
    return {"starts_at": timezone.localtime(booking.starts_at).isoformat(timespec="minutes"),
            "ends_at": timezone.localtime(booking.ends_at).isoformat(timespec="minutes"),
            "kind": booking.kind, "mode": booking.mode, "participants": [p.pk for p in people],
            "case_worker": booking.case_worker_id}


def booking_create(*, acting_user, case: Case, starts_at: datetime | None, minutes: int | None, kind: str,
                   participants, mode: str = BookedMeeting.Mode.VISIT, place: str = "",
                   case_worker=None) -> BookedMeeting:
    """Book a meeting ahead in the case worker's calendar (the case's handläggare, else
    the acting user) and tell the invitees."""
    _check_user(acting_user, case)
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("Ärendet är avslutat."))
    case_worker = case_worker or case.case_worker or acting_user
    if case_worker.unit_id != case.unit_id or not can_work_with_cases(case_worker):
        raise ValidationError({"case_worker": [_("Mötet bokas hos en handläggare i ärendets enhet.")]})
    participants = list(dict.fromkeys(participants))
    place = (place or "").strip()
    errors: dict[str, list] = {}
    starts_at = _aware(starts_at) if starts_at else None
    _check_time(errors, starts_at, minutes)
    _check_place(errors, mode, place)
    if kind not in Meeting.Kind.values:
        errors.setdefault("kind", []).append(_("Välj enskilt eller gemensamt möte."))
    adults = {p.pk for p in household_adults(case)}
    if any(p.pk not in adults for p in participants):
        errors.setdefault("participants", []).append(_("Deltagarna måste vara vuxna i hushållet."))
    elif kind == Meeting.Kind.INDIVIDUAL and len(participants) != 1:
        errors.setdefault("participants", []).append(_("Ett enskilt möte har exakt en deltagare."))
    elif kind == Meeting.Kind.JOINT and len(participants) < 2:
        errors.setdefault("participants", []).append(_("Ett gemensamt möte har minst två deltagare."))
    if errors:
        raise ValidationError(errors)
    ends_at = starts_at + timedelta(minutes=minutes)
    with transaction.atomic():
        _check_free(case_worker.pk, starts_at, ends_at)
        now = timezone.now()
        try:
            with transaction.atomic():
                booking = BookedMeeting.objects.create(
                    case=case, case_worker=case_worker, starts_at=starts_at, ends_at=ends_at, kind=kind, mode=mode,
                    place=place, created_by=acting_user, created_at=now, updated_at=now)
        except IntegrityError:
            raise ValidationError({"starts_at": [_("Handläggaren har redan ett möte som börjar då.")]}) from None
        booking.participants.set(participants)
        _log(acting_user, CREATE, booking, people=participants, summary="Bokade möte",
             new=_values(booking, participants))
        _notify_after_commit(participants)
    return booking


def _locked_booked(booking: BookedMeeting) -> BookedMeeting:
    current = BookedMeeting.objects.select_for_update().select_related("case").get(pk=booking.pk)
    if current.status != BookedMeeting.Status.BOOKED:
        raise ValidationError(_("Mötet är redan hållet eller inställt."))
    return current


def booking_move(*, acting_user, booking: BookedMeeting, starts_at: datetime | None,
                 minutes: int | None, mode: str | None = None, place: str | None = None) -> BookedMeeting:
    """Move the meeting to another time (and place); the invitees get a new kallelse."""
    _check_user(acting_user, booking.case)
    errors: dict[str, list] = {}
    starts_at = _aware(starts_at) if starts_at else None
    _check_time(errors, starts_at, minutes)
    mode = booking.mode if mode is None else mode
    place = booking.place if place is None else (place or "").strip()
    _check_place(errors, mode, place)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _check_free(booking.case_worker_id, starts_at, starts_at + timedelta(minutes=minutes), exclude=booking.pk)
        current = _locked_booked(booking)
        people = list(current.participants.all())
        old = _values(current, people)
        current.starts_at, current.ends_at = starts_at, starts_at + timedelta(minutes=minutes)
        current.mode, current.place = mode, place
        current.sequence += 1
        current.updated_at = timezone.now()
        try:
            with transaction.atomic():
                current.save(update_fields=["starts_at", "ends_at", "mode", "place", "sequence", "updated_at"])
        except IntegrityError:
            raise ValidationError({"starts_at": [_("Handläggaren har redan ett möte som börjar då.")]}) from None
        _log(acting_user, UPDATE, current, people=people, summary="Flyttade möte", old=old,
             new=_values(current, people))
        _notify_after_commit(people)
    return current


def booking_cancel(*, acting_user, booking: BookedMeeting, reason: str = "") -> BookedMeeting:
    """Cancel the meeting; the invitees are told (their kallelse then says it is cancelled)."""
    _check_user(acting_user, booking.case)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Högst %(n)s tecken.") % {"n": REASON_MAX}]})
    with transaction.atomic():
        current = _locked_booked(booking)
        people = list(current.participants.all())
        current.status, current.cancel_reason = BookedMeeting.Status.CANCELLED, reason
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        _log(acting_user, UPDATE, current, people=people, summary="Ställde in möte",
             old={"status": BookedMeeting.Status.BOOKED.value}, new={"status": current.status})
        _notify_after_commit(people)
    return current


def booking_record_held(*, acting_user, booking: BookedMeeting, notes: str = "", screening_answer: str = "",
                        support_offered: bool = False, screening_note: str = "") -> Meeting:
    """The booked meeting has been held: record it (the ``Meeting`` with its notes and, in an
    individual meeting, the question about violence) and mark the booking held."""
    from .services import meeting_create

    _check_user(acting_user, booking.case)
    if timezone.localdate(booking.starts_at) > timezone.localdate():
        raise ValidationError(_("Mötet kan inte registreras innan det har hållits."))
    with transaction.atomic():
        current = _locked_booked(booking)
        meeting = meeting_create(acting_user=acting_user, case=current.case,
                                 held_on=timezone.localdate(current.starts_at), kind=current.kind,
                                 participants=list(current.participants.all()), notes=notes,
                                 screening_answer=screening_answer, support_offered=support_offered,
                                 screening_note=screening_note)
        current.status, current.held_meeting = BookedMeeting.Status.HELD, meeting
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "held_meeting", "updated_at"])
        _log(acting_user, UPDATE, current, people=list(current.participants.all()), summary="Mötet hölls",
             old={"status": BookedMeeting.Status.BOOKED.value}, new={"status": current.status,
                                                                     "meeting": meeting.pk})
    return meeting


def individual_meeting_days() -> int:
    return settings.LIKA_INDIVIDUAL_MEETING_DAYS
