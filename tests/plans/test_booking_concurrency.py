"""Issue 17: two bookings for one case worker at the same moment, on PostgreSQL with real
threads released together: overlapping times and the very same start.  One wins, the
other gets a Swedish message; she is never double-booked."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from lika.accounts.models import User
from lika.cases.models import Case
from lika.households.models import Person
from lika.plans import booking
from lika.plans.models import BookedMeeting
from tests import threads
from tests.cases.factories import couple_case

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]

DAY = timezone.localdate() + timedelta(days=2)


def at(hour, minute=0):
    return timezone.make_aware(datetime.combine(DAY, time(hour, minute)))


@pytest.fixture(autouse=True)
def _slow_after_the_check(monkeypatch):
    """Wait after the overlap check, so that without the lock both bookings would pass it
    before either is written (the test then fails: it proves the lock)."""
    import time as clock

    checked = booking._check_free

    def slow(*args, **kwargs):
        checked(*args, **kwargs)
        clock.sleep(0.5)

    monkeypatch.setattr(booking, "_check_free", slow)


def _book(user_id, case_id, person_id, start, minutes=60):
    return lambda: booking.booking_create(
        acting_user=User.objects.get(pk=user_id), case=Case.objects.get(pk=case_id), starts_at=start,
        minutes=minutes, kind="individual", participants=[Person.objects.get(pk=person_id)], place="Rum 1")


@pytest.mark.parametrize("second_start", [(10, 0), (10, 30), (9, 15)])
def test_two_bookings_at_once_never_double_book_her(unit_a, alice, second_start):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    first, second = threads.race(_book(alice.pk, case.pk, woman.pk, at(10)),
                                 _book(alice.pk, case.pk, man.pk, at(*second_start)),
                                 expected=(ValidationError, PermissionDenied))
    outcomes = [isinstance(r, BookedMeeting) for r in (first, second)]
    assert sorted(outcomes) == [False, True], (first, second)
    refused = first if not outcomes[0] else second
    assert "starts_at" in refused.error_dict
    assert BookedMeeting.objects.filter(case_worker=alice, status="booked").count() == 1


def test_a_move_and_a_booking_at_once(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    existing = booking.booking_create(acting_user=alice, case=case, starts_at=at(8), minutes=30,
                                      kind="individual", participants=[woman], place="Rum 1")

    def move():
        return booking.booking_move(acting_user=User.objects.get(pk=alice.pk),
                                    booking=BookedMeeting.objects.get(pk=existing.pk), starts_at=at(14), minutes=60)

    results = threads.race(move, _book(alice.pk, case.pk, man.pk, at(14, 30)),
                           expected=(ValidationError, PermissionDenied))
    assert sum(isinstance(r, BookedMeeting) for r in results) == 1, results
    rows = list(BookedMeeting.objects.filter(case_worker=alice, status="booked").order_by("starts_at"))
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.ends_at <= b.starts_at
