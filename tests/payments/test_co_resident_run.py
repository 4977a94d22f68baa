"""The payment run with a co-resident in the dwelling (docs/casework.md): she is no member,
so she does not make the household's composition differ from the decision's calculation and
gets no order; but a co-resident who moves in or out after the decision changes the share of
the common costs the decision was made on, so the household is held for a new calculation."""

from datetime import date

import pytest

from lika.cases import services
from lika.households.models import HouseholdMembership
from lika.payments.models import PaymentHold, PaymentOrder
from tests.cases.factories import couple_case, person
from tests.payments.test_run import _decide, _run

LODGER_BORN = date(1970, 1, 1)


def _lodger(case, since):
    return HouseholdMembership.objects.create(household=case.household, role="co_resident", valid_from=since,
                                              person=person("Sam", "Ek", LODGER_BORN, "M"))


@pytest.fixture
def with_co_resident(unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    lodger = _lodger(case, date(2026, 1, 1))
    decision = _decide(case, alice, woman)
    assert decision.calculation.input["household_size"] == 5
    return case, decision, lodger


def test_a_household_with_a_co_resident_is_paid_to_its_own_adults_only(with_co_resident, petra):
    case, decision, lodger = with_co_resident
    _run(petra)
    orders = list(PaymentOrder.objects.filter(decision=decision))
    assert len(orders) == 2 and lodger.person_id not in {o.person_id for o in orders}
    assert sum(o.amount for o in orders) == decision.granted_amount
    assert not PaymentHold.objects.filter(decision=decision).exists()


def test_a_co_resident_who_moves_out_after_the_decision_holds_the_payment(with_co_resident, alice, petra):
    case, decision, lodger = with_co_resident
    services.membership_end(acting_user=alice, case=case, membership=lodger, last_day=date(2026, 11, 30))
    run = _run(petra)
    assert {h.reason for h in PaymentHold.objects.filter(run=run, decision=decision)} == {
        PaymentHold.Reason.COMPOSITION_CHANGED}


def test_a_co_resident_who_moves_in_after_the_decision_holds_the_payment(unit_a, alice, petra):
    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    decision = _decide(case, alice, woman)
    _lodger(case, date(2026, 12, 10))
    run = _run(petra)
    assert {h.reason for h in PaymentHold.objects.filter(run=run, decision=decision)} == {
        PaymentHold.Reason.COMPOSITION_CHANGED}
