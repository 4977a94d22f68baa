"""Issue 13: a changed decision (ändringsbeslut) is paid only what is still owed, an
overpayment is recorded, never both decisions in full — in the run and in the database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import JournalNote
from lika.payments import services as payments
from lika.payments.models import PaymentOffset, PaymentOrder, PaymentRun
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)


def _adults(case):
    return [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]


def _lines(application):
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    return [LineDecision("granted")] * rows


def _first(case, user, housing=700000):
    application = services.application_create(acting_user=user, case=case, month=MONTH,
                                              applicant=_adults(case)[0])
    _entries(application, user, housing)
    application.refresh_from_db()
    return decisions.decision_make(acting_user=user, application=application, lines=_lines(application), acknowledge_provisional=True)


def _entries(application, user, housing):
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", housing)],
                                      obstacles={p.pk: "unemployed" for p in _adults(application.case)})
    services.calculation_make(acting_user=user, application=application)


def _change(decision, user, housing, **kwargs):
    decisions.decision_change_start(acting_user=user, decision=decision)
    application = decision.application
    _entries(application, user, housing)
    application.refresh_from_db()
    return decisions.decision_make(acting_user=user, application=application, lines=_lines(application),
                                   change_reason="Ändrad hyra", **kwargs, acknowledge_provisional=True)


def _paid_run(petra, bob):
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    run = payments.payment_run_prepare(acting_user=petra, run=run)
    assert payments.reconciliation(run) == []
    run = payments.payment_run_attest(acting_user=bob, run=run)
    PaymentRun.objects.filter(pk=run.pk).update(status="exported")
    run.refresh_from_db()
    return run


def _live_by_person(case):
    out = {}
    for order in PaymentOrder.objects.filter(decision__application__case=case).exclude(status__in=("rejected",
                                                                                                      "returned")):
        out[order.person_id] = out.get(order.person_id, 0) + order.amount
    return out


@pytest.fixture
def setting(unit_a, alice, bob):
    bob.can_attest_payments = True
    bob.save()
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man


def test_a_raised_decision_pays_each_adult_only_the_difference(setting, alice, petra, bob):
    case, woman, man = setting
    first = _first(case, alice)
    _paid_run(petra, bob)
    second = _change(first, alice, housing=900000)
    assert second.granted_amount == first.granted_amount + 200000
    run = _paid_run(petra, bob)
    orders = list(run.orders.all())
    assert sorted(o.amount for o in orders) == [100000, 100000], "the 2 000 kr raise, split"
    assert all("ändrat beslut" in o.remittance for o in orders)
    shares = {s.person_id: s.amount for s in second.shares.all()}
    assert _live_by_person(case) == shares, "each adult has in all exactly the new decision's share"


def test_a_lowered_decision_pays_nothing_and_records_the_overpayment(setting, alice, petra, bob):
    case, woman, man = setting
    first = _first(case, alice, housing=900000)
    _paid_run(petra, bob)
    second = _change(first, alice, housing=700000)
    run = _paid_run(petra, bob)
    assert not run.orders.exists()
    offsets = {o.person_id: o for o in PaymentOffset.objects.filter(decision=second)}
    assert {o.overpaid for o in offsets.values()} == {100000} and {o.to_pay for o in offsets.values()} == {0}
    note = JournalNote.objects.filter(case=case).latest("written_at")
    assert "1000,00 kr för mycket" in note.text and "återkräva" in note.text


def test_a_change_to_one_adult_pays_her_the_rest_and_records_his_half_as_overpaid(setting, alice, petra, bob):
    case, woman, man = setting
    first = _first(case, alice)
    _paid_run(petra, bob)
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="other",
                                            reason_text="Partnern på institution", valid_from=MONTH)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    second = _change(first, alice, housing=700000, payment_mode="single", exception_id=exception.pk)
    run = _paid_run(petra, bob)
    [order] = run.orders.all()
    paid_before = {s.person_id: s.amount for s in first.shares.all()}
    assert order.person_id == woman.pk and order.amount == second.granted_amount - paid_before[woman.pk]
    his = PaymentOffset.objects.get(decision=second, person=man)
    assert his.share_id is None and his.overpaid == paid_before[man.pk] and his.to_pay == 0


def test_a_decision_changed_before_any_run_is_paid_once_in_full(setting, alice, petra, bob):
    case, _woman, _man = setting
    first = _first(case, alice)
    second = _change(first, alice, housing=900000)
    run = _paid_run(petra, bob)
    assert not run.orders.filter(decision=first).exists()
    assert sum(o.amount for o in run.orders.all()) == second.granted_amount


def test_the_database_refuses_paying_a_changed_decision_in_full(setting, alice, petra, bob):
    case, _woman, _man = setting
    first = _first(case, alice)
    _paid_run(petra, bob)
    second = _change(first, alice, housing=900000)
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    share = second.shares.first()
    values = dict(run=run, share=share, decision=second, person=share.person, payee_name="X",
                  iban="SE4550000000058398257466", remittance="x", end_to_end_id="LIKA-x-1")
    with pytest.raises(IntegrityError, match="decision in force owes"), transaction.atomic():
        PaymentOrder.objects.create(amount=share.amount, **values)  # no offset: refused
    # the superseded decision's share, its payment returned (so no live order holds it):
    # a new order on it (not a re-issue) is refused too
    returned = PaymentOrder.objects.filter(decision=first).first()
    payments.payment_statuses_apply(acting_user=petra, updates=[(returned.end_to_end_id, "returned", "AC04")])
    with pytest.raises(IntegrityError, match="decision in force owes"), transaction.atomic():
        PaymentOrder.objects.create(amount=returned.amount, **{**values, "share": returned.share,
                                                               "decision": first, "end_to_end_id": "LIKA-y-1"})


def test_a_return_counted_by_the_change_is_paid_again_and_one_not_counted_is_not(setting, alice, petra, bob):
    case, woman, man = setting
    first = _first(case, alice)
    _paid_run(petra, bob)
    his, hers = (PaymentOrder.objects.get(decision=first, person=p) for p in (man, woman))
    # his payment comes back before the change is settled: the change pays it itself
    payments.payment_statuses_apply(acting_user=petra, updates=[(his.end_to_end_id, "returned", "AC04")])
    second = _change(first, alice, housing=900000)
    _paid_run(petra, bob)
    assert _live_by_person(case) == {s.person_id: s.amount for s in second.shares.all()}
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    his.refresh_from_db()
    with pytest.raises(ValidationError, match="har ändrats"):
        payments.payment_order_reissue(acting_user=petra, order=his, run=run)
    # hers comes back after the change counted it as paid: it is still owed, and is paid again
    payments.payment_statuses_apply(acting_user=petra, updates=[(hers.end_to_end_id, "returned", "AC04")])
    hers.refresh_from_db()
    again = payments.payment_order_reissue(acting_user=petra, order=hers, run=run)
    assert again.amount == hers.amount
    assert _live_by_person(case) == {s.person_id: s.amount for s in second.shares.all()}


def test_a_superseded_decisions_share_is_not_prepared(setting, alice, petra, bob):
    case, _woman, _man = setting
    first = _first(case, alice)
    pending = payments._shares(payments.eligible_shares(MONTH))
    assert {s.decision_id for s in pending} == {first.pk}
    _change(first, alice, housing=900000)
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    with transaction.atomic():
        made = payments._prepare_batch(run, pending)  # read before the change, written after it
    assert made == 0 and not run.orders.exists(), "the batch reads the decisions again under lock"
