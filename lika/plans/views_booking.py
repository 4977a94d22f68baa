"""Booking meetings ahead (issue 17): from the case page, the booking's own page (move,
cancel, record as held, the kallelser) and the case worker's week calendar.  Every view
reaches the case through ``access_case`` (unit check and access log); the services write."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.audit.services import READ, access_log_write
from lika.cases.access import access_case, can_work_with_cases

from . import booking as services
from . import calendar, selectors
from .forms import BookingForm, BookingTimeForm, CancelBookingForm, HeldForm
from .kallelse import kallelse_pdf
from .models import BookedMeeting
from .views import redirect_after_meeting


def _booking(request, case_id, booking_id, what):
    case = access_case(request.user, case_id, what=what)
    booking = calendar.booking_for_case(case, booking_id)
    if booking is None:
        raise Http404
    return case, booking


@login_required
@require_http_methods(["GET", "POST"])
def booking_new(request, case_id):
    posting = request.method == "POST"
    case = access_case(request.user, case_id, what="Bokat möte" if posting else "Boka möte")
    adults = selectors.household_adults(case)
    form = BookingForm(request.POST or None, adults=adults,
                       initial={"day": timezone.localdate() + timedelta(days=1), "minutes": 60})
    status = 200
    if posting:
        if form.is_valid():
            try:
                booking = services.booking_create(acting_user=request.user, case=case, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Mötet är bokat och kallelser är gjorda."))
                return redirect("booking_detail", case_id=case.pk, booking_id=booking.pk)
        status = 400
    return render(request, "plans/booking_new.html", {"case": case, "form": form, "adults": adults},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def booking_detail(request, case_id, booking_id):
    posting = request.method == "POST"
    case, booking = _booking(request, case_id, booking_id, "Ändrat bokat möte" if posting else "Läst bokat möte")
    local = timezone.localtime(booking.starts_at)
    move_form = BookingTimeForm(prefix="move", initial={
        "day": local.date(), "start": local.time(), "mode": booking.mode, "place": booking.place,
        "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60)})
    cancel_form = CancelBookingForm(prefix="cancel")
    status = 200
    if posting:
        action = request.POST.get("action", "")
        if action == "move":
            move_form = BookingTimeForm(request.POST, prefix="move")
            form, call = move_form, lambda: services.booking_move(acting_user=request.user, booking=booking,
                                                                  **move_form.service_kwargs())
            done = _("Mötet är flyttat. De kallade får en ny kallelse.")
        elif action == "cancel":
            cancel_form = CancelBookingForm(request.POST, prefix="cancel")
            form, call = cancel_form, lambda: services.booking_cancel(
                acting_user=request.user, booking=booking, reason=cancel_form.cleaned_data["reason"])
            done = _("Mötet är inställt. De kallade får ett brev om det.")
        else:
            return HttpResponseBadRequest()
        if form.is_valid():
            try:
                call()
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return redirect("booking_detail", case_id=case.pk, booking_id=booking.pk)
        status = 400
    return render(request, "plans/booking_detail.html", {
        "case": case, "booking": booking, "participants": list(booking.participants.all()),
        "move_form": move_form, "cancel_form": cancel_form, "open": booking.status == BookedMeeting.Status.BOOKED,
        "can_record": (booking.status == BookedMeeting.Status.BOOKED
                       and timezone.localdate(booking.starts_at) <= timezone.localdate())}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def booking_held(request, case_id, booking_id):
    posting = request.method == "POST"
    case, booking = _booking(request, case_id, booking_id, "Registrerat hållet möte" if posting else "Registrera möte")
    if booking.status != BookedMeeting.Status.BOOKED:
        return redirect("booking_detail", case_id=case.pk, booking_id=booking.pk)
    form = HeldForm(request.POST or None, booking=booking)
    status = 200
    if posting:
        if form.is_valid():
            try:
                meeting = services.booking_record_held(acting_user=request.user, booking=booking,
                                                       **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Mötet är registrerat som hållet."))
                return redirect_after_meeting(case, meeting)  # issue 17: the guidance after the answer yes
        status = 400
    return render(request, "plans/booking_held.html", {
        "case": case, "booking": booking, "participants": list(booking.participants.all()), "form": form,
        "violence_support": settings.LIKA_VIOLENCE_SUPPORT}, status=status)


@login_required
@require_http_methods(["GET"])
def booking_kallelse(request, case_id, booking_id, person_id):
    """The kallelse to one invitee; a person not invited has none (404)."""
    case, booking = _booking(request, case_id, booking_id, "Läst kallelse")
    person = next((p for p in booking.participants.all() if p.pk == person_id), None)
    if person is None:
        raise Http404
    access_log_write(actor=request.user, action=READ, object_type="kallelse", object_id=booking.pk,
                     person_id=person.pk, household_id=case.household_id, summary="Läst kallelse")
    response = HttpResponse(kallelse_pdf(booking, person), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kallelse-{case.reference}-{booking.pk}-{person.pk}.pdf"'
    return response


def _week_start(request) -> date | None:
    raw = request.GET.get("vecka", "")
    if not raw:
        return calendar.monday(timezone.localdate())
    try:
        year, week = raw.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET"])
def meeting_calendar(request, user_id=None):
    """A case worker's week: her own; an enhetschef may open her unit's case workers'."""
    if not can_work_with_cases(request.user):
        raise PermissionDenied
    owners = calendar.calendar_owners(request.user)
    owner = request.user if user_id is None else next((u for u in owners if u.pk == user_id), None)
    if owner is None:
        raise Http404
    start = _week_start(request)
    if start is None:
        return render(request, "plans/calendar.html", {"error": _("Ange veckan som ÅÅÅÅ-Vnn, t.ex. 2026-W50."),
                                                       "owner": owner, "owners": owners}, status=400)
    week = calendar.week(owner, start)
    for case_id, household_id in sorted({(b.case_id, b.case.household_id) for b in week.bookings}):
        access_log_write(actor=request.user, action=READ, object_type="case", object_id=case_id,
                         household_id=household_id, summary="Läst kalender")
    access_log_write(actor=request.user, action=READ, object_type="calendar", object_id=owner.pk,
                     summary=f"Läst kalender vecka {week.iso}")
    return render(request, "plans/calendar.html", {"week": week, "owner": owner, "owners": owners,
                                                   "today": timezone.localdate()})
