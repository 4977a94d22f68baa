"""Reads for booked meetings (issue 17): a case worker's week, a case's bookings, the
reminder when an adult has had no individual meeting, and what an adult sees of her own
bookings in the e-service.  Nothing here reads a violence screening."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from lika.accounts.models import User
from lika.cases.access import CASE_ROLES
from lika.cases.models import Case
from lika.households.models import HouseholdMembership, Person

from .models import BookedMeeting, Meeting

HOURS = range(8, 17)  # the week view's rows: 08–16 (a meeting outside is shown in the first/last row)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def week_bookings(case_worker, week_start: date):
    """Her booked and held meetings in the week starting ``week_start`` (a Monday), with case and invitees."""
    return list(BookedMeeting.objects.filter(case_worker=case_worker, starts_at__gte=_start(week_start),
                                             starts_at__lt=_start(week_start + timedelta(days=7)))
                .exclude(status=BookedMeeting.Status.CANCELLED)
                .select_related("case")
                .prefetch_related(Prefetch("participants", Person.objects.order_by("first_name", "id")))
                .order_by("starts_at", "id"))


@dataclass
class Week:
    start: date
    days: list
    rows: list  # [(hour, [[booking, ...] per day])]
    bookings: list

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def iso(self) -> str:
        return iso_week(self.start)

    @property
    def previous_iso(self) -> str:
        return iso_week(self.previous)

    @property
    def next_iso(self) -> str:
        return iso_week(self.next)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week(case_worker, week_start: date) -> Week:
    """The week as a table: one row per hour 08–16, one column per weekday (Mon–Fri, and
    Sat/Sun only when something is booked then)."""
    bookings = week_bookings(case_worker, week_start)
    used = {timezone.localtime(b.starts_at).weekday() for b in bookings}
    days = [week_start + timedelta(days=i) for i in range(7) if i < 5 or i in used]
    rows = []
    for hour in HOURS:
        cells = []
        for day in days:
            cells.append([b for b in bookings if timezone.localdate(b.starts_at) == day
                          and min(max(timezone.localtime(b.starts_at).hour, HOURS[0]), HOURS[-1]) == hour])
        rows.append((hour, cells))
    return Week(week_start, days, rows, bookings)


def calendar_owners(user) -> list:
    """Whose calendars the user may open: her own; an enhetschef also her unit's case workers'."""
    if user.role == "unit_manager":
        return list(User.objects.filter(unit_id=user.unit_id, role__in=CASE_ROLES, is_active=True)
                    .order_by("first_name", "last_name", "id"))
    return [user]


def case_bookings(case: Case):
    """The case's booked meetings ahead (not held or cancelled), soonest first."""
    return list(BookedMeeting.objects.filter(case=case, status=BookedMeeting.Status.BOOKED)
                .select_related("case_worker")
                .prefetch_related(Prefetch("participants", Person.objects.order_by("first_name", "id")))
                .order_by("starts_at", "id"))


def booking_for_case(case: Case, booking_id: int) -> BookedMeeting | None:
    return (BookedMeeting.objects.filter(case=case, pk=booking_id).select_related("case_worker", "held_meeting")
            .prefetch_related(Prefetch("participants", Person.objects.order_by("first_name", "id"))).first())


def adults_without_individual_meeting(case_ids, today: date, days: int) -> set[tuple[int, int]]:
    """``(case_id, person_id)`` of the current adults of open cases among ``case_ids`` who have had
    no individual meeting in the last ``days`` days and have none booked ahead (one query).
    An adult who joined the household less than ``days`` days ago is not yet due."""
    since = today - timedelta(days=days)
    held = Meeting.objects.filter(case=OuterRef("household__case"), participants=OuterRef("person"),
                                  kind=Meeting.Kind.INDIVIDUAL, held_on__gt=since)
    booked = BookedMeeting.objects.filter(case=OuterRef("household__case"), participants=OuterRef("person"),
                                          kind=Meeting.Kind.INDIVIDUAL, status=BookedMeeting.Status.BOOKED)
    rows = (HouseholdMembership.objects
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today), household__case__in=list(case_ids),
                    household__case__status=Case.Status.OPEN, role=HouseholdMembership.Role.ADULT,
                    valid_from__lte=since)
            .filter(~Exists(held), ~Exists(booked))
            .values_list("household__case__id", "person_id"))
    return set(rows)


def my_bookings(person, case) -> list[dict]:
    """For the e-service: the meetings booked ahead that she is invited to (joint ones and
    her own individual ones; never the other adult's individual meeting): time, kind and
    form, never notes."""
    if case is None:
        return []
    rows = (BookedMeeting.objects.filter(case=case, participants=person, status=BookedMeeting.Status.BOOKED,
                                         ends_at__gte=timezone.now())
            .select_related("case_worker").order_by("starts_at", "id"))
    return [{"starts_at": timezone.localtime(b.starts_at), "ends_at": timezone.localtime(b.ends_at),
             "kind": b.kind, "mode": b.mode, "place": b.place if b.mode == BookedMeeting.Mode.VISIT else "",
             "case_worker": b.case_worker.get_full_name() or b.case_worker.username, "pk": b.pk}
            for b in rows]
