"""Issue 17: booking meetings ahead — the calendar per case worker, no double booking,
move and cancel with the invitees told, recording the held meeting (the question about
violence in individual meetings only), the kallelse to each invitee and to no one else,
the reminder when an adult has had no individual meeting, and what the e-service shows."""

import io
from datetime import datetime, time, timedelta

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.selectors import worklist_for
from lika.eservice.models import Notification, ResidentContact
from lika.plans import booking, calendar
from lika.plans.kallelse import kallelse_html, kallelse_pdf
from lika.plans.models import BookedMeeting, Meeting, ViolenceScreening
from tests.cases.factories import couple_case
from tests.eservice.conftest import resident_client

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def couple(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    for person in (woman, man):
        ResidentContact.objects.create(person=person, email=f"{person.first_name.lower()}@example.se",
                                       notify_by_email=True)
    return {"case": case, "woman": woman, "man": man, "kid": kids[0]}


@pytest.fixture
def notifications(settings, tmp_path):
    settings.LIKA_NOTIFICATION_DIR = tmp_path / "notifications"
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"


def book(user, couple, who=("woman",), kind="individual", start=None, minutes=60, **kwargs):
    return booking.booking_create(acting_user=user, case=couple["case"], starts_at=start or at(TOMORROW, 10),
                                  minutes=minutes, kind=kind, participants=[couple[w] for w in who],
                                  place=kwargs.pop("place", "Stadshuset, rum 3"), **kwargs)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


# --- booking ------------------------------------------------------------------------

def test_booking_an_individual_meeting_ahead_tells_only_her(alice, couple, notifications,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b = book(alice, couple)
    assert b.status == "booked" and b.case_worker == alice and b.ends_at - b.starts_at == timedelta(hours=1)
    assert list(b.participants.all()) == [couple["woman"]]
    told = list(Notification.objects.filter(kind="meeting").values_list("person_id", flat=True))
    assert told == [couple["woman"].pk]
    rows = AccessLogEntry.objects.filter(object_type="bookedmeeting", object_id=str(b.pk))
    assert [r.person_id for r in rows] == [couple["woman"].pk]


def test_joint_booking_tells_both(alice, couple, notifications, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(alice, couple, who=("woman", "man"), kind="joint", mode="video", place="")
    assert sorted(Notification.objects.filter(kind="meeting").values_list("person_id", flat=True)) == sorted(
        [couple["woman"].pk, couple["man"].pk])


@pytest.mark.parametrize(("changes", "field"), [
    ({"start": "past"}, "starts_at"),
    ({"minutes": 5}, "minutes"),
    ({"minutes": 600}, "minutes"),
    ({"who": ("woman", "man")}, "participants"),
    ({"who": ("kid",)}, "participants"),
    ({"who": ("woman",), "kind": "joint"}, "participants"),
    ({"kind": "group"}, "kind"),
    ({"mode": "letter"}, "mode"),
    ({"place": ""}, "place"),
])
def test_booking_is_refused_with_a_message(alice, couple, changes, field):
    kwargs = dict(changes)
    if kwargs.get("start") == "past":
        kwargs["start"] = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        book(alice, couple, **kwargs)
    assert field in error.value.error_dict
    assert not BookedMeeting.objects.exists()


def test_another_unit_cannot_book(charlie, couple):
    with pytest.raises(PermissionDenied):
        book(charlie, couple)


def test_the_case_worker_cannot_be_double_booked(alice, couple):
    book(alice, couple)
    for start in (at(TOMORROW, 10), at(TOMORROW, 10, 30), at(TOMORROW, 9, 30)):
        with pytest.raises(ValidationError) as error:
            book(alice, couple, who=("man",), start=start)
        assert "starts_at" in error.value.error_dict
    book(alice, couple, who=("man",), start=at(TOMORROW, 11))  # right after: fine
    assert BookedMeeting.objects.count() == 2


def test_the_database_refuses_two_booked_meetings_at_one_start(alice, couple):
    b = book(alice, couple)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookedMeeting.objects.create(case=b.case, case_worker=alice, starts_at=b.starts_at, ends_at=b.ends_at,
                                     kind="individual", created_by=alice)


def test_cancelled_time_can_be_booked_again(alice, couple):
    b = book(alice, couple)
    booking.booking_cancel(acting_user=alice, booking=b, reason="Sjuk")
    book(alice, couple, who=("man",))
    assert BookedMeeting.objects.filter(status="booked").count() == 1


def test_move_and_cancel_tell_the_invitees_and_give_a_new_kallelse(alice, couple, notifications,
                                                                    django_capture_on_commit_callbacks):
    b = book(alice, couple)
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking.booking_move(acting_user=alice, booking=b, starts_at=at(TOMORROW, 14), minutes=45)
    assert moved.sequence == 1 and timezone.localtime(moved.starts_at).hour == 14
    text = pdf_text(kallelse_pdf(moved, couple["woman"]))
    assert "Ny tid för ditt möte" in text and "14:00–14:45" in text
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = booking.booking_cancel(acting_user=alice, booking=moved, reason="Handläggaren är sjuk")
    assert cancelled.status == "cancelled"
    assert "Mötet är inställt" in pdf_text(kallelse_pdf(cancelled, couple["woman"]))
    assert list(Notification.objects.values_list("person_id", flat=True)) == [couple["woman"].pk] * 2
    with pytest.raises(ValidationError):
        booking.booking_move(acting_user=alice, booking=cancelled, starts_at=at(TOMORROW, 15), minutes=30)


def test_move_onto_another_meeting_is_refused(alice, couple):
    book(alice, couple)
    other = book(alice, couple, who=("man",), start=at(TOMORROW, 13))
    with pytest.raises(ValidationError):
        booking.booking_move(acting_user=alice, booking=other, starts_at=at(TOMORROW, 10, 15), minutes=30)
    booking.booking_move(acting_user=alice, booking=other, starts_at=at(TOMORROW, 13, 30), minutes=30)  # itself


def _held_yesterday(b):
    """The meeting's time has come: moved to yesterday in the database."""
    yesterday = timezone.localdate() - timedelta(days=1)
    BookedMeeting.objects.filter(pk=b.pk).update(starts_at=at(yesterday, 10), ends_at=at(yesterday, 11))
    b.refresh_from_db()
    return b


def test_held_individual_meeting_is_recorded_with_the_violence_question(alice, couple):
    b = book(alice, couple)
    with pytest.raises(ValidationError):  # not before it has been held
        booking.booking_record_held(acting_user=alice, booking=b, screening_answer="no")
    b = _held_yesterday(b)
    with pytest.raises(ValidationError) as error:  # the question must be answered
        booking.booking_record_held(acting_user=alice, booking=b, notes="Bra möte")
    assert "screening_answer" in error.value.error_dict
    meeting = booking.booking_record_held(acting_user=alice, booking=b, notes="Bra möte", screening_answer="no")
    b.refresh_from_db()
    assert b.status == "held" and b.held_meeting == meeting and meeting.kind == "individual"
    assert ViolenceScreening.objects.get(meeting=meeting).person == couple["woman"]
    with pytest.raises(ValidationError):
        booking.booking_record_held(acting_user=alice, booking=b, screening_answer="no")


def test_held_joint_meeting_never_records_the_violence_question(alice, couple):
    b = _held_yesterday(book(alice, couple, who=("woman", "man"), kind="joint"))
    with pytest.raises(ValidationError):
        booking.booking_record_held(acting_user=alice, booking=b, screening_answer="no")
    meeting = booking.booking_record_held(acting_user=alice, booking=b, notes="Båda")
    assert meeting.kind == "joint" and not ViolenceScreening.objects.filter(meeting=meeting).exists()


# --- the kallelse ----------------------------------------------------------------------

def test_kallelse_for_each_invitee_and_none_for_the_other_adult(alice, couple):
    individual = book(alice, couple)
    joint = book(alice, couple, who=("woman", "man"), kind="joint", start=at(TOMORROW, 13), mode="phone",
                 place="")
    text = pdf_text(kallelse_pdf(individual, couple["woman"]))
    assert "Kallelse till möte" in text and "Sara Lind" in text and "Stadshuset, rum 3" in text
    assert "Johan" not in text and "enskilt möte" in text
    assert kallelse_pdf(individual, couple["woman"]) == kallelse_pdf(individual, couple["woman"])  # deterministic
    with pytest.raises(ValueError):
        kallelse_html(individual, couple["man"])
    for who in ("woman", "man"):
        text = pdf_text(kallelse_pdf(joint, couple[who]))
        assert "gemensamt möte" in text and "Johan Lind och Sara Lind" in text and "telefon" in text
        assert couple[who].first_name in text


def test_kallelse_never_prints_a_protected_address(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    b = booking.booking_create(acting_user=alice, case=case, starts_at=at(TOMORROW, 9), minutes=30,
                               kind="joint", participants=[woman, man], place="Stadshuset")
    for person in (woman, man):
        assert "Storgatan" not in pdf_text(kallelse_pdf(b, person))


# --- the reminder --------------------------------------------------------------------

def test_reminder_when_an_adult_has_had_no_individual_meeting(alice, couple, settings):
    settings.LIKA_INDIVIDUAL_MEETING_DAYS = 90
    today = timezone.localdate()
    case, woman, man = couple["case"], couple["woman"], couple["man"]
    due = calendar.adults_without_individual_meeting([case.pk], today, 90)
    assert due == {(case.pk, woman.pk), (case.pk, man.pk)}
    joint = Meeting.objects.create(case=case, held_on=today - timedelta(days=3), kind="joint", created_by=alice)
    joint.participants.set([woman, man])  # a joint meeting does not count
    old = Meeting.objects.create(case=case, held_on=today - timedelta(days=90), kind="individual", created_by=alice)
    old.participants.set([woman])  # too long ago
    assert calendar.adults_without_individual_meeting([case.pk], today, 90) == due
    recent = Meeting.objects.create(case=case, held_on=today - timedelta(days=89), kind="individual",
                                    created_by=alice)
    recent.participants.set([woman])
    assert calendar.adults_without_individual_meeting([case.pk], today, 90) == {(case.pk, man.pk)}
    book(alice, couple, who=("man",))  # booked ahead: no reminder
    assert calendar.adults_without_individual_meeting([case.pk], today, 90) == set()


def test_reminder_shows_in_mina_arenden(alice, couple, settings, client):
    settings.LIKA_INDIVIDUAL_MEETING_DAYS = 30
    work = worklist_for(alice, timezone.localdate())
    assert {p.pk for _, p in work.without_individual_meeting} == {couple["woman"].pk, couple["man"].pk}
    client.force_login(alice)
    page = client.get(reverse("worklist")).content.decode()
    assert "Vuxna utan enskilt möte på länge" in page and "(2)" in page


def test_a_new_adult_is_not_yet_due(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, since=timezone.localdate() - timedelta(days=10))
    assert calendar.adults_without_individual_meeting([case.pk], timezone.localdate(), 90) == set()


# --- the calendar and the e-service ------------------------------------------------------------

def test_week_view_shows_her_meetings(alice, couple):
    b = book(alice, couple)
    week = calendar.week(alice, calendar.monday(TOMORROW))
    assert b in week.bookings
    assert any(b in cell for hour, cells in week.rows for cell in cells if hour == 10)


def test_eservice_shows_her_booked_meetings_and_never_his_individual_one(alice, couple):
    hers = book(alice, couple)
    joint = book(alice, couple, who=("woman", "man"), kind="joint", start=at(TOMORROW, 13), place="Rum 7")
    woman, man, case = couple["woman"], couple["man"], couple["case"]
    assert [b["pk"] for b in calendar.my_bookings(woman, case)] == [hers.pk, joint.pk]
    assert [b["pk"] for b in calendar.my_bookings(man, case)] == [joint.pk]
    page = resident_client(man).get(reverse("eservice_meetings")).content.decode()
    assert "Gemensamt möte för er båda" in page and "Stadshuset, rum 3" not in page and "10:00" not in page
    page = resident_client(woman).get(reverse("eservice_meetings")).content.decode()
    assert "Enskilt möte med dig" in page and "Stadshuset, rum 3" in page and "10:00" in page


# --- the pages ------------------------------------------------------------------------------

def test_bad_input_is_a_swedish_message_and_nothing_is_written(alice, couple, client):
    client.force_login(alice)
    case = couple["case"]
    url = reverse("booking_new", kwargs={"case_id": case.pk})
    response = client.post(url, {"kind": "individual", "participants": [couple["woman"].pk],
                                 "day": "2020-01-01", "start": "09:00", "minutes": "60", "mode": "visit",
                                 "place": "Rum 1"})
    assert response.status_code == 400 and "Ett möte bokas framåt i tiden." in response.content.decode()
    response = client.post(url, {"kind": "individual", "day": "inte ett datum", "minutes": "7"})
    assert response.status_code == 400
    assert not BookedMeeting.objects.exists()
    assert client.get(reverse("meeting_calendar") + "?vecka=2026-W99").status_code == 400
    b = book(alice, couple)
    detail = reverse("booking_detail", kwargs={"case_id": case.pk, "booking_id": b.pk})
    assert client.post(detail, {"action": "explode"}).status_code == 400
    response = client.post(detail, {"action": "move", "move-day": TOMORROW.isoformat(), "move-start": "25:00",
                                    "move-minutes": "60", "move-mode": "visit", "move-place": "Rum 1"})
    assert response.status_code == 400
    b.refresh_from_db()
    assert b.sequence == 0


def test_calendar_pages_are_logged_and_kept_to_the_unit(alice, bob, charlie, couple, client):
    b = book(alice, couple)
    week = f"?vecka={calendar.iso_week(TOMORROW)}"
    client.force_login(bob)
    page = client.get(reverse("meeting_calendar_user", kwargs={"user_id": alice.pk}) + week).content.decode()
    assert couple["case"].reference in page and "Sara Lind" in page
    assert AccessLogEntry.objects.filter(actor=bob, object_type="case", object_id=str(b.case_id),
                                         summary="Läst kalender").exists()
    client.force_login(charlie)
    assert client.get(reverse("meeting_calendar_user", kwargs={"user_id": alice.pk})).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("meeting_calendar_user", kwargs={"user_id": bob.pk})).status_code == 404
    kallelse = reverse("booking_kallelse", kwargs={"case_id": b.case_id, "booking_id": b.pk,
                                                   "person_id": couple["man"].pk})
    assert client.get(kallelse).status_code == 404  # he is not invited to her meeting
