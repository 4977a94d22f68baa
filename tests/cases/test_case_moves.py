"""Issue 17, moving a case: to another case worker of the unit (the enhetschef assigns,
a case worker takes an unassigned case) and to another unit (handed over, accepted or
declined); the access log, unit isolation and one open handover per case."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from lika.accounts.models import Unit
from lika.audit.models import AccessLogEntry
from lika.cases import case_moves
from lika.cases.models import Case, CaseHandover
from lika.households.models import Household
from tests.cases.factories import couple_case, single_case
from tests.conftest import PASSWORD, _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(unit_a):
    """A second case worker in unit A."""
    return _user("dana", "case_worker", unit_a, "Dana", "Dahl")


@pytest.fixture
def berit(unit_b):
    """Unit manager of unit B."""
    return _user("berit", "unit_manager", unit_b, "Berit", "Björk")


@pytest.fixture
def case(unit_a, alice):
    return couple_case(unit_a, case_worker=alice)[0]


ASSIGN = [
    # (actor, to, error: None, "perm" or a field/message)
    ("bob", "dana", None),
    ("bob", None, None),
    ("bob", "bob", None),  # the manager may handle a case herself
    ("bob", "charlie", "case_worker"),  # another unit's case worker
    ("alice", "dana", "perm"),  # a case worker does not assign
    ("charlie", "dana", "perm"),
]


@pytest.mark.parametrize(("actor", "to", "error"), ASSIGN)
def test_the_manager_assigns_a_case_within_the_unit(request, case, bob, dana, charlie, actor, to, error):
    actor, to = request.getfixturevalue(actor), request.getfixturevalue(to) if to else None
    before = case.case_worker_id
    if error == "perm":
        with pytest.raises(PermissionDenied):
            case_moves.case_assign(acting_user=actor, case_ids=[case.pk], case_worker=to)
    elif error:
        with pytest.raises(ValidationError) as exc:
            case_moves.case_assign(acting_user=actor, case_ids=[case.pk], case_worker=to)
        assert error in exc.value.message_dict
    else:
        case_moves.case_assign(acting_user=actor, case_ids=[case.pk], case_worker=to)
        row = AccessLogEntry.objects.filter(object_type="case", object_id=str(case.pk), action="update").get()
        assert row.old_values == {"case_worker": before}
        assert row.new_values == {"case_worker": to.pk if to else None}
        assert row.household_id == case.household_id
    case.refresh_from_db()
    assert case.case_worker_id == (before if error else (to.pk if to else None))


def test_several_cases_are_assigned_at_once_or_none(unit_a, unit_b, bob, dana, alice):
    mine = [couple_case(unit_a, case_worker=alice)[0], single_case(unit_a)[0]]
    changed = case_moves.case_assign(acting_user=bob, case_ids=[c.pk for c in mine], case_worker=dana)
    assert len(changed) == 2
    assert set(Case.objects.filter(pk__in=[c.pk for c in mine]).values_list("case_worker", flat=True)) == {dana.pk}
    other = single_case(unit_b)[0]
    with pytest.raises(PermissionDenied):
        case_moves.case_assign(acting_user=bob, case_ids=[mine[0].pk, other.pk], case_worker=alice)
    assert Case.objects.get(pk=mine[0].pk).case_worker_id == dana.pk  # all or none
    closed = single_case(unit_a)[0]
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_on=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="avslutat"):
        case_moves.case_assign(acting_user=bob, case_ids=[closed.pk], case_worker=alice)
    with pytest.raises(ValidationError):
        case_moves.case_assign(acting_user=bob, case_ids=[], case_worker=alice)


TAKE = [
    # (the case's worker, who takes, outcome)
    (None, "dana", "taken"),
    ("alice", "dana", "refused"),
    ("dana", "dana", "taken"),  # already hers: nothing changes
    (None, "charlie", "perm"),  # another unit
]


@pytest.mark.parametrize(("worker", "taker", "outcome"), TAKE)
def test_a_case_worker_takes_a_case_without_a_case_worker(request, unit_a, alice, dana, charlie, worker, taker,
                                                          outcome):
    case = single_case(unit_a, case_worker=request.getfixturevalue(worker) if worker else None)[0]
    taker = request.getfixturevalue(taker)
    if outcome == "perm":
        with pytest.raises(PermissionDenied):
            case_moves.case_take(acting_user=taker, case=case)
    elif outcome == "refused":
        with pytest.raises(ValidationError, match="redan en handläggare"):
            case_moves.case_take(acting_user=taker, case=case)
    else:
        case_moves.case_take(acting_user=taker, case=case)
    case.refresh_from_db()
    expected = taker if outcome == "taken" else (request.getfixturevalue(worker) if worker else None)
    assert case.case_worker == expected


HANDOVER = [
    # (actor, to unit, message, error)
    ("bob", "unit_b", "Hushållet har flyttat till Söder", None),
    ("bob", "unit_b", "", "message"),
    ("bob", "unit_b", "x" * 1001, "message"),
    ("bob", "unit_a", "Fel", "to_unit"),
    ("bob", None, "Fel", "to_unit"),
    ("alice", "unit_b", "Inte chef", "perm"),
    ("berit", "unit_a", "Annan enhets ärende", "perm"),
]


@pytest.mark.parametrize(("actor", "to", "message", "error"), HANDOVER)
def test_the_manager_hands_a_case_over_with_a_message(request, case, bob, berit, unit_b, actor, to, message,
                                                      error):
    actor, to = request.getfixturevalue(actor), request.getfixturevalue(to) if to else None
    call = dict(acting_user=actor, case=case, to_unit=to, message=message)
    if error == "perm":
        with pytest.raises(PermissionDenied):
            case_moves.handover_send(**call)
    elif error:
        with pytest.raises(ValidationError) as exc:
            case_moves.handover_send(**call)
        assert error in exc.value.message_dict
    else:
        handover = case_moves.handover_send(**call)
        assert (handover.from_unit_id, handover.to_unit_id, handover.status) == (case.unit_id, to.pk, "sent")
        row = AccessLogEntry.objects.get(object_type="case_handover", actor=bob)
        assert row.household_id == case.household_id and row.new_values["to_unit"] == to.pk
        with pytest.raises(ValidationError, match="redan överlämnat"):
            case_moves.handover_send(**call)
    assert CaseHandover.objects.count() == (0 if error else 1)


def test_another_unit_in_another_municipality_is_not_a_choice(case, bob, municipality):
    from lika.accounts.models import Municipality

    elsewhere = Unit.objects.create(municipality=Municipality.objects.create(name="Annanby", code="9998"),
                                    name="Annanby FS", code="fs")
    with pytest.raises(ValidationError) as exc:
        case_moves.handover_send(acting_user=bob, case=case, to_unit=elsewhere, message="Flyttat")
    assert "to_unit" in exc.value.message_dict
    assert elsewhere not in case_moves.other_units(bob)


def test_accepting_moves_the_case_and_the_old_unit_gets_404(client, case, alice, bob, berit, unit_b):
    handover = case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Flyttat till Söder")
    with pytest.raises(PermissionDenied):  # the sending unit does not answer its own
        case_moves.handover_answer(acting_user=bob, handover=handover, accept=True)
    case_moves.handover_answer(acting_user=berit, handover=handover, accept=True)
    case.refresh_from_db()
    assert (case.unit_id, case.case_worker_id) == (unit_b.pk, None)
    assert Household.objects.get(pk=case.household_id).unit_id == unit_b.pk
    moved = AccessLogEntry.objects.get(object_type="case", summary="Ärendet flyttat till enheten")
    assert moved.actor == berit and moved.old_values["unit"] == bob.unit_id and moved.new_values["unit"] == unit_b.pk
    assert AccessLogEntry.objects.filter(object_type="case_handover", actor=bob).exists()  # the sender's row
    assert AccessLogEntry.objects.filter(object_type="case_handover", actor=berit).exists()  # the receiver's
    client.login(username="alice", password=PASSWORD)
    for name in ("case_detail", "case_move"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404
    client.login(username="berit", password=PASSWORD)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    with pytest.raises(ValidationError, match="redan besvarad"):
        case_moves.handover_answer(acting_user=berit, handover=handover, accept=False, answer="Nej")


ANSWERS = [
    # (accept, answer, error)
    (False, "Hushållet bor kvar hos er", None),
    (False, "", "answer"),
    (True, "", None),
    (True, "x" * 1001, "answer"),
]


@pytest.mark.parametrize(("accept", "answer", "error"), ANSWERS)
def test_the_receiving_manager_accepts_or_declines_with_a_reason(case, bob, berit, unit_a, unit_b, accept, answer,
                                                                 error):
    handover = case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Flyttat")
    if error:
        with pytest.raises(ValidationError) as exc:
            case_moves.handover_answer(acting_user=berit, handover=handover, accept=accept, answer=answer)
        assert error in exc.value.message_dict
        assert CaseHandover.objects.get(pk=handover.pk).status == "sent"
        return
    case_moves.handover_answer(acting_user=berit, handover=handover, accept=accept, answer=answer)
    case.refresh_from_db()
    assert case.unit_id == (unit_b.pk if accept else unit_a.pk)
    assert CaseHandover.objects.get(pk=handover.pk).status == ("accepted" if accept else "declined")
    # a declined case can be handed over again
    if not accept:
        case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Igen")


def test_a_withdrawn_handover_cannot_be_accepted(case, bob, berit, unit_b):
    handover = case_moves.handover_send(acting_user=bob, case=case, to_unit=unit_b, message="Flyttat")
    with pytest.raises(PermissionDenied):
        case_moves.handover_withdraw(acting_user=berit, handover=handover)
    case_moves.handover_withdraw(acting_user=bob, handover=handover)
    with pytest.raises(ValidationError, match="återkallad"):
        case_moves.handover_answer(acting_user=berit, handover=handover, accept=True)
    assert Case.objects.get(pk=case.pk).unit_id == bob.unit_id


def test_the_database_allows_one_open_handover_per_case(case, bob, unit_a, unit_b):
    CaseHandover.objects.create(case=case, from_unit=unit_a, to_unit=unit_b, message="Ett", sent_by=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseHandover.objects.create(case=case, from_unit=unit_a, to_unit=unit_b, message="Två", sent_by=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseHandover.objects.create(case=single_case(unit_a)[0], from_unit=unit_a, to_unit=unit_a, message="Själv",
                                    sent_by=bob)


def test_the_pages_move_a_case(client, case, alice, bob, dana, berit, charlie, unit_a, unit_b):
    url = reverse("case_move", args=[case.pk])
    client.login(username="charlie", password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "take"}).status_code == 404
    client.login(username="alice", password=PASSWORD)
    page = client.get(url).content.decode()
    assert "Alice Andersson" in page and 'value="handover"' not in page
    assert client.post(url, {"action": "assign", "assign-case_worker": dana.pk}).status_code == 403
    client.login(username="bob", password=PASSWORD)
    response = client.post(url, {"action": "handover", "handover-to_unit": unit_b.pk, "handover-message": ""})
    assert response.status_code == 400 and 'id="id_handover-message_error"' in response.content.decode()
    assert client.post(url, {"action": "assign", "assign-case_worker": dana.pk}).status_code == 302
    assert Case.objects.get(pk=case.pk).case_worker == dana
    other = single_case(unit_a)[0]
    response = client.post(reverse("case_assign_many"), {"cases": [case.pk, other.pk],
                                                         "assign-case_worker": alice.pk})
    assert response.status_code == 302
    assert set(Case.objects.filter(pk__in=[case.pk, other.pk]).values_list("case_worker", flat=True)) == {alice.pk}
    assert client.post(url, {"action": "handover", "handover-to_unit": unit_b.pk,
                             "handover-message": "Hushållet har flyttat"}).status_code == 302
    client.login(username="berit", password=PASSWORD)
    handover = CaseHandover.objects.get()
    assert "Hushållet har flyttat" in client.get(reverse("case_handovers")).content.decode()
    response = client.post(reverse("case_handovers"), {"handover": handover.pk, f"h{handover.pk}-accept": "yes"})
    assert response.status_code == 302 and response["Location"] == url
    assert Case.objects.get(pk=case.pk).unit_id == unit_b.pk
    client.login(username="bob", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="charlie", password=PASSWORD)  # now unit B's case worker takes it
    assert client.post(url, {"action": "take"}).status_code == 302
    assert Case.objects.get(pk=case.pk).case_worker == charlie
