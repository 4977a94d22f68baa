"""Issue 17: moving a case, two users at the same moment on PostgreSQL (threads released
together).  One handover per case, one answer per handover, one taker per case."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lika.accounts.models import Unit
from lika.cases import case_moves
from lika.cases.models import Case, CaseHandover
from tests import threads
from tests.cases.factories import single_case
from tests.conftest import _user

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    return threads.race(*calls, expected=(ValidationError, PermissionDenied))


@pytest.fixture
def unit_c(municipality):
    return Unit.objects.create(municipality=municipality, name="Försörjningsstöd Väster", code="vaster")


def test_two_managers_hand_the_same_case_over_at_once(unit_a, unit_b, unit_c, bob):
    case = single_case(unit_a)[0]
    other_manager = _user("bodil", "unit_manager", unit_a, "Bodil", "Bengtsson")
    results = race(
        lambda: case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Till Söder"),
        lambda: case_moves.handover_send(acting_user=other_manager, case=case, to_unit=unit_c, message="Till Väster"),
    )
    assert sum(isinstance(r, CaseHandover) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert CaseHandover.objects.filter(case=case, status="sent").count() == 1


def test_accept_and_withdraw_at_once_leave_one_outcome(unit_a, unit_b, bob):
    berit = _user("berit", "unit_manager", unit_b, "Berit", "Björk")
    case = single_case(unit_a)[0]
    handover = case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Till Söder")
    results = race(
        lambda: case_moves.handover_answer(acting_user=berit, handover=handover, accept=True),
        lambda: case_moves.handover_withdraw(acting_user=bob, handover=handover),
    )
    assert sum(isinstance(r, CaseHandover) for r in results) == 1
    handover.refresh_from_db()
    case.refresh_from_db()
    assert (handover.status == "accepted") == (case.unit_id == unit_b.pk)
    assert handover.status in ("accepted", "withdrawn")


def test_two_case_workers_take_the_same_case_at_once(unit_a, alice):
    dana = _user("dana", "case_worker", unit_a, "Dana", "Dahl")
    case = single_case(unit_a)[0]
    results = race(lambda: case_moves.case_take(acting_user=alice, case=case),
                   lambda: case_moves.case_take(acting_user=dana, case=case))
    assert sum(isinstance(r, Case) for r in results) == 1
    winner = next(r for r in results if isinstance(r, Case))
    assert Case.objects.get(pk=case.pk).case_worker_id == winner.case_worker_id
